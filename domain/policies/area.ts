// Area policies: one rule per action, pure, tested on their own (tests/unit/policies.test.ts).
// Jurisdiction is given as the materialised paths of the principal's areas (resolved once per
// request), so no rule depends on how division codes happen to nest.
import { isInSubtree } from "../area.js";
import { hasRole, type Principal } from "../principal.js";

/** The area lies inside one of the principal's jurisdiction subtrees. */
export function withinJurisdiction(principal: Principal, areaPath: string): boolean {
  return principal.jurisdictionPaths.some((root) => isInSubtree(areaPath, root));
}

/**
 * Read an area's public fields: any authenticated principal, for areas inside its jurisdiction
 * and for their ancestors (a grid worker sees which community and street its grid belongs to).
 */
export function canReadArea(principal: Principal, areaPath: string): boolean {
  if (!principal.authenticated) return false;
  return principal.jurisdictionPaths.some(
    (root) => isInSubtree(areaPath, root) || isInSubtree(root, areaPath),
  );
}

/** Edit an area's registry data: area administrators, inside their jurisdiction. */
export function canUpdateArea(principal: Principal, areaPath: string): boolean {
  return hasRole(principal, "area_admin") && withinJurisdiction(principal, areaPath);
}
