// zod schemas mirroring the contract's element drafts (connectors/contract.ts: PersonDraft …
// EventDraft), and the check a declarative mapping's output goes through before the hub sees it.
// A mapping written as data can produce anything; instead of bad data the record gets
// MappingProblems naming the draft field ("drafts[1].occurredAt: expected an ISO 8601 date-time
// …"). Strict objects: an unknown field ("gender" for "sex") is a problem, not silently dropped.
// Beyond shape, the drafts of one record must hang together: refs unique, every person /
// organisation an event or organisation names is a draft of the record, and every element kind
// is one the manifest declares it produces.
import { z } from "zod";
import { AREA_LEVELS, checkAreaCode } from "../../domain/area.js";
import {
  ELEMENT_KINDS,
  type ElementDraft,
  type ElementKind,
  type JsonValue,
  type MappingProblem,
  type MappingProblemCode,
} from "../contract.js";
import { formatPath, issueMessages, show, suggest, valueAt } from "./issues.js";

/** A schema-level message: "required (…)" when absent, "expected …, got …" otherwise. */
const expecting = (what: string) => ({
  error: (issue: { input?: unknown }) =>
    issue.input === undefined ? `required (${what})` : `expected ${what}, got ${show(issue.input)}`,
});

/** A list field: JSONata unwraps a one-item sequence into the item, so say how to keep the list. */
const listOf = <T extends z.ZodType>(item: T, what: string) =>
  z.array(item, {
    error: (issue: { input?: unknown }) =>
      issue.input === undefined
        ? `required (${what}; [] when there are none)`
        : issue.input !== null && typeof issue.input === "object"
          ? `expected ${what}, got an object (JSONata unwraps a one-item sequence: end the path with [] to keep a list)`
          : `expected ${what}, got ${show(issue.input)}`,
  });

const nonBlank = (what: string) =>
  z.string(expecting(what)).regex(/\S/, { error: `expected ${what}, got ""` });
const optionalText = z.string(expecting("text or null")).nullish();
const enumOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, expecting(`one of ${values.join(", ")}`));

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
  citizenId: optionalText,
  name: optionalText,
  sex: enumOf(["MALE", "FEMALE"]).nullish(),
  birthDate: z.iso.date(expecting("a date YYYY-MM-DD")).nullish(),
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
  posts: listOf(
    z.strictObject({ role: enumOf(["GRID_WORKER"]), areaCode }),
    "a list of posts ({ role, areaCode })",
  ).optional(),
  sameAs: z
    .strictObject({
      sourceKey: nonBlank("the source key of a record of this connector"),
      ref: nonBlank("the ref of a PERSON draft of that record"),
    })
    .nullish(),
});

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
  phone: optionalText,
  members: listOf(
    z.strictObject({
      personRef: nonBlank("the ref of a PERSON draft of this record"),
      role: nonBlank("the member's role (non-empty text)"),
    }),
    "a list of members",
  ).optional(),
});

const coordinate = (what: string, limit: number) =>
  z
    .number(expecting(what))
    .min(-limit, { error: `expected ${what}` })
    .max(limit, { error: `expected ${what}` });

export const addressDraftSchema = z.strictObject({
  element: z.literal("ADDRESS"),
  ref,
  text: nonBlank("the address as written (non-empty text)"),
  areaCode,
  latitude: coordinate("a latitude in degrees (-90 to 90)", 90).nullish(),
  longitude: coordinate("a longitude in degrees (-180 to 180)", 180).nullish(),
});

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

export const eventDraftSchema = z.strictObject({
  element: z.literal("EVENT"),
  ref,
  kind: enumOf(["POLICE_INCIDENT", "HOTLINE_TICKET", "PETITION", "DISPUTE", "GRID_REPORT"]),
  title: nonBlank("the event's title (non-empty text)"),
  description: optionalText,
  occurredAt: dateTime,
  reportedAt: dateTime,
  deadlineAt: dateTime.nullish(),
  areaCode,
  addressText: optionalText,
  status: enumOf(["REPORTED", "ACCEPTED", "DISPATCHED", "HANDLED", "VERIFIED", "ARCHIVED", "REJECTED"]),
  warningLevel: enumOf(["NONE", "BLUE", "YELLOW", "RED"]).optional(),
  handlingUnit: optionalText,
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
});

export const elementDraftSchema = z.discriminatedUnion("element", [
  personDraftSchema,
  organisationDraftSchema,
  addressDraftSchema,
  areaDraftSchema,
  eventDraftSchema,
]);

// The schemas must produce exactly the contract's drafts: this fails to compile if they drift.
const _sameAsContract: (d: z.output<typeof elementDraftSchema>) => ElementDraft = (d) => d;
void _sameAsContract;

/** The fields each kind of draft may have, for "unknown field" messages. */
const DRAFT_FIELDS: Record<ElementKind, readonly string[]> = {
  PERSON: Object.keys(personDraftSchema.shape),
  ORGANISATION: Object.keys(organisationDraftSchema.shape),
  ADDRESS: Object.keys(addressDraftSchema.shape),
  AREA: ["element", "ref", "code", "name", "level", "parentCode"],
  EVENT: Object.keys(eventDraftSchema.shape),
};

const isElementKind = (v: unknown): v is ElementKind =>
  typeof v === "string" && (ELEMENT_KINDS as readonly string[]).includes(v);

export interface DraftCheck {
  /** The drafts, when the output has their shape (even if they fail the cross-checks); else null. */
  drafts: ElementDraft[] | null;
  /** Every problem, messages starting with the draft field ("drafts[1].occurredAt: …"). */
  problems: MappingProblem[];
}

export interface DraftCheckOptions {
  /** The element kinds the connector's manifest declares; any other kind is a problem. */
  produces?: readonly ElementKind[];
}

const problem = (code: MappingProblemCode, field: string, message: string): MappingProblem => ({
  code,
  field,
  message: `${field}: ${message}`,
});

/**
 * What a mapping produced → element drafts, or the problems that stop them. `output` is an array of
 * drafts or a single draft (undefined: the mapping produced nothing, itself a problem: a mapping
 * that means "nothing" says []).
 */
export function checkDrafts(output: JsonValue | undefined, options: DraftCheckOptions = {}): DraftCheck {
  if (output === undefined)
    return {
      drafts: null,
      problems: [
        problem(
          "MISSING_FIELD",
          "drafts",
          "the mapping produced nothing (an element draft or a list of them expected; [] for none)",
        ),
      ],
    };
  const list = Array.isArray(output)
    ? output
    : output !== null && typeof output === "object"
      ? [output]
      : null;
  if (list === null)
    return {
      drafts: null,
      problems: [
        problem(
          "INVALID_VALUE",
          "drafts",
          `expected an element draft or a list of them, got ${show(output)}`,
        ),
      ],
    };

  const parsed = z.array(elementDraftSchema).safeParse(list, { error: issueMessages, reportInput: true });
  if (!parsed.success) {
    const problems: MappingProblem[] = [];
    for (const issue of parsed.error.issues) {
      const at = valueAt(list, issue.path);
      if (issue.code === "unrecognized_keys") {
        const element = valueAt(list, [...issue.path, "element"]);
        const known = isElementKind(element) ? DRAFT_FIELDS[element] : [];
        for (const key of issue.keys) {
          const hint = suggest(key, known);
          problems.push(
            problem(
              "INVALID_VALUE",
              formatPath([...issue.path, key], "drafts"),
              `unknown field${isElementKind(element) ? ` for a ${element} draft` : ""}${
                hint ? ` (did you mean "${hint}"?)` : ""
              }`,
            ),
          );
        }
        continue;
      }
      const path = formatPath(issue.path, "drafts");
      const missing = at === undefined;
      // a list entry that is not an object at all: the draft itself is wrong
      const message =
        issue.path.length === 1
          ? `expected an element draft (an object with "element" and "ref"), got ${show(at)}`
          : issue.message;
      problems.push(problem(missing ? "MISSING_FIELD" : "INVALID_VALUE", path, message));
    }
    return { drafts: null, problems };
  }

  const drafts: ElementDraft[] = parsed.data;
  const problems: MappingProblem[] = [];
  const produces = options.produces;
  const refs = new Map<string, { index: number; element: ElementKind }>();
  drafts.forEach((d, i) => {
    if (produces && !produces.includes(d.element))
      problems.push(
        problem(
          "INVALID_VALUE",
          `drafts[${i}].element`,
          `${d.element} is not among the element kinds the manifest produces (${produces.join(", ")})`,
        ),
      );
    const earlier = refs.get(d.ref);
    if (earlier)
      problems.push(
        problem(
          "INVALID_VALUE",
          `drafts[${i}].ref`,
          `ref ${JSON.stringify(d.ref)} is already the name of drafts[${earlier.index}]: refs are unique in a record`,
        ),
      );
    else refs.set(d.ref, { index: i, element: d.element });
  });
  const mustName = (path: string, target: string, kind: ElementKind) => {
    const hit = refs.get(target);
    if (!hit || hit.element !== kind)
      problems.push(
        problem(
          "INVALID_VALUE",
          path,
          hit
            ? `${JSON.stringify(target)} is drafts[${hit.index}], a ${hit.element} draft, not a ${kind} draft`
            : `no ${kind} draft of this record has ref ${JSON.stringify(target)}`,
        ),
      );
  };
  for (const [i, d] of drafts.entries()) {
    if (d.element === "EVENT") {
      for (const [j, p] of d.persons.entries()) mustName(`drafts[${i}].persons[${j}].ref`, p.ref, "PERSON");
      for (const [j, o] of d.organisations.entries())
        mustName(`drafts[${i}].organisations[${j}].ref`, o.ref, "ORGANISATION");
    } else if (d.element === "ORGANISATION") {
      for (const [j, m] of (d.members ?? []).entries())
        mustName(`drafts[${i}].members[${j}].personRef`, m.personRef, "PERSON");
    }
  }
  return { drafts, problems };
}

/** "ELEMENT.field" for every field a draft fills (details keys as "details.key"; empty lists fill nothing). */
export function filledFields(drafts: Iterable<ElementDraft>): Set<string> {
  const out = new Set<string>();
  for (const d of drafts) {
    for (const [key, value] of Object.entries(d)) {
      if (key === "element" || key === "ref" || value === null || value === undefined) continue;
      if (Array.isArray(value) && value.length === 0) continue;
      if (key === "details" && typeof value === "object" && !Array.isArray(value)) {
        for (const [k, v] of Object.entries(value as Record<string, unknown>))
          if (v !== null && v !== undefined) out.add(`${d.element}.details.${k}`);
      } else out.add(`${d.element}.${key}`);
    }
  }
  return out;
}
