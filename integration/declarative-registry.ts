// Connectors registered at runtime, as data (connectors/declarative): validated, stored with
// their definition, registered with the sync engine, and restored when the hub restarts.
import { createDeclarativeConnector } from "../connectors/declarative/connector.js";
import { type DeclarativeDefinition, parseDefinition } from "../connectors/declarative/definition.js";
import type { PathError } from "../connectors/declarative/issues.js";
import { previewConnector } from "../connectors/declarative/preview.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { Db } from "../prisma/db.js";
import { stableJson } from "./ingest.js";
import type { SyncEngine } from "./sync/engine.js";

export class DefinitionRejected extends Error {
  constructor(readonly errors: PathError[]) {
    super(errors.map((e) => `${e.path}: ${e.message}`).join("; "));
  }
}

/** Records a registration reads from the source to check the definition against (as a preview). */
const REGISTRATION_PREVIEW_RECORDS = 50;

/**
 * Validate, store and register; an existing declarative connector with the same id is replaced.
 * The check is the preview's, run on the source's first records (connectors/declarative/preview.ts):
 * what a preview reports as wrong with the definition (unknown manifest keys, undeclared fields or
 * element kinds, a key column the source lacks, a source that cannot be read as declared) refuses
 * the registration, with the same paths and words. A replaced definition is applied to what was
 * already read: the stored records are mapped again (SyncEngine.replay), which also resets the
 * circuit and the last error. It then runs at once, and on its schedule.
 */
export async function registerDeclarative(
  db: Db,
  sync: Pick<SyncEngine, "register" | "replay">,
  input: unknown,
  options: { signal?: AbortSignal } = {},
): Promise<DeclarativeDefinition> {
  const parsed = parseDefinition(input);
  if (!parsed.ok) throw new DefinitionRejected(parsed.errors);
  const definition = parsed.definition;
  const id = definition.manifest.id;
  const existing = await db.connector.findUnique({ where: { id }, select: { kind: true, definition: true } });
  if (existing?.kind === "BUILTIN")
    throw new DefinitionRejected([{ path: "manifest.id", message: `"${id}" is a built-in connector's id` }]);
  const preview = await previewConnector(input, {
    limit: Math.min(definition.manifest.schedule.pageSize, REGISTRATION_PREVIEW_RECORDS),
    signal: options.signal ?? AbortSignal.timeout(30_000),
  });
  if (preview.errors.length > 0) throw new DefinitionRejected(preview.errors);
  if (existing) {
    // A new source description starts over (its cursor belongs to the old one); a new mapping
    // alone keeps the cursor: what was read is re-mapped below, not read again.
    const before = parseDefinition(existing.definition);
    const sameSource = before.ok && stableJson(before.definition.source) === stableJson(definition.source);
    await db.connector.update({
      where: { id },
      data: { state: "ACTIVE", ...(sameSource ? {} : { cursor: null }) },
    });
  }
  await sync.register(createDeclarativeConnector(definition), "DECLARATIVE", input as Prisma.InputJsonValue);
  if (existing) await sync.replay(id);
  return definition;
}

/** Register every stored declarative connector that is not removed; report the ones that fail. */
export async function restoreDeclarative(
  db: Db,
  sync: SyncEngine,
  log: (message: string, fields?: Record<string, unknown>) => void,
): Promise<string[]> {
  const rows = await db.connector.findMany({
    where: { kind: "DECLARATIVE", state: { not: "REMOVED" } },
    select: { id: true, definition: true },
    orderBy: { createdAt: "asc" },
  });
  const restored: string[] = [];
  for (const row of rows) {
    const parsed = parseDefinition(row.definition);
    if (!parsed.ok) {
      log("stored connector definition no longer valid; left unregistered", {
        connector: row.id,
        errors: parsed.errors,
      });
      continue;
    }
    await sync.register(createDeclarativeConnector(parsed.definition), "DECLARATIVE");
    restored.push(row.id);
  }
  return restored;
}
