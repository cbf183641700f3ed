// Fields served live from a department system at query time: one upstream call per request per
// connector and lookup (DataLoader batches the keys of a tick), results matched to keys by id,
// never by position, bounded by a timeout. A source that fails makes the field null with an
// error naming the connector; the rest of the response is unaffected.
import DataLoader from "dataloader";
import { GraphQLError } from "graphql";
import type { JsonValue } from "../connectors/contract.js";
import type { SyncEngine } from "../integration/sync/engine.js";

export const LOOKUP_TIMEOUT_MS = 3_000;

export class UpstreamLookupError extends GraphQLError {
  constructor(connectorId: string, reason: string) {
    super(`${connectorId} is unavailable: ${reason}`, {
      extensions: { code: "UPSTREAM_UNAVAILABLE", connector: connectorId },
    });
  }
}

export function createLookupLoaders(sync: SyncEngine, timeoutMs = LOOKUP_TIMEOUT_MS) {
  const loaders = new Map<string, DataLoader<string, JsonValue | null>>();
  return {
    /** The loader for one connector's named lookup (created on first use in the request). */
    lookup(connectorId: string, name: string): DataLoader<string, JsonValue | null> {
      const key = `${connectorId}\u0000${name}`;
      let loader = loaders.get(key);
      if (!loader) {
        loader = new DataLoader<string, JsonValue | null>(
          async (keys) => {
            const connector = sync.connector(connectorId);
            if (!connector?.lookup)
              throw new UpstreamLookupError(connectorId, "connector has no live lookups");
            try {
              const found = await connector.lookup(name, keys, {
                signal: AbortSignal.timeout(timeoutMs),
                log: () => {},
              });
              return keys.map((k) => found.get(k) ?? null);
            } catch (e) {
              throw new UpstreamLookupError(connectorId, (e as Error).message);
            }
          },
          { maxBatchSize: 5_000 },
        );
        loaders.set(key, loader);
      }
      return loader;
    },
  };
}
