// The area registry: areas and grids enter the graph here, whether from the demo tree or (later)
// from the grid-management connector. Idempotent: the same tree twice changes nothing.
import { AREA_LEVEL_RULES, type AreaLevel, checkAreaCode, childPath } from "../domain/area.js";
import type { Db, Tx } from "../prisma/db.js";
import { type Change, notifyAllStatement, notifyStatement } from "./change-bus.js";

export interface AreaInput {
  code: string;
  name: string;
  level: AreaLevel;
  parentCode: string | null;
  latitude?: number | null;
  longitude?: number | null;
}

export class AreaRegistryError extends Error {
  constructor(
    readonly code: "INVALID_AREA_CODE" | "UNKNOWN_PARENT" | "AREA_MOVE_UNSUPPORTED",
    readonly areaCode: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Insert or rename areas, level by level, and extend the closure table for the new ones; publish
 * each area created or renamed (topic AREA) in the same transaction, so that subscribers hear it
 * and every instance's caches of the tree forget what they knew (gateway/boot.ts).
 * Returns how many areas were created and updated.
 */
export async function upsertAreaTree(
  db: Db,
  input: readonly AreaInput[],
  /** "sync": the input is the registry's truth and names follow it; "insert-missing": existing areas stay as they are (demo seed). */
  mode: "sync" | "insert-missing" = "sync",
): Promise<{ created: number; updated: number }> {
  return db.$transaction((tx) => upsertAreaTreeIn(tx, input, mode), { timeout: 120_000 });
}

/** The same, inside the caller's transaction (a connector page commits with its cursor). */
export async function upsertAreaTreeIn(
  tx: Tx,
  input: readonly AreaInput[],
  mode: "sync" | "insert-missing" = "sync",
): Promise<{ created: number; updated: number }> {
  let created = 0;
  let updated = 0;
  const existing = new Map(
    (
      await tx.area.findMany({ select: { id: true, code: true, name: true, parentId: true, path: true } })
    ).map((a) => [a.code, a]),
  );
  const newIds: string[] = [];
  const changes: Change[] = [];
  const at = new Date().toISOString();
  // One multi-row insert per level: parents exist before their children are inserted.
  for (const level of Object.keys(AREA_LEVEL_RULES) as AreaLevel[]) {
    const toCreate = [];
    for (const area of input.filter((a) => a.level === level)) {
      const parent = area.parentCode ? existing.get(area.parentCode) : null;
      if (area.parentCode && !parent)
        throw new AreaRegistryError(
          "UNKNOWN_PARENT",
          area.code,
          `area ${area.code}: parent ${area.parentCode} is unknown`,
        );
      const problem = checkAreaCode(area.level, area.code, area.parentCode);
      if (problem)
        throw new AreaRegistryError("INVALID_AREA_CODE", area.code, `area ${area.code}: ${problem.detail}`);
      const current = existing.get(area.code);
      if (current) {
        if (current.parentId !== (parent?.id ?? null))
          throw new AreaRegistryError(
            "AREA_MOVE_UNSUPPORTED",
            area.code,
            `area ${area.code} cannot move to a new parent`,
          );
        if (mode === "sync" && current.name !== area.name) {
          await tx.area.update({ where: { id: current.id }, data: { name: area.name } });
          changes.push({ topic: "AREA", kind: "UPDATED", id: current.id, areaPath: current.path, at });
          updated++;
        }
        continue;
      }
      toCreate.push({
        code: area.code,
        name: area.name,
        level: area.level,
        parentId: parent?.id ?? null,
        path: childPath(parent?.path ?? null, area.code),
        depth: AREA_LEVEL_RULES[area.level].depth,
        latitude: area.latitude ?? null,
        longitude: area.longitude ?? null,
      });
    }
    if (toCreate.length === 0) continue;
    const rows = await tx.area.createManyAndReturn({
      data: toCreate,
      select: { id: true, code: true, name: true, parentId: true, path: true },
    });
    for (const row of rows) {
      existing.set(row.code, row);
      newIds.push(row.id);
      changes.push({ topic: "AREA", kind: "CREATED", id: row.id, areaPath: row.path, at });
    }
    created += rows.length;
  }
  if (newIds.length > 0) {
    // Closure rows for the new areas: walk each one up to the root.
    await tx.$executeRaw`
      WITH RECURSIVE up(descendant, ancestor, distance) AS (
        SELECT id, id, 0 FROM "Area" WHERE id = ANY(${newIds}::uuid[])
        UNION ALL
        SELECT up.descendant, a."parentId", up.distance + 1
        FROM up JOIN "Area" a ON a.id = up.ancestor
        WHERE a."parentId" IS NOT NULL
      )
      INSERT INTO "AreaClosure" ("ancestorId", "descendantId", distance)
      SELECT ancestor, descendant, distance FROM up
      ON CONFLICT DO NOTHING`;
  }
  if (changes.length > 0) {
    const { sql, params } = notifyAllStatement(changes);
    await tx.$executeRawUnsafe(sql, ...params);
  }
  return { created, updated };
}

/** Correct an area's name or centroid and publish the change in the same transaction. */
export async function renameArea(
  db: Db,
  areaId: string,
  patch: { name?: string | undefined; latitude?: number | undefined; longitude?: number | undefined },
): Promise<void> {
  await db.$transaction(async (tx) => {
    const area = await tx.area.update({
      where: { id: areaId },
      data: patch,
      select: { id: true, path: true },
    });
    const { sql, params } = notifyStatement({
      topic: "AREA",
      kind: "UPDATED",
      id: area.id,
      areaPath: area.path,
      at: new Date().toISOString(),
    });
    await tx.$executeRawUnsafe(sql, ...params);
  });
}
