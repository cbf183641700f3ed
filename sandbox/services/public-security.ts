// Sandbox public-security system (公安): the population registry and 110 incidents as a JSON API
// in the style of a police data-sharing platform: an envelope {code, message, data} with code "0"
// for success, opaque cursors.
//   GET /api/v1/population?cursor=&limit=
//   GET /api/v1/incidents?cursor=&limit=
//   → {"code":"0","message":"ok","data":{"total":N,"records":[…],"nextCursor":"…","hasMore":bool}}
import type { PsIncidentRecord, PsPopulationRecord } from "../generator/index.js";
import {
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

export function startPublicSecurityService(options: ServiceOptions): Promise<RunningService> {
  const city = cityOf(options);
  const population = datasetFeed(datasetOf<PsPopulationRecord>(city, "population"));
  const incidents = datasetFeed(datasetOf<PsIncidentRecord>(city, "incidents"));
  return startService(
    {
      name: "publicSecurity",
      seed: options.seed,
      routes: [feedRoute("population", population, options), feedRoute("incidents", incidents, options)],
      corrupt: truncatedJson,
      serverError: () => jsonReply(500, { code: "500", message: "系统繁忙，请稍后再试", data: null }),
    },
    options,
  );
}
