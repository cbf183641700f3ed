// Shared helpers for the generator tests: generate a small city once per file and keep every
// record with its ground truth in memory.
import { createHash } from "node:crypto";
import { type City, createCity } from "../../../sandbox/generator/city.js";
import type { SiloDataset } from "../../../sandbox/generator/dataset.js";
import type { DirtKind } from "../../../sandbox/generator/dirt.js";
import type { GeneratorOptions } from "../../../sandbox/generator/presets.js";
import { siloDatasets } from "../../../sandbox/generator/silos/index.js";
import type { GroundTruthRecord } from "../../../sandbox/generator/truth.js";

export interface Item {
  dataset: SiloDataset;
  record: Record<string, unknown>;
  truth: GroundTruthRecord;
  eligible: readonly DirtKind[];
}

export interface Generated {
  city: City;
  items: Item[];
}

const cache = new Map<string, Generated>();

export function generate(options: GeneratorOptions): Generated {
  const id = JSON.stringify(options);
  const hit = cache.get(id);
  if (hit) return hit;
  const city = createCity(options);
  const items: Item[] = [];
  for (const dataset of siloDatasets(city)) {
    for (let u = 0; u < dataset.unitCount; u++) {
      for (const e of dataset.records(u)) {
        items.push({
          dataset,
          record: e.record as Record<string, unknown>,
          truth: e.truth,
          eligible: e.eligible,
        });
      }
    }
  }
  const made = { city, items };
  cache.set(id, made);
  return made;
}

/** SHA-256 over every record and its ground truth, as the CLI would write them. */
export function digest(options: GeneratorOptions): string {
  const city = createCity(options);
  const hash = createHash("sha256");
  for (const dataset of siloDatasets(city)) {
    for (let u = 0; u < dataset.unitCount; u++) {
      for (const e of dataset.records(u)) {
        hash.update(JSON.stringify(e.record));
        hash.update("\n");
        hash.update(JSON.stringify(e.truth));
        hash.update("\n");
      }
    }
  }
  return hash.digest("hex");
}

/** A loose binomial bound: |observed − expected| within 4 σ (+2 for tiny samples). */
export function withinBinomial(applied: number, eligible: number, rate: number): boolean {
  const expected = eligible * rate;
  const sigma = Math.sqrt(eligible * rate * (1 - rate));
  return Math.abs(applied - expected) <= 4 * sigma + 2;
}
