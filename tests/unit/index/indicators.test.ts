// The safety-stability index's scoring: linear between best and worst, weights renormalised over
// the indicators with data, and the month-over-month drop that raises an alert.
import { describe, expect, it } from "vitest";
import {
  dropAlert,
  INDICATORS,
  type IndicatorValues,
  indicatorScore,
  previousMonth,
  scoreIndex,
} from "../../../domain/index/indicators.js";

const indicator = (id: string) => INDICATORS.find((i) => i.id === id)!;
const calm: IndicatorValues = {
  incidentRate: 0,
  petitionRate: 0,
  complaintRate: 0,
  disputeRate: 0,
  redAlerts: 0,
  resolutionRate: 1,
  overdueRate: 0,
  satisfactionRate: 1,
};

describe("indicator scores", () => {
  it("score 100 at best, 0 at worst and beyond, linear between, for rates that should be low or high", () => {
    expect(indicatorScore(indicator("incidentRate"), 0)).toBe(100);
    expect(indicatorScore(indicator("incidentRate"), 25)).toBe(50);
    expect(indicatorScore(indicator("incidentRate"), 80)).toBe(0);
    expect(indicatorScore(indicator("resolutionRate"), 1)).toBe(100);
    expect(indicatorScore(indicator("resolutionRate"), 0.75)).toBe(50);
    expect(indicatorScore(indicator("resolutionRate"), 0.2)).toBe(0);
  });
});

describe("the index", () => {
  it("is 100 for a calm month and weighs each indicator as configured", () => {
    expect(scoreIndex(calm).score).toBe(100);
    const worse = scoreIndex({ ...calm, incidentRate: 50 }); // weight 0.2 of 1.0 lost
    expect(worse.score).toBe(80);
    expect(worse.breakdown.find((b) => b.indicator.id === "incidentRate")).toMatchObject({
      score: 0,
      contribution: 0,
    });
  });
  it("leaves out an indicator without data and renormalises the others", () => {
    const noRatings = scoreIndex({ ...calm, satisfactionRate: null, incidentRate: 50 });
    expect(noRatings.score).toBeCloseTo(100 * (1 - 0.2 / 0.9), 1);
    expect(noRatings.breakdown.find((b) => b.indicator.id === "satisfactionRate")?.score).toBeNull();
  });
  it("has no score when no indicator has data", () => {
    const none = Object.fromEntries(INDICATORS.map((i) => [i.id, null])) as unknown as IndicatorValues;
    expect(scoreIndex(none).score).toBeNull();
  });
});

describe("trend", () => {
  it("alerts on a drop of more than 5 points, not on 5 or a rise", () => {
    expect(dropAlert(90, 84)).toContain("fell 6 points");
    expect(dropAlert(90, 85)).toBeNull();
    expect(dropAlert(80, 95)).toBeNull();
    expect(dropAlert(null, 50)).toBeNull();
  });
  it("knows the month before", () => {
    expect(previousMonth("2026-01")).toBe("2025-12");
    expect(previousMonth("2026-11")).toBe("2026-10");
  });
});
