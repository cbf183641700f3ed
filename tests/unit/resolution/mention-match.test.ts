// The mention matcher on its own: frequency-adjusted weights, the place, age and phone features,
// and the posterior over a mention's candidates (domain/resolution/mention-match.ts).
import { describe, expect, it } from "vitest";
import {
  calibratedPlaceModel,
  calibratedPrior,
  defaultPlaceModel,
  MENTION_POLICY,
  type Mention,
  type Population,
  placeLevel,
  type RegisteredPerson,
  resolveMention,
  scoreMention,
} from "../../../domain/resolution/mention-match.js";
import type { PersonProfile } from "../../../domain/resolution/person-match.js";
import { profile } from "./profile.js";

const CITY = "/320600/";
const DISTRICT = `${CITY}320602/`;
const STREET = `${DISTRICT}320602001000/`;
const COMMUNITY_A = `${STREET}320602001001/`;
const GRID_A = `${COMMUNITY_A}320602001001001/`;
const COMMUNITY_B = `${STREET}320602001002/`;
const OTHER_DISTRICT_COMMUNITY = "/320600/320611/320611002000/320611002003/";

let serial = 100;
const resident = (p: Partial<PersonProfile>, homes: string[] = [], housePhones: string[] = []) => ({
  id: `R${serial++}`,
  person: {
    profile: profile({ citizenId: `3206021980010${serial}`, sex: "MALE", birthDate: "1980-01-01", ...p }),
    homes,
    housePhones,
  } satisfies RegisteredPerson,
});

const mention = (p: Partial<PersonProfile>, extra: Partial<Mention> = {}): Mention => ({
  profile: profile(p),
  places: [],
  adultRole: false,
  seenOn: "2026-11-01",
  ...extra,
});

/** A city of 100 000 registered residents; every name, pinyin and phone held as `holders` says. */
const population = (holders: Record<string, number> = {}): Population => ({
  persons: 100_000,
  nameHolders: (v) => holders[v] ?? 1,
  pinyinHolders: (v) => holders[v] ?? 1,
  phoneHolders: (v) => holders[v] ?? 1,
  areas: { DISTRICT: 8, STREET: 80, COMMUNITY: 800 },
});

describe("placeLevel", () => {
  it.each([
    [GRID_A, COMMUNITY_A, "COMMUNITY"],
    [COMMUNITY_A, COMMUNITY_B, "STREET"],
    [STREET, `${DISTRICT}320602002000/`, "DISTRICT"],
    [COMMUNITY_A, OTHER_DISTRICT_COMMUNITY, "ELSEWHERE"],
  ])("%s against %s: %s", (a, b, level) => {
    expect(placeLevel(a, b)).toBe(level);
  });
});

describe("resolveMention", () => {
  it("links a name-only mention to the one resident bearing that name", () => {
    const only = resident({ name: "欧阳靖雯", sex: "FEMALE" });
    const match = resolveMention(mention({ name: "欧阳靖雯" }), [only], population({ 欧阳靖雯: 1 }))!;
    expect(match.decision).toBe("LINK");
    expect(match.candidateId).toBe(only.id);
    expect(match.posterior).toBeGreaterThanOrEqual(MENTION_POLICY.link);
    // u is the name's share of the population: log2(0.85 / (1 / 100 000)) = 16.375
    expect(match.reasons).toContainEqual({ feature: "name", level: "EXACT", weight: 16.38 });
  });

  it("does not choose between two residents of the same name when nothing else tells them apart", () => {
    const a = resident({ name: "王芳", sex: "FEMALE" });
    const b = resident({ name: "王芳", sex: "FEMALE" });
    const pop = population({ 王芳: 2 });
    const one = resolveMention(mention({ name: "王芳" }), [a, b], pop)!;
    const other = resolveMention(mention({ name: "王芳" }), [b, a], pop)!;
    expect(one.decision).toBe("NONE");
    expect(one.posterior).toBeLessThan(MENTION_POLICY.review);
    // the same inputs in another order give the same choice
    expect(other.candidateId).toBe(one.candidateId);
  });

  it("a common name weighs less than a rare one", () => {
    const r = resident({ name: "张伟" });
    const rare = scoreMention(mention({ name: "张伟" }), r.person, population({ 张伟: 1 }));
    const common = scoreMention(mention({ name: "张伟" }), r.person, population({ 张伟: 50 }));
    expect(rare.score - common.score).toBeCloseTo(Math.log2(50), 1);
  });

  it("tells same-named residents apart by where the mention's event happened", () => {
    const near = resident({ name: "李静", sex: "FEMALE" }, [GRID_A]);
    const far = resident({ name: "李静", sex: "FEMALE" }, [OTHER_DISTRICT_COMMUNITY]);
    const m = mention({ name: "李静" }, { places: [{ context: "EVENT", path: COMMUNITY_A }] });
    const match = resolveMention(m, [far, near], population({ 李静: 2 }))!;
    expect(match.decision).toBe("LINK");
    expect(match.candidateId).toBe(near.id);
    expect(match.reasons).toContainEqual(
      expect.objectContaining({ feature: "place", level: "EVENT_COMMUNITY" }),
    );
  });

  it("an event known to its street only agrees at street level at most", () => {
    const r = resident({ name: "李静" }, [GRID_A]);
    const m = mention({ name: "李静" }, { places: [{ context: "EVENT", path: STREET }] });
    const reasons = scoreMention(m, r.person, population()).reasons;
    expect(reasons).toContainEqual(expect.objectContaining({ feature: "place", level: "EVENT_STREET" }));
  });

  it("a legal representative is of age: the adult of two same-named residents", () => {
    const child = resident({ name: "赵磊", birthDate: "2015-06-01" });
    const adult = resident({ name: "赵磊", birthDate: "1970-03-02" });
    const m = mention({ name: "赵磊" }, { adultRole: true });
    const match = resolveMention(m, [child, adult], population({ 赵磊: 2 }))!;
    expect(match.candidateId).toBe(adult.id);
    expect(match.reasons).toContainEqual(expect.objectContaining({ feature: "age", level: "ADULT" }));
    // without the role, age says nothing
    expect(resolveMention(mention({ name: "赵磊" }), [child, adult], population({ 赵磊: 2 }))!.decision).toBe(
      "NONE",
    );
  });

  /** A man with a mobile (13800000007) and his wife, who has her own and knows his. */
  const holderAndWife = () => ({
    holder: resident({ name: "赵强", sex: "MALE", phone: "13800000007" }, [GRID_A]),
    wife: resident(
      { name: "钱丽", sex: "FEMALE", phone: "13800000008", birthDate: "1982-05-05" },
      [GRID_A],
      ["13800000007"],
    ),
  });

  it("knows a caller by a housemate's phone", () => {
    const husband = resident({ name: "王建国", sex: "MALE", phone: null }, [GRID_A], ["13900000009"]);
    const wife = resident({ name: "刘芳", sex: "FEMALE", phone: "13900000009" }, [GRID_A]);
    const m = mention({ name: "王建国", phone: "13900000009" }, { adultRole: true });
    const match = resolveMention(m, [husband, wife], population({ 王建国: 3 }))!;
    expect(match.candidateId).toBe(husband.id);
    expect(match.decision).toBe("LINK");
    expect(match.reasons).toContainEqual(expect.objectContaining({ feature: "phone", level: "HOUSEHOLD" }));
  });

  it("does not merge a caller known by a mobile alone into its holder when an adult lives with them", () => {
    const { holder, wife: housemate } = holderAndWife();
    const m = mention({ phone: "13800000007" }, { adultRole: true });
    const shared = resolveMention(m, [holder, housemate], population())!;
    // the holder leads, but a relative's mobile is common enough to leave the pair to a steward
    expect(shared.candidateId).toBe(holder.id);
    expect(shared.posterior).toBeGreaterThan(0.8);
    expect(shared.decision).toBe("REVIEW");
    // whatever the city's size and however sure the registry is to hold the caller: what keeps
    // the holder from a link is the housemate, not "someone else"
    const small = resolveMention(m, [holder, housemate], { ...population(), persons: 20_000, prior: 0.997 })!;
    expect(small.decision).toBe("REVIEW");
    expect(small.posterior).toBeCloseTo(0.85 / (0.85 + 0.1), 1);
    // the same mobile with nobody living with its holder: merged
    const alone = resolveMention(m, [holder], population())!;
    expect(alone.decision).toBe("LINK");
    expect(alone.candidateId).toBe(holder.id);
  });

  it("tells the holder from a housemate of the other sex by the sex the operator wrote down (来电人性别)", () => {
    const { holder, wife } = holderAndWife();
    const callerOn = (sex: "MALE" | "FEMALE", residents: (typeof holder)[]) =>
      resolveMention(mention({ phone: "13800000007", sex }, { adultRole: true }), residents, population())!;
    // a man on the mobile: the holder, no longer a pair for a steward
    const him = callerOn("MALE", [holder, wife]);
    expect(him).toMatchObject({ candidateId: holder.id, decision: "LINK" });
    expect(him.reasons).toContainEqual(expect.objectContaining({ feature: "sex", level: "SAME" }));
    // a woman on his mobile: his wife, who gave it instead of her own
    const her = callerOn("FEMALE", [holder, wife]);
    expect(her.candidateId).toBe(wife.id);
    expect(her.reasons).toContainEqual(expect.objectContaining({ feature: "phone", level: "HOUSEHOLD" }));
    // a housemate of the same sex: the sex tells nothing, the pair stays a steward's
    const son = resident(
      { name: "赵伟", sex: "MALE", phone: "13800000009", birthDate: "2000-02-02" },
      [GRID_A],
      ["13800000007"],
    );
    const either = callerOn("MALE", [holder, son]);
    expect(either).toMatchObject({ candidateId: holder.id, decision: "REVIEW" });
  });

  it("weighs a relative's mobile as one of the household's: more housemates with mobiles, less for each", () => {
    const holder = resident({ name: "孙伟", sex: "MALE", phone: "13800000011" }, [GRID_A]);
    const housemates = ["13800000012", "13800000013", "13800000014"].map((phone, i) =>
      resident(
        { name: `孙${i}`, sex: "FEMALE", phone, birthDate: "1985-02-02" },
        [GRID_A],
        ["13800000011", ...["13800000012", "13800000013", "13800000014"].filter((p) => p !== phone)],
      ),
    );
    const m = mention({ phone: "13800000011" }, { adultRole: true });
    const pop = { ...population(), prior: 0.997 };
    const weightOf = (c: (typeof housemates)[number]) =>
      scoreMention(m, c.person, pop).reasons.find((r) => r.feature === "phone")!;
    // three mobiles in the household besides each housemate's own: a third of a single one's m
    expect(weightOf(housemates[0]!).level).toBe("HOUSEHOLD");
    const alone = resident(
      { name: "孙0", sex: "FEMALE", phone: "13800000012", birthDate: "1985-02-02" },
      [GRID_A],
      ["13800000011"],
    );
    expect(weightOf(alone).weight - weightOf(housemates[0]!).weight).toBeCloseTo(Math.log2(3), 1);
    // and the holder's share against all three is the share against one: someone gave a relative's
    const three = resolveMention(m, [holder, ...housemates], pop)!;
    const one = resolveMention(m, [holder, alone], pop)!;
    expect(three.candidateId).toBe(holder.id);
    expect(three.posterior).toBeCloseTo(one.posterior, 2);
    expect(three.decision).toBe("REVIEW");
  });

  it("takes the prior measured on the graph, and says which it took", () => {
    const r = resident({ name: "周敏", phone: "13600000031" }, [GRID_A]);
    const m = mention({ name: "周敏" }, { places: [{ context: "EVENT", path: OTHER_DISTRICT_COMMUNITY }] });
    const declared = resolveMention(m, [r], population())!;
    expect(declared.prior).toBe(MENTION_POLICY.prior);
    const measured = resolveMention(m, [r], { ...population(), prior: 0.997 })!;
    expect(measured.prior).toBe(0.997);
    expect(measured.score).toBe(declared.score);
    // less room for someone the registry does not hold: the same evidence, a higher posterior
    expect(measured.posterior).toBeGreaterThan(declared.posterior);
  });

  it("knows a legal representative by the organisation's contact mobile", () => {
    const holders = ["A", "B", "C"].map((_, i) =>
      resident({ name: "陈静", phone: `1370000000${i}` }, [OTHER_DISTRICT_COMMUNITY]),
    );
    const m = mention({ name: "陈静" }, { adultRole: true, contactPhones: ["13700000001"] });
    const match = resolveMention(m, holders, population({ 陈静: 3 }))!;
    expect(match.candidateId).toBe(holders[1]!.id);
    expect(match.decision).toBe("LINK");
    expect(match.reasons).toContainEqual(
      expect.objectContaining({ feature: "contactPhone", level: "EXACT" }),
    );
  });

  it("leaves room for someone the registry does not hold", () => {
    // a unique name with contrary evidence (another phone, a home elsewhere) is not enough
    const r = resident({ name: "孙悦", phone: "13600000001" }, [OTHER_DISTRICT_COMMUNITY]);
    const m = mention(
      { name: "孙悦", phone: "13600000002" },
      { places: [{ context: "HOME", path: GRID_A }] },
    );
    expect(resolveMention(m, [r], population({ 孙悦: 1 }))!.decision).not.toBe("LINK");
    expect(resolveMention(m, [], population())).toBeNull();
  });
});

describe("calibratedPlaceModel", () => {
  it("keeps the declared m until a precision has enough samples, then measures it", () => {
    const few = calibratedPlaceModel([{ place: COMMUNITY_A, homes: [GRID_A] }]);
    expect(few("EVENT", "COMMUNITY")).toEqual(defaultPlaceModel("EVENT", "COMMUNITY"));
    const many = calibratedPlaceModel(
      Array.from({ length: 300 }, (_, i) => ({
        place: COMMUNITY_A,
        homes: [i < 240 ? GRID_A : OTHER_DISTRICT_COMMUNITY],
      })),
    );
    const m = many("EVENT", "COMMUNITY");
    expect(m.COMMUNITY).toBeCloseTo(241 / 304, 5);
    expect(m.ELSEWHERE).toBeCloseTo(61 / 304, 5);
    // homes a silo recorded are not calibrated by events
    expect(many("HOME", "COMMUNITY")).toEqual(defaultPlaceModel("HOME", "COMMUNITY"));
  });

  it("measures each stratum of events where it has samples enough, the rest over every stratum", () => {
    const theft = ["POLICE_INCIDENT/PUBLIC_ORDER/PARTY", "POLICE_INCIDENT/PARTY"];
    const dispute = ["POLICE_INCIDENT/DISPUTE/PARTY", "POLICE_INCIDENT/PARTY"];
    const caller = ["HOTLINE_WORK_ORDER//REPORTER", "HOTLINE_WORK_ORDER/REPORTER"];
    const samples = [
      // the other party to a fight in the street lives anywhere: 250, a fifth of them nearby
      ...Array.from({ length: 250 }, (_, i) => ({
        place: COMMUNITY_A,
        homes: [i < 50 ? GRID_A : OTHER_DISTRICT_COMMUNITY],
        strata: theft,
      })),
      // a neighbour dispute's parties live next door: too few to measure alone
      ...Array.from({ length: 20 }, () => ({ place: COMMUNITY_A, homes: [GRID_A], strata: dispute })),
      // callers report what is near home
      ...Array.from({ length: 400 }, (_, i) => ({
        place: COMMUNITY_A,
        homes: [i < 360 ? GRID_A : OTHER_DISTRICT_COMMUNITY],
        strata: caller,
      })),
    ];
    const model = calibratedPlaceModel(samples);
    expect(model("EVENT", "COMMUNITY", theft).ELSEWHERE).toBeCloseTo(201 / 254, 5);
    expect(model("EVENT", "COMMUNITY", caller).ELSEWHERE).toBeCloseTo(41 / 404, 5);
    // the disputes fall back to their kind and role (the thefts and themselves: 270)
    expect(model("EVENT", "COMMUNITY", dispute).COMMUNITY).toBeCloseTo(71 / 274, 5);
    // no stratum: every sample (670)
    expect(model("EVENT", "COMMUNITY").COMMUNITY).toBeCloseTo((50 + 20 + 360 + 1) / 674, 5);

    // a mention's events in different strata are weighed with what they share
    const r = resident({ name: "郑华" }, [OTHER_DISTRICT_COMMUNITY]);
    const seenAt = (strata: string[][]) =>
      mention(
        { name: "郑华" },
        { places: strata.map((s) => ({ context: "EVENT" as const, path: COMMUNITY_A, strata: s })) },
      );
    const pop = { ...population(), placeModel: model };
    const place = (m: Mention) => scoreMention(m, r.person, pop).reasons.find((x) => x.feature === "place")!;
    // far from home is what a fight's other party often is, and seldom what a caller is
    expect(place(seenAt([theft])).weight).toBeGreaterThan(place(seenAt([caller])).weight);
    const unstratified = mention(
      { name: "郑华" },
      { places: [0, 1].map(() => ({ context: "EVENT" as const, path: COMMUNITY_A })) },
    );
    expect(place(seenAt([theft, caller])).weight).toBe(place(unstratified).weight);
    expect(place(seenAt([theft, dispute])).weight).toBe(place(seenAt([dispute, dispute])).weight);
  });

  it("folds what a coarse place cannot show into its own level", () => {
    const street = defaultPlaceModel("EVENT", "STREET");
    expect(street.COMMUNITY).toBe(0);
    expect(street.STREET).toBeCloseTo(0.6, 10);
  });
});

describe("calibratedPrior", () => {
  const tally = (references: number, held: number) => ({ references, held });
  it("is the share of the ID-less whose mobile the registry knows, over that share among those with an ID", () => {
    // 90 % of callers without an ID against 99 % with one: about 91 % of the ID-less are registered
    expect(calibratedPrior({ withId: tally(1000, 990), withoutId: tally(2000, 1800) })).toBeCloseTo(
      0.9091,
      4,
    );
  });

  it("stays within the policy's range, and keeps the policy's prior where too few references tell", () => {
    const [low, high] = MENTION_POLICY.priorRange;
    expect(calibratedPrior({ withId: tally(1000, 990), withoutId: tally(2000, 2000) })).toBe(high);
    expect(calibratedPrior({ withId: tally(1000, 990), withoutId: tally(2000, 200) })).toBe(low);
    expect(calibratedPrior({ withId: tally(150, 150), withoutId: tally(2000, 1800) })).toBe(
      MENTION_POLICY.prior,
    );
    expect(calibratedPrior({ withId: tally(1000, 990), withoutId: tally(150, 100) })).toBe(
      MENTION_POLICY.prior,
    );
  });
});
