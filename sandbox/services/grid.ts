// Sandbox grid-management system (网格化管理平台): camelCase JSON.
//   GET /api/grid/{areas|workers|addresses|units|patrols|disputes}?cursor=&limit=
//   → {"items":[…],"nextCursor":"…","hasMore":bool}
// `areas` is the demo area tree in the grid system's own words:
//   {"areaCode","areaName","areaLevel":"市"|"区县"|"乡镇街道"|"村社区"|"网格","parentAreaCode"|null}
//   POST /_sandbox/stream {"everyMs":N} → every N ms one new or changed matter, appended to its
//        endpoint: a dispute registered (调解中) or mediated to an end, or a patrol report filed
//        (已上报) or moving on (处置中, 已办结); 0 stops.
import type { AreaLevel } from "../../domain/area.js";
import { buildDemoAreaTree } from "../city/areas.js";
import { formatTime } from "../generator/calendar.js";
import type {
  DisputeRecord,
  GridAddressRecord,
  GridUnitRecord,
  GridWorkerRecord,
  PatrolReport,
} from "../generator/index.js";
import type { Rng } from "../generator/rng.js";
import {
  arrayFeed,
  ChangeLog,
  changeSequence,
  changeStream,
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

/** 调解状态 a dispute in mediation ends in. */
const MEDIATION_ENDS = ["调解成功", "调解成功", "调解成功", "调解不成功"] as const;
/** 巡查上报 status a report moves on to. */
const NEXT_PATROL_STATUS: Readonly<Record<string, string>> = { 已上报: "处置中", 处置中: "已办结" };

export function startGridService(options: ServiceOptions): Promise<RunningService> {
  const city = cityOf(options);
  const disputes = new ChangeLog(datasetFeed(datasetOf<DisputeRecord>(city, "disputes")), (d) => d.disputeNo);
  const patrols = new ChangeLog(
    datasetFeed(datasetOf<PatrolReport>(city, "patrolReports")),
    (r) => r.reportNo,
  );
  const feeds: Record<GridEndpoint, Feed<object>> = {
    areas: arrayFeed(gridAreas()),
    workers: datasetFeed(datasetOf<GridWorkerRecord>(city, "gridWorkers")),
    addresses: datasetFeed(datasetOf<GridAddressRecord>(city, "addresses")),
    units: datasetFeed(datasetOf<GridUnitRecord>(city, "units")),
    patrols: patrols.feed,
    disputes: disputes.feed,
  };
  // numbers the generator hands out are below these: new matters count on from there
  let nextDispute = Math.max(city.counts.disputes + city.counts.disputeTransfers, 1);
  let nextReport = Math.max(city.counts.patrolReports, 1);
  const nextChange = changeSequence(city.plan.base, "sandboxGridStream");

  const disputeChange = (rng: Rng, at: number): void => {
    const current = rng.chance(0.5) ? disputes.pickMovable(rng, (d) => d.mediationStatus === "调解中") : null;
    if (current) {
      disputes.append({ ...current, mediationStatus: rng.pick(MEDIATION_ENDS) });
      return;
    }
    const template = disputes.sample(rng);
    disputes.append({
      ...template,
      disputeNo: `MD${formatTime(at, "compact").slice(0, 8)}${String(nextDispute++).padStart(6, "0")}`,
      occurredAt: formatTime(at - 3600 * rng.int(1, 48), "iso"),
      registeredAt: formatTime(at, "iso"),
      mediationStatus: "调解中",
      sourceRef: null,
    });
  };
  const patrolChange = (rng: Rng, at: number): void => {
    const current = rng.chance(0.5)
      ? patrols.pickMovable(rng, (r) => NEXT_PATROL_STATUS[r.status] !== undefined)
      : null;
    if (current) {
      const status = NEXT_PATROL_STATUS[current.status]!;
      patrols.append({ ...current, status, handledAt: status === "已办结" ? formatTime(at, "iso") : null });
      return;
    }
    const template = patrols.sample(rng);
    patrols.append({
      ...template,
      reportNo: `XC${formatTime(at, "compact").slice(0, 8)}${String(nextReport++).padStart(7, "0")}`,
      reportedAt: formatTime(at, "iso"),
      status: "已上报",
      handledAt: null,
    });
  };
  /** The k-th change: a dispute or a patrol report, one in two. */
  const change = (): void => {
    const { rng, at } = nextChange();
    (rng.chance(0.5) ? disputeChange : patrolChange)(rng, at);
  };
  const stream = changeStream(change, () => ({
    disputes: disputes.feed.total(),
    patrols: patrols.feed.total(),
  }));

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
      stream,
    },
    options,
  );
}
