// A declarative connector: a department registers an HTTP connector at runtime as data, not code.
// The definition is the contract's manifest, where and how to read the source (one HTTP GET per
// page, JSON / CSV / XML, four paging styles), and a JSONata expression that maps each source
// record to element drafts. parseDefinition() validates one and says precisely what is wrong:
// the path in the definition and why ("source.paging.nextCursorPath: required …", JSONata syntax
// errors with their position and token). The runtime is connector.ts; preview.ts dry-runs one.
//
//   {
//     "manifest": { …connectorManifestSchema… },        // no keys beyond the contract's
//     "source": {
//       "endpoint": "https://housing.example.gov.cn/api/rentals",
//       "method": "GET",                       // the default; the only method
//       "headers": { "X-Api-Key": "…" },        // optional, sent with every request
//       "timeoutMs": 10000,                    // optional, 100–60000, per request
//       "format": "JSON" | "CSV" | "XML",
//       "encoding": "UTF-8" | "GB18030" | "GBK", // CSV / XML only; else the reply's charset, else UTF-8
//       "recordsPath": "data.records",          // JSON: where the record array is (absent: the body
//                                               // is the array); XML: the record elements from the
//                                               // root ("feed.rental"); CSV: not used (rows are records)
//       "keyField": "登记编号",                  // the record field holding the source key
//       "paging": { "style": "OFFSET", "offsetParam": "offset", "limitParam": "limit",
//                   "totalPath": "total" }             // optional: the declared record count
//              | { "style": "CURSOR", "cursorParam": "cursor", "limitParam": "limit",
//                  "nextCursorPath": "data.nextCursor", "hasMorePath": "data.hasMore" }
//              | { "style": "PAGE", "pageParam": "pageNo", "sizeParam": "pageSize", "firstPage": 1 }
//              | { "style": "NONE" }
//     },
//     "mapping": { "language": "JSONata", "expression": "…" }
//   }
//
// nextCursorPath / hasMorePath are dot paths into the body ("feed.@nextCursor" for an XML
// attribute) or "header:<Name>" for a response header (the only kind CSV has).
import jsonata from "jsonata";
import { z } from "zod";
import { manifestDisagreements } from "../../domain/access/manifest-check.js";
import {
  type ConnectorManifest,
  connectorManifestSchema,
  ELEMENT_KINDS,
  type ElementKind,
  fieldDeclarationSchema,
} from "../contract.js";
import { issueMessages, issuesToErrors, type PathError, show } from "./issues.js";

export type { PathError } from "./issues.js";

// ---- JSONata: compiled once per expression text ----

export type CompiledExpression = ReturnType<typeof jsonata>;

interface JsonataSyntaxError {
  code: string;
  message: string;
  position: number | null;
  token: string | null;
}

export type Compiled = { ok: true; expr: CompiledExpression } | { ok: false; error: JsonataSyntaxError };

const compiledCache = new Map<string, Compiled>();

/**
 * jsonata(expression), once per expression text (bounded cache); a syntax error is returned, not
 * thrown. This compile is the definition's check (syntax, literal element kinds); the evaluator
 * thread compiles the same text once more for itself (evaluator.ts), since a compiled expression
 * cannot cross threads.
 */
export function compileExpression(expression: string): Compiled {
  const hit = compiledCache.get(expression);
  if (hit) return hit;
  let result: Compiled;
  try {
    result = { ok: true, expr: jsonata(expression) };
  } catch (e) {
    const err = e !== null && typeof e === "object" ? (e as Record<string, unknown>) : {};
    result = {
      ok: false,
      error: {
        code: typeof err.code === "string" ? err.code : "S0000",
        message: typeof err.message === "string" ? err.message : String(e),
        position: typeof err.position === "number" ? err.position : null,
        token: typeof err.token === "string" ? err.token : null,
      },
    };
  }
  if (compiledCache.size >= 256) compiledCache.delete(compiledCache.keys().next().value!);
  compiledCache.set(expression, result);
  return result;
}

/** "line 2, column 7" for a JSONata position (the offset just past the offending token). */
function lineColumn(text: string, position: number): string {
  const before = text.slice(0, Math.max(0, position));
  const lines = before.split("\n");
  return `line ${lines.length}, column ${lines.at(-1)!.length}`;
}

export function describeSyntaxError(expression: string, error: JsonataSyntaxError): string {
  const where =
    error.position === null
      ? ""
      : ` at position ${error.position} (${lineColumn(expression, error.position)})`;
  const token = error.token === null ? "" : `, token ${JSON.stringify(error.token)}`;
  const near =
    error.position === null
      ? ""
      : ` — near ${JSON.stringify(expression.slice(Math.max(0, error.position - 24), error.position))}`;
  return `JSONata syntax error ${error.code}${where}${token}: ${error.message}${near}`;
}

interface KindLiteral {
  kind: string;
  position: number | null;
}

/**
 * The element kinds an expression writes as literals ({"element": "PERSON", …}): what can be
 * known before any record is seen. Computed kinds show up at preview time, on real records.
 */
export function literalElementKinds(expr: CompiledExpression): KindLiteral[] {
  const out: KindLiteral[] = [];
  const seen = new Set<unknown>();
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== "object" || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      if (node.length === 2 && isStringNode(node[0], "element") && isStringNode(node[1])) {
        const v = node[1] as { value: string; position?: unknown };
        out.push({ kind: v.value, position: typeof v.position === "number" ? v.position : null });
      }
      for (const child of node) walk(child);
      return;
    }
    for (const child of Object.values(node)) walk(child);
  };
  walk(expr.ast());
  return out;
}

function isStringNode(node: unknown, value?: string): boolean {
  if (node === null || typeof node !== "object" || Array.isArray(node)) return false;
  const n = node as { type?: unknown; value?: unknown };
  return n.type === "string" && typeof n.value === "string" && (value === undefined || n.value === value);
}

// ---- the schema ----

/** Every key the definition format has, for "did you mean" hints on misspelt ones. */
const DEFINITION_KEYS = [
  "manifest",
  "source",
  "mapping",
  "endpoint",
  "method",
  "headers",
  "timeoutMs",
  "format",
  "encoding",
  "recordsPath",
  "keyField",
  "paging",
  "style",
  "offsetParam",
  "limitParam",
  "cursorParam",
  "nextCursorPath",
  "hasMorePath",
  "pageParam",
  "sizeParam",
  "firstPage",
  "totalPath",
  "language",
  "expression",
  "id",
  "department",
  "code",
  "name",
  "description",
  "produces",
  "fields",
  "element",
  "field",
  "sensitivity",
  "owner",
  "schedule",
  "intervalSeconds",
  "pageSize",
  "capabilities",
  "lookups",
  "push",
] as const;

/**
 * The contract's manifest with no key it does not know, at any depth: a misspelt key
 * ("intervalSecond") is an error here, where the contract's own schema would drop it silently.
 */
const strictManifestSchema = z.strictObject({
  ...connectorManifestSchema.shape,
  department: z.strictObject(connectorManifestSchema.shape.department.shape),
  fields: z
    .array(z.strictObject(fieldDeclarationSchema.shape))
    .min(1, "declare every field the connector supplies"),
  schedule: z.strictObject(connectorManifestSchema.shape.schedule.shape),
  capabilities: z.strictObject(connectorManifestSchema.shape.capabilities.shape),
});

const required = (what: string) => ({
  error: (issue: { input?: unknown }) =>
    issue.input === undefined ? `required: ${what}` : `expected ${what}, got ${show(issue.input)}`,
});

const DOT_PATH = /^[^.\s]+(\.[^.\s]+)*$/;
const HEADER_PATH = /^header:[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers the runtime (or fetch) sets itself. */
const RESERVED_HEADERS = new Set(["host", "content-length", "connection", "transfer-encoding", "keep-alive"]);

const queryParam = (what: string) =>
  z.string(required(`the query parameter that carries ${what}`)).min(1, { error: "must not be empty" });

const dotPath = (what: string) =>
  z.string(required(what)).regex(DOT_PATH, {
    error: `expected ${what}: a dot path such as "data.records" (no blanks, no empty segments)`,
  });

const responsePath = (what: string) =>
  z
    .string(required(`${what}: a dot path into the body ("data.nextCursor") or header:<Name>`))
    .refine((p) => DOT_PATH.test(p) || HEADER_PATH.test(p), {
      error: `expected ${what}: a dot path into the body ("data.nextCursor") or header:<Name> ("header:X-Next-Cursor")`,
    });

const endpointSchema = z
  .url({
    protocol: /^https?$/,
    hostname: /./,
    error: (issue) =>
      issue.input === undefined
        ? "required: the source's URL (http:// or https://)"
        : `expected an http:// or https:// URL, got ${show(issue.input)}`,
  })
  .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), {
    error: "credentials do not belong in the URL: send them in source.headers",
  });

export const pagingSchema = z.discriminatedUnion(
  "style",
  [
    z.strictObject({
      style: z.literal("OFFSET"),
      offsetParam: queryParam("the offset of the first record (0, 100, 200 …)"),
      limitParam: queryParam("the page size"),
      totalPath: responsePath("where the reply declares the total number of records").optional(),
    }),
    z.strictObject({
      style: z.literal("CURSOR"),
      cursorParam: queryParam("the cursor the previous page returned"),
      limitParam: queryParam("the page size"),
      nextCursorPath: responsePath("where the reply gives the next page's cursor"),
      hasMorePath: responsePath("where the reply says whether there are more pages").optional(),
    }),
    z.strictObject({
      style: z.literal("PAGE"),
      pageParam: queryParam("the page number"),
      sizeParam: queryParam("the page size"),
      firstPage: z
        .union([z.literal(0), z.literal(1)], {
          error: (issue) => `expected 0 or 1 (the number of the first page), got ${show(issue.input)}`,
        })
        .default(1),
    }),
    z.strictObject({ style: z.literal("NONE") }),
  ],
  {
    error: (issue) => {
      const style =
        issue.input !== null && typeof issue.input === "object"
          ? (issue.input as Record<string, unknown>).style
          : undefined;
      const styles = '"OFFSET", "CURSOR", "PAGE" or "NONE"';
      return style === undefined
        ? `required: the paging style, ${styles}`
        : `expected ${styles}; got ${show(style)}`;
    },
  },
);

export const sourceSchema = z.strictObject({
  endpoint: endpointSchema,
  method: z.literal("GET", { error: (i) => `only "GET" is supported, got ${show(i.input)}` }).default("GET"),
  headers: z
    .record(
      z.string().regex(HEADER_NAME, { error: "is not a valid HTTP header name" }),
      z.string(required("the header's value as text")).regex(/^[^\r\n]*$/, { error: "must be one line" }),
      required("an object of header name → value"),
    )
    .refine((h) => Object.keys(h).every((k) => !RESERVED_HEADERS.has(k.toLowerCase())), {
      error: `may not set ${[...RESERVED_HEADERS].join(", ")}`,
    })
    .optional(),
  timeoutMs: z
    .number(required("milliseconds per request"))
    .int({ error: "expected whole milliseconds" })
    .min(100, { error: (i) => `must be at least 100 ms, got ${show(i.input)}` })
    .max(60_000, { error: (i) => `must be at most 60000 ms, got ${show(i.input)}` })
    .default(10_000),
  format: z.enum(["JSON", "CSV", "XML"], required('the body format, "JSON", "CSV" or "XML"')),
  encoding: z.enum(["UTF-8", "GB18030", "GBK"], required('"UTF-8", "GB18030" or "GBK"')).optional(),
  recordsPath: dotPath("where the records are").optional(),
  keyField: z
    .string(required("the record field that holds the source key"))
    .regex(/\S/, { error: "must name the record field that holds the source key" }),
  paging: pagingSchema,
});

export const mappingSchema = z.strictObject({
  language: z.literal("JSONata", { error: (i) => `only "JSONata" is supported, got ${show(i.input)}` }),
  expression: z
    .string(required("a JSONata expression that maps a source record to element drafts"))
    .regex(/\S/, { error: "must not be empty" })
    .superRefine((expression, ctx) => {
      const compiled = compileExpression(expression);
      if (!compiled.ok)
        ctx.addIssue({ code: "custom", message: describeSyntaxError(expression, compiled.error) });
    }),
});

type Parts = {
  manifest: ConnectorManifest;
  source: z.output<typeof sourceSchema>;
  mapping: z.output<typeof mappingSchema>;
};

/** What must hold between the parts, once each part is well-formed on its own. */
function consistency(d: Parts, ctx: z.RefinementCtx): void {
  const add = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
  const { source, manifest } = d;
  // The hub never serves a field less strictly than the department declares it.
  for (const problem of manifestDisagreements(manifest)) add(["manifest", "fields"], problem);
  if (source.encoding !== undefined && source.format === "JSON")
    add(["source", "encoding"], "applies to CSV and XML only: JSON is always UTF-8 (RFC 8259)");
  if (source.recordsPath !== undefined && source.format === "CSV")
    add(["source", "recordsPath"], "does not apply to CSV: its rows are the records");
  if (source.recordsPath === undefined && source.format === "XML")
    add(
      ["source", "recordsPath"],
      'required for XML: the record elements as a dot path from the root element, e.g. "rentals.rental"',
    );
  if (source.paging.style === "CURSOR" && source.format === "CSV") {
    const { nextCursorPath, hasMorePath } = source.paging;
    if (!HEADER_PATH.test(nextCursorPath))
      add(
        ["source", "paging", "nextCursorPath"],
        'a CSV body has no fields: name a response header ("header:X-Next-Cursor")',
      );
    if (hasMorePath !== undefined && !HEADER_PATH.test(hasMorePath))
      add(
        ["source", "paging", "hasMorePath"],
        'a CSV body has no fields: name a response header ("header:X-Has-More")',
      );
  }
  if (manifest.capabilities.push)
    add(
      ["manifest", "capabilities", "push"],
      "declarative connectors take no webhook pushes: set it to false",
    );
  if (manifest.capabilities.lookups.length > 0)
    add(
      ["manifest", "capabilities", "lookups"],
      "declarative connectors offer no live lookups: leave it empty",
    );
  manifest.fields.forEach((f, i) => {
    if (!manifest.produces.includes(f.element))
      add(
        ["manifest", "fields", i, "element"],
        `${f.element} is not in manifest.produces (${manifest.produces.join(", ")})`,
      );
  });
  const compiled = compileExpression(d.mapping.expression);
  if (compiled.ok) {
    const reported = new Set<string>();
    for (const { kind, position } of literalElementKinds(compiled.expr)) {
      if (reported.has(kind)) continue;
      reported.add(kind);
      const at = position === null ? "" : ` (mapping.expression, position ${position})`;
      if (!(ELEMENT_KINDS as readonly string[]).includes(kind))
        add(
          ["mapping", "expression"],
          `"element": ${JSON.stringify(kind)}${at} is not an element kind (${ELEMENT_KINDS.join(", ")})`,
        );
      else if (!manifest.produces.includes(kind as ElementKind))
        add(
          ["manifest", "produces"],
          `the mapping produces ${kind}${at}, which manifest.produces does not list`,
        );
    }
  }
}

export const declarativeConnectorSchema = z
  .strictObject({
    manifest: strictManifestSchema,
    source: sourceSchema,
    mapping: mappingSchema,
  })
  .superRefine(consistency);

/** A definition as written (a JSON document): defaults may be left out. */
export type DeclarativeDefinitionInput = z.input<typeof declarativeConnectorSchema>;
/** A validated definition, defaults filled in. */
export type DeclarativeDefinition = z.output<typeof declarativeConnectorSchema>;
export type PagingDefinition = DeclarativeDefinition["source"]["paging"];

export type ParseDefinitionResult =
  | { ok: true; definition: DeclarativeDefinition }
  | { ok: false; errors: PathError[] };

/** Validate a definition; errors name the path in the definition and say why. */
export function parseDefinition(input: unknown): ParseDefinitionResult {
  const parsed = declarativeConnectorSchema.safeParse(input, { error: issueMessages });
  if (parsed.success) return { ok: true, definition: parsed.data };
  return { ok: false, errors: issuesToErrors(parsed.error.issues, "", DEFINITION_KEYS) };
}

/** A definition that does not validate, where one was required. */
export class DeclarativeDefinitionError extends Error {
  constructor(readonly errors: PathError[]) {
    super(
      `invalid connector definition: ${errors.map((e) => `${e.path || "(definition)"}: ${e.message}`).join("; ")}`,
    );
  }
}
