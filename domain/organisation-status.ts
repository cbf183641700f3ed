// 登记状态: what a registry says of an organisation's standing. Registries write it in words
// (market regulation: 存续/在业/注销/吊销/迁出; civil affairs: 正常/注销/撤销); the graph keeps one enum.

export const ORGANISATION_STATUSES = ["ACTIVE", "DEREGISTERED", "REVOKED", "MOVED_OUT"] as const;
export type OrganisationStatus = (typeof ORGANISATION_STATUSES)[number];

/** Registry wording → status, checked in order (吊销，未注销 is revoked, not deregistered). */
const WORDING: readonly [RegExp, OrganisationStatus][] = [
  [/吊销|撤销|revoked/i, "REVOKED"],
  [/迁出|迁移|moved/i, "MOVED_OUT"],
  [/注销|deregistered|cancel/i, "DEREGISTERED"],
  [/存续|在业|开业|正常|在营|active/i, "ACTIVE"],
];

/** The status a registry's wording (or the enum itself) states; null when it is none of them. */
export function organisationStatusOf(text: string | null | undefined): OrganisationStatus | null {
  const t = text?.trim();
  if (!t) return null;
  if ((ORGANISATION_STATUSES as readonly string[]).includes(t)) return t as OrganisationStatus;
  return WORDING.find(([pattern]) => pattern.test(t))?.[1] ?? null;
}
