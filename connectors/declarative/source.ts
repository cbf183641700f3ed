// The source half of a declarative connector: one GET per page against the definition's endpoint,
// the body decoded in its declared format, the records found at recordsPath, and the paging state
// carried in the engine's opaque cursor. Errors follow the contract: non-2xx, timeout, refused →
// UpstreamUnavailableError; a body not in the declared format → DeclarativeFormatError (an
// UpstreamFormatError that also names the definition path that did not fit, for previews).
//
// Cursors (readable, so an operator can see where a connector stands):
//   OFFSET "offset:<n>"            next offset
//   PAGE   "page:<n>/<size>"       next page and the page size it was counted in (if the engine's
//                                  page size changes, the page is recomputed from the offset, so a
//                                  changed size re-reads a little but never skips)
//   CURSOR "cursor:<upstream>"     the source's own cursor ("cursor:" = from the start)
//   NONE   "none"                  every run reads everything
// A page is the last (done) only when the source says so: it is empty, a declared total
// (OFFSET totalPath) is reached, hasMorePath says no more, or no next cursor comes. Never because
// a page was shorter than asked: many servers cap their page size below what a client asks for.
// A declared total that the records served do not reach (or exceed) is an error naming both
// numbers. A done page's cursor points where the next run should look for new records: after the
// last offset, at the last page that had records, at the source's last cursor.
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { type ConnectorContext, type JsonValue, UpstreamFormatError } from "../contract.js";
import {
  charsetOf,
  csvRecords,
  decodeText,
  isJsonObject,
  type JsonObject,
  pageLimit,
  type UpstreamReply,
  upstreamRequest,
} from "../http.js";
import type { DeclarativeDefinition, PagingDefinition } from "./definition.js";
import { checkSourceHost } from "./hosts.js";

/** The body was not in the declared format; `path` is the part of the definition it did not fit. */
export class DeclarativeFormatError extends UpstreamFormatError {
  constructor(
    connectorId: string,
    message: string,
    readonly path: string,
  ) {
    super(connectorId, message);
  }
}

export type PagingState =
  | { style: "OFFSET"; offset: number }
  | { style: "PAGE"; page: number; size: number }
  | { style: "CURSOR"; cursor: string | null }
  | { style: "NONE" };

export interface FetchedPage {
  /** The records as the source wrote them (CSV rows as objects keyed by the header). */
  records: JsonObject[];
  next: PagingState;
  done: boolean;
  url: string;
}

// ---- cursors ----

export function encodeCursor(state: PagingState): string {
  switch (state.style) {
    case "OFFSET":
      return `offset:${state.offset}`;
    case "PAGE":
      return `page:${state.page}/${state.size}`;
    case "CURSOR":
      return `cursor:${state.cursor ?? ""}`;
    case "NONE":
      return "none";
  }
}

/** The paging state an engine cursor stands for (null / "" = from the start), at this page size. */
export function decodeCursor(
  definition: DeclarativeDefinition,
  cursor: string | null,
  limit: number,
): PagingState {
  const paging = definition.source.paging;
  const fresh = cursor === null || cursor === "";
  const wrong = () =>
    new Error(
      `connector ${definition.manifest.id}: cursor ${JSON.stringify(cursor?.slice(0, 80))} is not a ${paging.style} cursor ` +
        "(did the definition's paging style change? reset the connector's cursor)",
    );
  switch (paging.style) {
    case "OFFSET": {
      if (fresh) return { style: "OFFSET", offset: 0 };
      const m = /^offset:(\d{1,15})$/.exec(cursor);
      if (!m) throw wrong();
      return { style: "OFFSET", offset: Number(m[1]) };
    }
    case "PAGE": {
      const first = paging.firstPage;
      const size = pageLimit(limit);
      if (fresh) return { style: "PAGE", page: first, size };
      const m = /^page:(\d{1,12})\/(\d{1,5})$/.exec(cursor);
      if (!m) throw wrong();
      const page = Number(m[1]);
      const countedIn = Number(m[2]);
      if (page < first || countedIn < 1) throw wrong();
      if (countedIn === size) return { style: "PAGE", page, size };
      // counted in another page size: restart at the page holding the same offset
      return { style: "PAGE", page: first + Math.floor(((page - first) * countedIn) / size), size };
    }
    case "CURSOR": {
      if (fresh) return { style: "CURSOR", cursor: null };
      if (!cursor.startsWith("cursor:")) throw wrong();
      const raw = cursor.slice("cursor:".length);
      return { style: "CURSOR", cursor: raw === "" ? null : raw };
    }
    case "NONE":
      if (!fresh && cursor !== "none") throw wrong();
      return { style: "NONE" };
  }
}

// ---- the request ----

const ACCEPT = { JSON: "application/json", CSV: "text/csv", XML: "application/xml, text/xml" } as const;

/**
 * GET the endpoint with these query parameters and the definition's headers (which win over the
 * format's accept). Resolves only with a 2xx reply read in full (connectors/http.ts).
 */
export async function requestPage(
  definition: DeclarativeDefinition,
  ctx: ConnectorContext,
  query: Record<string, string | number>,
): Promise<UpstreamReply> {
  const id = definition.manifest.id;
  const { endpoint, timeoutMs, headers, format } = definition.source;
  checkSourceHost(id, endpoint); // at every request: the allow-list may have changed since registration
  return upstreamRequest(
    { connectorId: id, timeoutMs, headers: headers ?? {}, messagePrefix: `connector ${id}: ` },
    ctx,
    endpoint,
    { query, accept: ACCEPT[format] },
  );
}

// ---- decoding ----

type Fail = (path: string, problem: string) => DeclarativeFormatError;

/** The body as text: declared encoding, else the reply's charset, else (XML) its declaration, else UTF-8. */
function bodyText(definition: DeclarativeDefinition, reply: UpstreamReply, fail: Fail): string {
  const { format, encoding } = definition.source;
  let charset = "UTF-8";
  let from = "source.format";
  if (format !== "JSON") {
    const declaredXml =
      format === "XML"
        ? (/^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/.exec(
            reply.body.subarray(0, 200).toString("latin1"),
          )?.[1] ?? null)
        : null;
    charset = encoding ?? charsetOf(reply) ?? declaredXml ?? "UTF-8";
    from = "source.encoding";
  }
  return decodeText(
    reply,
    charset,
    (problem) => fail(from, problem),
    " (declare source.encoding if the source writes GB18030 / GBK)",
  );
}

/** The value at a dot path ("data.records", "feed.@nextCursor"); numeric segments index lists. */
export function valueAtPath(root: JsonValue | undefined, path: string): JsonValue | undefined {
  let cur: JsonValue | undefined = root;
  for (const segment of path.split(".")) {
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(segment)) return undefined;
      cur = cur[Number(segment)];
    } else if (isJsonObject(cur)) {
      cur = Object.hasOwn(cur, segment) ? cur[segment] : undefined;
    } else return undefined;
  }
  return cur;
}

interface Decoded {
  records: JsonObject[];
  /** Reads a paging value: a body path, or header:<Name>. */
  read(path: string): JsonValue | undefined;
}

function readerFor(
  reply: UpstreamReply,
  body: JsonValue | undefined,
): (path: string) => JsonValue | undefined {
  return (path) => {
    if (path.startsWith("header:")) return reply.headers.get(path.slice("header:".length)) ?? undefined;
    return valueAtPath(body, path);
  };
}

function recordObjects(list: readonly JsonValue[], where: string, fail: Fail): JsonObject[] {
  return list.map((r, i) => {
    if (!isJsonObject(r))
      throw fail("source.recordsPath", `${where}[${i}] is not an object but ${describe(r)}`);
    return r;
  });
}

function describe(v: JsonValue | undefined): string {
  if (v === undefined) return "absent";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  return `${typeof v} ${JSON.stringify(v).slice(0, 40)}`;
}

function decodeJson(definition: DeclarativeDefinition, reply: UpstreamReply, fail: Fail): Decoded {
  const text = bodyText(definition, reply, fail);
  let body: JsonValue;
  try {
    body = JSON.parse(text) as JsonValue;
  } catch (err) {
    throw fail("source.format", `body is not valid JSON (${(err as Error).message})`);
  }
  const path = definition.source.recordsPath;
  const list = path === undefined ? body : valueAtPath(body, path);
  const where = path ?? "the body";
  if (list === null && path !== undefined) return { records: [], read: readerFor(reply, body) };
  if (!Array.isArray(list))
    throw fail(
      "source.recordsPath",
      path === undefined
        ? `the body is ${describe(body)}, not a list of records (set source.recordsPath to where the list is)`
        : `no list of records at ${path} (found ${describe(list)})`,
    );
  return { records: recordObjects(list, where, fail), read: readerFor(reply, body) };
}

function decodeCsv(definition: DeclarativeDefinition, reply: UpstreamReply, fail: Fail): Decoded {
  const text = bodyText(definition, reply, fail);
  // blank lines are not records; no header row is no records
  // a row that does not fit the header is that row's problem (quarantined), not its page's
  const records = csvRecords(text, (problem) => fail("source.format", problem), {
    skipBlankLines: true,
    keepRaggedRows: true,
  });
  return { records, read: readerFor(reply, undefined) };
}

const xmlParsers = new WeakMap<DeclarativeDefinition, XMLParser>();

function decodeXml(definition: DeclarativeDefinition, reply: UpstreamReply, fail: Fail): Decoded {
  const path = definition.source.recordsPath ?? "";
  const text = bodyText(definition, reply, fail);
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw fail("source.format", `malformed XML: ${valid.err.msg} (line ${valid.err.line})`);
  let parser = xmlParsers.get(definition);
  if (!parser) {
    parser = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: "@",
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: true,
      ignoreDeclaration: true,
      ignorePiTags: true,
      // the record elements are a list however many there are
      isArray: (_name, jpath) => jpath === path,
    });
    xmlParsers.set(definition, parser);
  }
  let doc: JsonValue;
  try {
    doc = parser.parse(text) as JsonValue;
  } catch (err) {
    throw fail("source.format", `malformed XML: ${(err as Error).message}`);
  }
  const segments = path.split(".");
  const parentPath = segments.slice(0, -1).join(".");
  const parent = parentPath === "" ? doc : valueAtPath(doc, parentPath);
  // an element with no children parses as "": no records
  if (parent === "") return { records: [], read: readerFor(reply, doc) };
  if (!isJsonObject(parent))
    throw fail(
      "source.recordsPath",
      `no <${segments.at(-2) ?? segments[0]}> element at ${parentPath || "the root"}`,
    );
  const list = parent[segments.at(-1)!];
  if (list === undefined) return { records: [], read: readerFor(reply, doc) };
  if (!Array.isArray(list))
    throw fail("source.recordsPath", `<${segments.at(-1)}> elements expected at ${path}`);
  const records = list.map((r, i) => {
    if (!isJsonObject(r))
      throw fail(
        "source.recordsPath",
        `${path}[${i}] is not an element with child elements but ${describe(r)}`,
      );
    return r;
  });
  return { records, read: readerFor(reply, doc) };
}

function decode(definition: DeclarativeDefinition, reply: UpstreamReply): Decoded {
  const id = definition.manifest.id;
  const fail: Fail = (path, problem) =>
    new DeclarativeFormatError(id, `connector ${id}: ${reply.method} ${reply.url}: ${problem}`, path);
  switch (definition.source.format) {
    case "JSON":
      return decodeJson(definition, reply, fail);
    case "CSV":
      return decodeCsv(definition, reply, fail);
    case "XML":
      return decodeXml(definition, reply, fail);
  }
}

// ---- one page ----

function asCursor(v: JsonValue | undefined): string | null {
  if (typeof v === "string") return v === "" ? null : v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return null;
}

function asFlag(v: JsonValue | undefined): boolean | null {
  if (typeof v === "boolean") return v;
  if (v === 1 || v === 0) return v === 1;
  if (typeof v === "string" && /^(true|false|1|0)$/i.test(v.trim())) return /^(true|1)$/i.test(v.trim());
  return null;
}

/** The paging definition and a state of the same style, or an error naming both. */
type Paired = {
  [S in PagingState["style"]]: {
    style: S;
    paging: Extract<PagingDefinition, { style: S }>;
    state: Extract<PagingState, { style: S }>;
  };
}[PagingState["style"]];

function pair(id: string, paging: PagingDefinition, state: PagingState): Paired {
  if (paging.style === "OFFSET" && state.style === "OFFSET") return { style: "OFFSET", paging, state };
  if (paging.style === "PAGE" && state.style === "PAGE") return { style: "PAGE", paging, state };
  if (paging.style === "CURSOR" && state.style === "CURSOR") return { style: "CURSOR", paging, state };
  if (paging.style === "NONE" && state.style === "NONE") return { style: "NONE", paging, state };
  throw new Error(`connector ${id}: a ${state.style} paging state for ${paging.style} paging`);
}

/** The query parameters that ask for the page at `state`. */
function pageQuery(p: Paired, size: number): Record<string, string | number> {
  switch (p.style) {
    case "OFFSET":
      return { [p.paging.offsetParam]: p.state.offset, [p.paging.limitParam]: size };
    case "PAGE":
      return { [p.paging.pageParam]: p.state.page, [p.paging.sizeParam]: p.state.size };
    case "CURSOR": {
      const { cursor } = p.state;
      return { ...(cursor === null ? {} : { [p.paging.cursorParam]: cursor }), [p.paging.limitParam]: size };
    }
    case "NONE":
      return {};
  }
}

/** Read one page at `state`, asking for `limit` records. */
export async function fetchPage(
  definition: DeclarativeDefinition,
  state: PagingState,
  limit: number,
  ctx: ConnectorContext,
): Promise<FetchedPage> {
  const id = definition.manifest.id;
  const size = pageLimit(limit);
  const p = pair(id, definition.source.paging, state);
  const reply = await requestPage(definition, ctx, pageQuery(p, size));
  const { records, read } = decode(definition, reply);
  const fail = (path: string, problem: string) =>
    new DeclarativeFormatError(id, `connector ${id}: ${reply.method} ${reply.url}: ${problem}`, path);
  const n = records.length;
  const url = reply.url;

  switch (p.style) {
    case "OFFSET": {
      const { offset } = p.state;
      const total = declaredTotal(p.paging.totalPath, read, fail);
      if (total !== null && offset + n > total)
        throw fail(
          "source.paging.totalPath",
          `the source declares ${total} records but served ${offset + n} (connector ${id})`,
        );
      if (total !== null && n === 0 && offset < total)
        throw fail(
          "source.paging.totalPath",
          `the source declares ${total} records but served ${offset} (connector ${id})`,
        );
      const done = n === 0 || (total !== null && offset + n === total);
      return { records, next: { style: "OFFSET", offset: offset + n }, done, url };
    }
    case "PAGE": {
      const { page, size: pageSize } = p.state;
      if (n > pageSize)
        throw fail(
          "source.paging.sizeParam",
          `${n} records on a page of ${pageSize} (does the source honour the page-size parameter?)`,
        );
      // an empty page is the end for now: the next run starts again at the last page that had
      // records, to see what was added to it
      const first = p.paging.firstPage;
      if (n === 0)
        return {
          records,
          next: { style: "PAGE", page: Math.max(first, page - 1), size: pageSize },
          done: true,
          url,
        };
      return { records, next: { style: "PAGE", page: page + 1, size: pageSize }, done: false, url };
    }
    case "CURSOR": {
      const { nextCursorPath, hasMorePath } = p.paging;
      const { cursor } = p.state;
      const rawNext = read(nextCursorPath);
      const next = asCursor(rawNext);
      if (rawNext !== undefined && rawNext !== null && next === null && rawNext !== "")
        throw fail(
          "source.paging.nextCursorPath",
          `the next cursor at ${nextCursorPath} is ${describe(rawNext)}`,
        );
      let hasMore: boolean | null = null;
      if (hasMorePath !== undefined) {
        const raw = read(hasMorePath);
        hasMore = asFlag(raw);
        if (hasMore === null)
          throw fail("source.paging.hasMorePath", `${hasMorePath} is ${describe(raw)}, not true / false`);
      }
      const done = hasMore === null ? n === 0 || next === null : !hasMore;
      if (!done && next === null)
        throw fail("source.paging.nextCursorPath", `more pages, but no next cursor at ${nextCursorPath}`);
      if (!done && next === cursor)
        throw fail(
          "source.paging.nextCursorPath",
          `the next cursor is the one just sent (${JSON.stringify(next)}): the source does not advance`,
        );
      // at the end, the next run starts from the source's last cursor (or this one, if it gave none)
      return { records, next: { style: "CURSOR", cursor: next ?? cursor }, done, url };
    }
    case "NONE":
      return { records, next: { style: "NONE" }, done: true, url };
  }
}

/** The record count a reply declares at totalPath (null: none declared). */
function declaredTotal(
  path: string | undefined,
  read: (path: string) => JsonValue | undefined,
  fail: (path: string, problem: string) => DeclarativeFormatError,
): number | null {
  if (path === undefined) return null;
  const raw = read(path);
  const total = typeof raw === "string" && /^\d{1,15}$/.test(raw.trim()) ? Number(raw) : raw;
  if (typeof total !== "number" || !Number.isSafeInteger(total) || total < 0)
    throw fail("source.paging.totalPath", `${path} is ${describe(raw)}, not a record count`);
  return total;
}

/** A record's source key: its keyField as non-blank text or an integer; null when it has none. */
export function sourceKeyOf(record: JsonObject, keyField: string): string | null {
  const v = record[keyField];
  if (typeof v === "string") return v.trim() === "" ? null : v.trim();
  if (typeof v === "number" && Number.isSafeInteger(v)) return String(v);
  return null;
}
