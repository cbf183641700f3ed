import { describe, expect, it } from "vitest";
import { DIRT_TABLE, SILOS } from "../../../sandbox/generator/dirt.js";
import { SummaryBuilder, valueAt } from "../../../sandbox/generator/truth.js";
import { generate, withinBinomial } from "./support.js";

const { items } = generate({ seed: "dirt", persons: 12_000 });
const summary = (() => {
  const b = new SummaryBuilder("dirt", "custom", {});
  for (const i of items) b.add(i.dataset.file, i.truth, i.eligible);
  return b.build();
})();

describe("dirt", () => {
  it("is applied at the rates of the dirt table (per eligible reference)", () => {
    const off: string[] = [];
    for (const silo of SILOS) {
      for (const rule of DIRT_TABLE) {
        const rate = rule.rates[silo];
        const t = summary.silos[silo].dirt[rule.kind];
        if (rate === 0) {
          if (t && t.applied > 0) off.push(`${silo}/${rule.kind}: applied ${t.applied} at rate 0`);
          continue;
        }
        if (!t) continue; // nothing eligible in this silo at this size
        if (!withinBinomial(t.applied, t.eligible, rate))
          off.push(`${silo}/${rule.kind}: ${t.applied}/${t.eligible} vs ${rate}`);
      }
    }
    expect(off).toEqual([]);
  });

  it("every kind of dirt occurs somewhere", () => {
    for (const rule of DIRT_TABLE) {
      const applied = SILOS.reduce((s, silo) => s + (summary.silos[silo].dirt[rule.kind]?.applied ?? 0), 0);
      expect(applied, rule.kind).toBeGreaterThan(0);
    }
  });

  it("the ground truth's dirt list matches what the records show", () => {
    // detect ID dirt from the raw values alone and compare with what the truth says was applied
    const detect = (v: string): string | null => {
      if (/[０-９Ｘ]/.test(v)) return "idFullWidth";
      if (/\s/.test(v)) return "idSpaces";
      if (/^\d{15}$/.test(v)) return "idLegacy15";
      if (/x$/.test(v)) return "idLowerX";
      return null;
    };
    let checked = 0;
    for (const item of items) {
      for (const ref of item.truth.persons) {
        if (!ref.fields.id) continue;
        const v = String(valueAt(item.record, ref.fields.id));
        const said = item.truth.dirt
          .filter((d) => d.field === ref.fields.id && d.kind !== "idBadCheck")
          .map((d) => d.kind);
        const seen = detect(v);
        expect(said, `${item.truth.sourceKey} ${v}`).toEqual(seen ? [seen] : []);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10_000);
  });

  it("hotline callers often give no ID, the population registry always has one", () => {
    const orders = items.filter((i) => i.dataset.name === "workOrders");
    const missing = orders.filter((i) => i.record.caller_id_no === null).length / orders.length;
    expect(missing).toBeGreaterThan(0.6);
    expect(items.filter((i) => i.dataset.name === "population").every((i) => i.record.GMSFHM !== null)).toBe(
      true,
    );
  });
});
