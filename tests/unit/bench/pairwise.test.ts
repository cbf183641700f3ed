// Pairwise precision / recall / F1 of the resolve benchmark, on cases small enough to count by hand.
import { describe, expect, it } from "vitest";
import { groupBy, impureClusters, pairwise } from "../../bench/support/pairwise.js";

describe("pairwise", () => {
  it("all singletons on both sides: no pairs, perfect by convention", () => {
    const s = pairwise([0, 1, 2], [7, 8, 9]);
    expect(s).toMatchObject({ items: 3, trueClusters: 3, predictedClusters: 3 });
    expect(s).toMatchObject({ truePairs: 0, predictedPairs: 0, truePositives: 0 });
    expect([s.precision, s.recall, s.f1]).toEqual([1, 1, 1]);
  });

  it("all in one cluster on both sides: C(4,2) = 6 pairs, all found", () => {
    const s = pairwise([0, 0, 0, 0], [5, 5, 5, 5]);
    expect(s).toMatchObject({ trueClusters: 1, predictedClusters: 1 });
    expect(s).toMatchObject({ truePairs: 6, predictedPairs: 6, truePositives: 6 });
    expect([s.precision, s.recall, s.f1]).toEqual([1, 1, 1]);
  });

  it("one true entity left as singletons: nothing claimed, nothing found", () => {
    const s = pairwise([3, 3, 3], [0, 1, 2]);
    expect(s).toMatchObject({ truePairs: 3, predictedPairs: 0, truePositives: 0 });
    expect([s.precision, s.recall, s.f1]).toEqual([1, 0, 0]);
  });

  it("everything merged into one: every pair claimed, the true ones found", () => {
    // truth {0,1} {2,3} {4}: 2 true pairs; prediction one cluster of 5: 10 pairs
    const s = pairwise([0, 0, 1, 1, 2], [9, 9, 9, 9, 9]);
    expect(s).toMatchObject({ truePairs: 2, predictedPairs: 10, truePositives: 2 });
    expect(s.precision).toBeCloseTo(0.2, 12);
    expect(s.recall).toBe(1);
    expect(s.f1).toBeCloseTo((2 * 0.2) / 1.2, 12);
  });

  it("precision ≠ recall: a false merge and a split", () => {
    // truth {0,1,2} {3,4} → 3 + 1 = 4 true pairs
    // predicted {0,1,2,3} {4} → 6 predicted pairs
    // together: {0,1,2} → 3 true positives; 3 with 0..2 and 3 with 4 are wrong / missed
    const s = pairwise([0, 0, 0, 1, 1], [0, 0, 0, 0, 1]);
    expect(s).toMatchObject({ trueClusters: 2, predictedClusters: 2 });
    expect(s).toMatchObject({ truePairs: 4, predictedPairs: 6, truePositives: 3 });
    expect(s.precision).toBe(0.5);
    expect(s.recall).toBe(0.75);
    expect(s.f1).toBeCloseTo(0.6, 12);
  });

  it("sparse labels are relabelled, not allocated", () => {
    const s = pairwise([1e9, 1e9, 7], [3, 3, 3]);
    expect(s).toMatchObject({ trueClusters: 2, truePairs: 1, predictedPairs: 3, truePositives: 1 });
    expect(s.precision).toBeCloseTo(1 / 3, 12);
    expect(s.recall).toBe(1);
  });

  it("rejects negative or fractional labels and unequal lengths", () => {
    expect(() => pairwise([0, -1], [0, 0])).toThrow(/not an integer/);
    expect(() => pairwise([0, 0.5], [0, 0])).toThrow(/not an integer/);
    expect(() => pairwise([0], [0, 1])).toThrow(/items/);
  });
});

describe("groupBy", () => {
  it("groups item indices by label, in label order", () => {
    const g = groupBy([2, 0, 2, 5, 0]);
    expect(g.count).toBe(3);
    expect([...g.keys]).toEqual([0, 2, 5]);
    expect([...g.starts]).toEqual([0, 2, 4, 5]);
    expect([...g.order]).toEqual([1, 4, 0, 2, 3]);
  });
});

describe("impureClusters", () => {
  const truth = [0, 0, 0, 1, 1];
  const predicted = [0, 0, 1, 1, 1];

  it("false splits: true clusters spread over several predicted ones", () => {
    const splits = [...impureClusters(truth, predicted)];
    expect(splits).toHaveLength(1);
    const s = splits[0]!;
    expect(s.cluster).toBe(0);
    expect([...s.items]).toEqual([0, 1, 2]);
    expect([...s.otherLabels]).toEqual([0, 0, 1]);
    expect(s).toMatchObject({ parts: 2, largestPart: 0, pairs: 3, agreeingPairs: 1 });
  });

  it("false merges: predicted clusters holding several true ones", () => {
    const merges = [...impureClusters(predicted, truth)];
    expect(merges).toHaveLength(1);
    const m = merges[0]!;
    expect(m.cluster).toBe(1);
    expect([...m.items]).toEqual([2, 3, 4]);
    expect([...m.otherLabels]).toEqual([0, 1, 1]);
    expect(m).toMatchObject({ parts: 2, largestPart: 1, pairs: 3, agreeingPairs: 1 });
  });

  it("pure labellings give nothing", () => {
    expect([...impureClusters([0, 0, 1], [4, 4, 2])]).toEqual([]);
  });
});
