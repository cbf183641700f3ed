// The resolve benchmark's ceiling (tests/bench/support/undecided.ts, ceilingClusters): which person
// references the data leaves undecided, checked against the generated city itself, and the
// ceiling's clusters against hand-made references.
import { describe, expect, it } from "vitest";
import {
  createCity,
  emptyTruth,
  iterateDataset,
  type Person,
  personIndexOfKey,
  siloDatasets,
  valueAt,
} from "../../../sandbox/generator/index.js";
import { HONORIFICS } from "../../../sandbox/generator/tables/names.js";
import { pairwise } from "../../bench/support/pairwise.js";
import { ceilingClusters, indexTruthLine, TruthIndex } from "../../bench/support/truth-links.js";
import { undecidedReferences } from "../../bench/support/undecided.js";

const city = createCity({ seed: "citygraph", preset: "test" });
const undecided = undecidedReferences(city);
const residents: Person[] = [];
for (let h = 0; h < city.plan.householdCount; h++) residents.push(...city.household(h).members);
/** A sex as the silos write it (12345 "男" / "女", 110 "1" / "2"). */
const sexOf = (v: unknown) => (v === "男" || v === "1" ? 1 : v === "女" || v === "2" ? 2 : null);
const adultsNamed = (name: string, sex: 1 | 2 | null = null) =>
  residents.filter((p) => p.ageAsOf >= 18 && p.name === name && (sex === null || p.sex === sex)).length;
const digits = (phone: string) => phone.replace(/\D/g, "").replace(/^(0086|86)(?=1\d{10}$)/, "");

const emitted = siloDatasets(city).flatMap((d) => [...iterateDataset(d)]);
const flagged = emitted.flatMap((e) =>
  undecided(e.truth, (path) => valueAt(e.record, path)).map((u) => ({ e, u, ref: e.truth.persons[u.ref]! })),
);

describe("references the data leaves undecided", () => {
  it("by a name alone: representatives and other parties whose name other adults bear", () => {
    const byName = flagged.filter((f) => f.u.evidence.startsWith("name:"));
    expect(byName.length).toBeGreaterThan(10);
    for (const { e, ref } of byName) {
      expect(Object.keys(ref.fields).filter((k) => k !== "sex")).toEqual(["name"]);
      const person = city.person(personIndexOfKey(ref.person));
      expect(valueAt(e.record, ref.fields.name!)).toBe(person.name);
      const sex = ref.fields.sex ? sexOf(valueAt(e.record, ref.fields.sex)) : null;
      expect(adultsNamed(person.name, sex)).toBeGreaterThanOrEqual(2);
      if (e.truth.dataset === "incidents") {
        expect(ref.role).toBe("involved");
        expect(["02", "03"]).toContain(valueAt(e.record, "JQLB"));
      } else expect(ref.role).toBe("legalRepresentative");
    }
    // the civil-affairs register all but always holds its representatives' IDs: seldom among them
    const datasets = new Set(byName.map((f) => f.e.truth.dataset));
    expect(datasets).toContain("units");
    expect(datasets).toContain("incidents");
    for (const d of datasets) expect(["socialOrganisations", "units", "incidents"]).toContain(d);
  });

  it("by a phone that two residents hold who agree with the name and sex given (or two of their housemates)", () => {
    const byPhone = flagged.filter((f) => f.u.evidence.startsWith("phone:"));
    expect(byPhone.length).toBeGreaterThan(0);
    for (const { e, ref } of byPhone) {
      expect(ref.fields.id).toBeUndefined();
      const phone = digits(String(valueAt(e.record, ref.fields.phone!)));
      const name = ref.fields.name ? valueAt(e.record, ref.fields.name) : null;
      const sex = ref.fields.sex ? sexOf(valueAt(e.record, ref.fields.sex)) : null;
      const agrees = (p: Person) =>
        (name === null || name === p.name || name === `${p.surname}${HONORIFICS[p.sex]}`) &&
        (sex === null || sex === p.sex) &&
        (!["caller", "reporter", "legalRepresentative"].includes(ref.role) || p.ageAsOf >= 18);
      const holding = residents.filter((p) => p.contactPhone !== null && digits(p.contactPhone) === phone);
      const holders = holding.filter(agrees);
      const households = new Set(holding.map((p) => p.householdIndex));
      const housemates = residents.filter((p) => households.has(p.householdIndex) && agrees(p));
      const answering = holders.length > 0 ? holders : housemates;
      expect(answering.length, `${e.truth.sourceKey} ${ref.role}`).toBeGreaterThanOrEqual(2);
    }
    expect(new Set(byPhone.map((f) => f.ref.role))).toContain("caller");
  });

  it("leave out a representative whose name no other adult bears, or whose unit gives a mobile", () => {
    const reps = emitted.filter((e) => e.truth.dataset === "units");
    const decided = reps.filter((e) => undecided(e.truth, (p) => valueAt(e.record, p)).length === 0);
    const unique = decided.filter((e) => {
      const ref = e.truth.persons.find((p) => p.role === "legalRepresentative")!;
      return adultsNamed(city.person(personIndexOfKey(ref.person)).name) === 1;
    });
    const mobile = decided.filter((e) => /^1\d{10}$/.test(String(valueAt(e.record, "phone"))));
    expect(unique.length).toBeGreaterThan(0);
    expect(mobile.length).toBeGreaterThan(0);
  });

  it("leave out a reference with an ID, whatever else it gives", () => {
    expect(flagged.filter((f) => f.ref.fields.id !== undefined)).toEqual([]);
  });
});

describe("the ceiling's clusters", () => {
  it("keep undecided references apart, one group per person and evidence, the rest as the truth", () => {
    const index = new TruthIndex();
    const line = (sourceKey: string, person: string, evidence: string | null) =>
      indexTruthLine(index, {
        ...emptyTruth("grid", "units", sourceKey),
        persons: [{ person, role: "legalRepresentative", fields: { name: "legalPerson" } }],
        organisations: [{ organisation: "O00000001", role: "subject", fields: { name: "unitName" } }],
        addressTexts: [],
        undecided: evidence === null ? [] : [{ ref: 0, evidence }],
      });
    line("a", "P0000001", null);
    line("b", "P0000001", "name:王静");
    line("c", "P0000001", "name:王静"); // the same evidence again: one group with b
    line("d", "P0000001", "phone:13800000000|name:");
    line("e", "P0000002", null);
    const c = index.refs.person;
    const clusters = [...ceilingClusters(c)];
    expect(clusters[1]).toBe(clusters[2]);
    expect(new Set([clusters[0], clusters[1], clusters[3], clusters[4]]).size).toBe(4);
    // truth pairs: C(4,2) = 6 for P1; the ceiling keeps b–c only
    const s = pairwise(c.truth.view(), Int32Array.from(clusters));
    expect(s.truePairs).toBe(6);
    expect(s.truePositives).toBe(1);
    expect(s.precision).toBe(1);
  });
});
