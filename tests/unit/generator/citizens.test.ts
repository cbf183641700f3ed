import { describe, expect, it } from "vitest";
import { citizenIdCheckChar, normaliseCitizenId } from "../../../domain/identifiers/citizen-id.js";
import { normaliseUscc } from "../../../domain/identifiers/uscc.js";
import { buildDemoAreaTree, DEMO_COUNTIES } from "../../../sandbox/city/areas.js";
import type { Person } from "../../../sandbox/generator/citizens.js";
import { createCity } from "../../../sandbox/generator/city.js";

const city = createCity({ seed: "citizens", persons: 30_000 });
const persons: Person[] = [];
for (let h = 0; h < city.plan.householdCount; h++) persons.push(...city.household(h).members);
const districtCodes = new Set(DEMO_COUNTIES.map((c) => c.code));
const TODAY = new Date("2025-07-01T00:00:00Z");

describe("true persons", () => {
  it("every citizen ID is valid and agrees with birth date, sex and a district of the tree", () => {
    const problems: string[] = [];
    for (const p of persons) {
      const r = normaliseCitizenId(p.citizenId, TODAY);
      if (!r.ok) problems.push(`${p.key} ${p.citizenId}: ${r.reason}`);
      else {
        if (r.value !== p.citizenId) problems.push(`${p.key}: normalised differs`);
        if (r.birthDate !== p.birthDate) problems.push(`${p.key}: birth ${r.birthDate} ≠ ${p.birthDate}`);
        if ((r.sex === "MALE" ? 1 : 2) !== p.sex) problems.push(`${p.key}: sex digit`);
        if (!districtCodes.has(r.addressCode)) problems.push(`${p.key}: address code ${r.addressCode}`);
      }
      if (citizenIdCheckChar(p.citizenId.slice(0, 17)) !== p.citizenId[17])
        problems.push(`${p.key}: check char`);
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(persons.length).toBe(city.plan.personCount);
  });

  it("citizen IDs and own mobiles are unique; legacy IDs upgrade to the 18-digit one", () => {
    expect(new Set(persons.map((p) => p.citizenId)).size).toBe(persons.length);
    const phones = persons.flatMap((p) => (p.phone ? [p.phone] : []));
    expect(new Set(phones).size).toBe(phones.length);
    expect(phones.every((ph) => /^1[3-9]\d{9}$/.test(ph))).toBe(true);
    const legacy = persons.filter((p) => p.legacyId !== null);
    expect(legacy.length).toBeGreaterThan(persons.length / 3);
    expect(
      legacy.filter((p) => {
        const r = normaliseCitizenId(p.legacyId!, TODAY);
        return !r.ok || r.value !== p.citizenId;
      }),
    ).toEqual([]);
  });

  it("family members share phones: those without a mobile give the family's number", () => {
    let shared = 0;
    for (let h = 0; h < city.plan.householdCount; h++) {
      const members = city.household(h).members;
      const own = new Set(members.flatMap((m) => (m.phone ? [m.phone] : [])));
      for (const m of members) {
        if (m.phone) expect(m.contactPhone).toBe(m.phone);
        else if (own.size > 0) {
          expect(own.has(m.contactPhone!)).toBe(true);
          shared++;
        } else expect(m.contactPhone).toBeNull();
      }
    }
    // children and many elderly have no mobile of their own
    expect(shared).toBeGreaterThan(persons.length * 0.1);
  });

  it("households are plausible: one head, parents older than their children", () => {
    for (let h = 0; h < city.plan.householdCount; h += 7) {
      const members = city.household(h).members;
      expect(members.filter((m) => m.relation === "户主")).toHaveLength(1);
      const head = members[0]!;
      for (const m of members) {
        if (m.relation === "子" || m.relation === "女")
          expect(head.ageAsOf - m.ageAsOf).toBeGreaterThanOrEqual(15);
        if (m.relation === "父亲" || m.relation === "母亲")
          expect(m.ageAsOf - head.ageAsOf).toBeGreaterThanOrEqual(15);
      }
    }
  });

  it("some people moved: registered and current addresses differ for 人户分离 and 流动人口", () => {
    const movers = persons.filter((p) => p.residence !== "户籍人口");
    expect(movers.every((p) => p.registeredAddress !== p.currentAddress)).toBe(true);
    expect(
      persons
        .filter((p) => p.residence === "户籍人口")
        .every((p) => p.registeredAddress === p.currentAddress),
    ).toBe(true);
    expect(movers.length / persons.length).toBeGreaterThan(0.12);
    expect(movers.length / persons.length).toBeLessThan(0.28);
  });

  it("names come from the tables, with minority names (·) and rare characters", () => {
    expect(persons.some((p) => p.name.includes("·"))).toBe(true);
    expect(persons.some((p) => p.rareCharacter !== null)).toBe(true);
    expect(persons.filter((p) => p.ethnicity === "01").length / persons.length).toBeGreaterThan(0.97);
    expect(persons.every((p) => p.name.length >= 2 && p.name.length <= 50)).toBe(true);
  });
});

describe("addresses, organisations and grid workers", () => {
  const gridCodes = new Set(buildDemoAreaTree().flatMap((a) => (a.level === "GRID" ? [a.code] : [])));

  it("standard addresses have unique codes inside existing grids", () => {
    const codes = new Set<string>();
    for (let a = 0; a < city.plan.addressCount; a++) {
      const addr = city.address(a);
      codes.add(addr.code);
      if (!gridCodes.has(addr.gridCode) || !addr.code.startsWith(addr.gridCode))
        throw new Error(`bad ${addr.code}`);
    }
    expect(codes.size).toBe(city.plan.addressCount);
  });

  it("organisations carry valid, unique credit codes (5… civil affairs, 9… market regulation) and names", () => {
    const n = city.counts.socialOrganisations + city.counts.companies;
    const codes = new Set<string>();
    const names = new Set<string>();
    for (let k = 0; k < n; k++) {
      const o = city.organisation(k);
      const r = normaliseUscc(o.uscc);
      expect(r.ok, `${o.uscc} ${JSON.stringify(r)}`).toBe(true);
      expect(o.uscc[0]).toBe(o.kind === "socialOrg" ? "5" : "9");
      codes.add(o.uscc);
      names.add(o.name);
    }
    expect(codes.size).toBe(n);
    expect(names.size).toBe(n);
  });

  it("every grid has one or two workers who live in the city", () => {
    for (let g = 0; g < city.plan.grids.length; g++) {
      const workers = city.gridWorkers(g);
      expect(workers.length).toBe(city.gridWorkerCount(g));
      expect(workers.length >= 1 && workers.length <= 2).toBe(true);
      for (const w of workers) expect(city.person(w.personIndex).ageAsOf).toBeGreaterThanOrEqual(23);
    }
  });
});
