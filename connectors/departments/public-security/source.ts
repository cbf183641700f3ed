// Client half of the public-security (公安) connector: reads the police data-sharing API
//   GET /api/v1/{population|incidents}?cursor=&limit=
//   → {"code":"0","message":"ok","data":{"total","records","nextCursor","hasMore"}}
// Datasets in order: population (key RYBH), incidents (key JJDBH). Source keys
// "population:<RYBH>", "incidents:<JJDBH>"; payload {"dataset","record"} with the record as served.
import { UpstreamUnavailableError } from "../../contract.js";
import {
  checkHealth,
  compositeSync,
  type DatasetReader,
  formatError,
  type HttpSource,
  type HttpSourceOptions,
  isJsonObject,
  jsonBody,
  pageLimit,
  toSourceRecords,
  upstreamRequest,
} from "../http.js";

export const PUBLIC_SECURITY_DATASETS = [
  { name: "population", path: "/api/v1/population", keyField: "RYBH" },
  { name: "incidents", path: "/api/v1/incidents", keyField: "JJDBH" },
] as const;

export type PublicSecuritySource = HttpSource;

export function createPublicSecuritySource(options: HttpSourceOptions): PublicSecuritySource {
  const readers: DatasetReader[] = PUBLIC_SECURITY_DATASETS.map((ds) => ({
    name: ds.name,
    read: async (cursor, limit, ctx) => {
      const reply = await upstreamRequest(options, ctx, ds.path, {
        query: { cursor, limit: pageLimit(limit) },
        accept: "application/json",
      });
      const body = jsonBody(options, reply);
      if (body.code !== "0") {
        const message = typeof body.message === "string" ? body.message : "";
        throw new UpstreamUnavailableError(
          options.connectorId,
          `${reply.method} ${reply.url}: HTTP ${reply.status} with code ${JSON.stringify(body.code ?? null)} ${message}`.trim(),
          reply.status,
        );
      }
      const data = body.data;
      if (!isJsonObject(data)) throw formatError(options, reply, "no data object");
      if (!Array.isArray(data.records)) throw formatError(options, reply, "data.records is not an array");
      if (typeof data.nextCursor !== "string" || data.nextCursor === "")
        throw formatError(options, reply, "data.nextCursor is missing");
      if (typeof data.hasMore !== "boolean")
        throw formatError(options, reply, "data.hasMore is not a boolean");
      return {
        records: toSourceRecords(options, reply, ds.name, ds.keyField, data.records),
        nextCursor: data.nextCursor,
        hasMore: data.hasMore,
      };
    },
  }));
  return {
    sync: compositeSync(readers),
    health: (ctx) => checkHealth(options, ctx),
  };
}
