// Area policies, one rule at a time.
import { describe, expect, it } from "vitest";
import { canReadArea, canUpdateArea, withinJurisdiction } from "../../domain/policies/area.js";
import { ANONYMOUS, type Principal } from "../../domain/principal.js";
import type { Role } from "../../domain/roles.js";

const CITY = "/320600/";
const CHONGCHUAN = "/320600/320602/";
const STREET = "/320600/320602/320602001000/";
const GRID = "/320600/320602/320602001000/320602001001/320602001001001/";
const TONGZHOU = "/320600/320612/";

const principal = (roles: Role[], jurisdictionPaths: string[]): Principal => ({
  subject: "p",
  roles,
  department: null,
  jurisdiction: jurisdictionPaths.map((p) => p.split("/").filter(Boolean).at(-1)!),
  jurisdictionPaths,
  purpose: null,
  purposeRef: null,
  authenticated: true,
});

describe("withinJurisdiction", () => {
  const district = principal(["district_commander"], [CHONGCHUAN]);
  it.each([
    [CHONGCHUAN, true],
    [STREET, true],
    [GRID, true],
    [CITY, false],
    [TONGZHOU, false],
  ])("a district commander of 崇川区 and %s → %s", (path, expected) => {
    expect(withinJurisdiction(district, path)).toBe(expected);
  });
  it("is false for a principal with no jurisdiction", () => {
    expect(withinJurisdiction(principal(["analyst"], []), CITY)).toBe(false);
  });
});

describe("canReadArea", () => {
  const gridWorker = principal(["grid_worker"], [GRID]);
  it.each([
    [GRID, true],
    [STREET, true], // an ancestor: where the grid belongs
    [CITY, true],
    [TONGZHOU, false], // a sibling subtree
    ["/320600/320602/320602002000/", false], // a sibling street
  ])("a grid worker and %s → %s", (path, expected) => {
    expect(canReadArea(gridWorker, path)).toBe(expected);
  });
  it("refuses anonymous callers everything", () => {
    expect(canReadArea(ANONYMOUS, CITY)).toBe(false);
  });
  it("allows several jurisdictions", () => {
    const both = principal(["analyst"], [CHONGCHUAN, TONGZHOU]);
    expect(canReadArea(both, TONGZHOU)).toBe(true);
    expect(canReadArea(both, STREET)).toBe(true);
  });
});

describe("canUpdateArea", () => {
  it("needs the area_admin role", () => {
    expect(canUpdateArea(principal(["city_commander"], [CITY]), STREET)).toBe(false);
    expect(canUpdateArea(principal(["area_admin"], [CITY]), STREET)).toBe(true);
  });
  it("needs the area inside the admin's jurisdiction, not merely above it", () => {
    const admin = principal(["area_admin"], [CHONGCHUAN]);
    expect(canUpdateArea(admin, CITY)).toBe(false);
    expect(canUpdateArea(admin, TONGZHOU)).toBe(false);
    expect(canUpdateArea(admin, GRID)).toBe(true);
  });
});
