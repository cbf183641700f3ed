import { describe, expect, it } from "vitest";
import { normaliseCitizenId } from "../../../domain/identifiers/citizen-id.js";
import { normaliseMobile } from "../../../domain/identifiers/phone.js";
import { buildDemoAreaTree } from "../../../sandbox/city/areas.js";
import { addressIndexOfKey } from "../../../sandbox/generator/addresses.js";
import { personIndexOfKey } from "../../../sandbox/generator/citizens.js";
import { homophonesOf } from "../../../sandbox/generator/tables/names.js";
import { valueAt } from "../../../sandbox/generator/truth.js";
import { generate } from "./support.js";

const { city, items } = generate({ seed: "truth", preset: "test" });
const TODAY = new Date("2025-07-01T00:00:00Z");
const areaCodes = new Set(buildDemoAreaTree().map((a) => a.code));
const dirtAt = (item: (typeof items)[number], field: string) =>
  item.truth.dirt.filter((d) => d.field === field).map((d) => d.kind);

describe("ground truth", () => {
  it("covers every source record, keyed by the silo's own unique id", () => {
    const seen = new Map<string, Set<string>>();
    for (const { dataset, record, truth } of items) {
      expect(truth.silo).toBe(dataset.silo);
      expect(truth.dataset).toBe(dataset.name);
      expect(record[dataset.keyField]).toBe(truth.sourceKey);
      const keys = seen.get(dataset.file) ?? new Set();
      expect(keys.has(truth.sourceKey)).toBe(false);
      keys.add(truth.sourceKey);
      seen.set(dataset.file, keys);
    }
    // all eleven datasets have records
    expect(seen.size).toBe(11);
    expect(items.filter((i) => i.truth.persons.length > 0).length).toBeGreaterThan(items.length / 2);
  });

  it("source records never carry the truth's internal keys", () => {
    const leaks = items.filter((i) => /"(P\d{7}|A\d{8}|O\d{6}|H\d{7})"/.test(JSON.stringify(i.record)));
    expect(leaks.map((i) => i.truth.sourceKey)).toEqual([]);
  });

  it("person references resolve, and clean fields equal the true values", () => {
    const problems: string[] = [];
    for (const item of items) {
      for (const ref of item.truth.persons) {
        const p = city.person(personIndexOfKey(ref.person));
        for (const [attr, path] of Object.entries(ref.fields)) {
          const v = valueAt(item.record, path);
          if (v === undefined) problems.push(`${item.truth.sourceKey}: no field ${path}`);
          if (dirtAt(item, path).length > 0) continue;
          if (attr === "id" && v !== p.citizenId)
            problems.push(`${item.truth.sourceKey} ${path}: ${v} ≠ ${p.citizenId}`);
          if (attr === "name" && v !== p.name)
            problems.push(`${item.truth.sourceKey} ${path}: ${v} ≠ ${p.name}`);
          if (attr === "phone" && v !== p.contactPhone)
            problems.push(`${item.truth.sourceKey} ${path}: ${v}`);
        }
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it("every dirty ID is traceable to the right person", () => {
    const problems: string[] = [];
    let dirty = 0;
    for (const item of items) {
      for (const ref of item.truth.persons) {
        const p = city.person(personIndexOfKey(ref.person));
        const path = ref.fields.id;
        if (!path) continue;
        const v = valueAt(item.record, path) as string;
        for (const kind of dirtAt(item, path)) {
          dirty++;
          const r = normaliseCitizenId(v, TODAY);
          if (kind === "idBadCheck") {
            if (
              r.ok ||
              r.reason !== "BAD_CHECK_CHAR" ||
              r.lowTrustKey?.slice(0, 17) !== p.citizenId.slice(0, 17)
            )
              problems.push(`${item.truth.sourceKey}: ${kind} ${v}`);
          } else if (!r.ok || r.value !== p.citizenId) problems.push(`${item.truth.sourceKey}: ${kind} ${v}`);
          if (v === p.citizenId) problems.push(`${item.truth.sourceKey}: ${kind} left the ID clean`);
        }
      }
      // a missing ID is recorded as dirt, not as a field
      for (const d of item.truth.dirt)
        if (d.kind === "idMissing") expect(valueAt(item.record, d.field)).toBeNull();
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(dirty).toBeGreaterThan(50);
  });

  it("dirty names and phones still point at the right person", () => {
    const problems: string[] = [];
    for (const item of items) {
      for (const ref of item.truth.persons) {
        const p = city.person(personIndexOfKey(ref.person));
        const namePath = ref.fields.name;
        if (namePath) {
          const v = valueAt(item.record, namePath) as string | null;
          for (const kind of dirtAt(item, namePath)) {
            if (kind === "nameHomophone") {
              const a = [...p.name];
              const b = [...(v ?? "")];
              const diff = a.flatMap((c, i) => (c !== b[i] ? [i] : []));
              if (
                a.length !== b.length ||
                diff.length !== 1 ||
                !homophonesOf(a[diff[0]!]!).includes(b[diff[0]!]!)
              )
                problems.push(`${item.truth.sourceKey}: homophone ${p.name} → ${v}`);
            }
            if (kind === "nameHonorific" && v !== `${p.surname}${p.sex === 1 ? "先生" : "女士"}`)
              problems.push(`${item.truth.sourceKey}: honorific ${v}`);
            if (kind === "nameSpaces" && v?.replace(/[\s\u3000]/g, "") !== p.name)
              problems.push(`${item.truth.sourceKey}: ${v}`);
          }
        }
        const phonePath = ref.fields.phone;
        if (phonePath) {
          const v = valueAt(item.record, phonePath) as string | null;
          const kinds = dirtAt(item, phonePath);
          if (kinds.includes("phoneFormat")) {
            const r = normaliseMobile(v ?? "");
            if (!r.ok || r.value !== p.contactPhone) problems.push(`${item.truth.sourceKey}: phone ${v}`);
          }
          if (kinds.includes("familyPhone")) {
            const family = city.household(p.householdIndex).members.map((m) => m.phone);
            if (!family.includes(v) || v === p.phone)
              problems.push(`${item.truth.sourceKey}: family phone ${v}`);
          }
        }
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it("addresses and area codes exist; stale addresses are the person's former address", () => {
    for (const item of items) {
      for (const a of item.truth.addresses) {
        const index = addressIndexOfKey(a.address);
        expect(index).toBeLessThan(city.plan.addressCount);
        expect(valueAt(item.record, a.field)).toBeTypeOf("string");
        if (a.stale) {
          const ref = item.truth.persons.find((p) =>
            Object.values(p.fields).some((f) => a.field.startsWith(f.split(".")[0]!)),
          );
          expect(ref).toBeDefined();
          expect(city.person(personIndexOfKey(ref!.person)).formerAddress).toBe(index);
        }
      }
      for (const area of item.truth.areas) {
        expect(areaCodes.has(area.code), area.code).toBe(true);
        expect(valueAt(item.record, area.field)).toBe(area.code);
      }
    }
    const idCodes = items
      .filter((i) => i.dataset.name === "population")
      .map((i) => String(i.record.GMSFHM ?? ""));
    expect(idCodes.filter((id) => /^\d{6}/.test(id)).every((id) => areaCodes.has(id.slice(0, 6)))).toBe(true);
  });

  it("duplicate submissions map to the same truth as the original", () => {
    const byKey = new Map(items.map((i) => [`${i.truth.dataset}/${i.truth.sourceKey}`, i]));
    const dups = items.filter((i) => i.truth.duplicateOf !== null);
    expect(dups.length).toBeGreaterThan(5);
    for (const d of dups) {
      const original = byKey.get(`${d.truth.dataset}/${d.truth.duplicateOf}`);
      expect(original).toBeDefined();
      expect(d.truth.sourceKey).not.toBe(original!.truth.sourceKey);
      expect(d.truth.event).toBe(original!.truth.event);
      expect(d.truth.persons.map((p) => p.person)).toEqual(original!.truth.persons.map((p) => p.person));
      expect(d.truth.dirt.some((x) => x.kind === "duplicate")).toBe(true);
    }
  });

  it("110 calls handed to 12345 and to the grid share their event with the incident", () => {
    const incidents = new Map(
      items.filter((i) => i.dataset.name === "incidents").map((i) => [i.truth.sourceKey, i.truth]),
    );
    const linked = items.filter(
      (i) =>
        (i.dataset.name === "workOrders" && i.record.source_ref) ||
        (i.dataset.name === "disputes" && i.record.sourceRef),
    );
    expect(linked.length).toBeGreaterThan(10);
    for (const l of linked) {
      const ref = String(l.record.source_ref ?? l.record.sourceRef);
      const incident = incidents.get(ref);
      expect(incident, ref).toBeDefined();
      expect(l.truth.event).toBe(incident!.event);
      expect(l.truth.persons[0]!.person).toBe(incident!.persons[0]!.person);
    }
  });
});
