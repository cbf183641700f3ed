// Client half of the grid-management (网格) connector: reads the platform's API
//   GET /api/grid/{areas|workers|addresses|units|patrols|disputes}?cursor=&limit=
//   → {"items":[…],"nextCursor":"…","hasMore":bool}
// Datasets in order (areas first, so everything else lands in known areas):
//   areas (key areaCode), gridWorkers (workerNo), addresses (addressCode), units (unitNo),
//   patrolReports (reportNo), disputes (disputeNo).
// Source keys "<dataset>:<key>"; payload {"dataset","record"} with the item as served.
import {
  checkHealth,
  compositeSync,
  type DatasetReader,
  formatError,
  type HttpSource,
  type HttpSourceOptions,
  jsonBody,
  pageLimit,
  toSourceRecords,
  upstreamRequest,
} from "../http.js";

export const GRID_DATASETS = [
  { name: "areas", path: "/api/grid/areas", keyField: "areaCode" },
  { name: "gridWorkers", path: "/api/grid/workers", keyField: "workerNo" },
  { name: "addresses", path: "/api/grid/addresses", keyField: "addressCode" },
  { name: "units", path: "/api/grid/units", keyField: "unitNo" },
  { name: "patrolReports", path: "/api/grid/patrols", keyField: "reportNo" },
  { name: "disputes", path: "/api/grid/disputes", keyField: "disputeNo" },
] as const;

export type GridSource = HttpSource;

export function createGridSource(options: HttpSourceOptions): GridSource {
  const readers: DatasetReader[] = GRID_DATASETS.map((ds) => ({
    name: ds.name,
    read: async (cursor, limit, ctx) => {
      const reply = await upstreamRequest(options, ctx, ds.path, {
        query: { cursor, limit: pageLimit(limit) },
        accept: "application/json",
      });
      const body = jsonBody(options, reply);
      if (!Array.isArray(body.items)) throw formatError(options, reply, "items is not an array");
      if (typeof body.nextCursor !== "string" || body.nextCursor === "")
        throw formatError(options, reply, "nextCursor is missing");
      if (typeof body.hasMore !== "boolean") throw formatError(options, reply, "hasMore is not a boolean");
      return {
        records: toSourceRecords(options, reply, ds.name, ds.keyField, body.items),
        nextCursor: body.nextCursor,
        hasMore: body.hasMore,
      };
    },
  }));
  return {
    sync: compositeSync(readers),
    health: (ctx) => checkHealth(options, ctx),
  };
}
