// Ground truth, for evaluation only (the hub never reads it): for every source record, which true
// persons, organisations, addresses and real-world matter it denotes, which area codes it names,
// and which dirt was applied where. Plus summary counts per silo and dataset.
import type { AddressPrecision } from "./addresses.js";
import { type AppliedDirt, DIRT_TABLE, type DirtKind, SILOS, type Silo } from "./dirt.js";

export const DATASETS = {
  publicSecurity: ["population", "incidents"],
  civilAffairs: ["assistance", "socialOrganisations"],
  hotline: ["workOrders"],
  petition: ["cases"],
  grid: ["gridWorkers", "addresses", "patrolReports", "disputes", "units"],
} as const satisfies Record<Silo, readonly string[]>;

export type DatasetName = (typeof DATASETS)[Silo][number];

/** Paths (dot / [i] notation) of the record fields through which the silo refers to a person. */
export interface PersonFields {
  id?: string;
  name?: string;
  phone?: string;
  address?: string;
  sex?: string;
  birthDate?: string;
}

export interface PersonRef {
  /** Truth person key (P…). */
  person: string;
  role: string;
  fields: PersonFields;
}

export interface OrganisationRef {
  organisation: string;
  role: string;
  fields: { code?: string; name?: string };
}

export interface AddressRef {
  address: string;
  field: string;
  /** How precisely the text pins the standard address down. */
  precision: AddressPrecision;
  /** The text is the person's former address (the silo was not updated). */
  stale?: boolean;
}

export interface AreaRef {
  field: string;
  code: string;
}

export interface GroundTruthRecord {
  silo: Silo;
  dataset: DatasetName;
  sourceKey: string;
  persons: PersonRef[];
  organisations: OrganisationRef[];
  addresses: AddressRef[];
  areas: AreaRef[];
  /** The real-world event; duplicates and cross-silo copies share it. */
  event: string | null;
  /** The underlying matter: repeat petitions share it; a 110 call and its 12345 transfer share it. */
  matter: string | null;
  /** Source key of the first submission, for duplicate submissions. */
  duplicateOf: string | null;
  dirt: AppliedDirt[];
}

export function emptyTruth(silo: Silo, dataset: DatasetName, sourceKey: string): GroundTruthRecord {
  return {
    silo,
    dataset,
    sourceKey,
    persons: [],
    organisations: [],
    addresses: [],
    areas: [],
    event: null,
    matter: null,
    duplicateOf: null,
    dirt: [],
  };
}

/** Read a value at a path like "SJRY[1].GMSFHM" or "petitioners[0].idNumber". */
export function valueAt(record: unknown, path: string): unknown {
  let cur: unknown = record;
  for (const part of path.split(".")) {
    const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (!m) return undefined;
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[m[1]!];
    for (const idx of m[2]!.match(/\d+/g) ?? []) {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[Number(idx)];
    }
  }
  return cur;
}

// ---- summary ----

export interface DirtTally {
  eligible: number;
  applied: number;
}

export interface DatasetSummary {
  silo: Silo;
  dataset: DatasetName;
  file: string;
  records: number;
  duplicates: number;
}

export interface SiloSummary {
  records: number;
  datasets: Record<string, number>;
  dirt: Record<string, DirtTally & { observedRate: number; tableRate: number }>;
}

export interface Summary {
  seed: string;
  preset: string;
  truth: Record<string, number>;
  datasets: DatasetSummary[];
  silos: Record<Silo, SiloSummary>;
  groundTruthRecords: number;
}

export class SummaryBuilder {
  private readonly datasets = new Map<string, DatasetSummary>();
  private readonly tallies = new Map<Silo, Map<DirtKind, DirtTally>>();
  private groundTruthRecords = 0;

  constructor(
    private readonly seed: string,
    private readonly preset: string,
    private readonly truth: Record<string, number>,
  ) {
    for (const silo of SILOS) this.tallies.set(silo, new Map());
  }

  add(file: string, truth: GroundTruthRecord, eligible: readonly DirtKind[]): void {
    const id = `${truth.silo}/${truth.dataset}`;
    let ds = this.datasets.get(id);
    if (!ds) {
      ds = { silo: truth.silo, dataset: truth.dataset, file, records: 0, duplicates: 0 };
      this.datasets.set(id, ds);
    }
    ds.records++;
    if (truth.duplicateOf) ds.duplicates++;
    this.groundTruthRecords++;
    const tally = this.tallies.get(truth.silo)!;
    for (const kind of eligible) {
      const t = tally.get(kind) ?? { eligible: 0, applied: 0 };
      t.eligible++;
      tally.set(kind, t);
    }
    for (const d of truth.dirt) {
      const t = tally.get(d.kind) ?? { eligible: 0, applied: 0 };
      t.applied++;
      tally.set(d.kind, t);
    }
  }

  build(): Summary {
    const silos = {} as Record<Silo, SiloSummary>;
    for (const silo of SILOS) {
      const datasets: Record<string, number> = {};
      let records = 0;
      for (const ds of this.datasets.values()) {
        if (ds.silo !== silo) continue;
        datasets[ds.dataset] = ds.records;
        records += ds.records;
      }
      const dirt: SiloSummary["dirt"] = {};
      for (const rule of DIRT_TABLE) {
        const t = this.tallies.get(silo)!.get(rule.kind);
        if (!t) continue;
        dirt[rule.kind] = {
          eligible: t.eligible,
          applied: t.applied,
          observedRate: t.eligible > 0 ? Math.round((t.applied / t.eligible) * 10_000) / 10_000 : 0,
          tableRate: rule.rates[silo],
        };
      }
      silos[silo] = { records, datasets, dirt };
    }
    return {
      seed: this.seed,
      preset: this.preset,
      truth: this.truth,
      datasets: [...this.datasets.values()],
      silos,
      groundTruthRecords: this.groundTruthRecords,
    };
  }
}
