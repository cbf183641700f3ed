// Shared helpers for the department mapping tests: a small generated city per silo, its records
// wrapped as the hub hands them to a connector ({ dataset, record }), and checks of the drafts
// against the generator's ground truth and of a manifest against the fields the drafts fill.
import type {
  ConnectorManifest,
  ElementDraft,
  EventDraft,
  JsonValue,
  MappingOutcome,
  OrganisationDraft,
  PersonDraft,
  SourceRecordInput,
} from "../../../connectors/contract.js";
import { createCity } from "../../../sandbox/generator/city.js";
import type { Silo } from "../../../sandbox/generator/dirt.js";
import { siloDatasets } from "../../../sandbox/generator/silos/index.js";
import { type GroundTruthRecord, valueAt } from "../../../sandbox/generator/truth.js";

/** Small enough for a unit test (about a second), big enough to meet every kind of record. */
export const CITY_OPTIONS = { seed: "departments", persons: 5000 } as const;

export interface Item {
  dataset: string;
  /** The record as the connector receives it (after any transport encoding). */
  record: { [key: string]: JsonValue };
  truth: GroundTruthRecord;
  input: SourceRecordInput;
}

export type Encoding = (record: { [key: string]: JsonValue }) => { [key: string]: JsonValue };

/** JSON as the silo serves it. */
export const asJson: Encoding = (record) => record;

/** A spreadsheet / CSV row: every cell a string, empty cells "". */
export const asCsvRow: Encoding = (record) =>
  Object.fromEntries(
    Object.entries(record).map(([k, v]) => [
      k,
      v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v),
    ]),
  );

/** XML decoded without a schema: every leaf a string, empty elements "". */
export const asXmlDecoded: Encoding = (record) => {
  const leaf = (v: JsonValue): JsonValue =>
    v === null
      ? ""
      : Array.isArray(v)
        ? v.map(leaf)
        : typeof v === "object"
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, leaf(x)]))
          : String(v);
  return leaf(record) as { [key: string]: JsonValue };
};

const cache = new Map<Silo, Item[]>();

/** Every record of one silo's datasets in the small city, wrapped as { dataset, record }. */
export function siloItems(silo: Silo, encoding: Encoding = asJson): Item[] {
  let raw = cache.get(silo);
  if (!raw) {
    const city = createCity(CITY_OPTIONS);
    raw = [];
    for (const ds of siloDatasets(city)) {
      if (ds.silo !== silo) continue;
      for (let u = 0; u < ds.unitCount; u++)
        for (const e of ds.records(u)) {
          const record = JSON.parse(JSON.stringify(e.record)) as { [key: string]: JsonValue };
          raw.push({ dataset: ds.name, record, truth: e.truth, input: { sourceKey: "", payload: null } });
        }
    }
    cache.set(silo, raw);
  }
  return raw.map((item) => {
    const record = encoding(item.record);
    return {
      ...item,
      record,
      input: { sourceKey: item.truth.sourceKey, payload: { dataset: item.dataset, record } },
    };
  });
}

export function draftsOf(outcome: MappingOutcome): ElementDraft[] {
  if (!outcome.ok) throw new Error(`mapping failed: ${JSON.stringify(outcome.problems)}`);
  return outcome.drafts;
}

export const personsOf = (drafts: ElementDraft[]) =>
  drafts.filter((d): d is PersonDraft => d.element === "PERSON");
export const organisationsOf = (drafts: ElementDraft[]) =>
  drafts.filter((d): d is OrganisationDraft => d.element === "ORGANISATION");
export const eventsOf = (drafts: ElementDraft[]) =>
  drafts.filter((d): d is EventDraft => d.element === "EVENT");

export interface Translations {
  /** How the silo's sex value reads as the draft's sex. */
  sex?: (value: string) => PersonDraft["sex"];
  /** How the silo's birth date reads as YYYY-MM-DD. */
  birthDate?: (value: string) => string;
}

const asText = (v: unknown) => (v === null || v === undefined ? null : String(v));

/**
 * Each ground-truth person with at least one field must be a person draft whose values equal
 * the record's values at the truth's paths; returns what does not agree (empty when all do).
 */
export function personMismatches(item: Item, drafts: ElementDraft[], t: Translations = {}): string[] {
  const persons = personsOf(drafts);
  const out: string[] = [];
  for (const ref of item.truth.persons) {
    const entries = Object.entries(ref.fields);
    if (entries.length === 0) continue;
    const agrees = (d: PersonDraft) =>
      entries.every(([attr, path]) => {
        const v = asText(valueAt(item.record, path));
        switch (attr) {
          case "id":
            return d.citizenId === v;
          case "name":
            return d.name === v;
          case "phone":
            return d.phone === v;
          case "sex":
            return t.sex ? d.sex === t.sex(v ?? "") : d.sex === undefined;
          case "birthDate":
            return t.birthDate ? d.birthDate === t.birthDate(v ?? "") : false;
          case "address":
            return (d.addresses ?? []).some((a) => a.text === v);
          default:
            return false;
        }
      });
    if (!persons.some(agrees))
      out.push(`${item.truth.sourceKey}: ${ref.role} ${JSON.stringify(ref.fields)} has no agreeing draft`);
  }
  return out;
}

/** Each ground-truth organisation must be an organisation draft with the code and name at its paths. */
export function organisationMismatches(item: Item, drafts: ElementDraft[]): string[] {
  const orgs = organisationsOf(drafts);
  const out: string[] = [];
  for (const ref of item.truth.organisations) {
    const code = ref.fields.code ? asText(valueAt(item.record, ref.fields.code)) : undefined;
    const name = ref.fields.name ? asText(valueAt(item.record, ref.fields.name)) : undefined;
    const ok = orgs.some(
      (o) => (code === undefined || o.uscc === code) && (name === undefined || o.name === name),
    );
    if (!ok)
      out.push(`${item.truth.sourceKey}: ${ref.role} ${JSON.stringify(ref.fields)} has no agreeing draft`);
  }
  return out;
}

/** Every person / organisation an event links to is a draft of the same record. */
export function danglingRefs(drafts: ElementDraft[]): string[] {
  const refs = new Set(drafts.map((d) => `${d.element}:${d.ref}`));
  const out: string[] = [];
  for (const e of eventsOf(drafts)) {
    for (const p of e.persons) if (!refs.has(`PERSON:${p.ref}`)) out.push(`${e.ref} → person ${p.ref}`);
    for (const o of e.organisations)
      if (!refs.has(`ORGANISATION:${o.ref}`)) out.push(`${e.ref} → organisation ${o.ref}`);
  }
  for (const o of organisationsOf(drafts))
    for (const m of o.members ?? [])
      if (!refs.has(`PERSON:${m.personRef}`)) out.push(`${o.ref} → member ${m.personRef}`);
  return out;
}

/** "ELEMENT.field" for every field a draft fills (details keys as "details.key"; empty lists fill nothing). */
export function filledFields(drafts: Iterable<ElementDraft>): Set<string> {
  const out = new Set<string>();
  for (const d of drafts) {
    for (const [key, value] of Object.entries(d)) {
      if (key === "element" || key === "ref" || value === null || value === undefined) continue;
      if (Array.isArray(value) && value.length === 0) continue;
      if (key === "details" && typeof value === "object") {
        for (const [k, v] of Object.entries(value as Record<string, unknown>))
          if (v !== null && v !== undefined) out.add(`${d.element}.details.${k}`);
      } else out.add(`${d.element}.${key}`);
    }
  }
  return out;
}

export function declaredFields(manifest: ConnectorManifest): Set<string> {
  return new Set(manifest.fields.map((f) => `${f.element}.${f.field}`));
}

/** Map every item; returns the outcomes in order. */
export function mapAll(items: Item[], map: (r: SourceRecordInput) => MappingOutcome): MappingOutcome[] {
  return items.map((item) => map(item.input));
}

export const wrap = (dataset: string, record: JsonValue, sourceKey = "T-1"): SourceRecordInput => ({
  sourceKey,
  payload: { dataset, record },
});
