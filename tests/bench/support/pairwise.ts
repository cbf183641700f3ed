// Pairwise clustering quality: of all pairs of items (references), which the truth puts in one
// cluster and which the prediction does. From contingency counts, never from the pairs themselves:
//   truePairs      = Σ over truth clusters      C(n_t, 2)
//   predictedPairs = Σ over predicted clusters  C(n_p, 2)
//   truePositives  = Σ over (truth, predicted)  C(n_tp, 2)
//   precision = TP / predictedPairs, recall = TP / truePairs, F1 their harmonic mean.
// With no predicted pairs precision is 1 (nothing claimed, nothing wrong); with no true pairs
// recall is 1. Cluster labels are non-negative integers; items are grouped with a counting sort
// (O(n + number of labels)) and each truth cluster's predicted labels are sorted in place (small
// clusters), so memory stays at a few typed arrays of n whatever the number of pairs.

export interface PairwiseScores {
  items: number;
  trueClusters: number;
  predictedClusters: number;
  truePairs: number;
  predictedPairs: number;
  truePositives: number;
  precision: number;
  recall: number;
  f1: number;
}

const pairs = (n: number) => (n * (n - 1)) / 2;

/** Labels as given when they are dense enough for counting arrays, else relabelled 0..k-1. */
function dense(labels: ArrayLike<number>): { labels: ArrayLike<number>; size: number } {
  let max = -1;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (!Number.isInteger(v) || v < 0) throw new Error(`cluster label ${v} at ${i} is not an integer ≥ 0`);
    if (v > max) max = v;
  }
  if (max < 4 * labels.length + 1024) return { labels, size: max + 1 };
  const ids = new Map<number, number>();
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    let id = ids.get(v);
    if (id === undefined) {
      id = ids.size;
      ids.set(v, id);
    }
    out[i] = id;
  }
  return { labels: out, size: ids.size };
}

/** Items grouped by label: group g is order[starts[g] .. starts[g + 1]), all with label keys[g]. */
export interface Groups {
  order: Int32Array;
  starts: Int32Array;
  keys: Int32Array;
  count: number;
}

/** Counting sort of item indices by label (labels: integers ≥ 0). Groups come in label order. */
export function groupBy(labels: ArrayLike<number>): Groups {
  const d = dense(labels);
  const counts = new Int32Array(d.size + 1);
  for (let i = 0; i < d.labels.length; i++) counts[d.labels[i]! + 1]!++;
  let groups = 0;
  for (let k = 1; k <= d.size; k++) if (counts[k]! > 0) groups++;
  for (let k = 1; k <= d.size; k++) counts[k]! += counts[k - 1]!;
  const next = counts.slice(0, d.size);
  const order = new Int32Array(d.labels.length);
  for (let i = 0; i < d.labels.length; i++) order[next[d.labels[i]!]!++] = i;
  const starts = new Int32Array(groups + 1);
  const keys = new Int32Array(groups);
  let g = 0;
  for (let k = 0; k < d.size; k++) {
    if (counts[k + 1]! === counts[k]!) continue;
    starts[g] = counts[k]!;
    keys[g] = labels[order[counts[k]!]!]!;
    g++;
  }
  starts[groups] = d.labels.length;
  return { order, starts, keys, count: groups };
}

/** Σ C(n, 2) over the runs of equal values in `values` (sorted here, in place). */
function equalPairs(values: Int32Array): number {
  values.sort();
  let sum = 0;
  let run = 1;
  for (let i = 1; i <= values.length; i++) {
    if (i < values.length && values[i] === values[i - 1]) run++;
    else {
      sum += pairs(run);
      run = 1;
    }
  }
  return sum;
}

export function pairwise(truth: ArrayLike<number>, predicted: ArrayLike<number>): PairwiseScores {
  if (truth.length !== predicted.length)
    throw new Error(`truth has ${truth.length} items, the prediction ${predicted.length}`);
  const n = truth.length;
  const byTruth = groupBy(truth);
  const pred = dense(predicted);
  const predSizes = new Int32Array(pred.size);
  for (let i = 0; i < n; i++) predSizes[pred.labels[i]!]!++;
  let predictedClusters = 0;
  let predictedPairs = 0;
  for (const s of predSizes) {
    if (s === 0) continue;
    predictedClusters++;
    predictedPairs += pairs(s);
  }
  let truePairs = 0;
  let truePositives = 0;
  const scratch = new Int32Array(n);
  for (let g = 0; g < byTruth.count; g++) {
    const from = byTruth.starts[g]!;
    const to = byTruth.starts[g + 1]!;
    truePairs += pairs(to - from);
    if (to - from < 2) continue;
    const part = scratch.subarray(0, to - from);
    for (let j = from; j < to; j++) part[j - from] = pred.labels[byTruth.order[j]!]!;
    truePositives += equalPairs(part);
  }
  const precision = predictedPairs === 0 ? 1 : truePositives / predictedPairs;
  const recall = truePairs === 0 ? 1 : truePositives / truePairs;
  return {
    items: n,
    trueClusters: byTruth.count,
    predictedClusters,
    truePairs,
    predictedPairs,
    truePositives,
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
  };
}

/** A cluster of one labelling whose items the other labelling spreads over several clusters. */
export interface ImpureCluster {
  /** The cluster's label (in the labelling grouped by). */
  cluster: number;
  /** Its items (indices), ordered by the other labelling's label. */
  items: Int32Array;
  /** The other labels of `items`, position by position. */
  otherLabels: Int32Array;
  /** How many distinct other labels. */
  parts: number;
  /** The other label holding most of the items (the smallest such label on a tie). */
  largestPart: number;
  /** C(n, 2) of the cluster. */
  pairs: number;
  /** Pairs the other labelling also puts together. */
  agreeingPairs: number;
}

/**
 * The clusters of `by` that `other` does not keep together, one at a time (for diagnostics):
 * impure(truth, predicted) gives the false splits (a true entity spread over several predicted
 * ones); impure(predicted, truth) the false merges (several true entities in one predicted).
 * The arrays handed out are fresh for each cluster.
 */
export function* impureClusters(by: ArrayLike<number>, other: ArrayLike<number>): Generator<ImpureCluster> {
  if (by.length !== other.length)
    throw new Error(`labellings differ in length: ${by.length}, ${other.length}`);
  const groups = groupBy(by);
  for (let g = 0; g < groups.count; g++) {
    const from = groups.starts[g]!;
    const to = groups.starts[g + 1]!;
    if (to - from < 2) continue;
    const first = other[groups.order[from]!]!;
    let mixed = false;
    for (let j = from + 1; j < to && !mixed; j++) mixed = other[groups.order[j]!] !== first;
    if (!mixed) continue;
    const idx = Array.from(groups.order.subarray(from, to));
    idx.sort((a, b) => other[a]! - other[b]! || a - b);
    const items = Int32Array.from(idx);
    const otherLabels = Int32Array.from(idx, (i) => other[i]!);
    let parts = 0;
    let agreeing = 0;
    let largest = -1;
    let largestSize = 0;
    let run = 0;
    for (let j = 0; j <= otherLabels.length; j++) {
      if (j > 0 && (j === otherLabels.length || otherLabels[j] !== otherLabels[j - 1])) {
        parts++;
        agreeing += pairs(run);
        if (run > largestSize) {
          largestSize = run;
          largest = otherLabels[j - 1]!;
        }
        run = 0;
      }
      run++;
    }
    yield {
      cluster: groups.keys[g]!,
      items,
      otherLabels,
      parts,
      largestPart: largest,
      pairs: pairs(to - from),
      agreeingPairs: agreeing,
    };
  }
}
