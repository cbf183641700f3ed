// One JSON line per log event on stderr (pino): what log shippers in a government data centre
// ingest. Personal values never reach a line: fields with a personal key are censored, at any
// depth, and every other string (the message, an error text, a nested field) has the
// citizen IDs and mobile numbers inside it masked, since free text (a work order, an error that
// quotes a record) may carry them.
import pino from "pino";

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger whose lines all carry these fields (a connector id, a request id). */
  child(bindings: Record<string, unknown>): Logger;
}

/** Field names whose values are personal (or may quote personal records): censored wholesale. */
export const PERSONAL_KEYS = [
  "name",
  "names",
  "phone",
  "phones",
  "mobile",
  "citizenId",
  "idNo",
  "idCard",
  "address",
  "addressText",
  "fullText",
  "payload",
  "description",
  "text",
  "content",
  "caller",
  "complainant",
  "petitioner",
  "contact",
  "birthDate",
  "variables",
] as const;

export const CENSORED = "[REDACTED]";

const PERSONAL: ReadonlySet<string> = new Set(PERSONAL_KEYS);

// Identifiers by shape inside any string: an 18-character citizen ID (or a legacy 15-digit one)
// and a mainland mobile number, as domain/identifiers/ defines them, found within text.
const VALUE_REDACTIONS: readonly [RegExp, string][] = [
  [/(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])|(?<![0-9])\d{15}(?![0-9])/g, "[citizen-id]"],
  [/(?<![0-9])(?:\+?86[-\s]?)?1[3-9]\d{9}(?![0-9])/g, "[mobile]"],
];

/** A string with the citizen IDs and mobile numbers in it masked. */
export function scrubText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of VALUE_REDACTIONS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * A line's fields as they may be written: a personal key's value censored whole, at any depth,
 * and every other string scrubbed (scrubText). One walk does both: pino's own path redaction
 * (`redact`, with wildcard paths for nested keys) allocated about 150 KB a line, a twelfth of
 * what a GraphQL request allocated (2026-12-06, the operation log's line).
 */
function scrub(value: unknown, depth: number): unknown {
  if (typeof value === "string") return scrubText(value);
  if (depth > 6 || value === null || typeof value !== "object" || value instanceof Date) return value;
  if (value instanceof Error)
    return { type: value.name, message: scrubText(value.message), stack: scrubText(value.stack ?? "") };
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const k in value) {
    if (!Object.hasOwn(value, k)) continue;
    out[k] = PERSONAL.has(k) ? CENSORED : scrub((value as Record<string, unknown>)[k], depth + 1);
  }
  return out;
}

/** Where lines go: stderr, or a function given each line (tests capture them). */
export type LogSink = (line: string) => void;

export function createLogger(level: LogLevel, sink?: LogSink): Logger {
  const destination = sink
    ? { write: (line: string) => sink(line) }
    : pino.destination({ dest: 2, sync: true });
  const root = pino(
    {
      level,
      base: undefined, // no pid/hostname on every line
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        // every string of the line's fields, nested ones too
        log: (object) => scrub(object, 0) as Record<string, unknown>,
        bindings: (bindings) => scrub(bindings, 0) as Record<string, unknown>,
      },
    },
    destination,
  );
  return wrap(root);
}

function wrap(p: pino.Logger): Logger {
  const at =
    (level: LogLevel) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      if (!p.isLevelEnabled(level)) return;
      if (fields) p[level](fields, scrubText(msg));
      else p[level](scrubText(msg));
    };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: (bindings) => wrap(p.child(bindings)),
  };
}
