// The check a declarative mapping's output goes through before the hub sees it, against the
// contract's draft schemas (connectors/contract.ts: personDraftSchema … eventDraftSchema).
// A mapping written as data can produce anything; instead of bad data the record gets
// MappingProblems naming the draft field ("drafts[1].occurredAt: expected an ISO 8601 date-time
// …"); an unknown field gets a "did you mean" hint.
// Beyond shape, the drafts of one record must hang together: refs unique, every person /
// organisation an event or organisation names is a draft of the record, and every element kind
// is one the manifest declares it produces.
import { z } from "zod";
import {
  addressDraftSchema,
  areaDraftSchema,
  ELEMENT_KINDS,
  type ElementDraft,
  type ElementKind,
  elementDraftSchema,
  eventDraftSchema,
  type JsonValue,
  type MappingProblem,
  type MappingProblemCode,
  organisationDraftSchema,
  personDraftSchema,
} from "../contract.js";
import { formatPath, issueMessages, show, suggest, valueAt } from "./issues.js";

/** The fields each kind of draft may have, for "unknown field" messages. */
const DRAFT_FIELDS: Record<ElementKind, readonly string[]> = {
  PERSON: Object.keys(personDraftSchema.shape),
  ORGANISATION: Object.keys(organisationDraftSchema.shape),
  ADDRESS: Object.keys(addressDraftSchema.shape),
  AREA: Object.keys(areaDraftSchema.shape),
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
