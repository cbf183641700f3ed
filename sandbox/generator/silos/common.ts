// Helpers shared by the silo builders: event times, per-record dirt streams, reference builders.
import type { AddressText } from "../addresses.js";
import { addressKey } from "../addresses.js";
import { secondsOfDay } from "../calendar.js";
import type { City } from "../city.js";
import type { Emitted } from "../dataset.js";
import { type DirtKind, DirtLog, type Silo } from "../dirt.js";
import { type Rng, streamRng, weighted } from "../rng.js";
import { sexName } from "../tables/names.js";
import { type DatasetName, type GroundTruthRecord, type PersonFields, valueAt } from "../truth.js";

/** Relative frequency of events by hour of day (Beijing time). */
export const HOURLY_WEIGHTS = [
  1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.5, 4, 5, 5.5, 5, 4, 4.5, 5, 5, 4.5, 4.5, 4, 3.5, 3, 2.5, 2, 1.5,
] as const;
const HOUR_TABLE = weighted(HOURLY_WEIGHTS.map((w, h) => [h, w] as const));

/**
 * Local time of event e of n, spread over the simulated year in index order (so a dataset's
 * records come roughly in time order), at a plausible hour.
 */
export function eventTime(city: City, e: number, n: number, rng: Rng): number {
  const days = city.clock.asOfDay - city.clock.fromDay + 1;
  const day =
    city.clock.fromDay + Math.min(days - 1, Math.floor(((e + rng.float()) * days) / Math.max(1, n)));
  const hour = HOUR_TABLE.pick(rng);
  return secondsOfDay(day) + hour * 3600 + rng.int(0, 3599);
}

/** The dirt stream of one record (independent of the content stream). */
export function dirtLog(city: City, silo: Silo, dataset: DatasetName, unit: number, sub = 0): DirtLog {
  return new DirtLog(silo, streamRng(city.plan.base, `dirt:${dataset}`, unit, sub));
}

export function addPerson(
  truth: GroundTruthRecord,
  person: string,
  role: string,
  fields: PersonFields,
): void {
  truth.persons.push({ person, role, fields });
}

export function addAddress(
  truth: GroundTruthRecord,
  address: number,
  field: string,
  text: AddressText | { precision: AddressText["precision"] },
  stale = false,
): void {
  truth.addresses.push(
    stale
      ? { address: addressKey(address), field, precision: text.precision, stale: true }
      : { address: addressKey(address), field, precision: text.precision },
  );
}

export { sexName };

/** A sex as written down in words ("男" / "女"), or null when left blank. */
export const sexNameOf = (sex: 1 | 2 | null): string | null => (sex === null ? null : sexName(sex));

/** A sex as written down in GB/T 2261.1 code ("1" / "2"), or null when left blank. */
export const sexCodeOf = (sex: 1 | 2 | null): string | null => (sex === null ? null : String(sex));

/** A number with `digits` digits from a keyed permutation of an index. */
export const padded = (n: number, digits: number) => String(n).padStart(digits, "0");

/**
 * Finish a record: attach the dirt log to its ground truth, drop person fields the silo left
 * empty (the truth lists only fields that hold something), and add unit-level eligibility.
 */
export function emit<R extends object>(
  record: R,
  truth: GroundTruthRecord,
  log: DirtLog | null,
  extraEligible: readonly DirtKind[] = [],
): Emitted<R> {
  if (log) truth.dirt = log.applied;
  for (const ref of truth.persons) {
    for (const [attr, path] of Object.entries(ref.fields)) {
      const v = valueAt(record, path);
      if (v === null || v === undefined || v === "") delete ref.fields[attr as keyof PersonFields];
    }
  }
  const eligible = log ? [...log.eligible, ...extraEligible] : [...extraEligible];
  return { record, truth, eligible };
}
