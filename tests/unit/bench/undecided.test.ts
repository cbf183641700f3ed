// The resolve benchmark's ceiling (tests/bench/support/undecided.ts, ceilingClusters): which person
// references the data leaves undecided, checked against the generated city itself, and the
// ceiling's clusters against hand-made references.
import { describe, expect, it } from "vitest";
import {
  createCity,
  emptyTruth,
  iterateDataset,
  personIndexOfKey,
  siloDatasets,
  valueAt,
} from "../../../sandbox/generator/index.js";
import { pairwise } from "../../bench/support/pairwise.js";
import { ceilingClusters, indexTruthLine, TruthIndex } from "../../bench/support/truth-links.js";
import { undecidedReferences } from "../../bench/support/undecided.js";

const city = createCity({ seed: "citygraph", preset: "test" });
const undecided = undecidedReferences(city);
const adults = new Map<string, number>();
for (let h = 0; h < city.plan.householdCount; h++)
  for (const p of city.household(h).members)
    if (p.ageAsOf >= 18) adults.set(p.name, (adults.get(p.name) ?? 0) + 1);

const datasets = siloDatasets(city).filter((d) =>
  ["socialOrganisations", "units", "incidents"].includes(d.name),
);
const emitted = datasets.flatMap((d) => [...iterateDataset(d)]);

describe("references the data leaves undecided", () => {
  const flagged = emitted.flatMap((e) =>
    undecided(e.truth, (path) => valueAt(e.record, path)).map((i) => ({ e, ref: e.truth.persons[i]! })),
  );

  it("are name-only representatives and other parties whose name other adults bear", () => {
    expect(flagged.length).toBeGreaterThan(10);
    for (const { e, ref } of flagged) {
      expect(Object.keys(ref.fields)).toEqual(["name"]);
      const person = city.person(personIndexOfKey(ref.person));
      expect(valueAt(e.record, ref.fields.name!)).toBe(person.name);
      expect(adults.get(person.name)).toBeGreaterThanOrEqual(2);
      if (e.truth.dataset === "incidents") {
        expect(ref.role).toBe("involved");
        expect(["02", "03"]).toContain(valueAt(e.record, "JQLB"));
      } else expect(ref.role).toBe("legalRepresentative");
    }
    expect(new Set(flagged.map((f) => f.e.truth.dataset))).toEqual(
      new Set(["socialOrganisations", "units", "incidents"]),
    );
  });

  it("leave out a representative whose name no other adult bears, or whose unit gives a mobile", () => {
    const reps = emitted.filter((e) => e.truth.dataset === "units");
    const decided = reps.filter((e) => undecided(e.truth, (p) => valueAt(e.record, p)).length === 0);
    const unique = decided.filter((e) => {
      const ref = e.truth.persons.find((p) => p.role === "legalRepresentative")!;
      return adults.get(city.person(personIndexOfKey(ref.person)).name) === 1;
    });
    const mobile = decided.filter((e) => /^1\d{10}$/.test(String(valueAt(e.record, "phone"))));
    expect(unique.length).toBeGreaterThan(0);
    expect(mobile.length).toBeGreaterThan(0);
  });
});

describe("the ceiling's clusters", () => {
  it("keep undecided references apart, one group per unit and person, the rest as the truth", () => {
    const index = new TruthIndex();
    const line = (sourceKey: string, person: string, unit: string, undecidedRefs: number[]) =>
      indexTruthLine(index, {
        ...emptyTruth("grid", "units", sourceKey),
        persons: [{ person, role: "legalRepresentative", fields: { name: "legalPerson" } }],
        organisations: [{ organisation: unit, role: "subject", fields: { name: "unitName" } }],
        addressTexts: [],
        undecided: undecidedRefs,
      });
    line("a", "P0000001", "O00000001", []);
    line("b", "P0000001", "O00000002", [0]);
    line("c", "P0000001", "O00000002", [0]); // the same unit's second record: one group with b
    line("d", "P0000001", "O00000003", [0]);
    line("e", "P0000002", "O00000004", []);
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
