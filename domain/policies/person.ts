// Who sees personal values in full. PERSONAL values (name, phone, address) are shown to the
// roles that work with people; analysts see them masked. SENSITIVE values (PIPL art. 28: ID
// numbers, assistance, petitions) additionally need a declared purpose of processing.
import { hasRole, type Principal } from "../principal.js";
import type { Role } from "../roles.js";

const WORKS_WITH_PEOPLE: readonly Role[] = [
  "city_commander",
  "district_commander",
  "street_operator",
  "community_worker",
  "grid_worker",
  "department_officer",
];

export function canSeePersonal(principal: Principal): boolean {
  return principal.authenticated && WORKS_WITH_PEOPLE.some((r) => hasRole(principal, r));
}

export function canSeeSensitive(principal: Principal): boolean {
  return canSeePersonal(principal) && principal.purpose !== null && principal.purpose.trim().length > 0;
}
