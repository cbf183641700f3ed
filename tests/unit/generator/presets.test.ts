import { describe, expect, it } from "vitest";
import { createCity } from "../../../sandbox/generator/city.js";
import { buildPlan } from "../../../sandbox/generator/plan.js";
import { PRESET_NAMES, PRESETS, resolveOptions, VOLUME_RATES } from "../../../sandbox/generator/presets.js";

describe("presets", () => {
  it("plan sizes match every preset within 0.5 %", () => {
    for (const preset of PRESET_NAMES) {
      const plan = buildPlan(resolveOptions({ seed: "size", preset }));
      const target = PRESETS[preset].persons;
      expect(Math.abs(plan.personCount - target) / target).toBeLessThan(0.005);
      // households of 1–7 persons, about 2.7 on average
      const mean = plan.personCount / plan.householdCount;
      expect(mean).toBeGreaterThan(2.4);
      expect(mean).toBeLessThan(3.0);
      expect(plan.addressCount).toBeGreaterThan(plan.householdCount);
    }
  }, 60_000);

  it("record volumes scale with the population", () => {
    const city = createCity({ seed: "size", preset: "test" });
    const n = city.counts.persons;
    expect(city.counts.incidents).toBe(Math.round(n * VOLUME_RATES.incidents));
    expect(city.counts.hotlineOrders).toBe(Math.round(n * VOLUME_RATES.hotlineOrders));
    expect(city.counts.petitions).toBe(Math.round(n * VOLUME_RATES.petitions));
    expect(city.counts.gridWorkers).toBeGreaterThanOrEqual(city.counts.grids);
    expect(city.counts.gridWorkers).toBeLessThanOrEqual(2 * city.counts.grids);
  });
});
