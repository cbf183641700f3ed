// Why the resolve benchmark's clusters are wrong, for whoever tunes the matcher: the false splits
// (one true entity spread over several graph entities) and false merges (several true entities in
// one graph entity), broken down by the ground truth's dirt, by dataset and role, and by silo pair,
// with a few concrete groups to look at. Pure functions over the compact columns of truth-links.ts.
//
// A split group's "stray" references are those outside its main predicted part (the entity that
// holds most of the true entity's references; on a tie, most of those with a citizen ID field); a
// merge group's stray references are those outside its main true part, chosen alike. Each stray reference is attributed to every dirt kind on its own fields (or
// on its whole record, e.g. a duplicate submission); with no dirt, to "no ID field" when the record
// gives no citizen ID for it at all (names, phones only: exact-key linking cannot place it), else to
// "no dirt". Missed / wrong pairs are counted per silo pair without enumerating pairs.
import { DIRT_KINDS, SILOS, type Silo } from "../../../sandbox/generator/index.js";
import { impureClusters } from "./pairwise.js";
import { type DatasetCounts, dirtKindsOf, FIELD_BITS, type RefColumns, STATUS_NAMES } from "./truth-links.js";

export interface GroupSummary {
  /** Groups (true entities split / graph entities merged). */
  groups: number;
  /** Missed pairs (splits) or wrong pairs (merges). */
  pairs: number;
  strayRefs: number;
  /** Stray references by cause (dirt kind, "no ID field", "no dirt"). */
  byCause: Record<string, number>;
  /** Stray references by "<dataset>:<role>". */
  byLabel: Record<string, number>;
  /** Stray references by "<dataset>:<role> [fields] causes": what a matcher had to go on. */
  byProfile: Record<string, number>;
  /** Stray references by why they are unlinked ("linked" when they are). */
  byStatus: Record<string, number>;
  /** Missed / wrong pairs by "siloA–siloB". */
  pairsBySiloPair: Record<string, number>;
  /** Merges only: groups where some reference carries familyPhone dirt (a relative's mobile). */
  withFamilyPhone?: number;
}

export interface ExampleGroup {
  /** The true entity (splits) or the graph cluster (merges). */
  cluster: number;
  pairs: number;
  /** Reference positions in the kind's columns (at most MAX_EXAMPLE_REFS). */
  items: number[];
  /** More references than shown. */
  more: number;
}

/** A split's stray reference, one reference of its main part, and what the stray one gave. */
export interface StrayRef {
  item: number;
  main: number;
  profile: string;
}

export interface Diagnostics {
  splits: GroupSummary;
  merges: GroupSummary;
  /** Every split's stray references (for what the resolution pass said of them). */
  strays: StrayRef[];
  splitExamples: ExampleGroup[];
  mergeExamples: ExampleGroup[];
}

const MAX_EXAMPLE_REFS = 8;

const bump = (o: Record<string, number>, k: string, n = 1) => {
  o[k] = (o[k] ?? 0) + n;
};

function emptySummary(): GroupSummary {
  return {
    groups: 0,
    pairs: 0,
    strayRefs: 0,
    byCause: {},
    byLabel: {},
    byProfile: {},
    byStatus: {},
    pairsBySiloPair: {},
  };
}

const FAMILY_PHONE = 1 << DIRT_KINDS.indexOf("familyPhone");

/** Causes of one reference (see the header). */
export function causesOf(dirt: number, fields: number): string[] {
  const kinds = dirtKindsOf(dirt);
  if (kinds.length > 0) return kinds;
  return [(fields & FIELD_BITS.id) === 0 ? "no ID field" : "no dirt"];
}

const fieldNames = (fields: number) =>
  Object.entries(FIELD_BITS)
    .filter(([, bit]) => (fields & bit) !== 0)
    .map(([name]) => name)
    .join(",");

/** Pick `n` evenly spread positions of `total` (deterministic). */
function spread(total: number, n: number): Set<number> {
  const out = new Set<number>();
  if (total === 0) return out;
  for (let k = 0; k < n; k++) out.add(Math.floor(((k + 0.5) * total) / n));
  return out;
}

/**
 * Splits and merges of one kind of reference. `predicted` must give every reference a cluster
 * (unlinked ones their own, see withSingletons).
 */
export function diagnose(
  c: RefColumns,
  datasets: readonly DatasetCounts[],
  predicted: Int32Array,
  examples = 5,
): Diagnostics {
  const truth = c.truth.view();
  const siloOf = (item: number) => SILOS.indexOf(datasets[c.dataset.get(item)]!.silo);
  const siloName = (s: number) => SILOS[s] as Silo;

  const strays: StrayRef[] = [];
  const summarise = (by: ArrayLike<number>, other: ArrayLike<number>, merges: boolean) => {
    const summary = emptySummary();
    if (merges) summary.withFamilyPhone = 0;
    // first pass: count the groups, so that examples can be spread over all of them
    let total = 0;
    for (const _ of impureClusters(by, other)) total++;
    const wanted = spread(total, examples);
    const picked: ExampleGroup[] = [];
    let g = 0;
    for (const group of impureClusters(by, other)) {
      summary.groups++;
      const pairs = group.pairs - group.agreeingPairs;
      summary.pairs += pairs;
      // silo pairs: all pairs per silo pair minus those inside one part
      const perSilo = new Array<number>(SILOS.length).fill(0);
      const inParts = new Map<number, number[]>();
      let family = false;
      // the main part: the most references; on a tie, the most with a citizen ID field (so that a
      // registry entry is not called the stray one beside a single name-only mention)
      const size = new Map<number, number>();
      const withId = new Map<number, number>();
      group.items.forEach((item, j) => {
        const part = group.otherLabels[j]!;
        size.set(part, (size.get(part) ?? 0) + 1);
        if ((c.fields.get(item) & FIELD_BITS.id) !== 0) withId.set(part, (withId.get(part) ?? 0) + 1);
      });
      let main = group.largestPart;
      for (const [part, n] of size) {
        const best = size.get(main)!;
        if (n > best || (n === best && (withId.get(part) ?? 0) > (withId.get(main) ?? 0))) main = part;
      }
      const mainItem = group.items[group.otherLabels.indexOf(main)]!;
      group.items.forEach((item, j) => {
        const s = siloOf(item);
        perSilo[s]!++;
        const part = group.otherLabels[j]!;
        let row = inParts.get(part);
        if (!row) {
          row = new Array<number>(SILOS.length).fill(0);
          inParts.set(part, row);
        }
        row[s]!++;
        if ((c.dirt.get(item) & FAMILY_PHONE) !== 0) family = true;
        if (part === main) return;
        summary.strayRefs++;
        const causes = causesOf(c.dirt.get(item), c.fields.get(item));
        for (const cause of causes) bump(summary.byCause, cause);
        const label = c.labels.names[c.label.get(item)]!;
        bump(summary.byLabel, label);
        const profile = `${label} [${fieldNames(c.fields.get(item))}] ${causes.join("+")}`;
        bump(summary.byProfile, profile);
        if (!merges) strays.push({ item, main: mainItem, profile });
        bump(summary.byStatus, STATUS_NAMES[c.status[item]!]!);
      });
      for (let a = 0; a < SILOS.length; a++)
        for (let b = a; b < SILOS.length; b++) {
          let n = a === b ? (perSilo[a]! * (perSilo[a]! - 1)) / 2 : perSilo[a]! * perSilo[b]!;
          for (const row of inParts.values())
            n -= a === b ? (row[a]! * (row[a]! - 1)) / 2 : row[a]! * row[b]!;
          if (n > 0)
            bump(summary.pairsBySiloPair, a === b ? siloName(a) : `${siloName(a)}–${siloName(b)}`, n);
        }
      if (merges && family) summary.withFamilyPhone!++;
      if (wanted.has(g))
        picked.push({
          cluster: group.cluster,
          pairs,
          items: Array.from(group.items.subarray(0, MAX_EXAMPLE_REFS)),
          more: Math.max(0, group.items.length - MAX_EXAMPLE_REFS),
        });
      g++;
    }
    return { summary, picked };
  };

  const splits = summarise(truth, predicted, false);
  const merges = summarise(predicted, truth, true);
  return {
    splits: splits.summary,
    merges: merges.summary,
    strays,
    splitExamples: splits.picked,
    mergeExamples: merges.picked,
  };
}

/** "a 12 · b 7 · …", largest first, at most `n` entries. */
export function topList(counts: Record<string, number>, n = 8): string {
  const entries = Object.entries(counts).sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
  const shown = entries.slice(0, n).map(([k, v]) => `${k} ${v}`);
  if (entries.length > n) shown.push(`… ${entries.length - n} more`);
  return shown.length > 0 ? shown.join(" · ") : "—";
}
