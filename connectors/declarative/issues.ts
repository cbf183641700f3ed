// How the declarative runtime words a zod issue: a path a person can find in their definition or
// in their mapping's output ("source.paging.cursorParam", "drafts[1].occurredAt") and a message
// that says what was expected and what was there instead. Shared by the definition schema and the
// draft schemas, so both speak the same way.
import type { z } from "zod";
import { showValue } from "../contract.js";

/** One thing wrong with a definition (or with what a mapping produced): where, and why. */
export interface PathError {
  path: string;
  message: string;
}

type PathKey = string | number | symbol;

const IDENTIFIER = /^[\p{L}_$][\p{L}\p{N}_$]*$/u;

/** ["source","paging","cursorParam"] → "source.paging.cursorParam"; numbers → [i]; odd keys → ["…"]. */
export function formatPath(path: readonly PathKey[], root = ""): string {
  let out = root;
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else {
      const name = String(key);
      if (IDENTIFIER.test(name)) out += out === "" ? name : `.${name}`;
      else out += `[${JSON.stringify(name)}]`;
    }
  }
  return out;
}

/** A value as a message quotes it, cut short so one huge value cannot flood a message. */
export const show = showValue;

/** The value at a path inside a parsed input (undefined when the path leads nowhere). */
export function valueAt(root: unknown, path: readonly PathKey[]): unknown {
  let cur = root;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    if (typeof key === "symbol") return undefined;
    if (!Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

const TYPE_NAMES: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  array: "a list",
  object: "an object",
  record: "an object",
  null: "null",
};

const FORMAT_NAMES: Record<string, string> = {
  url: "an http:// or https:// URL",
  datetime: "an ISO 8601 date-time with an offset (e.g. 2026-01-05T09:30:00+08:00)",
  date: "a date YYYY-MM-DD",
  regex: "text in the expected form",
};

const quoteAll = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join(", ");

/**
 * The messages for issues a schema does not word itself (a schema's own `error` wins over this).
 * Pass it to safeParse as `{ error: issueMessages }`.
 */
export const issueMessages: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type": {
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      return issue.input === undefined
        ? `required (${expected})`
        : `expected ${expected}, got ${show(issue.input)}`;
    }
    case "invalid_value":
      return issue.values.length === 1
        ? `expected ${JSON.stringify(issue.values[0])}, got ${show(issue.input)}`
        : `expected one of ${quoteAll(issue.values)}; got ${show(issue.input)}`;
    case "invalid_format":
      return `expected ${FORMAT_NAMES[issue.format] ?? issue.format}, got ${show(issue.input)}`;
    case "invalid_union":
      if (typeof issue.discriminator === "string" && "options" in issue && Array.isArray(issue.options)) {
        const options: readonly unknown[] = issue.options;
        const got = valueAt(issue.input, [issue.discriminator]);
        return got === undefined
          ? `required: one of ${quoteAll(options)}`
          : `expected one of ${quoteAll(options)}; got ${show(got)}`;
      }
      return `matches none of the allowed forms, got ${show(issue.input)}`;
    case "too_small":
      if (issue.origin === "string")
        return Number(issue.minimum) <= 1
          ? "must not be empty"
          : `needs at least ${issue.minimum} characters`;
      if (issue.origin === "array")
        return `needs at least ${issue.minimum} ${Number(issue.minimum) === 1 ? "entry" : "entries"}`;
      return `must be at least ${issue.minimum}, got ${show(issue.input)}`;
    case "too_big":
      if (issue.origin === "string") return `may have at most ${issue.maximum} characters`;
      if (issue.origin === "array") return `may have at most ${issue.maximum} entries`;
      return `must be at most ${issue.maximum}, got ${show(issue.input)}`;
    default:
      return undefined;
  }
};

/** Edit distance, for "did you mean" hints on misspelt keys. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The closest of `known` to a misspelt key, when one is close enough to be what was meant. */
export function suggest(key: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(key.length / 4)) + 1;
  for (const k of known) {
    const d = distance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * zod issues as path errors: one per issue, and one per key for unknown keys ("unknown field",
 * with the likely intended key when `knownKeys` has one close to it).
 */
export function issuesToErrors(
  issues: readonly z.core.$ZodIssue[],
  root: string,
  knownKeys: readonly string[] = [],
): PathError[] {
  const out: PathError[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const hint = suggest(key, knownKeys);
        out.push({
          path: formatPath([...issue.path, key], root),
          message: `unknown field${hint ? ` (did you mean "${hint}"?)` : ""}`,
        });
      }
      continue;
    }
    out.push({ path: formatPath(issue.path, root), message: issue.message });
  }
  return out;
}
