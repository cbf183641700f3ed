// Links read a moment before a merge committed name an element that no longer exists: a relation
// is loaded in two statements (the link rows, then the rows they point at), and a merge (a steward's,
// or the resolution pass's, which commits batch after batch) may commit in between. Such a link
// resolves to the survivor, found through the Merge rows (a chain, if the survivor was merged
// again), so reads never fail while merges run.
import DataLoader from "dataloader";
import type { Organisation, Person } from "../generated/prisma/client.js";
import type { Db } from "../prisma/db.js";

/** Merges followed at most: a chain longer than this is a cycle or corruption. */
const MAX_CHAIN = 16;

/** merged id → the id that holds it now (itself when it exists); absent when none does. */
export async function survivorIds(
  db: Db,
  entityType: "PERSON" | "ORGANISATION",
  ids: readonly string[],
): Promise<Map<string, string>> {
  const table = entityType === "PERSON" ? "Person" : "Organisation";
  const rows = await db.$queryRawUnsafe<{ start: string; id: string }[]>(
    `WITH RECURSIVE chain(start, id, n) AS (
       SELECT x, x, 0 FROM unnest($1::uuid[]) AS x
       UNION ALL
       SELECT c.start, m."survivorId", c.n + 1 FROM chain c
       CROSS JOIN LATERAL (SELECT "survivorId" FROM "Merge"
         WHERE "entityType" = $2::"EntityType" AND "mergedId" = c.id AND "undoneAt" IS NULL
         ORDER BY at DESC LIMIT 1) m
       WHERE c.n < ${MAX_CHAIN})
     SELECT DISTINCT ON (c.start) c.start::text AS start, c.id::text AS id FROM chain c
     WHERE EXISTS (SELECT 1 FROM "${table}" t WHERE t.id = c.id)
     ORDER BY c.start, c.n`,
    [...ids],
    entityType,
  );
  return new Map(rows.map((r) => [r.start, r.id]));
}

export function createMergedLoaders(db: Db) {
  /** The person an id names now: itself, or the survivor of the merges that took it. */
  const survivingPersons = new DataLoader<string, Person | null>(async (ids) => {
    const to = await survivorIds(db, "PERSON", ids);
    const rows = await db.person.findMany({ where: { id: { in: [...new Set(to.values())] } } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(to.get(id) ?? "") ?? null);
  });
  /** The organisation an id names now: itself, or the survivor of the merges that took it. */
  const survivingOrganisations = new DataLoader<string, Organisation | null>(async (ids) => {
    const to = await survivorIds(db, "ORGANISATION", ids);
    const rows = await db.organisation.findMany({ where: { id: { in: [...new Set(to.values())] } } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(to.get(id) ?? "") ?? null);
  });
  return { survivingPersons, survivingOrganisations };
}

/** A survivor for a relation's `onNull`: the element, or an error naming what is gone. */
export async function survivorOr<T>(found: Promise<T | null>, what: string): Promise<T | Error> {
  return (await found) ?? new Error(`${what} no longer exists`);
}
