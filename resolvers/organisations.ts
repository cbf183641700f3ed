// Data access for organisations, jurisdiction in SQL: an organisation is visible through an area
// it reaches (OrganisationReach, kept by the database: its area, its address, its events) inside
// the principal's jurisdiction.
import { normaliseUscc } from "../domain/identifiers/uscc.js";
import type { OrganisationKind, Prisma } from "../generated/prisma/client.js";
import {
  hasJurisdiction,
  inJurisdiction,
  NOTHING,
  type Scope,
  underArea,
  underAreaId,
  visibleWhere,
} from "./jurisdiction.js";
import { visiblePersonsWhere } from "./persons.js";
import { literalContains } from "./text.js";

/** Organisations the principal may see: the reach table's rule (resolvers/jurisdiction.ts). */
export function visibleOrganisationsWhere(scope: Scope): Prisma.OrganisationWhereInput {
  return visibleWhere(scope, "Organisation");
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

/** Organisations placed (area or address) in the area's subtree and inside the jurisdiction. */
export function organisationsUnderWhere(
  scope: Scope,
  areaId: string,
  kinds?: readonly OrganisationKind[] | null,
): Prisma.OrganisationWhereInput {
  if (!hasJurisdiction(scope.principal)) return NOTHING;
  // placed in the subtree, and visible (placed in jurisdiction, or seen through an event there)
  const area = { AND: [underAreaId(areaId), inJurisdiction(scope)] };
  return {
    AND: [
      visibleWhere(scope, "Organisation"),
      { OR: [{ area }, { address: { area } }] },
      ...(kinds ? [{ kind: { in: [...kinds] } }] : []),
    ],
  };
}
