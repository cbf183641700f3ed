// The person matcher's rules, each on its own: levels per feature, the weight table's arithmetic,
// the thresholds, deterministic tie-breaks and the blocking keys.
import { describe, expect, it } from "vitest";
import { citizenIdCheckChar } from "../../../domain/identifiers/citizen-id.js";
import { honorificName } from "../../../domain/identifiers/person-name.js";
import { decide, levelWeight, scorePair } from "../../../domain/resolution/fellegi-sunter.js";
import {
  bestPersonMatch,
  comparePersons,
  correctedCitizenId,
  householdKey,
  PERSON_THRESHOLDS,
  PERSON_WEIGHTS,
  type PersonProfile,
  personBlockingKeys,
  scorePersons,
} from "../../../domain/resolution/person-match.js";
import { profile } from "./profile.js";

const id = (first17: string) => `${first17}${citizenIdCheckChar(first17)}`;

describe("honorific names", () => {
  it.each([
    ["王先生", { surname: "王", sex: "MALE" }],
    ["李女士", { surname: "李", sex: "FEMALE" }],
    ["欧阳女士", { surname: "欧阳", sex: "FEMALE" }],
    ["张师傅", { surname: "张", sex: null }],
    ["王 先生", { surname: "王", sex: "MALE" }],
  ])("%s → %o", (name, expected) => expect(honorificName(name)).toEqual(expected));
  it.each(["王建国", "先生", "Mr Wang", "司马相如先生"])("%s is a name, not a form of address", (name) =>
    expect(honorificName(name)).toBeNull(),
  );
});

describe("comparing two persons, feature by feature", () => {
  it.each<[string, Partial<PersonProfile>, Partial<PersonProfile>, Record<string, string | null>]>([
    ["same name", { name: "张伟" }, { name: "张伟" }, { name: "EXACT" }],
    ["homophone", { name: "李娜" }, { name: "李纳" }, { name: "PINYIN" }],
    ["rare character as pinyin", { name: "张喆" }, { name: "张zhe" }, { name: "PINYIN" }],
    ["placeholder", { name: "张?明" }, { name: "张喆明" }, { name: "WILDCARD" }],
    ["typo", { name: "欧阳明华" }, { name: "欧阳明哗" }, { name: "PINYIN" }],
    ["form of address, same surname", { name: "王先生" }, { name: "王建国" }, { name: "SURNAME" }],
    ["form of address, other surname", { name: "王先生" }, { name: "李建国" }, { name: "SURNAME_DIFFERENT" }],
    ["two different names", { name: "王建国" }, { name: "李秀英" }, { name: "DIFFERENT" }],
    ["no name on one side", { name: "王建国" }, {}, { name: null }],
    [
      "same valid ID",
      { citizenId: id("32060219800101123") },
      { citizenId: id("32060219800101123") },
      { citizenId: "EXACT" },
    ],
    [
      "two valid IDs",
      { citizenId: id("32060219800101123") },
      { citizenId: id("32060219800101456") },
      { citizenId: "DIFFERENT" },
    ],
    [
      "a failed check one character off",
      { citizenId: id("32060219800101123") },
      {
        citizenIdLowTrust: `${"32060219800101123"}${citizenIdCheckChar("32060219800101123") === "0" ? "1" : "0"}`,
      },
      { citizenId: "NEAR" },
    ],
    ["birth dates", { birthDate: "1980-01-01" }, { birthDate: "1980-01-02" }, { birthDate: "DIFFERENT" }],
    ["sex", { sex: "MALE" }, { sex: "MALE" }, { sex: "SAME" }],
    ["phones", { phone: "13800000001" }, { phone: "13800000001" }, { phone: "EXACT" }],
    ["households", { addressKeys: ["a", "b"] }, { addressKeys: ["b"] }, { address: "SAME" }],
    ["other households", { addressKeys: ["a"] }, { addressKeys: ["b"] }, { address: "DIFFERENT" }],
  ])("%s", (_label, a, b, expected) => {
    expect(comparePersons(profile(a), profile(b))).toMatchObject(expected);
    // Symmetric: the order of the pair never matters.
    expect(comparePersons(profile(b), profile(a))).toMatchObject(expected);
  });
});

describe("weights and thresholds", () => {
  it("weighs a level log2(m/u), and sums the levels a pair falls into", () => {
    expect(levelWeight({ m: 0.9, u: 0.1 })).toBeCloseTo(3.17, 2);
    const { score, reasons } = scorePair(PERSON_WEIGHTS, { name: "EXACT", phone: "EXACT", sex: null });
    expect(score).toBeCloseTo(
      levelWeight(PERSON_WEIGHTS.name.EXACT) + levelWeight(PERSON_WEIGHTS.phone.EXACT),
      1,
    );
    expect(reasons.map((r) => r.feature)).toEqual(["name", "phone"]);
  });
  it("refuses a level the table does not know", () => {
    expect(() => scorePair(PERSON_WEIGHTS, { name: "NEARLY" })).toThrow(/name=NEARLY/);
  });
  it.each<[string, Partial<PersonProfile>, Partial<PersonProfile>, "LINK" | "REVIEW" | "NEW"]>([
    [
      "a caller's surname and own phone",
      { name: "王先生", sex: "MALE", phone: "13800000002" },
      { name: "王建国", sex: "MALE", phone: "13800000002" },
      "LINK",
    ],
    [
      "name and birth date",
      { name: "张伟", birthDate: "1980-01-01" },
      { name: "张伟", birthDate: "1980-01-01" },
      "LINK",
    ],
    [
      "homophone, birth date and phone",
      { name: "李纳", birthDate: "1990-07-07", phone: "13800000003" },
      { name: "李娜", birthDate: "1990-07-07", phone: "13800000003" },
      "LINK",
    ],
    [
      "name and household",
      { name: "赵敏", addressKeys: ["k"] },
      { name: "赵敏", addressKeys: ["k"] },
      "LINK",
    ],
    [
      "a grid's mediator and its worker",
      { name: "周平", posts: ["GRID_WORKER@320602001001001"] },
      { name: "周平", posts: ["GRID_WORKER@320602001001001"], phone: "13800000009" },
      "LINK",
    ],
    [
      "the other worker of the same grid",
      { name: "周平", posts: ["GRID_WORKER@320602001001001"] },
      { name: "吴刚", posts: ["GRID_WORKER@320602001001001"] },
      "NEW",
    ],
    [
      "a relative on the same phone",
      { name: "刘芳", sex: "FEMALE", phone: "13800000003" },
      { name: "李娜", sex: "FEMALE", phone: "13800000003" },
      "REVIEW",
    ],
    ["a name alone", { name: "张伟" }, { name: "张伟" }, "REVIEW"],
    [
      "another name on another phone",
      { name: "张伟", phone: "13800000001" },
      { name: "李强", phone: "13800000002" },
      "NEW",
    ],
    [
      "two valid IDs, everything else equal",
      { citizenId: id("32060219800101123"), name: "张强", phone: "13800000001" },
      { citizenId: id("32060219800101456"), name: "张强", phone: "13800000001" },
      "NEW",
    ],
  ])("%s → %s", (_label, a, b, expected) => {
    expect(decide(scorePersons(profile(a), profile(b)).score, PERSON_THRESHOLDS)).toBe(expected);
  });
});

describe("the best candidate", () => {
  const me = profile({ name: "陈静", phone: "13700000001" });
  it("takes the highest score", () => {
    const best = bestPersonMatch(me, [
      { id: "a", profile: profile({ name: "陈晶", phone: "13700000001" }) },
      { id: "b", profile: profile({ name: "陈静", phone: "13700000001" }) },
    ]);
    expect(best).toMatchObject({ candidateId: "b", decision: "LINK" });
  });
  it("does not decide alone between two equal candidates with different values", () => {
    const best = bestPersonMatch(me, [
      { id: "a", profile: profile({ name: "陈静", phone: "13700000001", birthDate: "1985-03-03" }) },
      { id: "b", profile: profile({ name: "陈静", phone: "13700000001", birthDate: "1990-01-01" }) },
    ]);
    expect(best?.decision).toBe("REVIEW");
  });
  it("is the same whatever order the candidates come in", () => {
    const cands = [
      { id: "x", profile: profile({ name: "陈静", phone: "13700000001" }) },
      { id: "y", profile: profile({ name: "陈女士", phone: "13700000001" }) },
    ];
    expect(bestPersonMatch(me, cands)).toEqual(bestPersonMatch(me, [...cands].reverse()));
  });
  it("is null without candidates", () => expect(bestPersonMatch(me, [])).toBeNull());
});

describe("blocking keys", () => {
  it("blocks on pinyin + birth date, phone, the ID (or the one a failed check meant) and household", () => {
    const valid = id("32060219800101123");
    const wrongCheck = `${valid.slice(0, 17)}${valid.endsWith("0") ? "1" : "0"}`;
    expect(correctedCitizenId(wrongCheck)).toBe(valid);
    expect(
      personBlockingKeys(
        profile({
          name: "李娜",
          birthDate: "1990-07-07",
          phone: "13800000003",
          citizenIdLowTrust: wrongCheck,
        }),
      ),
    ).toEqual({
      nameBirth: { namePinyin: "lina", birthDate: "1990-07-07" },
      phone: "13800000003",
      citizenId: valid,
      addressKeys: [],
      posts: [],
    });
  });
  it("takes household-precise addresses only", () => {
    expect(householdKey("崇川区和平桥街道八一社区青年路1号2幢3单元401室")).not.toBeNull();
    expect(householdKey("崇川区和平桥街道八一社区青年路1号")).not.toBeNull(); // a rural-style door plate
    expect(householdKey("崇川区和平桥街道八一社区青年路1号2幢")).toBeNull(); // a whole building
    expect(householdKey("崇川区青年路")).toBeNull();
  });
});
