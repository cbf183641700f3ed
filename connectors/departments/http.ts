// What the department connectors' source halves share on top of the source HTTP client
// (connectors/http.ts): their options, health check, records keyed "<dataset>:<key>", and the
// composite cursor that walks a silo's datasets in order.
import type { ConnectorContext, SourceRecordInput, SyncPage } from "../contract.js";
import {
  formatError,
  type HttpClientOptions,
  isJsonObject,
  type JsonObject,
  jsonBody,
  pageLimit,
  type UpstreamReply,
  upstreamRequest,
} from "../http.js";

export interface HttpSourceOptions extends HttpClientOptions {
  /** Base URL of the department system, e.g. http://127.0.0.1:4101 */
  baseUrl: string;
}

export interface HttpSource {
  sync(cursor: string | null, pageSize: number, ctx: ConnectorContext): Promise<SyncPage>;
  health(ctx: ConnectorContext): Promise<{ up: boolean; detail?: string }>;
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
