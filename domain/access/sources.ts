// What it tells that a department holds a record of someone: for the petition bureau that the
// person petitions, for civil affairs that they receive assistance or live with a disability
// (PIPL art. 28, DOMAIN.md). Provenance (sources, claims, raw records) is shown only to principals
// cleared for that fact, as the department's own data.
import type { SensitivityClass } from "../sensitivity.js";

export const SOURCE_PRESENCE: Readonly<Record<string, SensitivityClass>> = {
  petition: "SENSITIVE",
  civil_affairs: "SENSITIVE",
  public_security: "PERSONAL",
  hotline_12345: "PERSONAL",
  grid: "PERSONAL",
  command_centre: "PERSONAL",
};

/** Departments registered at runtime tell no more than that a record exists: personal. */
export function sourcePresenceClass(departmentCode: string): SensitivityClass {
  return SOURCE_PRESENCE[departmentCode] ?? "PERSONAL";
}
