// What the API layers ask of the integration layer's long-lived services, as interfaces: the
// request context (schema/context.ts) and the commands name these, not the classes that
// implement them (SyncEngine, ChangeBus), so either can be replaced or wrapped without the
// schema knowing.
import type { Connector } from "../../connectors/contract.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { Change } from "../change-bus.js";
import type { RunReport } from "../sync/engine.js";

/** The sync engine as the API drives it (integration/sync/engine.ts implements it). */
export interface SyncControl {
  /** The registered connector with this id. */
  connector(id: string): Connector | undefined;
  /** Run a connector's sync now; resolves with what the run did. */
  run(id: string): Promise<RunReport>;
  /** Map a connector's unresolved quarantined records again. */
  retryQuarantined(id: string): Promise<{ retried: number; ingested: number; quarantined: number }>;
  /** Pause, resume or retire a connector; its schedule follows at once. */
  setState(id: string, state: "ACTIVE" | "PAUSED" | "REMOVED"): Promise<void>;
  /** Map the records a connector already read again, with its current mapping. */
  replay(id: string): Promise<RunReport>;
  /** Add or replace a connector (a declarative one with the definition it was built from). */
  register(
    connector: Connector,
    kind: "BUILTIN" | "DECLARATIVE",
    definition?: Prisma.InputJsonValue,
  ): Promise<void>;
}

/** Changes to the graph as they are committed (integration/change-bus.ts implements it). */
export interface ChangeFeed {
  subscribe(filter: (change: Change) => boolean, signal?: AbortSignal): AsyncIterable<Change>;
}
