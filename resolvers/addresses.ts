// Data access for standard addresses (一标), jurisdiction in SQL: an address is visible when its
// area lies inside the principal's jurisdiction.
import type { Prisma } from "../generated/prisma/client.js";
import {
  hasJurisdiction,
  NOTHING,
  type Scope,
  underArea,
  underAreaId,
  visibleWhere,
} from "./jurisdiction.js";
import { literalContains } from "./text.js";

/** Addresses the principal may see: their own area (resolvers/jurisdiction.ts, ELEMENT_REACH). */
export function visibleAddressesWhere(scope: Scope): Prisma.AddressWhereInput {
  return visibleWhere(scope, "Address");
}

export interface AddressFilter {
  /** Only addresses in this area's subtree. */
  under?: string | null;
  /** Only addresses whose text contains this. */
  textContains?: string | null;
}

export function addressFilterWhere(
  scope: Scope,
  filter: AddressFilter | null | undefined,
): Prisma.AddressWhereInput {
  const and: Prisma.AddressWhereInput[] = [visibleAddressesWhere(scope)];
  if (filter?.under) and.push({ area: underArea(filter.under) });
  if (filter?.textContains?.trim())
    and.push({ fullText: { contains: literalContains(filter.textContains.trim()) } });
  return { AND: and };
}

/** Addresses in the area's subtree and inside the jurisdiction. */
export function addressesUnderWhere(
  scope: Scope,
  areaId: string,
  textContains?: string | null,
): Prisma.AddressWhereInput {
  if (!hasJurisdiction(scope.principal)) return NOTHING;
  return {
    AND: [
      visibleWhere(scope, "Address"),
      { area: underAreaId(areaId) },
      ...(textContains?.trim() ? [{ fullText: { contains: literalContains(textContains.trim()) } }] : []),
    ],
  };
}
