// A silo dataset is a sequence of "units" (a household, an incident, a grid ...), each yielding a
// few records. Units are generated independently from (seed, unit index), so a dataset can be
// streamed to a file in bounded memory, or paged: page(offset, limit) finds the unit holding
// record `offset` with a lazily built offset table and generates only the units it needs.
import type { DirtKind, Silo } from "./dirt.js";
import type { DatasetName, GroundTruthRecord } from "./truth.js";

export interface Emitted<R> {
  record: R;
  truth: GroundTruthRecord;
  /** Dirt kinds this record was eligible for (one entry per reference), for the rate tallies. */
  eligible: readonly DirtKind[];
}

export interface SiloDataset<R extends object = object> {
  silo: Silo;
  name: DatasetName;
  /** Relative output path, e.g. "public-security/population.jsonl". */
  file: string;
  /** The record field holding the silo's own id (the source key). */
  keyField: string;
  unitCount: number;
  /** How many records unit u yields; cheap where possible (no full generation). */
  recordCount(unit: number): number;
  records(unit: number): Emitted<R>[];
}

export function* iterateDataset<R extends object>(ds: SiloDataset<R>): Generator<Emitted<R>> {
  for (let u = 0; u < ds.unitCount; u++) yield* ds.records(u);
}

/** Random access by record offset over a dataset. */
export class DatasetPager<R extends object> {
  private offsets: Float64Array | null = null;

  constructor(readonly dataset: SiloDataset<R>) {}

  private table(): Float64Array {
    if (!this.offsets) {
      const t = new Float64Array(this.dataset.unitCount + 1);
      for (let u = 0; u < this.dataset.unitCount; u++) t[u + 1] = t[u]! + this.dataset.recordCount(u);
      this.offsets = t;
    }
    return this.offsets;
  }

  total(): number {
    return this.table()[this.dataset.unitCount]!;
  }

  page(offset: number, limit: number): Emitted<R>[] {
    const t = this.table();
    const total = t[this.dataset.unitCount]!;
    if (offset >= total || limit <= 0) return [];
    let lo = 0;
    let hi = this.dataset.unitCount - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (t[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    const out: Emitted<R>[] = [];
    let skip = offset - t[lo]!;
    for (let u = lo; u < this.dataset.unitCount && out.length < limit; u++) {
      const recs = this.dataset.records(u);
      for (const r of recs) {
        if (skip > 0) {
          skip--;
          continue;
        }
        if (out.length < limit) out.push(r);
      }
    }
    return out;
  }
}
