// Jurisdiction in SQL, declared once: the Prisma filters and raw-SQL fragments every query path
// composes. An element is reachable only through an area inside the principal's jurisdiction;
// ancestors of the jurisdiction are visible as areas, never the elements in them.
import { normaliseAreaCode } from "../domain/area.js";
import type { Principal } from "../domain/principal.js";
import { Prisma } from "../generated/prisma/client.js";

/** Whether the principal may see any element at all. */
export function hasJurisdiction(principal: Principal): boolean {
  return principal.authenticated && principal.jurisdiction.length > 0;
}

/** Areas inside the principal's jurisdiction (its areas and their subtrees). */
export function inJurisdiction(principal: Principal): Prisma.AreaWhereInput {
  return { ancestorLinks: { some: { ancestor: { code: { in: [...principal.jurisdiction] } } } } };
}

/** Areas at or below the area with this code (any common spelling of the code). */
export function underArea(code: string): Prisma.AreaWhereInput {
  return { ancestorLinks: { some: { ancestor: { code: normaliseAreaCode(code) } } } };
}

/** A filter that matches nothing (no jurisdiction, anonymous). */
export const NOTHING = { id: { in: [] as string[] } };

/** SQL: the area whose id is `areaId` lies inside the principal's jurisdiction. */
export function areaInJurisdictionSql(principal: Principal, areaId: Prisma.Sql): Prisma.Sql {
  if (!hasJurisdiction(principal)) return Prisma.sql`FALSE`;
  return Prisma.sql`EXISTS (SELECT 1 FROM "AreaClosure" jc JOIN "Area" ja ON ja.id = jc."ancestorId"
    WHERE jc."descendantId" = ${areaId} AND ja.code = ANY(${[...principal.jurisdiction]}::text[]))`;
}

/** SQL: the person whose id is `personId` is visible (an address or an event in jurisdiction). */
export function personVisibleSql(principal: Principal, personId: Prisma.Sql): Prisma.Sql {
  if (!hasJurisdiction(principal)) return Prisma.sql`FALSE`;
  return Prisma.sql`(EXISTS (SELECT 1 FROM "PersonAddress" vpa JOIN "Address" vad ON vad.id = vpa."addressId"
      WHERE vpa."personId" = ${personId} AND ${areaInJurisdictionSql(principal, Prisma.sql`vad."areaId"`)})
    OR EXISTS (SELECT 1 FROM "EventPerson" vep JOIN "Event" ve ON ve.id = vep."eventId"
      WHERE vep."personId" = ${personId} AND ${areaInJurisdictionSql(principal, Prisma.sql`ve."areaId"`)}))`;
}

/** SQL: the organisation (alias `o`) is visible: its area, its address or one of its events. */
export function organisationVisibleSql(principal: Principal, org: string): Prisma.Sql {
  if (!hasJurisdiction(principal)) return Prisma.sql`FALSE`;
  const o = Prisma.raw(org);
  return Prisma.sql`(
    (${o}."areaId" IS NOT NULL AND ${areaInJurisdictionSql(principal, Prisma.sql`${o}."areaId"`)})
    OR EXISTS (SELECT 1 FROM "Address" vad WHERE vad.id = ${o}."addressId"
      AND ${areaInJurisdictionSql(principal, Prisma.sql`vad."areaId"`)})
    OR EXISTS (SELECT 1 FROM "EventOrganisation" veo JOIN "Event" ve ON ve.id = veo."eventId"
      WHERE veo."organisationId" = ${o}.id AND ${areaInJurisdictionSql(principal, Prisma.sql`ve."areaId"`)}))`;
}

/** Areas at or below the area with this id. */
export function underAreaId(areaId: string): Prisma.AreaWhereInput {
  return { ancestorLinks: { some: { ancestorId: areaId } } };
}
