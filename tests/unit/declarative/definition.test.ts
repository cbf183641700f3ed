// parseDefinition: a definition written as data is either a valid connector or a list of errors,
// each naming the path in the definition and saying why.
import { describe, expect, it } from "vitest";
import { createDeclarativeConnector } from "../../../connectors/declarative/connector.js";
import {
  DeclarativeDefinitionError,
  type DeclarativeDefinitionInput,
  parseDefinition,
} from "../../../connectors/declarative/definition.js";
import example from "../../../connectors/declarative/examples/housing-rentals.json" with { type: "json" };

const EXAMPLE = example as DeclarativeDefinitionInput;

/** Marks a key to delete in `edited`. */
const DELETE = Symbol("delete");

/** The example with values set (or deleted) at dot paths, on a deep copy. */
function edited(changes: Record<string, unknown>): unknown {
  const d: unknown = structuredClone(example);
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split(".");
    let at = d as Record<string, unknown>;
    for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
    const last = keys.at(-1)!;
    if (value === DELETE) delete at[last];
    else at[last] = value;
  }
  return d;
}

function errorsOf(input: unknown) {
  const r = parseDefinition(input);
  if (r.ok) throw new Error("expected the definition to be rejected");
  return r.errors;
}

describe("parseDefinition", () => {
  it("accepts the housing-rentals example and fills in the defaults", () => {
    const r = parseDefinition(EXAMPLE);
    expect(r.ok ? [] : r.errors).toEqual([]);
    if (!r.ok) return;
    expect(r.definition.source.method).toBe("GET");
    expect(r.definition.source.paging).toMatchObject({ style: "CURSOR", nextCursorPath: "data.nextCursor" });
    expect(r.definition.manifest.id).toBe("housing-rentals");
  });

  it("fills in method, timeout and the first page when left out", () => {
    const r = parseDefinition(
      edited({
        "source.method": DELETE,
        "source.timeoutMs": DELETE,
        "source.paging": { style: "PAGE", pageParam: "pageNo", sizeParam: "pageSize" },
      }),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.definition.source).toMatchObject({ method: "GET", timeoutMs: 10_000 });
    expect(r.definition.source.paging).toEqual({
      style: "PAGE",
      pageParam: "pageNo",
      sizeParam: "pageSize",
      firstPage: 1,
    });
  });

  const csv = { "source.format": "CSV", "source.recordsPath": DELETE };
  const cases: { name: string; changes: Record<string, unknown>; path: string; message: RegExp }[] = [
    {
      name: "missing endpoint",
      changes: { "source.endpoint": DELETE },
      path: "source.endpoint",
      message: /required/,
    },
    {
      name: "endpoint not http(s)",
      changes: { "source.endpoint": "ftp://housing.example.gov.cn/rentals" },
      path: "source.endpoint",
      message: /expected an http:\/\/ or https:\/\/ URL, got "ftp:/,
    },
    {
      name: "endpoint not a URL",
      changes: { "source.endpoint": "rentals api" },
      path: "source.endpoint",
      message: /expected an http:\/\/ or https:\/\/ URL, got "rentals api"/,
    },
    {
      name: "credentials in the URL",
      changes: { "source.endpoint": "https://admin:secret@housing.example.gov.cn/api" },
      path: "source.endpoint",
      message: /source\.headers/,
    },
    {
      name: "unknown paging style",
      changes: { "source.paging": { style: "SCROLL", scrollParam: "s" } },
      path: "source.paging.style",
      message: /"OFFSET", "CURSOR", "PAGE" or "NONE"; got "SCROLL"/,
    },
    {
      name: "no paging style",
      changes: { "source.paging": {} },
      path: "source.paging.style",
      message: /required/,
    },
    {
      name: "CURSOR paging without nextCursorPath",
      changes: { "source.paging.nextCursorPath": DELETE },
      path: "source.paging.nextCursorPath",
      message: /required: where the reply gives the next page's cursor/,
    },
    {
      name: "CURSOR paging without cursorParam",
      changes: { "source.paging.cursorParam": DELETE },
      path: "source.paging.cursorParam",
      message: /required/,
    },
    {
      name: "a paging field of another style",
      changes: { "source.paging.pageParam": "p" },
      path: "source.paging.pageParam",
      message: /unknown field/,
    },
    {
      name: "PAGE paging numbered from 2",
      changes: { "source.paging": { style: "PAGE", pageParam: "p", sizeParam: "s", firstPage: 2 } },
      path: "source.paging.firstPage",
      message: /expected 0 or 1/,
    },
    {
      name: "a bad dot path",
      changes: { "source.paging.nextCursorPath": "data..next" },
      path: "source.paging.nextCursorPath",
      message: /dot path/,
    },
    {
      name: "JSONata syntax error",
      changes: { "mapping.expression": '[{"element": "PERSON", "ref": (承租人姓名}]' },
      path: "mapping.expression",
      message:
        /JSONata syntax error S0202 at position 37 \(line 1, column 37\), token "}": Expected "\)", got "}"/,
    },
    {
      name: "JSONata syntax error on a later line",
      changes: { "mapping.expression": "(\n  $a := 1;\n  $a +\n)" },
      path: "mapping.expression",
      message: /S0\d{3} at position \d+ \(line 4, column 1\)/,
    },
    {
      name: "empty expression",
      changes: { "mapping.expression": "  " },
      path: "mapping.expression",
      message: /empty/,
    },
    {
      name: "another mapping language",
      changes: { "mapping.language": "XSLT" },
      path: "mapping.language",
      message: /only "JSONata"/,
    },
    {
      name: "bad sensitivity class in the manifest",
      changes: { "manifest.fields.1.sensitivity": "CONFIDENTIAL" },
      path: "manifest.fields[1].sensitivity",
      message: /expected one of "PUBLIC", "INTERNAL", "PERSONAL", "SENSITIVE", "SECRET"; got "CONFIDENTIAL"/,
    },
    {
      name: "more pages side by side than the hub writes",
      changes: { "manifest.schedule.writers": 8 },
      path: "manifest.schedule.writers",
      message: /4/,
    },
    {
      name: "bad manifest id",
      changes: { "manifest.id": "Housing Rentals" },
      path: "manifest.id",
      message: /lower-case/,
    },
    {
      name: "a declared field of a kind the connector does not produce",
      changes: { "manifest.fields.0.element": "ORGANISATION" },
      path: "manifest.fields[0].element",
      message: /ORGANISATION is not in manifest.produces/,
    },
    {
      name: "a literal element kind missing from manifest.produces",
      changes: { "manifest.produces": ["PERSON"], "manifest.fields": [example.manifest.fields[0]] },
      path: "manifest.produces",
      message: /the mapping produces EVENT \(mapping.expression, position \d+\)/,
    },
    {
      name: "a literal element kind that does not exist",
      changes: { "mapping.expression": '{"element": "TENANT", "ref": "t"}' },
      path: "mapping.expression",
      message: /"TENANT" .* is not an element kind/,
    },
    {
      name: "blank keyField",
      changes: { "source.keyField": " " },
      path: "source.keyField",
      message: /record field/,
    },
    {
      name: "missing keyField",
      changes: { "source.keyField": DELETE },
      path: "source.keyField",
      message: /required/,
    },
    {
      name: "unknown format",
      changes: { "source.format": "YAML" },
      path: "source.format",
      message: /"JSON", "CSV" or "XML"/,
    },
    {
      name: "encoding on JSON",
      changes: { "source.encoding": "GB18030" },
      path: "source.encoding",
      message: /CSV and XML only/,
    },
    {
      name: "recordsPath on CSV",
      changes: {
        "source.format": "CSV",
        "source.paging": { style: "OFFSET", offsetParam: "start", limitParam: "rows" },
      },
      path: "source.recordsPath",
      message: /rows are the records/,
    },
    {
      name: "XML without recordsPath",
      changes: { "source.format": "XML", "source.recordsPath": DELETE },
      path: "source.recordsPath",
      message: /required for XML/,
    },
    {
      name: "CSV with a cursor in the body",
      changes: csv,
      path: "source.paging.nextCursorPath",
      message: /header:X-Next-Cursor/,
    },
    {
      name: "timeout out of range",
      changes: { "source.timeoutMs": 120_000 },
      path: "source.timeoutMs",
      message: /at most 60000 ms/,
    },
    {
      name: "method other than GET",
      changes: { "source.method": "POST" },
      path: "source.method",
      message: /only "GET"/,
    },
    {
      name: "a header that cannot be sent",
      changes: { "source.headers": { "X-Api-Key": "k\r\nX-Evil: 1" } },
      path: 'source.headers["X-Api-Key"]',
      message: /one line/,
    },
    {
      name: "a misspelt key",
      changes: { "source.recordPath": "data.records" },
      path: "source.recordPath",
      message: /unknown field \(did you mean "recordsPath"\?\)/,
    },
    {
      name: "webhook push",
      changes: { "manifest.capabilities.push": true },
      path: "manifest.capabilities.push",
      message: /no webhook/,
    },
  ];

  it.each(cases)("$name → $path", ({ changes, path, message }) => {
    const errors = errorsOf(edited(changes));
    const hit = errors.find((e) => e.path === path);
    expect(hit, JSON.stringify(errors)).toBeDefined();
    expect(hit!.message).toMatch(message);
  });

  it("reports every error at once", () => {
    const errors = errorsOf(
      edited({
        "source.endpoint": DELETE,
        "source.paging.style": "SCROLL",
        "mapping.expression": "foo.(bar",
        "manifest.fields.0.sensitivity": "X",
      }),
    );
    expect(errors.map((e) => e.path).sort()).toEqual([
      "manifest.fields[0].sensitivity",
      "mapping.expression",
      "source.endpoint",
      "source.paging.style",
    ]);
    expect(errors.find((e) => e.path === "mapping.expression")!.message).toMatch(
      /S0203 at position 8 .*token "\(end\)".*near "foo\.\(bar"/,
    );
  });

  it("rejects what is not a definition at all", () => {
    expect(errorsOf(null)).toEqual([{ path: "", message: "expected an object, got null" }]);
    expect(errorsOf({}).map((e) => e.path)).toEqual(["manifest", "source", "mapping"]);
  });

  it("createDeclarativeConnector refuses an invalid definition with the same errors", () => {
    const bad = edited({ "source.paging.nextCursorPath": DELETE }) as DeclarativeDefinitionInput;
    expect(() => createDeclarativeConnector(bad)).toThrow(DeclarativeDefinitionError);
    try {
      createDeclarativeConnector(bad);
    } catch (e) {
      expect((e as DeclarativeDefinitionError).errors.map((x) => x.path)).toEqual([
        "source.paging.nextCursorPath",
      ]);
      expect((e as Error).message).toMatch(/source\.paging\.nextCursorPath: required/);
    }
  });
});
