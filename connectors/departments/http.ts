// HTTP helpers shared by the department connectors' source halves: requests with a timeout joined
// to the caller's signal and errors mapped onto the connector contract (non-2xx, refused, timed out
// → UpstreamUnavailableError; a 200 body not in the declared format → UpstreamFormatError), strict
// JSON and RFC 4180 CSV decoding, and the composite cursor that walks a silo's datasets in order.
import {
  type ConnectorContext,
  type JsonValue,
  type SourceRecordInput,
  type SyncPage,
  UpstreamFormatError,
  UpstreamUnavailableError,
} from "../contract.js";

export interface HttpSourceOptions {
  /** Base URL of the department system, e.g. http://127.0.0.1:4101 */
  baseUrl: string;
  connectorId: string;
  /** Per request, including reading the body. */
  timeoutMs: number;
}

export interface HttpSource {
  sync(cursor: string | null, pageSize: number, ctx: ConnectorContext): Promise<SyncPage>;
  health(ctx: ConnectorContext): Promise<{ up: boolean; detail?: string }>;
}

export type JsonObject = { [key: string]: JsonValue };

export function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export interface UpstreamReply {
  method: string;
  url: string;
  status: number;
  headers: Headers;
  body: Buffer;
}

export interface UpstreamRequestInit {
  method?: "GET" | "POST";
  query?: Record<string, string | number | null | undefined>;
  json?: JsonValue;
  accept?: string;
}

export function upstreamUrl(baseUrl: string, path: string, query: UpstreamRequestInit["query"] = {}): string {
  const url = new URL(`${baseUrl.replace(/\/+$/, "")}${path}`);
  for (const [k, v] of Object.entries(query))
    if (v !== null && v !== undefined) url.searchParams.set(k, String(v));
  return url.toString();
}

function errorCode(err: unknown): string {
  let cur: unknown = err;
  for (let depth = 0; depth < 4 && cur instanceof Error; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string") return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * One request to the department system. Resolves only with a 2xx reply whose body was read in
 * full; everything else is an UpstreamUnavailableError naming the method, URL and status.
 */
export async function upstreamRequest(
  options: HttpSourceOptions,
  ctx: ConnectorContext,
  path: string,
  init: UpstreamRequestInit = {},
): Promise<UpstreamReply> {
  const method = init.method ?? "GET";
  const url = upstreamUrl(options.baseUrl, path, init.query);
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([ctx.signal, timeout]);
  const unavailable = (err: unknown): UpstreamUnavailableError => {
    if (ctx.signal.aborted)
      return new UpstreamUnavailableError(options.connectorId, `${method} ${url}: aborted by the caller`);
    if (timeout.aborted)
      return new UpstreamUnavailableError(
        options.connectorId,
        `${method} ${url}: no answer within ${options.timeoutMs} ms (timed out)`,
      );
    return new UpstreamUnavailableError(
      options.connectorId,
      `${method} ${url}: unreachable (${errorCode(err)})`,
    );
  };
  const headers: Record<string, string> = { accept: init.accept ?? "*/*" };
  let body: string | undefined;
  if (init.json !== undefined) {
    headers["content-type"] = "application/json; charset=utf-8";
    body = JSON.stringify(init.json);
  }
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body, signal, redirect: "error" });
  } catch (err) {
    throw unavailable(err);
  }
  if (res.status < 200 || res.status > 299) {
    let detail = "";
    try {
      detail = (await res.text()).slice(0, 200).replace(/\s+/g, " ").trim();
    } catch {
      // the status is what matters
    }
    throw new UpstreamUnavailableError(
      options.connectorId,
      `${method} ${url}: HTTP ${res.status}${detail ? ` (${detail})` : ""}`,
      res.status,
    );
  }
  let buf: Buffer;
  try {
    buf = Buffer.from(await res.arrayBuffer());
  } catch (err) {
    throw unavailable(err);
  }
  return { method, url, status: res.status, headers: res.headers, body: buf };
}

export function formatError(
  options: HttpSourceOptions,
  reply: UpstreamReply,
  problem: string,
): UpstreamFormatError {
  return new UpstreamFormatError(options.connectorId, `${reply.method} ${reply.url}: ${problem}`);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The body as UTF-8 text (a bad byte sequence is a format error). */
export function utf8Text(options: HttpSourceOptions, reply: UpstreamReply): string {
  try {
    return utf8.decode(reply.body);
  } catch {
    throw formatError(options, reply, "body is not valid UTF-8");
  }
}

/** The body as a JSON object (anything else is a format error). */
export function jsonBody(options: HttpSourceOptions, reply: UpstreamReply): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(utf8Text(options, reply));
  } catch (err) {
    if (err instanceof UpstreamFormatError) throw err;
    throw formatError(options, reply, `body is not valid JSON (${(err as Error).message})`);
  }
  if (!isJsonObject(value)) throw formatError(options, reply, "body is not a JSON object");
  return value;
}

/** GET /health: up when it answers 200 {"status":"UP"}; never throws. */
export async function checkHealth(
  options: HttpSourceOptions,
  ctx: ConnectorContext,
  path = "/health",
): Promise<{ up: boolean; detail?: string }> {
  try {
    const reply = await upstreamRequest(options, ctx, path, { accept: "application/json" });
    const body = jsonBody(options, reply);
    return body.status === "UP"
      ? { up: true }
      : { up: false, detail: `${reply.url}: status ${JSON.stringify(body.status ?? null)}` };
  } catch (err) {
    return { up: false, detail: err instanceof Error ? err.message : String(err) };
  }
}

/** Turn a page of native records into source records; a record without its key fails the page. */
export function toSourceRecords(
  options: HttpSourceOptions,
  reply: UpstreamReply,
  dataset: string,
  keyField: string,
  records: readonly unknown[],
): SourceRecordInput[] {
  return records.map((record, i) => {
    if (!isJsonObject(record)) throw formatError(options, reply, `record ${i} is not an object`);
    const key = record[keyField];
    if (typeof key !== "string" || key === "")
      throw formatError(options, reply, `record ${i} has no ${keyField}`);
    return { sourceKey: `${dataset}:${key}`, payload: { dataset, record } };
  });
}

// ---- CSV (RFC 4180) ----

export class CsvSyntaxError extends Error {}

/**
 * Parse CSV text: fields separated by commas, records by CRLF or LF; a field in double quotes may
 * hold commas, line breaks and doubled quotes. A trailing line break ends the last record (it does
 * not start an empty one). Throws CsvSyntaxError on an unterminated quote or text after a closing
 * quote.
 */
export function parseCsv(input: string): string[][] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  let line = 1;
  const n = text.length;
  if (n === 0) return rows;
  while (i < n) {
    const c = text[i];
    if (c === '"' && field === "") {
      // quoted field
      const startLine = line;
      i++;
      for (;;) {
        if (i >= n) throw new CsvSyntaxError(`unterminated quoted field starting on line ${startLine}`);
        const q = text[i];
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === "\n") line++;
        field += q;
        i++;
      }
      const after = text[i];
      if (i < n && after !== "," && after !== "\n" && after !== "\r")
        throw new CsvSyntaxError(`unexpected ${JSON.stringify(after)} after a closing quote on line ${line}`);
      continue;
    }
    if (c === ",") {
      row.push(field);
      field = "";
      i++;
      continue;
    }
    if (c === "\r" || c === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i += c === "\r" && text[i + 1] === "\n" ? 2 : 1;
      line++;
      continue;
    }
    if (c === '"') throw new CsvSyntaxError(`stray quote inside an unquoted field on line ${line}`);
    field += c;
    i++;
  }
  const last = text[n - 1];
  if (last !== "\n" && last !== "\r") {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

// ---- composite cursor over a silo's datasets ----

export interface DatasetPage {
  records: SourceRecordInput[];
  /** The service's cursor after this page (also when there is no more). */
  nextCursor: string;
  hasMore: boolean;
}

export interface DatasetReader {
  name: string;
  read(cursor: string | null, limit: number, ctx: ConnectorContext): Promise<DatasetPage>;
}

interface CompositeCursor {
  /** The dataset being read. */
  dataset: string;
  /** Its service cursor (null = from the start). */
  cursor: string | null;
  /** Where each dataset ended when last read to its end: later passes resume there. */
  ends: Record<string, string>;
}

export function encodeCompositeCursor(c: CompositeCursor): string {
  return Buffer.from(JSON.stringify(c), "utf8").toString("base64url");
}

export function decodeCompositeCursor(raw: string, datasets: readonly string[]): CompositeCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    value = null;
  }
  const v = isJsonObject(value) ? value : null;
  const ends = v && isJsonObject(v.ends) ? v.ends : {};
  if (
    !v ||
    typeof v.dataset !== "string" ||
    !datasets.includes(v.dataset) ||
    !(v.cursor === null || typeof v.cursor === "string") ||
    !Object.values(ends).every((e) => typeof e === "string")
  )
    throw new Error(`not a cursor of this connector: ${raw.slice(0, 80)}`);
  return { dataset: v.dataset, cursor: v.cursor, ends: ends as Record<string, string> };
}

/**
 * sync() over several datasets with one cursor: base64url JSON {"dataset","cursor","ends"}. Reads
 * one page of the current dataset; when a dataset has no more, moves on to the next; `done` when
 * the last one has no more. The cursor then points back at the first dataset's end, so the next run
 * picks up whatever any dataset has added since (incremental).
 */
export function compositeSync(
  readers: readonly DatasetReader[],
): (cursor: string | null, pageSize: number, ctx: ConnectorContext) => Promise<SyncPage> {
  const names = readers.map((r) => r.name);
  return async (cursor, pageSize, ctx) => {
    if (!Number.isInteger(pageSize) || pageSize < 1)
      throw new Error(`pageSize must be a positive integer: ${pageSize}`);
    const state: CompositeCursor =
      cursor === null || cursor === ""
        ? { dataset: names[0]!, cursor: null, ends: {} }
        : decodeCompositeCursor(cursor, names);
    let index = names.indexOf(state.dataset);
    let current = state.cursor;
    const ends = { ...state.ends };
    for (;;) {
      const reader = readers[index]!;
      const page = await reader.read(current, pageSize, ctx);
      if (page.hasMore) {
        return {
          records: page.records,
          nextCursor: encodeCompositeCursor({ dataset: reader.name, cursor: page.nextCursor, ends }),
          done: false,
        };
      }
      ends[reader.name] = page.nextCursor;
      const last = index === readers.length - 1;
      const nextIndex = last ? 0 : index + 1;
      const next = readers[nextIndex]!.name;
      const nextCursor = encodeCompositeCursor({ dataset: next, cursor: ends[next] ?? null, ends });
      if (last || page.records.length > 0) return { records: page.records, nextCursor, done: last };
      index = nextIndex;
      current = ends[next] ?? null;
    }
  };
}

/** A dataset's limit parameter: the page size the engine asked for. */
export function pageLimit(pageSize: number): number {
  return Math.max(1, Math.min(5_000, Math.floor(pageSize)));
}

/** Where a JSON page keeps its records and paging, and how to reach that object in the body. */
export interface JsonEnvelope {
  records: string;
  nextCursor: string;
  hasMore: string;
  /** The object holding the three (default: the body); throws for an application-level error. */
  unwrap?: (body: JsonObject, reply: UpstreamReply) => JsonObject;
  /** How the object is named in error messages, e.g. "data." */
  prefix?: string;
}

/** A dataset read as JSON pages with a cursor: `GET path?cursor=&limit=`. */
export function jsonPageReader(
  options: HttpSourceOptions,
  dataset: { name: string; path: string; keyField: string },
  envelope: JsonEnvelope,
): DatasetReader {
  const p = envelope.prefix ?? "";
  return {
    name: dataset.name,
    read: async (cursor, limit, ctx) => {
      const reply = await upstreamRequest(options, ctx, dataset.path, {
        query: { cursor, limit: pageLimit(limit) },
        accept: "application/json",
      });
      const body = jsonBody(options, reply);
      const page = envelope.unwrap ? envelope.unwrap(body, reply) : body;
      const records = page[envelope.records];
      const nextCursor = page[envelope.nextCursor];
      const hasMore = page[envelope.hasMore];
      if (!Array.isArray(records))
        throw formatError(options, reply, `${p}${envelope.records} is not an array`);
      if (typeof nextCursor !== "string" || nextCursor === "")
        throw formatError(options, reply, `${p}${envelope.nextCursor} is missing`);
      if (typeof hasMore !== "boolean")
        throw formatError(options, reply, `${p}${envelope.hasMore} is not a boolean`);
      return {
        records: toSourceRecords(options, reply, dataset.name, dataset.keyField, records),
        nextCursor,
        hasMore,
      };
    },
  };
}
