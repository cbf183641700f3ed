// Data access for standard addresses (一标), jurisdiction in SQL: an address is visible when its
// area lies inside the principal's jurisdiction.
import type { Principal } from "../domain/principal.js";
import type { Prisma } from "../generated/prisma/client.js";
import { hasJurisdiction, inJurisdiction, NOTHING, underArea, underAreaId } from "./jurisdiction.js";

export function visibleAddressesWhere(principal: Principal): Prisma.AddressWhereInput {
  if (!hasJurisdiction(principal)) return NOTHING;
  return { area: inJurisdiction(principal) };
}

export interface AddressFilter {
  /** Only addresses in this area's subtree. */
  under?: string | null;
  /** Only addresses whose text contains this. */
  textContains?: string | null;
}

export function addressFilterWhere(
  principal: Principal,
  filter: AddressFilter | null | undefined,
): Prisma.AddressWhereInput {
  const and: Prisma.AddressWhereInput[] = [visibleAddressesWhere(principal)];
  if (filter?.under) and.push({ area: underArea(filter.under) });
  if (filter?.textContains?.trim()) and.push({ fullText: { contains: filter.textContains.trim() } });
  return { AND: and };
}

/** Addresses in the area's subtree and inside the jurisdiction. */
export function addressesUnderWhere(
  principal: Principal,
  areaId: string,
  textContains?: string | null,
): Prisma.AddressWhereInput {
  if (!hasJurisdiction(principal)) return NOTHING;
  return {
    AND: [
      { area: { AND: [underAreaId(areaId), inJurisdiction(principal)] } },
      ...(textContains?.trim() ? [{ fullText: { contains: textContains.trim() } }] : []),
    ],
  };
}
