// Data access for standard addresses (一标), jurisdiction in SQL: an address is visible when its
// area lies inside the principal's jurisdiction.
import type { Prisma } from "../generated/prisma/client.js";
import {
  hasJurisdiction,
  inJurisdiction,
  NOTHING,
  type Scope,
  underArea,
  underAreaId,
} from "./jurisdiction.js";
import { literalContains } from "./text.js";

export function visibleAddressesWhere(scope: Scope): Prisma.AddressWhereInput {
  if (!hasJurisdiction(scope.principal)) return NOTHING;
  return { area: inJurisdiction(scope) };
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
      { area: { AND: [underAreaId(areaId), inJurisdiction(scope)] } },
      ...(textContains?.trim() ? [{ fullText: { contains: literalContains(textContains.trim()) } }] : []),
    ],
  };
}
