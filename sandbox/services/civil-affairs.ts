// Sandbox civil-affairs system (民政): spreadsheet-style exports of the assistance roster and the
// register of social organisations as GB18030 CSV with Chinese headers, paged by offset, plus a
// live lookup of a citizen's assistance status.
//   GET  /export/assistance.csv?offset=&limit=
//   GET  /export/organisations.csv?offset=&limit=
//        → text/csv; charset=GB18030, header row + rows, CRLF; headers X-Next-Offset, X-Has-More,
//          X-Total-Count, X-Record-Count
//   POST /api/assistance/status {"ids":["<citizen id>",…]}
//        → {"results":[{"id","status","category","amount"}]}: shuffled, unknown ids left out
import { normaliseCitizenId } from "../../domain/identifiers/citizen-id.js";
import type { City } from "../generator/city.js";
import type { CivilAssistanceRow, CivilSocialOrgRow } from "../generator/index.js";
import {
  cityOf,
  datasetFeed,
  datasetOf,
  type Feed,
  jsonReply,
  MAX_LIMIT,
  ParamError,
  pageOf,
  pageSizeOf,
  parseOffsetParam,
  type Reply,
  type Route,
  type RunningService,
  type ServiceOptions,
  shuffled,
  startService,
  truncatedJson,
} from "./common.js";
import { type CsvCell, encodeGb18030, toCsv } from "./csv.js";

// Column order of the exports (every field of the row, nothing else: the compiler checks both).
const ASSISTANCE_COLUMNS: Record<keyof CivilAssistanceRow, null> = {
  救助对象编号: null,
  身份证号码: null,
  姓名: null,
  性别: null,
  户主姓名: null,
  与户主关系: null,
  家庭人口数: null,
  救助类别: null,
  "保障金额（元/月）": null,
  发放起始日期: null,
  状态: null,
  所属区县: null,
  所属街道: null,
  所属社区: null,
  社区代码: null,
  户籍地址: null,
  居住地址: null,
  联系电话: null,
};
const ORGANISATION_COLUMNS: Record<keyof CivilSocialOrgRow, null> = {
  统一社会信用代码: null,
  社会组织名称: null,
  社会组织类型: null,
  法定代表人: null,
  法定代表人身份证号码: null,
  联系电话: null,
  住所: null,
  业务主管单位: null,
  登记管理机关: null,
  成立登记日期: null,
  "注册资金（万元）": null,
  登记状态: null,
};

export const ASSISTANCE_HEADERS = Object.keys(ASSISTANCE_COLUMNS) as (keyof CivilAssistanceRow)[];
export const ORGANISATION_HEADERS = Object.keys(ORGANISATION_COLUMNS) as (keyof CivilSocialOrgRow)[];

export const CSV_CONTENT_TYPE = "text/csv; charset=GB18030";

function csvRoute<R extends object>(
  path: string,
  feed: Feed<R>,
  headers: readonly (keyof R & string)[],
  options: ServiceOptions,
): Route {
  return {
    method: "GET",
    path,
    data: true,
    handle: ({ url }) => {
      const offset = parseOffsetParam(url);
      const limit = pageSizeOf(url, options);
      const page = pageOf(feed, offset, limit);
      const rows = page.records.map((r) => headers.map((h) => r[h] as CsvCell));
      return {
        status: 200,
        headers: {
          "content-type": CSV_CONTENT_TYPE,
          "x-next-offset": String(page.nextOffset),
          "x-has-more": String(page.hasMore),
          "x-total-count": String(page.total),
          "x-record-count": String(page.records.length),
        },
        body: encodeGb18030(toCsv(headers, rows)),
      };
    },
  };
}

/** Garbage CSV: the export cut off in the middle, ending inside an unterminated quoted field. */
function truncatedCsv(reply: Reply): Reply {
  if (!(reply.headers?.["content-type"] ?? "").startsWith("text/csv")) return truncatedJson(reply);
  const text = typeof reply.body === "string" ? reply.body : reply.body.toString("latin1");
  const cut = Math.max(1, Math.floor(text.length / 2));
  return {
    ...reply,
    body: Buffer.concat([Buffer.from(text.slice(0, cut), "latin1"), encodeGb18030(',"未闭合')]),
  };
}

interface AssistanceStatus {
  status: string;
  category: string;
  amount: number;
}

const ACTIVE = new Set(["在保", "正常发放"]);

/** The key a citizen ID is matched on: normalised (GB 11643), also when its check fails. */
export function citizenIdKey(raw: string): string {
  const r = normaliseCitizenId(raw);
  if (r.ok) return r.value;
  return r.lowTrustKey ?? raw.trim().toUpperCase();
}

/**
 * Citizen ID → the person's assistance status (their first active grant, else their first grant).
 * Built on the first lookup by one pass over the roster, yielding to the event loop between
 * chunks of households so other requests are served meanwhile; holds recipients only.
 */
function statusIndex(city: City): () => Promise<Map<string, AssistanceStatus>> {
  let building: Promise<Map<string, AssistanceStatus>> | null = null;
  const build = async () => {
    const ds = datasetOf<CivilAssistanceRow>(city, "assistance");
    const built = new Map<string, AssistanceStatus>();
    for (let u = 0; u < ds.unitCount; u++) {
      for (const { record } of ds.records(u)) {
        if (!record.身份证号码) continue;
        const key = citizenIdKey(record.身份证号码);
        const known = built.get(key);
        if (known && (ACTIVE.has(known.status) || !ACTIVE.has(record.状态))) continue;
        built.set(key, {
          status: record.状态,
          category: record.救助类别,
          amount: record["保障金额（元/月）"],
        });
      }
      if (u % 2_000 === 1_999) await new Promise((resolve) => setImmediate(resolve));
    }
    return built;
  };
  return () => {
    building ??= build();
    return building;
  };
}

export function startCivilAffairsService(options: ServiceOptions): Promise<RunningService> {
  const city = cityOf(options);
  const assistance = datasetFeed(datasetOf<CivilAssistanceRow>(city, "assistance"));
  const organisations = datasetFeed(datasetOf<CivilSocialOrgRow>(city, "socialOrganisations"));
  const index = statusIndex(city);
  const lookup: Route = {
    method: "POST",
    path: "/api/assistance/status",
    data: true,
    handle: async ({ json }) => {
      const body = await json();
      if (body === null || typeof body !== "object" || Array.isArray(body))
        throw new ParamError("body", 'expected a JSON object {"ids": [...]}');
      const ids = (body as Record<string, unknown>).ids;
      if (!Array.isArray(ids) || !ids.every((id): id is string => typeof id === "string"))
        throw new ParamError("ids", "ids must be an array of citizen ID strings");
      if (ids.length > MAX_LIMIT) throw new ParamError("ids", `at most ${MAX_LIMIT} ids per request`);
      const statuses = await index();
      const results = [...new Set(ids)].flatMap((id) => {
        const s = statuses.get(citizenIdKey(id));
        return s ? [{ id, status: s.status, category: s.category, amount: s.amount }] : [];
      });
      // answer in another order than asked: clients must match by id, never by position
      let order = shuffled(results, `${options.seed}\u0000${ids.join(",")}`);
      if (order.length > 1 && order.every((r, i) => r === results[i])) order = [...order.slice(1), order[0]!];
      return jsonReply(200, { results: order });
    },
  };
  return startService(
    {
      name: "civilAffairs",
      seed: options.seed,
      routes: [
        csvRoute("/export/assistance.csv", assistance, ASSISTANCE_HEADERS, options),
        csvRoute("/export/organisations.csv", organisations, ORGANISATION_HEADERS, options),
        lookup,
      ],
      corrupt: truncatedCsv,
    },
    options,
  );
}
