// Data access for areas. Every list is filtered by jurisdiction in SQL (the type-level check in
// schema/ is the second line of defence, not the filter).
import DataLoader from "dataloader";
import { AREA_LEVELS, type AreaLevel, normaliseAreaCode } from "../domain/area.js";
import type { Principal } from "../domain/principal.js";
import type { Area, Prisma } from "../generated/prisma/client.js";
import type { Db } from "../prisma/db.js";
import { areaTreeVersion, jurisdictionIds, type Scope } from "./jurisdiction.js";
import { literalContains } from "./text.js";

export type AreaRow = Area;
export type SubtreeCounts = Record<AreaLevel, number> & { total: number };

/** Areas a principal may see: inside its jurisdiction, or an ancestor of it. */
export function visibleAreasWhere(scope: Scope): Prisma.AreaWhereInput {
  const principal: Principal = scope.principal;
  if (!principal.authenticated || principal.jurisdiction.length === 0) return { id: { in: [] } };
  const ids = jurisdictionIds(scope);
  if (ids)
    return {
      OR: [
        { ancestorLinks: { some: { ancestorId: { in: [...ids] } } } },
        { subtreeLinks: { some: { descendantId: { in: [...ids] } } } },
      ],
    };
  const codes = [...principal.jurisdiction];
  return {
    OR: [
      { ancestorLinks: { some: { ancestor: { code: { in: codes } } } } },
      { subtreeLinks: { some: { descendant: { code: { in: codes } } } } },
    ],
  };
}

export interface AreaFilter {
  level?: AreaLevel | null;
  /** Only areas in this area's subtree (itself excluded). */
  under?: string | null;
  /** Substring of the name. */
  nameContains?: string | null;
}

export function areaFilterWhere(scope: Scope, filter: AreaFilter): Prisma.AreaWhereInput {
  const and: Prisma.AreaWhereInput[] = [visibleAreasWhere(scope)];
  if (filter.level) and.push({ level: filter.level });
  if (filter.under) {
    and.push({
      ancestorLinks: { some: { distance: { gt: 0 }, ancestor: { code: normaliseAreaCode(filter.under) } } },
    });
  }
  if (filter.nameContains) and.push({ name: { contains: literalContains(filter.nameContains.trim()) } });
  return { AND: and };
}

// Area codes → ids, paths and small subtrees, kept per database client: an area keeps its id and
// place in the tree for good (areas are never moved, only exceptionally removed), so a code found
// is remembered for a while, until the tree changes (an area added below it: areaTreeChanged); a
// code not found is asked again.
const AREA_IDS_REFRESH_MS = 60_000;
const AREA_IDS_MAX = 100_000;
/**
 * An area as a filter names it: its id, its path (to tell whether a jurisdiction holds it), and,
 * for a subtree of at most SUBTREE_LIST_MAX areas, the ids of its areas (itself included).
 */
export interface AreaKey {
  id: string;
  path: string;
  subtree?: readonly string[] | null;
}

/**
 * Up to this many areas, a subtree is named by its areas' ids in an event list's statement. With
 * `areaId IN (ids)` PostgreSQL estimates the subtree's events from each area's statistics and
 * reads a small community's few events by (areaId, occurredAt); through the closure table it
 * misjudged a community of 28 events as 100 and walked the whole time index for them (10 ms
 * against 1). A larger subtree (a district, the city) keeps the closure: walking the time index
 * is right for it, and its list of ids would be long.
 */
export const SUBTREE_LIST_MAX = 256;
const areaKeys = new WeakMap<Db, Map<string, AreaKey & { at: number; version: number }>>();

export function createAreaLoaders(db: Db) {
  /** The id and path of the area with this (normalised) code, without a statement once known. */
  const keyByCode = new DataLoader<string, AreaKey | null>(async (codes) => {
    let known = areaKeys.get(db);
    if (!known) {
      known = new Map();
      areaKeys.set(db, known);
    }
    const cache = known;
    const now = Date.now();
    const version = areaTreeVersion();
    const missing = codes.filter((c) => {
      const hit = cache.get(c);
      return !hit || hit.version !== version || now - hit.at >= AREA_IDS_REFRESH_MS;
    });
    if (missing.length > 0) {
      const rows = await db.$queryRaw<{ id: string; code: string; path: string; subtree: string[] | null }[]>`
        SELECT a.id::text AS id, a.code, a.path,
               (SELECT CASE WHEN count(*) <= ${SUBTREE_LIST_MAX} THEN array_agg(c."descendantId"::text) END
                  FROM "AreaClosure" c WHERE c."ancestorId" = a.id) AS subtree
        FROM "Area" a WHERE a.code = ANY(${[...missing]}::text[])`;
      if (cache.size > AREA_IDS_MAX) cache.clear();
      for (const c of missing) cache.delete(c);
      for (const r of rows)
        cache.set(r.code, { id: r.id, path: r.path, subtree: r.subtree, at: now, version });
    }
    return codes.map((c) => {
      const hit = cache.get(c);
      return hit ? { id: hit.id, path: hit.path, subtree: hit.subtree } : null;
    });
  });

  const byCode = new DataLoader<string, AreaRow | null>(async (codes) => {
    const rows = await db.area.findMany({ where: { code: { in: [...codes] } } });
    const found = new Map(rows.map((r) => [r.code, r]));
    return codes.map((c) => found.get(c) ?? null);
  });

  const ancestors = new DataLoader<string, AreaRow[]>(async (ids) => {
    const links = await db.areaClosure.findMany({
      where: { descendantId: { in: [...ids] }, distance: { gt: 0 } },
      include: { ancestor: true },
      orderBy: { distance: "desc" },
    });
    const byDescendant = new Map<string, AreaRow[]>();
    for (const l of links) {
      const list = byDescendant.get(l.descendantId) ?? [];
      list.push(l.ancestor);
      byDescendant.set(l.descendantId, list);
    }
    return ids.map((id) => byDescendant.get(id) ?? []);
  });

  const subtreeCounts = new DataLoader<string, SubtreeCounts>(async (ids) => {
    const rows = await db.$queryRaw<{ id: string; level: AreaLevel; n: number }[]>`
      SELECT c."ancestorId"::text AS id, a.level::text AS level, count(*)::int AS n
      FROM "AreaClosure" c JOIN "Area" a ON a.id = c."descendantId"
      WHERE c."ancestorId" = ANY(${[...ids]}::uuid[]) AND c.distance > 0
      GROUP BY 1, 2`;
    const empty = (): SubtreeCounts =>
      Object.fromEntries([...AREA_LEVELS.map((l) => [l, 0]), ["total", 0]]) as SubtreeCounts;
    const counts = new Map(ids.map((id) => [id, empty()]));
    for (const r of rows) {
      const c = counts.get(r.id)!;
      c[r.level] = r.n;
      c.total += r.n;
    }
    return ids.map((id) => counts.get(id)!);
  });

  return {
    areaByCode: byCode,
    areaKeyByCode: keyByCode,
    areaAncestors: ancestors,
    areaSubtreeCounts: subtreeCounts,
  };
}

/** Visible areas strictly below an area (its subtree without itself), optionally of one level. */
export function subtreeWhere(scope: Scope, areaId: string, level?: AreaLevel | null): Prisma.AreaWhereInput {
  return {
    AND: [
      visibleAreasWhere(scope),
      { ancestorLinks: { some: { ancestorId: areaId, distance: { gt: 0 } } } },
      ...(level ? [{ level }] : []),
    ],
  };
}
