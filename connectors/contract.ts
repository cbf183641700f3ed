// The connector contract: what a department system must provide for the hub to federate it.
// A connector is a manifest (declared data, validated with zod) plus four operations:
//   sync(cursor)  pages of raw source records and the next cursor (incremental, resumable);
//   map(record)   a raw record → element drafts (person, organisation, address, area, event), or
//                 the problems that stop it (the hub quarantines it with those reasons);
//   lookup(keys)  optional: fields served live at query time, batched;
//   push          optional: webhook intake of records the source sends itself;
//   health()      is the source reachable.
// Connectors depend on this file and on domain/, never on the gateway or the database.
import { z } from "zod";
import { AREA_LEVELS, checkAreaCode } from "../domain/area.js";
import { ORGANISATION_STATUSES, organisationStatusOf } from "../domain/organisation-status.js";
import { SENSITIVITY_CLASSES } from "../domain/sensitivity.js";

export const ELEMENT_KINDS = ["PERSON", "ORGANISATION", "ADDRESS", "AREA", "EVENT"] as const;
export type ElementKind = (typeof ELEMENT_KINDS)[number];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const code = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,62}$/, "lower-case letters, digits and _, starting with a letter");

/** One field the connector supplies, with its sensitivity class and owning department. */
export const fieldDeclarationSchema = z.object({
  element: z.enum(ELEMENT_KINDS),
  field: z.string().min(1),
  sensitivity: z.enum(SENSITIVITY_CLASSES),
  owner: code.describe("department code that owns this field"),
});

export const connectorManifestSchema = z.object({
  id: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{2,62}$/, "3–63 lower-case letters, digits, - and _, starting with a letter"),
  department: z.object({ code, name: z.string().min(1).max(100) }),
  description: z.string().min(1).max(1000),
  produces: z.array(z.enum(ELEMENT_KINDS)).min(1, "a connector produces at least one element kind"),
  fields: z.array(fieldDeclarationSchema).min(1, "declare every field the connector supplies"),
  schedule: z.object({
    intervalSeconds: z.number().int().min(10).max(86_400),
    pageSize: z.number().int().min(1).max(5_000),
    /**
     * Pages written side by side (default 1, one after another). Above one only for a source
     * whose records each name their persons, places and organisations by trusted keys (a
     * registry): a record linked beside an earlier page that has not committed yet cannot be
     * matched probabilistically to what that page creates.
     */
    writers: z.number().int().min(1).max(4).optional(),
  }),
  capabilities: z.object({
    lookups: z.array(z.string().min(1)).default([]),
    push: z.boolean().default(false),
  }),
});
export type ConnectorManifest = z.infer<typeof connectorManifestSchema>;

/** A record as the source holds it: its own key and its raw payload. */
export interface SourceRecordInput {
  sourceKey: string;
  payload: JsonValue;
}

export interface SyncPage {
  records: SourceRecordInput[];
  /** Where the next page starts; persisted with this page's records in one transaction. */
  nextCursor: string;
  /** True when the source has nothing more right now (the engine waits for the next run). */
  done: boolean;
}

// ---- Element drafts: what a mapping produces. Not yet resolved to canonical rows: the hub
// links them (exact trustworthy keys here, probabilistic matching in integration/resolution).
// Declared once, as zod schemas; the types are inferred from them. A mapping in code builds them
// as typed values; a mapping written as data (connectors/declarative) is checked against them,
// so the messages say what was expected and what came ("expected …, got …"). Strict objects: an
// unknown field ("gender" for "sex") is a problem, not silently dropped.

/** A value as a message quotes it, cut short so one huge value cannot flood a message. */
export function showValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "function") return "a function";
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : `a list of ${value.length}`;
  if (typeof value === "object") return "an object";
  if (typeof value === "string") {
    const s = JSON.stringify(value);
    return s.length > 60 ? `${s.slice(0, 57)}..."` : s;
  }
  if (typeof value === "number") return `the number ${value}`;
  return String(value);
}

/** A schema-level message: "required (…)" when absent, "expected …, got …" otherwise. */
const expecting = (what: string) => ({
  error: (issue: { input?: unknown }) =>
    issue.input === undefined ? `required (${what})` : `expected ${what}, got ${showValue(issue.input)}`,
});

/** A list field: JSONata unwraps a one-item sequence into the item, so say how to keep the list. */
const listOf = <T extends z.ZodType>(item: T, what: string) =>
  z.array(item, {
    error: (issue: { input?: unknown }) =>
      issue.input === undefined
        ? `required (${what}; [] when there are none)`
        : issue.input !== null && typeof issue.input === "object"
          ? `expected ${what}, got an object (JSONata unwraps a one-item sequence: end the path with [] to keep a list)`
          : `expected ${what}, got ${showValue(issue.input)}`,
  });

const nonBlank = (what: string) =>
  z.string(expecting(what)).regex(/\S/, { error: `expected ${what}, got ""` });
const optionalText = z.string(expecting("text or null")).nullish();
const enumOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, expecting(`one of ${values.join(", ")}`));

/** A draft's name inside its record, so events can point at their parties. */
const ref = nonBlank("the draft's name inside its record (non-empty text)");
const dateTime = z.iso.datetime({
  offset: true,
  ...expecting("an ISO 8601 date-time with an offset (e.g. 2026-01-05T09:30:00+08:00)"),
});
const AREA_CODE = /^(\d{6}|\d{12}|\d{15})$/;
const areaCodeWhat = "an area code: 6 digits (GB/T 2260), 12 (street / community) or 15 (grid)";
const areaCode = z.string(expecting(areaCodeWhat)).regex(AREA_CODE, expecting(areaCodeWhat));
const ETHNICITY = /^(0[1-9]|[1-4]\d|5[0-6]|97|98)$/;

export const personDraftSchema = z.strictObject({
  element: z.literal("PERSON"),
  ref,
  /** As written in the source: the hub normalises (GB 11643) and keeps a failed check as low trust. */
  citizenId: optionalText,
  name: optionalText,
  sex: enumOf(["MALE", "FEMALE"]).nullish(),
  /** YYYY-MM-DD */
  birthDate: z.iso.date(expecting("a date YYYY-MM-DD")).nullish(),
  /** GB 3304 code */
  ethnicity: z
    .string(expecting("a GB 3304 ethnicity code (01–56, 97, 98)"))
    .regex(ETHNICITY, expecting("a GB 3304 ethnicity code (01–56, 97, 98)"))
    .nullish(),
  phone: optionalText,
  addresses: listOf(
    z.strictObject({
      kind: enumOf(["REGISTERED", "RESIDENT", "WORK", "OTHER"]),
      text: nonBlank("the address as written (non-empty text)"),
      areaCode: areaCode.nullish(),
    }),
    "a list of addresses",
  ).optional(),
  /** Posts the person holds in an area, e.g. the grid worker (网格员) of a grid. */
  posts: listOf(
    z.strictObject({ role: enumOf(["GRID_WORKER"]), areaCode }),
    "a list of posts ({ role, areaCode })",
  ).optional(),
  /**
   * The silo's own reference to a person it keeps elsewhere (a patrol report's 网格员编号 naming
   * the worker's record): the element `ref` of record `sourceKey` of the same connector is this
   * person. A trustworthy key within the silo.
   */
  sameAs: z
    .strictObject({
      sourceKey: nonBlank("the source key of a record of this connector"),
      ref: nonBlank("the ref of a PERSON draft of that record"),
    })
    .nullish(),
});
export type PersonDraft = z.infer<typeof personDraftSchema>;

export const organisationDraftSchema = z.strictObject({
  element: z.literal("ORGANISATION"),
  ref,
  uscc: optionalText,
  name: nonBlank("the organisation's name (non-empty text)"),
  kind: enumOf([
    "SOCIAL_ORGANISATION",
    "ENTERPRISE",
    "PUBLIC_INSTITUTION",
    "GOVERNMENT_UNIT",
    "GRASSROOTS",
    "OTHER",
  ]),
  areaCode: areaCode.nullish(),
  addressText: optionalText,
  /** Contact number (联系电话): often the legal representative's own mobile. */
  phone: optionalText,
  /** 成立日期, YYYY-MM-DD. */
  registeredOn: z.iso.date(expecting("a date YYYY-MM-DD")).nullish(),
  /** 登记机关, as the registry names it. */
  registeringAuthority: optionalText,
  /** 登记状态: the enum, or the registry's wording (存续/在业, 注销, 吊销, 迁出). */
  status: z
    .preprocess(
      (v) => (typeof v === "string" ? (organisationStatusOf(v) ?? v) : v),
      enumOf(ORGANISATION_STATUSES),
    )
    .nullish(),
  members: listOf(
    z.strictObject({
      personRef: nonBlank("the ref of a PERSON draft of this record"),
      role: nonBlank("the member's role (non-empty text)"),
    }),
    "a list of members",
  ).optional(),
});
export type OrganisationDraft = z.infer<typeof organisationDraftSchema>;

const coordinate = (what: string, limit: number) =>
  z
    .number(expecting(what))
    .min(-limit, { error: `expected ${what}` })
    .max(limit, { error: `expected ${what}` });

export const addressDraftSchema = z.strictObject({
  element: z.literal("ADDRESS"),
  ref,
  text: nonBlank("the address as written (non-empty text)"),
  /** Absent: the hub's gazetteer places it from its text (a standard address, else an area). */
  areaCode: areaCode.nullish(),
  latitude: coordinate("a latitude in degrees (-90 to 90)", 90).nullish(),
  longitude: coordinate("a longitude in degrees (-180 to 180)", 180).nullish(),
});
export type AddressDraft = z.infer<typeof addressDraftSchema>;

export const areaDraftSchema = z
  .strictObject({
    element: z.literal("AREA"),
    ref,
    code: z.string(expecting(areaCodeWhat)),
    name: nonBlank("the area's name (non-empty text)"),
    level: enumOf(AREA_LEVELS),
    parentCode: z.string(expecting("the parent area's code, or null for the top")).nullable(),
  })
  .superRefine((area, ctx) => {
    const problem = checkAreaCode(area.level, area.code, area.parentCode);
    if (problem) ctx.addIssue({ code: "custom", path: ["code"], message: problem.detail, input: area.code });
  });
export type AreaDraft = z.infer<typeof areaDraftSchema>;

export const eventDraftSchema = z
  .strictObject({
    element: z.literal("EVENT"),
    ref,
    kind: enumOf(["POLICE_INCIDENT", "HOTLINE_TICKET", "PETITION", "DISPUTE", "GRID_REPORT"]),
    title: nonBlank("the event's title (non-empty text)"),
    description: optionalText,
    /** ISO 8601 with an offset */
    occurredAt: dateTime,
    reportedAt: dateTime,
    deadlineAt: dateTime.nullish(),
    /** Absent: the hub's gazetteer places it from addressText (one of the two is required). */
    areaCode: areaCode.nullish(),
    addressText: optionalText,
    status: enumOf(["REPORTED", "ACCEPTED", "DISPATCHED", "HANDLED", "VERIFIED", "ARCHIVED", "REJECTED"]),
    warningLevel: enumOf(["NONE", "BLUE", "YELLOW", "RED"]).optional(),
    handlingUnit: optionalText,
    /** Kind-specific fields kept as they are (category, satisfaction, collective count …). */
    details: z.record(z.string(), z.json(), expecting("an object of kind-specific fields")).optional(),
    persons: listOf(
      z.strictObject({
        ref: nonBlank("the ref of a PERSON draft of this record"),
        role: enumOf(["REPORTER", "PARTY", "SUBJECT", "PETITIONER", "VICTIM", "WITNESS", "OTHER"]),
      }),
      "a list of { ref, role }",
    ),
    organisations: listOf(
      z.strictObject({
        ref: nonBlank("the ref of an ORGANISATION draft of this record"),
        role: nonBlank("the organisation's role (non-empty text)"),
      }),
      "a list of { ref, role }",
    ),
  })
  // checked even when other fields are wrong, so a mapping learns every problem at once
  .refine(
    (event) => {
      const e = event as Record<string, unknown>;
      return Boolean(e.areaCode) || (typeof e.addressText === "string" && /\S/.test(e.addressText));
    },
    {
      path: ["areaCode"],
      message: `required (${areaCodeWhat}, or an addressText the hub's gazetteer places)`,
      when: (payload) => payload.value !== null && typeof payload.value === "object",
    },
  );
export type EventDraft = z.infer<typeof eventDraftSchema>;

export const elementDraftSchema = z.discriminatedUnion("element", [
  personDraftSchema,
  organisationDraftSchema,
  addressDraftSchema,
  areaDraftSchema,
  eventDraftSchema,
]);
export type ElementDraft = z.infer<typeof elementDraftSchema>;

/** Why a record cannot be ingested. Stable codes; `field` names the offending source field. */
export const MAPPING_PROBLEMS = {
  MISSING_FIELD: "a required field is absent or empty",
  INVALID_VALUE: "a field's value cannot be read (bad date, unknown code …)",
  UNKNOWN_AREA: "the record names an area the hub does not know",
  MALFORMED_RECORD: "the record is not in the source's declared format",
} as const;
export type MappingProblemCode = keyof typeof MAPPING_PROBLEMS;

export interface MappingProblem {
  code: MappingProblemCode;
  field: string;
  message: string;
}

export type MappingOutcome = { ok: true; drafts: ElementDraft[] } | { ok: false; problems: MappingProblem[] };

export interface ConnectorContext {
  signal: AbortSignal;
  log: (message: string, fields?: Record<string, unknown>) => void;
}

export interface Connector {
  readonly manifest: ConnectorManifest;
  sync(cursor: string | null, pageSize: number, ctx: ConnectorContext): Promise<SyncPage>;
  map(record: SourceRecordInput): MappingOutcome;
  /** Live lookups named in manifest.capabilities.lookups: one upstream call for all keys. */
  lookup?(
    name: string,
    keys: readonly string[],
    ctx: ConnectorContext,
  ): Promise<Map<string, JsonValue | null>>;
  /** Records a webhook delivery carries; throws UpstreamFormatError when the body is malformed. */
  parsePush?(body: JsonValue): { deliveryId: string; records: SourceRecordInput[] };
  health(ctx: ConnectorContext): Promise<{ up: boolean; detail?: string }>;
}

/** The source answered with an error status, timed out or could not be reached: retry later. */
export class UpstreamUnavailableError extends Error {
  constructor(
    readonly connectorId: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The source answered with something that is not its declared format: retrying may help. */
export class UpstreamFormatError extends Error {
  constructor(
    readonly connectorId: string,
    message: string,
  ) {
    super(message);
  }
}
