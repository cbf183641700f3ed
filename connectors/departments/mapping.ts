// What the department mappers (*/map.ts) share: reading fields out of a silo's record, checking
// dates, times and area codes, and turning the hub's { dataset, record } payload into a
// MappingOutcome. Each silo keeps its own translation tables, formats and dataset mappings; every
// failure is a MappingProblem on the record's Ctx, never an exception.
import { type AreaLevel, checkAreaCode, normaliseAreaCode } from "../../domain/area.js";
import { LEGAL_REPRESENTATIVE } from "../../domain/resolution/mention-match.js";
import type {
  ElementDraft,
  JsonValue,
  MappingOutcome,
  MappingProblem,
  MappingProblemCode,
  OrganisationDraft,
  PersonDraft,
  SourceRecordInput,
} from "../contract.js";

/** A JSON object: a record, or an entry inside one. */
export type Fields = { [key: string]: JsonValue };

/** The record being mapped. */
export interface Ctx {
  /** "incident J…" / "work order 2024…": how messages name the record. */
  label: string;
  problems: MappingProblem[];
}

/** A dataset of a silo: how messages name its records, the field holding a record's own key, its mapping. */
export interface DatasetSpec {
  label: string;
  keyField: string;
  map: (rec: Fields, ctx: Ctx) => ElementDraft[];
}

export const isFields = (v: JsonValue | undefined): v is Fields =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A value as messages quote it, cut short so one huge field cannot flood the problem list. */
export const show = (v: JsonValue | undefined): string => {
  const s = JSON.stringify(v) ?? "undefined";
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/** Records a problem; returns null so a reader can hand it back as the value it could not read. */
export function problem(ctx: Ctx, code: MappingProblemCode, field: string, message: string): null {
  ctx.problems.push({ code, field, message: `${ctx.label}: ${message}` });
  return null;
}

/** A text field as written ("" and blanks mean absent); numbers are accepted as their digits. */
export function text(obj: Fields, name: string, ctx: Ctx, path = name): string | null {
  const v = obj[name];
  if (v === undefined || v === null) return null;
  if (typeof v === "string") return v.trim() === "" ? null : v;
  if (typeof v === "number" && Number.isSafeInteger(v)) return String(v);
  return problem(ctx, "INVALID_VALUE", path, `${path} should be text, got ${show(v)}`);
}

/** A field the element cannot exist without: absent → MISSING_FIELD (why names the reason). */
export function required(obj: Fields, name: string, ctx: Ctx, why: string): string | null {
  const before = ctx.problems.length;
  const raw = text(obj, name, ctx);
  if (raw === null && ctx.problems.length === before)
    problem(ctx, "MISSING_FIELD", name, `no ${name}: ${why}`);
  return raw;
}

/** Own keys only: a source value such as "constructor" must not hit Object.prototype. */
export function lookup<T>(table: Readonly<Record<string, T>>, key: string): { value: T } | null {
  return Object.hasOwn(table, key) ? { value: table[key] as T } : null;
}

/** A code translated through its table; an unknown value is a problem ("is not <expected>"). */
export function coded<T>(
  raw: string | null,
  path: string,
  table: Readonly<Record<string, T>>,
  ctx: Ctx,
  expected: string,
): T | null {
  if (raw === null) return null;
  const hit = lookup(table, raw.trim());
  if (hit) return hit.value;
  return problem(ctx, "INVALID_VALUE", path, `${path} "${raw}" is not ${expected}`);
}

/** A value read with a silo's parser; a present but unreadable one is a problem ("is not <expected>"). */
export function parsed(
  raw: string | null,
  path: string,
  ctx: Ctx,
  parse: (v: string) => string | null,
  expected: string,
): string | null {
  if (raw === null) return null;
  return parse(raw) ?? problem(ctx, "INVALID_VALUE", path, `${path} "${raw}" is not ${expected}`);
}

/** Whether y-m-d exists on the calendar (a Date would silently roll 02-30 over into March). */
function validDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** A date match, groups 1–3 year, month, day → YYYY-MM-DD, or null when it is not a calendar date. */
export function isoDate(m: RegExpExecArray | null): string | null {
  if (!m || !validDate(Number(m[1]), Number(m[2]), Number(m[3]))) return null;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/** A time match, groups 1–6 year … second → ISO 8601 at offset (Beijing time unless given), or null. */
export function isoTime(m: RegExpExecArray | null, offset = "+08:00"): string | null {
  const date = isoDate(m);
  if (!m || date === null) return null;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) return null;
  return `${date}T${m[4]}:${m[5]}:${m[6]}${offset}`;
}

/** An area code the record gives, checked against the levels the field may hold. */
export function areaCode(raw: string, levels: readonly AreaLevel[], ctx: Ctx, path: string): string | null {
  const code = normaliseAreaCode(raw);
  if (levels.some((level) => checkAreaCode(level, code, null) === null)) return code;
  return problem(
    ctx,
    "UNKNOWN_AREA",
    path,
    `${path} "${raw}" is not a ${levels.join("/")} code (GB/T 2260 / statistical division code)`,
  );
}

/** Drop absent (null / undefined) properties so a draft carries only what the source says. */
export function prune<T extends object>(draft: T): T {
  return Object.fromEntries(Object.entries(draft).filter(([, v]) => v !== null && v !== undefined)) as T;
}

/** Each entry of a list field (path `name[i]`); an entry that is not an object is a problem. */
export function forEachEntry(
  list: readonly JsonValue[],
  name: string,
  ctx: Ctx,
  each: (entry: Fields, i: number, path: string) => void,
): void {
  list.forEach((entry, i) => {
    const path = `${name}[${i}]`;
    if (isFields(entry)) each(entry, i, path);
    else problem(ctx, "MALFORMED_RECORD", path, `${path} should be an object, got ${show(entry)}`);
  });
}

/** Which fields of a record or entry hold a person's citizen ID, name, phone, sex and home address. */
export interface PersonFields {
  readonly citizenId: string;
  readonly name: string;
  readonly phone?: string;
  readonly address?: string;
  /** The sex as the silo codes it, its translation table, and what a valid value looks like. */
  readonly sex?: {
    readonly field: string;
    readonly codes: Readonly<Record<string, PersonDraft["sex"]>>;
    readonly expected: string;
  };
}

/**
 * A person read through fields (their paths prefixed with path, "" for the record itself); null
 * when nobody is identified, since an address or a sex alone identifies no one.
 */
export function personEntry(
  entry: Fields,
  ref: string,
  fields: PersonFields,
  ctx: Ctx,
  path = "",
): PersonDraft | null {
  const read = (name: string) => text(entry, name, ctx, path === "" ? name : `${path}.${name}`);
  const address = fields.address === undefined ? null : read(fields.address);
  const sex =
    fields.sex === undefined
      ? null
      : coded(
          read(fields.sex.field),
          path === "" ? fields.sex.field : `${path}.${fields.sex.field}`,
          fields.sex.codes,
          ctx,
          fields.sex.expected,
        );
  const person = prune<PersonDraft>({
    element: "PERSON",
    ref,
    citizenId: read(fields.citizenId),
    name: read(fields.name),
    phone: fields.phone === undefined ? null : read(fields.phone),
    sex,
    addresses: address === null ? undefined : [{ kind: "RESIDENT", text: address }],
  });
  return person.citizenId || person.name || person.phone ? person : null;
}

export { LEGAL_REPRESENTATIVE };

/**
 * An organisation and its legal representative (read with personEntry: a name, and an ID where the
 * register holds one): the person first, then the organisation (when there is one) listing them
 * as a member. Without an ID the representative is a name-only mention, for the resolution pass.
 */
export function withRepresentative(
  representative: PersonDraft | null,
  organisation: OrganisationDraft | null,
): ElementDraft[] {
  if (representative === null) return organisation === null ? [] : [organisation];
  if (organisation === null) return [representative];
  return [
    representative,
    { ...organisation, members: [{ personRef: representative.ref, role: LEGAL_REPRESENTATIVE }] },
  ];
}

/**
 * The mapping of a silo: the hub's { dataset, record } payload → the record mapped by its dataset's
 * spec. Any problem fails the record as a whole; a thrown error is caught as a safety net only, so
 * a mapping bug quarantines the record instead of stopping the sync.
 */
export function datasetMapper(
  datasets: Readonly<Record<string, DatasetSpec>>,
): (input: SourceRecordInput) => MappingOutcome {
  return (input) => {
    const payload = input.payload;
    const malformed = (field: string, message: string): MappingOutcome => ({
      ok: false,
      problems: [{ code: "MALFORMED_RECORD", field, message: `record ${input.sourceKey}: ${message}` }],
    });
    if (!isFields(payload))
      return malformed("payload", `payload should be { dataset, record }, got ${show(payload)}`);
    const dataset = payload.dataset;
    if (typeof dataset !== "string") return malformed("dataset", `no dataset name, got ${show(dataset)}`);
    const spec = lookup(datasets, dataset)?.value;
    if (!spec)
      return malformed(
        "dataset",
        `unknown dataset "${dataset}" (expected ${Object.keys(datasets).join(", ")})`,
      );
    const rec = payload.record;
    if (!isFields(rec)) return malformed("record", `${dataset} record should be an object, got ${show(rec)}`);

    const key = rec[spec.keyField];
    const ctx: Ctx = {
      label: `${spec.label} ${typeof key === "string" && key.trim() !== "" ? key : input.sourceKey}`,
      problems: [],
    };
    try {
      const drafts = spec.map(rec, ctx);
      return ctx.problems.length > 0 ? { ok: false, problems: ctx.problems } : { ok: true, drafts };
    } catch (error) {
      return malformed("record", `mapping failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}
