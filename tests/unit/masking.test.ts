import { describe, expect, it } from "vitest";
import { maskCitizenId, maskMobile, maskName } from "../../domain/masking.js";
import { canSeePersonal, canSeeSensitive } from "../../domain/policies/person.js";
import { ANONYMOUS, type Principal } from "../../domain/principal.js";
import type { Role } from "../../domain/roles.js";

describe("masking", () => {
  it.each([
    ["11010519491231002X", "110*************2X"],
    ["110105491231002", "110**********02"],
    ["1234", "****"],
  ])("citizen ID %s → %s (the birth date never shows)", (id, masked) => {
    expect(maskCitizenId(id)).toBe(masked);
    expect(maskCitizenId(id)).not.toContain("1949");
  });
  it.each([
    ["张三", "张*"],
    ["欧阳娜娜", "欧***"],
    ["阿依古丽·买买提", "阿*******"],
    ["李", "李"],
  ])("name %s → %s", (name, masked) => expect(maskName(name)).toBe(masked));
  it("phone keeps 3 + 4", () => expect(maskMobile("13812341234")).toBe("138****1234"));
});

describe("who sees personal values", () => {
  const p = (roles: Role[], purpose: string | null = null): Principal => ({
    subject: "s",
    roles,
    department: null,
    jurisdiction: ["320600"],
    jurisdictionPaths: ["/320600/"],
    purpose,
    authenticated: true,
  });
  it.each<[Role[], string | null, boolean, boolean]>([
    [["city_commander"], null, true, false],
    [["city_commander"], "救助核查", true, true],
    [["grid_worker"], "走访", true, true],
    [["analyst"], "统计", false, false],
    [["auditor"], "审计", false, false],
    [["city_commander"], "   ", true, false],
  ])("%j with purpose %j: personal %s, sensitive %s", (roles, purpose, personal, sensitive) => {
    expect(canSeePersonal(p(roles, purpose))).toBe(personal);
    expect(canSeeSensitive(p(roles, purpose))).toBe(sensitive);
  });
  it("shows anonymous callers nothing", () => {
    expect(canSeePersonal(ANONYMOUS)).toBe(false);
    expect(canSeeSensitive(ANONYMOUS)).toBe(false);
  });
});
