// Connectors registered at runtime, as data (connectors/declarative): validated, stored with
// their definition, registered with the sync engine, and restored when the hub restarts.
import { createDeclarativeConnector } from "../connectors/declarative/connector.js";
import { type DeclarativeDefinition, parseDefinition } from "../connectors/declarative/definition.js";
import type { PathError } from "../connectors/declarative/issues.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { Db } from "../prisma/db.js";
import type { SyncEngine } from "./sync/engine.js";

export class DefinitionRejected extends Error {
  constructor(readonly errors: PathError[]) {
    super(errors.map((e) => `${e.path}: ${e.message}`).join("; "));
  }
}

/** Validate, store and register; an existing declarative connector with the same id is replaced. */
export async function registerDeclarative(
  db: Db,
  sync: SyncEngine,
  input: unknown,
): Promise<DeclarativeDefinition> {
  const parsed = parseDefinition(input);
  if (!parsed.ok) throw new DefinitionRejected(parsed.errors);
  const definition = parsed.definition;
  const id = definition.manifest.id;
  const existing = await db.connector.findUnique({ where: { id }, select: { kind: true } });
  if (existing?.kind === "BUILTIN")
    throw new DefinitionRejected([{ path: "manifest.id", message: `"${id}" is a built-in connector's id` }]);
  const connector = createDeclarativeConnector(definition);
  await sync.register(connector, "DECLARATIVE", input as Prisma.InputJsonValue);
  // A replaced definition starts over: its cursor belongs to the old source description.
  if (existing) await db.connector.update({ where: { id }, data: { cursor: null, state: "ACTIVE" } });
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
