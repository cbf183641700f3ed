// Client half of the civil-affairs (民政) connector: reads the spreadsheet exports
//   GET /export/{assistance|organisations}.csv?offset=&limit=
//   → GB18030 CSV with a Chinese header row; headers X-Next-Offset, X-Has-More (X-Record-Count)
// and the live lookup POST /api/assistance/status {"ids":[…]} → {"results":[{"id",…}]} (any order).
// Datasets in order: assistance (key 救助对象编号), socialOrganisations (key 统一社会信用代码).
// Source keys "<dataset>:<key>"; payload {"dataset","record"} with the row as an object keyed by
// the Chinese headers, every cell a string as written ("" for an empty cell).
import type { ConnectorContext, JsonValue } from "../../contract.js";
import {
  charsetOf,
  csvRecords,
  decodeText,
  formatError,
  isJsonObject,
  jsonBody,
  pageLimit,
  type UpstreamReply,
  upstreamRequest,
} from "../../http.js";
import {
  checkHealth,
  compositeSync,
  type DatasetReader,
  type HttpSource,
  type HttpSourceOptions,
  toSourceRecords,
} from "../http.js";

export const CIVIL_AFFAIRS_DATASETS = [
  { name: "assistance", path: "/export/assistance.csv", keyField: "救助对象编号" },
  { name: "socialOrganisations", path: "/export/organisations.csv", keyField: "统一社会信用代码" },
] as const;

export const ASSISTANCE_STATUS_LOOKUP = "assistanceStatus";
/** Most ids the lookup endpoint takes per request. */
export const LOOKUP_BATCH = 5_000;

export interface CivilAffairsSource extends HttpSource {
  /** "assistanceStatus": citizen ID → {"id","status","category","amount"}, or null when unknown. */
  lookup(
    name: string,
    keys: readonly string[],
    ctx: ConnectorContext,
  ): Promise<Map<string, JsonValue | null>>;
}

/** The CSV rows of a reply as objects keyed by the header row (decoded with the declared charset). */
export function decodeCsvReply(options: HttpSourceOptions, reply: UpstreamReply): Record<string, string>[] {
  const contentType = reply.headers.get("content-type") ?? "";
  if (!/^text\/csv\b/i.test(contentType))
    throw formatError(options, reply, `content-type is "${contentType}", not text/csv`);
  const fail = (problem: string) => formatError(options, reply, problem);
  // the export is GB18030 unless the reply names another charset
  const text = decodeText(reply, charsetOf(reply) ?? "GB18030", fail);
  return csvRecords(text, fail, { requireHeader: true });
}

export function createCivilAffairsSource(options: HttpSourceOptions): CivilAffairsSource {
  const readers: DatasetReader[] = CIVIL_AFFAIRS_DATASETS.map((ds) => ({
    name: ds.name,
    read: async (cursor, limit, ctx) => {
      const offset = cursor === null ? 0 : Number(cursor);
      if (!Number.isSafeInteger(offset) || offset < 0)
        throw new Error(`bad ${ds.name} offset cursor "${cursor}"`);
      const reply = await upstreamRequest(options, ctx, ds.path, {
        query: { offset, limit: pageLimit(limit) },
        accept: "text/csv",
      });
      const rows = decodeCsvReply(options, reply);
      const nextOffset = reply.headers.get("x-next-offset") ?? "";
      const hasMore = reply.headers.get("x-has-more");
      if (!/^\d+$/.test(nextOffset)) throw formatError(options, reply, `X-Next-Offset is "${nextOffset}"`);
      if (hasMore !== "true" && hasMore !== "false")
        throw formatError(options, reply, `X-Has-More is "${hasMore}"`);
      const declared = reply.headers.get("x-record-count");
      if (declared !== null && Number(declared) !== rows.length)
        throw formatError(
          options,
          reply,
          `X-Record-Count says ${declared} rows, the body has ${rows.length}`,
        );
      if (Number(nextOffset) !== offset + rows.length)
        throw formatError(
          options,
          reply,
          `X-Next-Offset ${nextOffset} ≠ offset ${offset} + ${rows.length} rows`,
        );
      return {
        records: toSourceRecords(options, reply, ds.name, ds.keyField, rows),
        nextCursor: nextOffset,
        hasMore: hasMore === "true",
      };
    },
  }));

  return {
    sync: compositeSync(readers),
    health: (ctx) => checkHealth(options, ctx),
    async lookup(name, keys, ctx) {
      if (name !== ASSISTANCE_STATUS_LOOKUP)
        throw new Error(`${options.connectorId}: no lookup "${name}" (only ${ASSISTANCE_STATUS_LOOKUP})`);
      const out = new Map<string, JsonValue | null>();
      const ids = [...new Set(keys)];
      for (const id of ids) out.set(id, null);
      for (let i = 0; i < ids.length; i += LOOKUP_BATCH) {
        const batch = ids.slice(i, i + LOOKUP_BATCH);
        const reply = await upstreamRequest(options, ctx, "/api/assistance/status", {
          method: "POST",
          json: { ids: batch },
          accept: "application/json",
        });
        const results = jsonBody(options, reply).results;
        if (!Array.isArray(results)) throw formatError(options, reply, "results is not an array");
        const asked = new Set(batch);
        for (const [j, r] of results.entries()) {
          if (!isJsonObject(r) || typeof r.id !== "string")
            throw formatError(options, reply, `result ${j} has no id`);
          // matched by id, never by position; ids not asked for are ignored
          if (asked.has(r.id)) out.set(r.id, r);
        }
      }
      return out;
    },
  };
}
