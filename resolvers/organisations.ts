// Data access for organisations, jurisdiction in SQL: an organisation is visible through its
// area, its address or one of its events inside the principal's jurisdiction.
import DataLoader from "dataloader";
import { normaliseUscc } from "../domain/identifiers/uscc.js";
import type { OrganisationKind, Prisma } from "../generated/prisma/client.js";
import type { Db } from "../prisma/db.js";
import {
  hasJurisdiction,
  inJurisdiction,
  NOTHING,
  type Scope,
  underArea,
  underAreaId,
} from "./jurisdiction.js";
import { visiblePersonsWhere } from "./persons.js";
import { literalContains } from "./text.js";

export function visibleOrganisationsWhere(scope: Scope): Prisma.OrganisationWhereInput {
  if (!hasJurisdiction(scope.principal)) return NOTHING;
  const area = inJurisdiction(scope);
  return {
    OR: [{ area }, { address: { area } }, { events: { some: { event: { area } } } }],
  };
}

export interface OrganisationFilter {
  /** Only organisations placed (area or address) in this area's subtree. */
  under?: string | null;
  kinds?: readonly OrganisationKind[] | null;
  nameContains?: string | null;
}

export function organisationFilterWhere(
  scope: Scope,
  filter: OrganisationFilter | null | undefined,
): Prisma.OrganisationWhereInput {
  const and: Prisma.OrganisationWhereInput[] = [visibleOrganisationsWhere(scope)];
  if (filter?.under) {
    const under = underArea(filter.under);
    and.push({ OR: [{ area: under }, { address: { area: under } }] });
  }
  if (filter?.kinds) and.push({ kind: { in: [...filter.kinds] } });
  if (filter?.nameContains?.trim())
    and.push({ name: { contains: literalContains(filter.nameContains.trim()) } });
  return { AND: and };
}

/** A person's organisations the principal may see. */
export function visibleMembershipsOfPersonWhere(scope: Scope): Prisma.PersonOrganisationWhereInput {
  return { organisation: visibleOrganisationsWhere(scope) };
}

/** An organisation's members the principal may see. */
export function visibleMembersWhere(scope: Scope): Prisma.PersonOrganisationWhereInput {
  return { person: visiblePersonsWhere(scope) };
}

/** The USCC key to look up: the normalised code, or the low-trust key of a failed check. */
export function usccLookupKey(raw: string): string | null {
  const r = normaliseUscc(raw);
  return r.ok ? r.value : r.lowTrustKey;
}

export function createOrganisationLoaders(db: Db) {
  /** Paths of the areas an organisation is tied to (area, address, events): the type-level check. */
  const organisationAreaPaths = new DataLoader<string, string[]>(async (ids) => {
    const rows = await db.$queryRaw<{ id: string; path: string }[]>`
      SELECT o.id::text AS id, a.path FROM "Organisation" o JOIN "Area" a ON a.id = o."areaId"
        WHERE o.id = ANY(${[...ids]}::uuid[])
      UNION
      SELECT o.id::text, a.path FROM "Organisation" o JOIN "Address" ad ON ad.id = o."addressId"
        JOIN "Area" a ON a.id = ad."areaId" WHERE o.id = ANY(${[...ids]}::uuid[])
      UNION
      SELECT eo."organisationId"::text, a.path FROM "EventOrganisation" eo
        JOIN "Event" e ON e.id = eo."eventId" JOIN "Area" a ON a.id = e."areaId"
        WHERE eo."organisationId" = ANY(${[...ids]}::uuid[])`;
    const byOrg = new Map<string, string[]>();
    for (const r of rows) byOrg.set(r.id, [...(byOrg.get(r.id) ?? []), r.path]);
    return ids.map((id) => byOrg.get(id) ?? []);
  });
  return { organisationAreaPaths };
}

/** Organisations placed (area or address) in the area's subtree and inside the jurisdiction. */
export function organisationsUnderWhere(
  scope: Scope,
  areaId: string,
  kinds?: readonly OrganisationKind[] | null,
): Prisma.OrganisationWhereInput {
  if (!hasJurisdiction(scope.principal)) return NOTHING;
  const area = { AND: [underAreaId(areaId), inJurisdiction(scope)] };
  return {
    AND: [{ OR: [{ area }, { address: { area } }] }, ...(kinds ? [{ kind: { in: [...kinds] } }] : [])],
  };
}
