// The one HTTP client for sources, shared by the department connectors and the declarative ones
// (part of what a connector may import besides contract.ts). A request joins its timeout to the
// caller's signal and maps failures onto the contract: non-2xx, refused, timed out →
// UpstreamUnavailableError; a 2xx body not in the declared format → UpstreamFormatError (through
// `formatError`, which a caller may swap for a subclass naming more). Bodies are decoded as UTF-8
// or, where a source declares it, GB18030 / GBK through iconv-lite; CSV per RFC 4180.
//
// One attempt per request: retries belong to the sync engine, which retries a whole page with
// backoff and a circuit breaker (domain/resilience.ts), so a client retry would multiply them.
import iconv from "iconv-lite";
import {
  type ConnectorContext,
  type JsonValue,
  UpstreamFormatError,
  UpstreamUnavailableError,
} from "./contract.js";

export interface HttpClientOptions {
  connectorId: string;
  /** Per request, including reading the body. */
  timeoutMs: number;
  /** Base URL a request path is appended to, e.g. http://127.0.0.1:4101 (absent: paths are URLs). */
  baseUrl?: string;
  /** Headers sent with every request (an API key, a tenant id); they win over the request's accept. */
  headers?: Readonly<Record<string, string>>;
  /** Put before every error message, e.g. "connector hotline-api: ". */
  messagePrefix?: string;
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

/** `path` under the base URL (or `path` itself when there is none), with the non-null query set. */
export function upstreamUrl(
  baseUrl: string | undefined,
  path: string,
  query: UpstreamRequestInit["query"] = {},
): string {
  const url = new URL(baseUrl === undefined ? path : `${baseUrl.replace(/\/+$/, "")}${path}`);
  for (const [k, v] of Object.entries(query))
    if (v !== null && v !== undefined) url.searchParams.set(k, String(v));
  return url.toString();
}

/** Why a request failed: the first error code down the cause chain, else the innermost message. */
function errorCode(err: unknown): string {
  let cur: unknown = err;
  let message = err instanceof Error ? err.message : String(err);
  for (let depth = 0; depth < 4 && cur instanceof Error; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string") return code;
    message = cur.message;
    cur = (cur as { cause?: unknown }).cause;
  }
  return message;
}

/**
 * One request to the source. Resolves only with a 2xx reply whose body was read in full;
 * everything else is an UpstreamUnavailableError naming the method, URL and status.
 */
export async function upstreamRequest(
  options: HttpClientOptions,
  ctx: ConnectorContext,
  path: string,
  init: UpstreamRequestInit = {},
): Promise<UpstreamReply> {
  const id = options.connectorId;
  const prefix = options.messagePrefix ?? "";
  const method = init.method ?? "GET";
  const url = upstreamUrl(options.baseUrl, path, init.query);
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([ctx.signal, timeout]);
  const unavailable = (err: unknown): UpstreamUnavailableError => {
    if (ctx.signal.aborted)
      return new UpstreamUnavailableError(id, `${prefix}${method} ${url}: aborted by the caller`);
    if (timeout.aborted)
      return new UpstreamUnavailableError(
        id,
        `${prefix}${method} ${url}: no answer within ${options.timeoutMs} ms (timed out)`,
      );
    return new UpstreamUnavailableError(id, `${prefix}${method} ${url}: unreachable (${errorCode(err)})`);
  };
  const headers = new Headers({ accept: init.accept ?? "*/*" });
  for (const [k, v] of Object.entries(options.headers ?? {})) headers.set(k, v);
  let body: string | undefined;
  if (init.json !== undefined) {
    headers.set("content-type", "application/json; charset=utf-8");
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
      id,
      `${prefix}${method} ${url}: HTTP ${res.status}${detail ? ` (${detail})` : ""}`,
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
  options: HttpClientOptions,
  reply: UpstreamReply,
  problem: string,
): UpstreamFormatError {
  return new UpstreamFormatError(
    options.connectorId,
    `${options.messagePrefix ?? ""}${reply.method} ${reply.url}: ${problem}`,
  );
}

// ---- decoding ----

/** Makes the error for a body that does not fit its declared format. */
export type FormatFailure = (problem: string) => UpstreamFormatError;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The charset the reply's content-type names, if any. */
export function charsetOf(reply: UpstreamReply): string | null {
  const contentType = reply.headers.get("content-type") ?? "";
  return /charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1] ?? null;
}

/**
 * The body as text in `charset` (UTF-8, or any iconv-lite knows: GB18030, GBK, …), without a BOM.
 * A bad UTF-8 sequence or an unknown charset is a format error.
 */
export function decodeText(
  reply: UpstreamReply,
  charset: string,
  fail: FormatFailure,
  utf8Hint = "",
): string {
  if (/^utf-?8$/i.test(charset)) {
    try {
      return utf8.decode(reply.body).replace(/^\uFEFF/, "");
    } catch {
      throw fail(`body is not valid UTF-8${utf8Hint}`);
    }
  }
  if (!iconv.encodingExists(charset)) throw fail(`unknown charset ${charset}`);
  return iconv.decode(reply.body, charset).replace(/^\uFEFF/, "");
}

/** The body as UTF-8 text (a bad byte sequence is a format error). */
export function utf8Text(options: HttpClientOptions, reply: UpstreamReply): string {
  return decodeText(reply, "UTF-8", (problem) => formatError(options, reply, problem));
}

/** The body as a JSON object (anything else is a format error). */
export function jsonBody(options: HttpClientOptions, reply: UpstreamReply): JsonObject {
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

/** A page-size parameter: the page size the engine asked for, within what sources accept. */
export function pageLimit(pageSize: number): number {
  return Math.max(1, Math.min(5_000, Math.floor(pageSize)));
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

/**
 * CSV text as records keyed by its header row, every cell a string as written. Malformed CSV, a
 * repeated column or a row of the wrong width is a format error; so is a missing header when
 * `requireHeader` (else no header means no records). Blank lines are skipped when `skipBlankLines`.
 */
/**
 * The key under which a row that does not fit the header says why (with `keepRaggedRows`): the
 * record goes on, and its mapping quarantines it, instead of failing its whole page.
 */
export const MALFORMED_ROW = "#malformed";

export function csvRecords(
  text: string,
  fail: FormatFailure,
  opts: { requireHeader?: boolean; skipBlankLines?: boolean; keepRaggedRows?: boolean } = {},
): Record<string, string>[] {
  let rows: string[][];
  try {
    rows = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw fail(`malformed CSV: ${err.message}`);
    throw err;
  }
  if (opts.skipBlankLines) rows = rows.filter((r) => !(r.length === 1 && r[0] === ""));
  const header = rows[0];
  if (!header) {
    if (opts.requireHeader) throw fail("CSV has no header row");
    return [];
  }
  if (new Set(header).size !== header.length) throw fail("CSV header repeats a column");
  return rows.slice(1).map((cells, i) => {
    const ragged =
      cells.length === header.length
        ? null
        : `CSV row ${i + 1} has ${cells.length} fields, the header ${header.length}`;
    if (ragged && !opts.keepRaggedRows) throw fail(ragged);
    const record: Record<string, string> = {};
    header.forEach((h, j) => {
      if (j < cells.length) record[h] = cells[j]!;
    });
    if (ragged) record[MALFORMED_ROW] = ragged;
    return record;
  });
}
