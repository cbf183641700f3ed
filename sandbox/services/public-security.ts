// Sandbox public-security system (公安): the population registry and 110 incidents as a JSON API
// in the style of a police data-sharing platform: an envelope {code, message, data} with code "0"
// for success, opaque cursors.
//   GET /api/v1/population?cursor=&limit=
//   GET /api/v1/incidents?cursor=&limit=
//   → {"code":"0","message":"ok","data":{"total":N,"records":[…],"nextCursor":"…","hasMore":bool}}
//   POST /_sandbox/stream {"everyMs":N} → one new 110 call (no 处警结果 yet) or one call given its
//        result (a filed case later dealt with) every N ms, appended to the incidents; 0 stops.
import { DEMO_CITY } from "../city/areas.js";
import { formatTime } from "../generator/calendar.js";
import type { PsIncidentRecord, PsPopulationRecord } from "../generator/index.js";
import { INCIDENT_OUTCOMES } from "../generator/tables/codes.js";
import {
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
  type Route,
  type RunningService,
  type ServiceOptions,
  startService,
  truncatedJson,
} from "./common.js";

function feedRoute(name: string, feed: Feed<object>, options: ServiceOptions): Route {
  return {
    method: "GET",
    path: `/api/v1/${name}`,
    data: true,
    handle: ({ url }) => {
      const offset = parseCursorParam(url, name);
      const limit = pageSizeOf(url, options);
      const page = pageOf(feed, offset, limit);
      return jsonReply(200, {
        code: "0",
        message: "ok",
        data: {
          total: page.total,
          records: page.records,
          nextCursor: encodeCursor(name, page.nextOffset),
          hasMore: page.hasMore,
        },
      });
    },
  };
}

/** 处警结果 a call moves on to: a call without one gets one; a filed case (已立案) is dealt with. */
const NEXT_OUTCOME: Readonly<Record<string, readonly string[]>> = {
  "": INCIDENT_OUTCOMES,
  已立案: ["已处理"],
};

export function startPublicSecurityService(options: ServiceOptions): Promise<RunningService> {
  const city = cityOf(options);
  const population = datasetFeed(datasetOf<PsPopulationRecord>(city, "population"));
  const log = new ChangeLog(datasetFeed(datasetOf<PsIncidentRecord>(city, "incidents")), (r) => r.JJDBH);
  const incidents = log.feed;
  // call numbers the generator hands out are < incidents: new calls count on from there
  const firstNewNumber = Math.max(city.counts.incidents, 1);
  const nextChange = changeSequence(city.plan.base, "sandboxIncidentStream");
  let created = 0;

  /** The k-th change: a call given its result (half of the time, when one can) or a new call. */
  const change = (): void => {
    const { rng, at } = nextChange();
    const current = rng.chance(0.5) ? log.pickMovable(rng, (r) => NEXT_OUTCOME[r.CJJG] !== undefined) : null;
    if (current) {
      log.append({ ...current, CJJG: rng.pick(NEXT_OUTCOME[current.CJJG]!) });
      return;
    }
    const template = log.sample(rng);
    const number = String(firstNewNumber + created++).padStart(7, "0");
    log.append({
      ...template,
      JJDBH: `J${DEMO_CITY.code}${formatTime(at, "compact").slice(0, 8)}${number}`,
      BJSJ: formatTime(at, "compact"),
      CJJG: "",
    });
  };
  const stream = changeStream(change, () => ({ incidents: incidents.total() }));

  return startService(
    {
      name: "publicSecurity",
      seed: options.seed,
      routes: [feedRoute("population", population, options), feedRoute("incidents", incidents, options)],
      corrupt: truncatedJson,
      serverError: () => jsonReply(500, { code: "500", message: "系统繁忙，请稍后再试", data: null }),
      stream,
    },
    options,
  );
}
