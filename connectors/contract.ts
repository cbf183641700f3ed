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
import type { AREA_LEVELS } from "../domain/area.js";
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

/** A draft's name inside its record, so events can point at their parties. */
type Ref = { ref: string };

export interface PersonDraft extends Ref {
  element: "PERSON";
  /** As written in the source: the hub normalises (GB 11643) and keeps a failed check as low trust. */
  citizenId?: string | null;
  name?: string | null;
  sex?: "MALE" | "FEMALE" | null;
  birthDate?: string | null; // YYYY-MM-DD
  ethnicity?: string | null; // GB 3304 code
  phone?: string | null;
  addresses?: {
    kind: "REGISTERED" | "RESIDENT" | "WORK" | "OTHER";
    text: string;
    areaCode?: string | null;
  }[];
  /**
   * The silo's own reference to a person it keeps elsewhere (a patrol report's 网格员编号 naming
   * the worker's record): the element `ref` of record `sourceKey` of the same connector is this
   * person. A trustworthy key within the silo.
   */
  sameAs?: { sourceKey: string; ref: string } | null;
  /** Posts the person holds in an area, e.g. the grid worker (网格员) of a grid. */
  posts?: { role: "GRID_WORKER"; areaCode: string }[];
}

export interface OrganisationDraft extends Ref {
  element: "ORGANISATION";
  uscc?: string | null;
  name: string;
  kind:
    | "SOCIAL_ORGANISATION"
    | "ENTERPRISE"
    | "PUBLIC_INSTITUTION"
    | "GOVERNMENT_UNIT"
    | "GRASSROOTS"
    | "OTHER";
  areaCode?: string | null;
  addressText?: string | null;
  /** Contact number (联系电话): often the legal representative's own mobile. */
  phone?: string | null;
  members?: { personRef: string; role: string }[];
}

export interface AddressDraft extends Ref {
  element: "ADDRESS";
  text: string;
  areaCode: string;
  latitude?: number | null;
  longitude?: number | null;
}

export interface AreaDraft extends Ref {
  element: "AREA";
  code: string;
  name: string;
  level: (typeof AREA_LEVELS)[number];
  parentCode: string | null;
}

export interface EventDraft extends Ref {
  element: "EVENT";
  kind: "POLICE_INCIDENT" | "HOTLINE_TICKET" | "PETITION" | "DISPUTE" | "GRID_REPORT";
  title: string;
  description?: string | null;
  occurredAt: string; // ISO 8601
  reportedAt: string;
  deadlineAt?: string | null;
  areaCode: string;
  addressText?: string | null;
  status: "REPORTED" | "ACCEPTED" | "DISPATCHED" | "HANDLED" | "VERIFIED" | "ARCHIVED" | "REJECTED";
  warningLevel?: "NONE" | "BLUE" | "YELLOW" | "RED";
  handlingUnit?: string | null;
  /** Kind-specific fields kept as they are (category, satisfaction, collective count …). */
  details?: Record<string, JsonValue>;
  persons: {
    ref: string;
    role: "REPORTER" | "PARTY" | "SUBJECT" | "PETITIONER" | "VICTIM" | "WITNESS" | "OTHER";
  }[];
  organisations: { ref: string; role: string }[];
}

export type ElementDraft = PersonDraft | OrganisationDraft | AddressDraft | AreaDraft | EventDraft;

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
