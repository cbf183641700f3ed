// A housing bureau (住建局) rental-registration system (出租房屋登记) owned by the declarative
// connector tests, served over real HTTP in the shapes department systems actually use, so one
// data set can be read through every paging style and format:
//   GET /api/rentals?cursor=&limit=              JSON, CURSOR: {"code":0,"msg","data":{"records",
//                                                "nextCursor","hasMore"}} (the example definition)
//   GET /api/rentals/by-offset?offset=&limit=    JSON, OFFSET: {"total","rows"}
//   GET /api/rentals/by-page?pageNo=&pageSize=   JSON, PAGE (first page 1; 0 with ?base=0): {"data":{"list","total"}}
//   GET /api/rentals/all                         JSON, NONE: the bare array
//   GET /export/rentals.csv?start=&rows=         CSV in GB18030 (no charset in Content-Type), OFFSET
//   GET /export/rentals-cursor.csv?cursor=&limit= CSV in GB18030, CURSOR in X-Next-Cursor / X-Has-More
//   GET /feed/rentals.xml?page=&size=            XML (UTF-8), PAGE: <rentalFeed><rental>…</rental></rentalFeed>
//   GET /feed/rentals-cursor.xml?cursor=&limit=  XML in GB18030 (said only by its declaration),
//                                                CURSOR in <rentalFeed nextCursor hasMore>
// Every request needs X-Api-Key when the system is started with one; `state.fault` switches on
// failures (500, a garbage body, a JSON envelope without records, a reply that never comes).
import http from "node:http";
import type { AddressInfo } from "node:net";
import iconv from "iconv-lite";
import type {
  ConnectorContext,
  ConnectorManifest,
  SourceRecordInput,
  SyncPage,
} from "../../../connectors/contract.js";
import type { DeclarativeDefinitionInput } from "../../../connectors/declarative/definition.js";
import example from "../../../connectors/declarative/examples/housing-rentals.json" with { type: "json" };
import { citizenIdCheckChar } from "../../../domain/identifiers/citizen-id.js";
import { buildDemoAreaTree } from "../../../sandbox/city/areas.js";
import { encodeGb18030, toCsv } from "../../../sandbox/services/csv.js";

/** One registration as the housing system holds it: Chinese field names, as its API writes them. */
export interface Rental {
  登记编号: string;
  出租人姓名: string;
  出租人身份证号: string;
  出租人联系电话: string;
  承租人姓名: string;
  承租人身份证号: string;
  承租人联系电话: string;
  房屋地址: string;
  网格编码: string;
  租赁起始日期: string;
  租赁截止日期: string;
  月租金: number;
  登记机关: string;
  登记日期: string;
  状态: string;
}

export const RENTAL_FIELDS = [
  "登记编号",
  "出租人姓名",
  "出租人身份证号",
  "出租人联系电话",
  "承租人姓名",
  "承租人身份证号",
  "承租人联系电话",
  "房屋地址",
  "网格编码",
  "租赁起始日期",
  "租赁截止日期",
  "月租金",
  "登记机关",
  "登记日期",
  "状态",
] as const satisfies readonly (keyof Rental)[];

const areas = buildDemoAreaTree();
const byCode = new Map(areas.map((a) => [a.code, a]));
export const GRIDS = areas.filter((a) => a.level === "GRID");

const SURNAMES = ["张", "王", "李", "赵", "陈", "刘", "杨", "黄", "周", "吴", "徐", "孙", "朱", "马", "胡"];
const GIVEN = [
  "伟",
  "芳",
  "娜",
  "秀英",
  "敏",
  "静",
  "丽",
  "强",
  "磊",
  "军",
  "洋",
  "勇",
  "艳",
  "杰",
  "晓东",
  "海燕",
];
const ROADS = ["工农路", "人民中路", "青年东路", "崇川路", "南大街", "濠西路", "城山路", "钟秀路"];
const STATUSES = ["已登记", "已核实", "已注销"] as const;

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** A valid GB 11643 ID born in the county of `area`. */
export function citizenId(countyCode: string, i: number): string {
  const birth = `${1955 + (i % 45)}${pad(1 + (i % 12), 2)}${pad(1 + (i % 28), 2)}`;
  const body = `${countyCode}${birth}${pad(i % 1000, 3)}`;
  return body + citizenIdCheckChar(body);
}

function person(i: number) {
  return `${SURNAMES[i % SURNAMES.length]}${GIVEN[(i * 7) % GIVEN.length]}`;
}

/** The grid's address prefix: 崇川区城东街道友谊社区. */
function placeOf(gridCode: string): { district: string; prefix: string } {
  const names: string[] = [];
  let cur = byCode.get(gridCode);
  let district = "";
  while (cur && cur.level !== "CITY") {
    if (cur.level !== "GRID") names.unshift(cur.name);
    if (cur.level === "DISTRICT") district = cur.name;
    cur = cur.parentCode ? byCode.get(cur.parentCode) : undefined;
  }
  return { district, prefix: names.join("") };
}

/** n deterministic registrations, 登记编号 ZL2026000001 …, spread over the demo city's grids. */
export function rentals(n: number, prefix = "ZL2026"): Rental[] {
  return Array.from({ length: n }, (_, i) => {
    const grid = GRIDS[(i * 13) % GRIDS.length]!;
    const county = grid.code.slice(0, 6);
    const { district, prefix: place } = placeOf(grid.code);
    const day = 1 + (i % 28);
    const month = 1 + (i % 12);
    return {
      登记编号: `${prefix}${pad(i + 1, 6)}`,
      出租人姓名: person(i * 3 + 1),
      出租人身份证号: citizenId(county, i * 2 + 1),
      出租人联系电话: `139${pad(10_000_000 + i * 7, 8)}`,
      承租人姓名: person(i * 3 + 2),
      承租人身份证号: citizenId(county, i * 2 + 2),
      承租人联系电话: `158${pad(20_000_000 + i * 11, 8)}`,
      房屋地址: `${place}${ROADS[i % ROADS.length]}${1 + (i % 200)}号${1 + (i % 9)}幢${1 + (i % 6)}0${1 + (i % 4)}室`,
      网格编码: grid.code,
      租赁起始日期: `2026-${pad(month, 2)}-${pad(day, 2)}`,
      租赁截止日期: `2027-${pad(month, 2)}-${pad(day, 2)}`,
      月租金: 1200 + (i % 20) * 100,
      登记机关: `${district}住房和城乡建设局`,
      登记日期: `2026-${pad(month, 2)}-${pad(day, 2)} ${pad(8 + (i % 10), 2)}:${pad((i * 7) % 60, 2)}:00`,
      状态: STATUSES[i % STATUSES.length]!,
    };
  });
}

export type Fault = "none" | "error500" | "garbage" | "noRecords" | "hang";

export interface HousingRentalSystem {
  url: string;
  /** `maxInFlight`: the most requests it was answering at once. */
  state: { fault: Fault; requests: string[]; data: Rental[]; inFlight: number; maxInFlight: number };
  close(): Promise<void>;
}

export interface HousingRentalOptions {
  apiKey?: string;
  /** Serve at most this many records a page, whatever the client asks for (a capping server). */
  maxPageSize?: number;
  /** Declare this many records more than there are in by-offset's `total` (a wrong count). */
  totalBias?: number;
  /** Answer each request this much later (runs that take a while). */
  delayMs?: number;
}

// opaque cursors, as a real system's would be
const encodeCursor = (offset: number) => Buffer.from(`rentals@${offset}`).toString("base64url");
const decodeCursor = (raw: string | null): number =>
  raw ? Number(/^rentals@(\d+)$/.exec(Buffer.from(raw, "base64url").toString())?.[1] ?? Number.NaN) : 0;

const xmlEscape = (s: string) =>
  s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

function rentalXml(r: Rental): string {
  return `<rental>${RENTAL_FIELDS.map((f) => `<${f}>${xmlEscape(String(r[f]))}</${f}>`).join("")}</rental>`;
}

const csvOf = (rows: readonly Rental[]) =>
  encodeGb18030(
    toCsv(
      RENTAL_FIELDS,
      rows.map((r) => RENTAL_FIELDS.map((f) => r[f])),
    ),
  );

export function startHousingRentalSystem(
  data: Rental[],
  options: HousingRentalOptions = {},
): Promise<HousingRentalSystem> {
  const state: HousingRentalSystem["state"] = {
    fault: "none",
    requests: [],
    data,
    inFlight: 0,
    maxInFlight: 0,
  };
  const server = http.createServer((req, res) => {
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    res.on("close", () => state.inFlight--);
    if (options.delayMs) setTimeout(() => answer(req, res), options.delayMs);
    else answer(req, res);
  });
  const answer = (req: http.IncomingMessage, res: http.ServerResponse) => {
    state.requests.push(req.url ?? "/");
    const url = new URL(req.url ?? "/", "http://x");
    const q = (name: string, fallback: number) => {
      const v = url.searchParams.get(name);
      return v === null ? fallback : Number(v);
    };
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
    if (options.apiKey && req.headers["x-api-key"] !== options.apiKey)
      return json(401, { code: 401, msg: "未授权：缺少或错误的 X-Api-Key" });
    if (state.fault === "hang") return; // never answers
    if (state.fault === "error500") return void res.writeHead(500).end("系统繁忙 (internal error)");
    if (state.fault === "garbage")
      return void res.writeHead(200, { "content-type": "application/json" }).end("<html>维护中</html>");
    const rows = state.data;
    const slice = (offset: number, limit: number) => {
      if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1) return null;
      return rows.slice(offset, offset + Math.min(limit, options.maxPageSize ?? limit));
    };
    const bad = () => json(400, { code: 400, msg: "参数错误" });

    switch (url.pathname) {
      case "/api/rentals": {
        if (state.fault === "noRecords")
          return json(200, { code: 500, msg: "系统繁忙，请稍后再试", data: null });
        const offset = decodeCursor(url.searchParams.get("cursor"));
        const page = slice(offset, q("limit", 20));
        if (!page) return bad();
        const next = offset + page.length;
        return json(200, {
          code: 0,
          msg: "成功",
          data: { records: page, nextCursor: encodeCursor(next), hasMore: next < rows.length },
        });
      }
      case "/api/rentals/by-offset": {
        const page = slice(q("offset", 0), q("limit", 20));
        return page ? json(200, { total: rows.length + (options.totalBias ?? 0), rows: page }) : bad();
      }
      case "/api/rentals/by-page": {
        const base = q("base", 1);
        const size = q("pageSize", 10);
        const page = slice((q("pageNo", base) - base) * size, size);
        return page ? json(200, { data: { list: page, total: rows.length } }) : bad();
      }
      case "/api/rentals/all":
        return json(200, rows);
      case "/export/rentals.csv": {
        const page = slice(q("start", 0), q("rows", 100));
        if (!page) return bad();
        return void res.writeHead(200, { "content-type": "text/csv" }).end(csvOf(page));
      }
      case "/export/rentals-cursor.csv": {
        const offset = decodeCursor(url.searchParams.get("cursor"));
        const page = slice(offset, q("limit", 100));
        if (!page) return bad();
        const next = offset + page.length;
        return void res
          .writeHead(200, {
            "content-type": "text/csv",
            "x-next-cursor": encodeCursor(next),
            "x-has-more": String(next < rows.length),
          })
          .end(csvOf(page));
      }
      case "/feed/rentals.xml": {
        const size = q("size", 10);
        const page = slice((q("page", 1) - 1) * size, size);
        if (!page) return bad();
        const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<rentalFeed total="${rows.length}">\n${page.map(rentalXml).join("\n")}\n</rentalFeed>\n`;
        return void res.writeHead(200, { "content-type": "application/xml; charset=utf-8" }).end(xml);
      }
      case "/feed/rentals-cursor.xml": {
        const offset = decodeCursor(url.searchParams.get("cursor"));
        const page = slice(offset, q("limit", 10));
        if (!page) return bad();
        const next = offset + page.length;
        const xml = `<?xml version="1.0" encoding="GB18030"?>\n<rentalFeed nextCursor="${encodeCursor(next)}" hasMore="${next < rows.length}">${page.map(rentalXml).join("")}</rentalFeed>`;
        return void res
          .writeHead(200, { "content-type": "application/xml" })
          .end(iconv.encode(xml, "gb18030"));
      }
      default:
        return json(404, { code: 404, msg: "not found" });
    }
  };
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        state,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      }),
    ),
  );
}

// ---- definitions against the system ----

/** The example definition (connectors/declarative/examples/housing-rentals.json). */
export const EXAMPLE = example as DeclarativeDefinitionInput;
export const exampleManifest = EXAMPLE.manifest as ConnectorManifest;

type Source = DeclarativeDefinitionInput["source"];

/** The example with its source replaced (the same mapping reads every format: same field names). */
export function definitionFor(
  system: { url: string },
  path: string,
  source: Omit<Source, "endpoint" | "keyField"> & { keyField?: string },
  id = "housing-rentals-test",
): DeclarativeDefinitionInput {
  return {
    manifest: { ...EXAMPLE.manifest, id },
    source: { keyField: "登记编号", ...source, endpoint: `${system.url}${path}` },
    mapping: EXAMPLE.mapping,
  };
}

export function testCtx(signal: AbortSignal = new AbortController().signal): ConnectorContext {
  return { signal, log: () => undefined };
}

/** sync() from the start until done (bounded, so a paging bug fails instead of hanging). */
export async function syncToEnd(
  connector: { sync(cursor: string | null, pageSize: number, ctx: ConnectorContext): Promise<SyncPage> },
  pageSize: number,
  cursor: string | null = null,
): Promise<{ records: SourceRecordInput[]; pages: SyncPage[]; cursor: string }> {
  const pages: SyncPage[] = [];
  let at = cursor;
  for (let i = 0; i < 1_000; i++) {
    const page = await connector.sync(at, pageSize, testCtx());
    pages.push(page);
    at = page.nextCursor;
    if (page.done) return { records: pages.flatMap((p) => p.records), pages, cursor: page.nextCursor };
  }
  throw new Error("sync did not finish within 1000 pages");
}
