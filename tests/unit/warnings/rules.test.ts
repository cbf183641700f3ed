// The three-colour warning rules (三色预警), each judged on its own observations.
import { describe, expect, it } from "vitest";
import type { Principal } from "../../../domain/principal.js";
import { ALERT_OWNERS, alertStepRefusal } from "../../../domain/warnings/owners.js";
import { judge, mostSevere, WARNING_RULES, type WarningRule } from "../../../domain/warnings/rules.js";

const rule = (id: string): WarningRule => {
  const r = WARNING_RULES.find((x) => x.id === id);
  if (!r) throw new Error(id);
  return r;
};
const seen = (count: number, extra: Partial<Parameters<typeof judge>[1]> = {}) => ({
  count,
  scopeId: "scope-1",
  scopeName: "某处",
  eventIds: ["e1"],
  ...extra,
});

describe("collective petitions (集体访)", () => {
  it("raise YELLOW from 5 people and RED from 50, not below", () => {
    expect(judge(rule("collective-petition"), seen(4))).toBeNull();
    expect(judge(rule("collective-petition"), seen(5))).toMatchObject({
      level: "YELLOW",
      rule: "collective-petition",
    });
    expect(judge(rule("large-collective-petition"), seen(49))).toBeNull();
    expect(judge(rule("large-collective-petition"), seen(50))?.level).toBe("RED");
  });
  it("keep only the most severe of the two for one petition", () => {
    const both = [
      judge(rule("collective-petition"), seen(60))!,
      judge(rule("large-collective-petition"), seen(60))!,
    ];
    expect(mostSevere(both).map((w) => w.level)).toEqual(["RED"]);
  });
});

describe("repeat petitioners (重复访)", () => {
  it("raise YELLOW from the third petition within the window, keyed by the petitioner", () => {
    expect(judge(rule("repeat-petitioner"), seen(2))).toBeNull();
    const w = judge(rule("repeat-petitioner"), seen(3, { scopeId: "person-9" }));
    expect(w).toMatchObject({ level: "YELLOW", dedupeKey: "repeat-petitioner:person-9" });
    expect(w?.reasons[0]).toContain("3 petitions within 90 days");
  });
});

describe("clusters of disputes and incidents", () => {
  it("at one address: BLUE from 3 in 30 days", () => {
    expect(judge(rule("address-cluster"), seen(2))).toBeNull();
    expect(judge(rule("address-cluster"), seen(3))?.level).toBe("BLUE");
  });
  it("in one grid: YELLOW from 5 disputes in 7 days, naming the events", () => {
    expect(judge(rule("grid-dispute-cluster"), seen(4))).toBeNull();
    const w = judge(rule("grid-dispute-cluster"), seen(5, { eventIds: ["a", "b", "c", "d", "e"] }));
    expect(w).toMatchObject({ level: "YELLOW", eventIds: ["a", "b", "c", "d", "e"] });
  });
});

describe("overdue red items", () => {
  it("raise RED only when the event is RED and overdue", () => {
    expect(judge(rule("overdue-red"), seen(0, { holds: false }))).toBeNull();
    expect(judge(rule("overdue-red"), seen(0, { holds: true }))?.level).toBe("RED");
  });
});

describe("alert owners", () => {
  const principal = (roles: Principal["roles"], paths: string[]): Principal => ({
    subject: "s",
    roles,
    department: null,
    jurisdiction: [],
    jurisdictionPaths: paths,
    purpose: null,
    purposeRef: null,
    authenticated: true,
  });
  it("a RED alert belongs to the district and city centres, inside their jurisdiction", () => {
    expect(ALERT_OWNERS.RED).not.toContain("street_operator");
    expect(alertStepRefusal(principal(["street_operator"], ["/a/"]), "RED", "/a/b/")).toContain(
      "district_commander",
    );
    expect(alertStepRefusal(principal(["district_commander"], ["/x/"]), "RED", "/a/b/")).toContain(
      "jurisdiction",
    );
    expect(alertStepRefusal(principal(["district_commander"], ["/a/"]), "RED", "/a/b/")).toBeNull();
  });
  it("a grid worker owns no alert", () => {
    for (const level of ["BLUE", "YELLOW", "RED"] as const)
      expect(alertStepRefusal(principal(["grid_worker"], ["/a/"]), level, "/a/")).not.toBeNull();
  });
});
