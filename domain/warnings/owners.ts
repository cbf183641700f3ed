// Who owns an alert (三色预警: each colour has its own response): the roles that acknowledge and
// close it, by level, inside the jurisdiction that covers the alert's area. A red alert is the
// district and city centres' business; blue and yellow ones are handled at street level too.
import { withinJurisdiction } from "../policies/area.js";
import { hasRole, type Principal } from "../principal.js";
import type { Role } from "../roles.js";
import type { WarningLevel } from "./rules.js";

export const ALERT_OWNERS: Readonly<Record<WarningLevel, readonly Role[]>> = {
  BLUE: ["city_commander", "district_commander", "street_operator", "community_worker"],
  YELLOW: ["city_commander", "district_commander", "street_operator"],
  RED: ["city_commander", "district_commander"],
};

export type AlertStep = "acknowledge" | "close";

/** Which statuses each step starts from, and where it leads. */
export const ALERT_STEPS: Readonly<Record<AlertStep, { from: readonly string[]; to: string }>> = {
  acknowledge: { from: ["OPEN"], to: "ACKNOWLEDGED" },
  close: { from: ["OPEN", "ACKNOWLEDGED"], to: "CLOSED" },
};

/** Why the principal may not take this step on the alert, or null when it may. */
export function alertStepRefusal(principal: Principal, level: WarningLevel, areaPath: string): string | null {
  const owners = ALERT_OWNERS[level];
  if (!owners.some((role) => hasRole(principal, role)))
    return `a ${level} alert is acknowledged and closed by ${owners.join(", ")}`;
  if (!withinJurisdiction(principal, areaPath)) return "the alert's area is outside your jurisdiction";
  return null;
}
