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
  type HttpSource,
  type HttpSourceOptions,
  jsonPageReader,
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
  const readers = GRID_DATASETS.map((ds) =>
    jsonPageReader(options, ds, { records: "items", nextCursor: "nextCursor", hasMore: "hasMore" }),
  );
  return {
    sync: compositeSync(readers),
    health: (ctx) => checkHealth(options, ctx),
  };
}
