// The organisation matcher on its own: name levels within a key, place, phone and credit-code
// features, the posterior over the registered organisations of a key, and the decisions for a
// group of organisations sharing one key (domain/resolution/organisation-match.ts).
import { describe, expect, it } from "vitest";
import { organisationNameParts } from "../../../domain/identifiers/org-name.js";
import {
  distinctiveKey,
  type GroupMember,
  nameLevel,
  ORGANISATION_POLICY,
  type OrganisationPlace,
  type OrganisationPopulation,
  type OrganisationProfile,
  resolveNameGroup,
  resolveOrganisation,
  scoreOrganisations,
} from "../../../domain/resolution/organisation-match.js";

const CITY = ["南通市"];
const DISTRICT = "/320600/320602/";
const STREET = `${DISTRICT}320602001000/`;
const GRID = `${STREET}320602001001/320602001001001/`;
const OTHER_DISTRICT = "/320600/320611/320611002000/320611002003/";

const org = (
  name: string,
  extra: Partial<Omit<OrganisationProfile, "spelled" | "key" | "prefix">> = {},
): OrganisationProfile => ({
  ...organisationNameParts(name, CITY),
  uscc: null,
  usccLowTrust: null,
  place: null,
  phone: null,
  ...extra,
});

const at = (path: string, addressId: string | null = null): OrganisationPlace => ({ path, addressId });

/** 10 000 organisations; each key borne by as many registered ones as the group holds. */
const population = (phoneHolders: Record<string, number> = {}): OrganisationPopulation => ({
  organisations: 10_000,
  keyHolders: () => 1,
  phoneHolders: (p) => phoneHolders[p] ?? 1,
  areas: { DISTRICT: 8, STREET: 80, COMMUNITY: 800 },
  addresses: 200_000,
});

const member = (id: string, profile: OrganisationProfile, ruled = false): GroupMember<string> => ({
  id,
  profile,
  tie: `src/${id}`,
  ruled,
});

/** The population a group sees: its key borne by its registered members. */
const groupPopulation = (members: readonly GroupMember<string>[]): OrganisationPopulation => ({
  ...population(),
  keyHolders: () => members.filter((m) => m.profile.uscc !== null).length,
});

const USCC = "91320602MA1MY3K697";
const HENGTONG_FULL = "南通恒通建材有限公司";

describe("name levels within a key", () => {
  it("tells the same spelling, a shortened one and two registrations apart", () => {
    const full = org("南通恒通建材有限公司");
    expect(nameLevel(org("南通恒通建材有限公司"), full)).toBe("EXACT");
    expect(nameLevel(org("南通市恒通建材有限公司"), full)).toBe("SHORTENED");
    expect(nameLevel(org("恒通建材公司"), full)).toBe("SHORTENED");
    expect(nameLevel(org("江苏恒通建材有限公司"), full)).toBe("CONFLICTING");
  });

  it("finds no candidates by a key that names a kind of unit, not one", () => {
    expect(distinctiveKey("恒通建材公司")).toBe(true);
    expect(distinctiveKey("物业公司")).toBe(false);
    expect(distinctiveKey("某单位")).toBe(false);
    const group = [member("a", org("物业公司")), member("b", org("物业公司"))];
    expect(resolveNameGroup(group, groupPopulation(group))).toEqual([]);
  });
});

describe("one organisation against another", () => {
  it("weighs the same address and the same phone for, another district against", () => {
    const registered = org("南通恒通建材有限公司", {
      uscc: USCC,
      place: at(GRID, "A1"),
      phone: "051381234567",
    });
    const same = scoreOrganisations(
      org("恒通建材公司", { place: at(GRID, "A1"), phone: "051381234567" }),
      registered,
      population(),
    );
    expect(same.reasons.map((r) => `${r.feature} ${r.level}`)).toEqual([
      "name SHORTENED",
      "place ADDRESS",
      "phone EXACT",
    ]);
    expect(same.reasons.every((r) => r.weight > 0)).toBe(true);
    const elsewhere = scoreOrganisations(
      org("恒通建材公司", { place: at(OTHER_DISTRICT) }),
      registered,
      population(),
    );
    expect(elsewhere.reasons.find((r) => r.feature === "place")).toMatchObject({ level: "ELSEWHERE" });
    expect(elsewhere.reasons.find((r) => r.feature === "place")!.weight).toBeLessThan(0);
  });

  it("shows a place only to its precision: a district agrees at district level", () => {
    const s = scoreOrganisations(
      org("恒通建材公司", { place: at(DISTRICT) }),
      org("南通恒通建材有限公司", { uscc: USCC, place: at(GRID, "A1") }),
      population(),
    );
    expect(s.reasons.find((r) => r.feature === "place")).toMatchObject({ level: "DISTRICT" });
    expect(s.reasons.find((r) => r.feature === "place")!.weight).toBeGreaterThan(0);
  });

  it("a phone many organisations give says less than one only this one gives", () => {
    const pair = (holders: number) =>
      scoreOrganisations(
        org("恒通建材公司", { phone: "051381234567" }),
        org("南通恒通建材有限公司", { uscc: USCC, phone: "051381234567" }),
        population({ "051381234567": holders }),
      ).reasons.find((r) => r.feature === "phone")!.weight;
    expect(pair(1)).toBeGreaterThan(pair(50));
  });

  it("a failed credit code one character off the registered one is that code mistyped", () => {
    const near = scoreOrganisations(
      org("恒通建材公司", { usccLowTrust: "91320602MA1MY3K698" }),
      org("南通恒通建材有限公司", { uscc: USCC }),
      population(),
    ).reasons.find((r) => r.feature === "creditCode")!;
    expect(near).toMatchObject({ level: "NEAR" });
    expect(near.weight).toBeGreaterThan(0);
    const far = scoreOrganisations(
      org("恒通建材公司", { usccLowTrust: "91320602MA2XXXXXX1" }),
      org("南通恒通建材有限公司", { uscc: USCC }),
      population(),
    ).reasons.find((r) => r.feature === "creditCode")!;
    expect(far.level).toBe("DIFFERENT");
    expect(far.weight).toBeLessThan(0);
  });
});

describe("the posterior over a key's registered organisations", () => {
  it("links a name said the short way to the one registered organisation bearing its key", () => {
    const match = resolveOrganisation(
      org("恒通建材公司"),
      [{ id: "R", profile: org("南通恒通建材有限公司", { uscc: USCC }), tie: "R" }],
      population(),
    )!;
    expect(match.decision).toBe("LINK");
    expect(match.posterior).toBeGreaterThanOrEqual(ORGANISATION_POLICY.link);
  });

  it("links to neither of two registrations of one key unless the name tells which", () => {
    const candidates = [
      { id: "NT", profile: org("南通恒通建材有限公司", { uscc: USCC }), tie: "NT" },
      { id: "JS", profile: org("江苏恒通建材有限公司", { uscc: "91320602MA1N0R2K8X" }), tie: "JS" },
    ];
    const two = { ...population(), keyHolders: () => 2 };
    const short = resolveOrganisation(org("恒通建材公司"), candidates, two)!;
    expect(short.decision).toBe("NONE");
    const full = resolveOrganisation(org("江苏恒通建材有限公司"), candidates, two)!;
    expect(full).toMatchObject({ candidateId: "JS", decision: "LINK" });
  });

  it("puts the same name in another district between the thresholds, not into the organisation", () => {
    const match = resolveOrganisation(
      org("恒通建材公司", { place: at(OTHER_DISTRICT) }),
      [{ id: "R", profile: org("南通恒通建材有限公司", { uscc: USCC, place: at(GRID, "A1") }), tie: "R" }],
      population(),
    )!;
    expect(match.decision).not.toBe("LINK");
  });
});

describe("a name key's group", () => {
  it("merges every organisation without a valid code into the registered one", () => {
    const group = [
      member("target", org("恒通建材公司")),
      member("party", org("南通恒通建材有限公司", { place: at(GRID, "A1") })),
      member("unit", org("南通恒通建材有限公司", { uscc: USCC, place: at(GRID, "A1") })),
    ];
    const decisions = resolveNameGroup(group, groupPopulation(group));
    expect(decisions.map((d) => [d.mergedId, d.survivorId, d.match.decision])).toEqual([
      ["target", "unit", "LINK"],
      ["party", "unit", "LINK"],
    ]);
  });

  it("with none registered, folds the others into the one known best, whatever the order", () => {
    const group = [
      member("target1", org("恒通建材公司")),
      member("unit", org("南通恒通建材有限公司", { place: at(GRID, "A1"), phone: "051381234567" })),
      member("target2", org("南通恒通建材有限公司")),
      member("party", org("南通恒通建材有限公司", { phone: "051381234567" })),
    ];
    const decide = (members: GroupMember<string>[]) =>
      resolveNameGroup(members, groupPopulation(members))
        .map((d) => `${d.mergedId}→${d.survivorId} ${d.match.decision}`)
        .sort();
    expect(decide(group)).toEqual(["party→unit LINK", "target1→unit LINK", "target2→unit LINK"]);
    expect(decide([...group].reverse())).toEqual(decide(group));
  });

  it("never merges a pair a steward kept apart, nor an organisation a steward ruled on", () => {
    const group = [
      member("target", org("恒通建材公司")),
      member("ruled", org("恒通建材公司"), true),
      member("unit", org("南通恒通建材有限公司", { uscc: USCC })),
    ];
    const decisions = resolveNameGroup(
      group,
      groupPopulation(group),
      new Set(["target|unit", "unit|target"]),
    );
    expect(decisions).toEqual([]);
  });

  it("keeps the anchor a steward ruled on: what comes later still folds into it", () => {
    const group = [
      member("unit", org(HENGTONG_FULL, { place: at(GRID, "A1") }), true),
      member("unmerged", org("恒通建材公司"), true),
      member("later", org("恒通建材公司")),
    ];
    const decisions = resolveNameGroup(
      group,
      groupPopulation(group),
      new Set(["unmerged|unit", "unit|unmerged"]),
    );
    expect(decisions.map((d) => `${d.mergedId}→${d.survivorId}`)).toEqual(["later→unit"]);
  });
});
