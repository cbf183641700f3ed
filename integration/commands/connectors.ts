// Commands on connectors (数据接入): run one now, retry its quarantine, register a declarative
// one, pause / resume / retire one, and preview a definition before registering it. Who may is
// the API's role check (connector_admin); what each needs is passed in, nothing more.
import { z } from "zod";
import { SourceHostRefused } from "../../connectors/declarative/hosts.js";
import {
  PREVIEW_MAX_RECORDS,
  type PreviewResult,
  previewConnector,
} from "../../connectors/declarative/preview.js";
import type { Db } from "../../prisma/db.js";
import { DefinitionRejected, registerDeclarative } from "../declarative-registry.js";
import { locateAll, unplacedTexts } from "../gazetteer.js";
import type { RunReport } from "../sync/engine.js";
import { CommandError, notFound } from "./errors.js";
import type { SyncControl } from "./ports.js";

export const CONNECTOR_STATES = ["ACTIVE", "PAUSED", "REMOVED"] as const;
export type ConnectorState = (typeof CONNECTOR_STATES)[number];

export { PREVIEW_MAX_RECORDS };

/** How many records a preview may fetch: declared on the API's `limit` argument. */
export const previewLimitSchema = z
  .number()
  .int()
  .min(1, `limit must be 1–${PREVIEW_MAX_RECORDS}`)
  .max(PREVIEW_MAX_RECORDS, `limit must be 1–${PREVIEW_MAX_RECORDS}`);

/** What a preview may take before it gives up on the source. */
const PREVIEW_TIMEOUT_MS = 30_000;

function requireConnector(sync: SyncControl, connectorId: string): void {
  if (!sync.connector(connectorId)) throw notFound("connector", connectorId);
}

export async function triggerSync(
  input: { connectorId: string },
  deps: { sync: SyncControl },
): Promise<RunReport> {
  requireConnector(deps.sync, input.connectorId);
  return deps.sync.run(input.connectorId);
}

export interface RetryOutcome {
  retried: number;
  ingested: number;
  stillQuarantined: number;
}

export async function retryQuarantined(
  input: { connectorId: string },
  deps: { sync: SyncControl },
): Promise<RetryOutcome> {
  requireConnector(deps.sync, input.connectorId);
  const r = await deps.sync.retryQuarantined(input.connectorId);
  return { retried: r.retried, ingested: r.ingested, stillQuarantined: r.quarantined };
}

/**
 * Register (or replace) a declarative connector; an invalid definition names its first wrong path.
 * The definition is validated here, not on the API's argument: its parser (zod, then JSONata and
 * cross-checks, connectors/declarative/definition.ts) reports every error with its path at once.
 */
export async function registerConnector(
  input: { definition: unknown },
  deps: { db: Db; sync: SyncControl },
): Promise<{ id: string }> {
  try {
    const definition = await registerDeclarative(deps.db, deps.sync, input.definition);
    return { id: definition.manifest.id };
  } catch (e) {
    if (!(e instanceof DefinitionRejected)) throw hostRefusal(e);
    const first = e.errors[0]!;
    throw new CommandError("BAD_USER_INPUT", `invalid connector definition: ${e.message}`, {
      field: `definition.${first.path}`,
      errors: e.errors,
    });
  }
}

export async function setConnectorState(
  input: { connectorId: string; state: ConnectorState },
  deps: { db: Db; sync: SyncControl },
): Promise<{ id: string }> {
  const found = await deps.db.connector.findUnique({
    where: { id: input.connectorId },
    select: { id: true },
  });
  if (!found) throw notFound("connector", input.connectorId);
  await deps.sync.setState(input.connectorId, input.state); // the schedule follows at once
  return { id: input.connectorId };
}

/** Map what a connector already read again with its current mapping; resets circuit and last error. */
export async function replayConnector(
  input: { connectorId: string },
  deps: { db: Db; sync: SyncControl },
): Promise<RunReport> {
  const found = await deps.db.connector.findUnique({
    where: { id: input.connectorId },
    select: { id: true },
  });
  if (!found) throw notFound("connector", input.connectorId);
  return deps.sync.replay(input.connectorId);
}

/** An address text of a previewed record that comes without a division code, as ingest would place it. */
export interface PreviewPlacement {
  text: string;
  /** The area it would land in (null: the city's 市外 or 区划不明, see `outside`). */
  areaCode: string | null;
  level: string | null;
  outside: boolean;
  /** How sure the gazetteer is (null: unresolved). */
  confidence: number | null;
  /** The standard address it was matched to. */
  standardAddress: string | null;
  /** Why a standard address alike was not taken. */
  doubt: string | null;
}

export type PreviewWithPlacements = Omit<PreviewResult, "records"> & {
  records: (PreviewResult["records"][number] & { placements: PreviewPlacement[] })[];
};

/**
 * Fetch and map the first records of a definition without registering it (nothing is stored),
 * with where the hub's gazetteer would place each address text that has no division code.
 */
export async function previewDefinition(
  input: { definition: unknown; limit: number },
  deps: { db: Db },
): Promise<PreviewWithPlacements> {
  let preview: PreviewResult;
  try {
    preview = await previewConnector(input.definition, {
      limit: input.limit,
      signal: AbortSignal.timeout(PREVIEW_TIMEOUT_MS),
    });
  } catch (e) {
    throw hostRefusal(e);
  }
  const texts = preview.records.map((r) => [...new Set((r.drafts ?? []).flatMap(unplacedTexts))]);
  const located = await locateAll(deps.db, texts.flat());
  return {
    ...preview,
    records: preview.records.map((r, i) => ({
      ...r,
      placements: texts[i]!.map((text) => {
        const l = located.get(text) ?? null;
        return {
          text,
          areaCode: l?.code ?? null,
          level: l?.level ?? null,
          outside: l?.outside ?? false,
          confidence: l?.confidence ?? null,
          standardAddress: l?.address?.fullText ?? null,
          doubt: l?.doubt ?? null,
        };
      }),
    })),
  };
}

/** A source off the department-host allow-list: FORBIDDEN, naming the field and the host. */
function hostRefusal(e: unknown): unknown {
  if (!(e instanceof SourceHostRefused)) return e;
  return new CommandError("FORBIDDEN", e.message, {
    field: "definition.source.endpoint",
    host: e.host,
    reason: "HOST_NOT_ALLOWED",
  });
}
