// Jurisdiction in SQL, declared once: the Prisma filters and raw-SQL fragments every query path
// composes. An element is reachable only through an area inside the principal's jurisdiction;
// ancestors of the jurisdiction are visible as areas, never the elements in them.
//
// The principal's jurisdiction codes are resolved to area ids (one indexed lookup, shared by the
// requests of a database client and refreshed after a minute; the gateway's path resolution fills
// it too). Every filter then reads `areaId IN (SELECT "descendantId" FROM "AreaClosure" WHERE
// "ancestorId" = ANY(ids))`: the planner sees the ids, so it knows a city-wide jurisdiction is the
// whole tree (it keeps the cheap plan: an index probe per row) and a grid a handful of rows,
// instead of joining Area.code per row and guessing. Until the ids are known (the first request
// of a principal's codes, planned before anything was awaited) the same filter is written with
// the codes, which is as exact, only slower. A code stays mapped to the id it had: areas are never
// moved and only exceptionally removed, and a removed area's id matches nothing (fail closed).
import { normaliseAreaCode } from "../domain/area.js";
import type { Principal } from "../domain/principal.js";
import { Prisma } from "../generated/prisma/client.js";
import type { Db } from "../prisma/db.js";

/** What a filter needs to know of a request: who asks, and on which database. */
export interface Scope {
  principal: Principal;
  db: Db;
}

/** Whether the principal may see any element at all. */
export function hasJurisdiction(principal: Principal): boolean {
  return principal.authenticated && principal.jurisdiction.length > 0;
}

// ---- codes → area ids ----

const REFRESH_MS = 60_000;
const MAX_ENTRIES = 10_000;
const resolved = new WeakMap<Db, Map<string, { ids: string[]; at: number }>>();
const codesKey = (codes: readonly string[]) => [...codes].sort().join(",");

/**
 * Record the areas a lookup of exactly these codes found (also called by the gateway's path
 * resolution); codes that name no area are simply absent.
 */
export function rememberJurisdictionIds(
  db: Db,
  codes: readonly string[],
  rows: readonly { id: string }[],
): void {
  let byCodes = resolved.get(db);
  if (!byCodes) {
    byCodes = new Map();
    resolved.set(db, byCodes);
  }
  if (byCodes.size > MAX_ENTRIES) byCodes.clear();
  byCodes.set(codesKey(codes), { ids: rows.map((r) => r.id), at: Date.now() });
}

/** The ids of the principal's jurisdiction areas if already resolved on this database, else null. */
export function jurisdictionIds(scope: Scope): readonly string[] | null {
  return resolved.get(scope.db)?.get(codesKey(scope.principal.jurisdiction))?.ids ?? null;
}

const pending = new WeakMap<Db, Map<string, Promise<void>>>();

/**
 * Resolve the principal's jurisdiction codes to area ids (no statement when already known and
 * fresh). Await it before building SQL for a request; the filters below then use the ids.
 */
export async function ensureJurisdiction(scope: Scope): Promise<readonly string[]> {
  const { db, principal } = scope;
  if (!hasJurisdiction(principal)) return [];
  const key = codesKey(principal.jurisdiction);
  const hit = resolved.get(db)?.get(key);
  if (hit && Date.now() - hit.at < REFRESH_MS) return hit.ids;
  let inFlight = pending.get(db);
  if (!inFlight) {
    inFlight = new Map();
    pending.set(db, inFlight);
  }
  let lookup = inFlight.get(key);
  if (!lookup) {
    const codes = [...principal.jurisdiction];
    lookup = db.area
      .findMany({ where: { code: { in: codes.map(normaliseAreaCode) } }, select: { id: true } })
      .then((rows) => rememberJurisdictionIds(db, codes, rows))
      .finally(() => inFlight.delete(key));
    inFlight.set(key, lookup);
  }
  await lookup;
  return jurisdictionIds(scope) ?? [];
}

// ---- Prisma filters ----

/** Areas inside the principal's jurisdiction (its areas and their subtrees). */
export function inJurisdiction(scope: Scope): Prisma.AreaWhereInput {
  const ids = jurisdictionIds(scope);
  if (ids) return { ancestorLinks: { some: { ancestorId: { in: [...ids] } } } };
  return { ancestorLinks: { some: { ancestor: { code: { in: [...scope.principal.jurisdiction] } } } } };
}

/** Areas at or below the area with this code (any common spelling of the code). */
export function underArea(code: string): Prisma.AreaWhereInput {
  return { ancestorLinks: { some: { ancestor: { code: normaliseAreaCode(code) } } } };
}

/** A filter that matches nothing (no jurisdiction, anonymous). */
export const NOTHING = { id: { in: [] as string[] } };

/** Areas at or below the area with this id. */
export function underAreaId(areaId: string): Prisma.AreaWhereInput {
  return { ancestorLinks: { some: { ancestorId: areaId } } };
}

// ---- raw SQL ----

/** SQL: the area whose id is `areaId` lies inside the principal's jurisdiction. */
export function areaInJurisdictionSql(scope: Scope, areaId: Prisma.Sql): Prisma.Sql {
  if (!hasJurisdiction(scope.principal)) return Prisma.sql`FALSE`;
  const ids = jurisdictionIds(scope);
  if (ids)
    return Prisma.sql`${areaId} IN (SELECT jc."descendantId" FROM "AreaClosure" jc
      WHERE jc."ancestorId" = ANY(${[...ids]}::uuid[]))`;
  return Prisma.sql`${areaId} IN (SELECT jc."descendantId" FROM "AreaClosure" jc JOIN "Area" ja ON ja.id = jc."ancestorId"
      WHERE ja.code = ANY(${[...scope.principal.jurisdiction]}::text[]))`;
}

/** SQL: the area whose id is `areaId` lies at or below the area with id `ancestorId`. */
export function areaUnderSql(ancestorId: string, areaId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`${areaId} IN (SELECT uc."descendantId" FROM "AreaClosure" uc WHERE uc."ancestorId" = ${ancestorId}::uuid)`;
}

/**
 * SQL: the person whose id is `personId` is visible (an address, event, post or represented
 * organisation in jurisdiction). The same rule as visiblePersonsWhere (resolvers/persons.ts).
 */
export function personVisibleSql(scope: Scope, personId: Prisma.Sql): Prisma.Sql {
  if (!hasJurisdiction(scope.principal)) return Prisma.sql`FALSE`;
  return Prisma.sql`(EXISTS (SELECT 1 FROM "PersonAddress" vpa JOIN "Address" vad ON vad.id = vpa."addressId"
      WHERE vpa."personId" = ${personId} AND ${areaInJurisdictionSql(scope, Prisma.sql`vad."areaId"`)})
    OR EXISTS (SELECT 1 FROM "EventPerson" vep JOIN "Event" ve ON ve.id = vep."eventId"
      WHERE vep."personId" = ${personId} AND ${areaInJurisdictionSql(scope, Prisma.sql`ve."areaId"`)})
    OR EXISTS (SELECT 1 FROM "PersonPost" vpp
      WHERE vpp."personId" = ${personId} AND ${areaInJurisdictionSql(scope, Prisma.sql`vpp."areaId"`)})
    OR EXISTS (SELECT 1 FROM "PersonOrganisation" vpo JOIN "Organisation" vo ON vo.id = vpo."organisationId"
      LEFT JOIN "Address" voa ON voa.id = vo."addressId"
      WHERE vpo."personId" = ${personId} AND (${areaInJurisdictionSql(scope, Prisma.sql`vo."areaId"`)}
        OR ${areaInJurisdictionSql(scope, Prisma.sql`voa."areaId"`)})))`;
}

/** SQL: the organisation (alias `o`) is visible: its area, its address or one of its events. */
export function organisationVisibleSql(scope: Scope, org: string): Prisma.Sql {
  if (!hasJurisdiction(scope.principal)) return Prisma.sql`FALSE`;
  const o = Prisma.raw(org);
  return Prisma.sql`(
    (${o}."areaId" IS NOT NULL AND ${areaInJurisdictionSql(scope, Prisma.sql`${o}."areaId"`)})
    OR EXISTS (SELECT 1 FROM "Address" vad WHERE vad.id = ${o}."addressId"
      AND ${areaInJurisdictionSql(scope, Prisma.sql`vad."areaId"`)})
    OR EXISTS (SELECT 1 FROM "EventOrganisation" veo JOIN "Event" ve ON ve.id = veo."eventId"
      WHERE veo."organisationId" = ${o}.id AND ${areaInJurisdictionSql(scope, Prisma.sql`ve."areaId"`)}))`;
}
