// Client half of the public-security (公安) connector: reads the police data-sharing API
//   GET /api/v1/{population|incidents}?cursor=&limit=
//   → {"code":"0","message":"ok","data":{"total","records","nextCursor","hasMore"}}
// Datasets in order: population (key RYBH), incidents (key JJDBH). Source keys
// "population:<RYBH>", "incidents:<JJDBH>"; payload {"dataset","record"} with the record as served.
import { UpstreamUnavailableError } from "../../contract.js";
import { formatError, isJsonObject } from "../../http.js";
import {
  checkHealth,
  compositeSync,
  type HttpSource,
  type HttpSourceOptions,
  jsonPageReader,
} from "../http.js";

export const PUBLIC_SECURITY_DATASETS = [
  { name: "population", path: "/api/v1/population", keyField: "RYBH" },
  { name: "incidents", path: "/api/v1/incidents", keyField: "JJDBH" },
] as const;

export type PublicSecuritySource = HttpSource;

export function createPublicSecuritySource(options: HttpSourceOptions): PublicSecuritySource {
  const readers = PUBLIC_SECURITY_DATASETS.map((ds) =>
    jsonPageReader(options, ds, {
      records: "records",
      nextCursor: "nextCursor",
      hasMore: "hasMore",
      prefix: "data.",
      // {"code":"0","data":{…}}: any other code is the system refusing, not a format problem.
      unwrap: (body, reply) => {
        if (body.code !== "0") {
          const message = typeof body.message === "string" ? body.message : "";
          throw new UpstreamUnavailableError(
            options.connectorId,
            `${reply.method} ${reply.url}: HTTP ${reply.status} with code ${JSON.stringify(body.code ?? null)} ${message}`.trim(),
            reply.status,
          );
        }
        if (!isJsonObject(body.data)) throw formatError(options, reply, "no data object");
        return body.data;
      },
    }),
  );
  return {
    sync: compositeSync(readers),
    health: (ctx) => checkHealth(options, ctx),
  };
}
