// Sandbox grid-management system (网格化管理平台): camelCase JSON.
//   GET /api/grid/{areas|workers|addresses|units|patrols|disputes}?cursor=&limit=
//   → {"items":[…],"nextCursor":"…","hasMore":bool}
// `areas` is the demo area tree in the grid system's own words:
//   {"areaCode","areaName","areaLevel":"市"|"区县"|"乡镇街道"|"村社区"|"网格","parentAreaCode"|null}
import type { AreaLevel } from "../../domain/area.js";
import { buildDemoAreaTree } from "../city/areas.js";
import type {
  DisputeRecord,
  GridAddressRecord,
  GridUnitRecord,
  GridWorkerRecord,
  PatrolReport,
} from "../generator/index.js";
import {
  arrayFeed,
  cityOf,
  datasetFeed,
  datasetOf,
  encodeCursor,
  type Feed,
  jsonReply,
  pageOf,
  pageSizeOf,
  parseCursorParam,
  type RunningService,
  type ServiceOptions,
  startService,
  truncatedJson,
} from "./common.js";

export interface GridAreaRecord {
  areaCode: string;
  areaName: string;
  areaLevel: string;
  parentAreaCode: string | null;
}

export const GRID_AREA_LEVELS: Readonly<Record<AreaLevel, string>> = {
  CITY: "市",
  DISTRICT: "区县",
  STREET: "乡镇街道",
  COMMUNITY: "村社区",
  GRID: "网格",
};

/** Endpoint → the generator's dataset name (also the connector's dataset name). */
export const GRID_ENDPOINTS = {
  areas: "areas",
  workers: "gridWorkers",
  addresses: "addresses",
  units: "units",
  patrols: "patrolReports",
  disputes: "disputes",
} as const;
export type GridEndpoint = keyof typeof GRID_ENDPOINTS;

export function gridAreas(): GridAreaRecord[] {
  return buildDemoAreaTree().map((a) => ({
    areaCode: a.code,
    areaName: a.name,
    areaLevel: GRID_AREA_LEVELS[a.level],
    parentAreaCode: a.parentCode,
  }));
}

export function startGridService(options: ServiceOptions): Promise<RunningService> {
  const city = cityOf(options);
  const feeds: Record<GridEndpoint, Feed<object>> = {
    areas: arrayFeed(gridAreas()),
    workers: datasetFeed(datasetOf<GridWorkerRecord>(city, "gridWorkers")),
    addresses: datasetFeed(datasetOf<GridAddressRecord>(city, "addresses")),
    units: datasetFeed(datasetOf<GridUnitRecord>(city, "units")),
    patrols: datasetFeed(datasetOf<PatrolReport>(city, "patrolReports")),
    disputes: datasetFeed(datasetOf<DisputeRecord>(city, "disputes")),
  };
  return startService(
    {
      name: "grid",
      seed: options.seed,
      routes: (Object.keys(feeds) as GridEndpoint[]).map((endpoint) => ({
        method: "GET",
        path: `/api/grid/${endpoint}`,
        data: true,
        handle: ({ url }) => {
          const page = pageOf(feeds[endpoint], parseCursorParam(url, endpoint), pageSizeOf(url, options));
          return jsonReply(200, {
            items: page.records,
            nextCursor: encodeCursor(endpoint, page.nextOffset),
            hasMore: page.hasMore,
          });
        },
      })),
      corrupt: truncatedJson,
    },
    options,
  );
}
