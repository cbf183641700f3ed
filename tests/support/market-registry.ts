// The market-regulation bureau's business-licence registry (市场监督管理局 企业登记), a department
// system owned by the onboarding test: GET /export/enterprises.csv?start=&rows= answers a GBK CSV
// (no charset in Content-Type, as such exports are) and serves at most `maxPageSize` rows a page,
// whatever it is asked; an empty page says there are no more. Rows are kept in `state.rows` and
// may be changed in place between requests. `state.fault = "error500"` makes every request fail.
import http from "node:http";
import type { AddressInfo } from "node:net";
import iconv from "iconv-lite";
import { citizenIdCheckChar } from "../../domain/identifiers/citizen-id.js";
import { orgCodeCheckChar, usccCheckChar } from "../../domain/identifiers/uscc.js";
import { buildDemoAreaTree } from "../../sandbox/city/areas.js";

/** One registration as the registry exports it: its own column names. */
export interface Enterprise {
  登记序号: string;
  统一社会信用代码: string;
  企业名称: string;
  类型: string;
  法定代表人: string;
  法定代表人身份证号: string;
  注册资本: string;
  成立日期: string;
  住所: string;
  登记机关: string;
  登记状态: string;
}

export const ENTERPRISE_COLUMNS = [
  "登记序号",
  "统一社会信用代码",
  "企业名称",
  "类型",
  "法定代表人",
  "法定代表人身份证号",
  "注册资本",
  "成立日期",
  "住所",
  "登记机关",
  "登记状态",
] as const satisfies readonly (keyof Enterprise)[];

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** A valid GB 32100 code registered in `county` (market regulation 9, enterprise 1). */
export function validUscc(county: string, i: number): string {
  const org8 = `MA${pad(100_000 + i * 37, 6)}`;
  const first17 = `91${county}${org8}${orgCodeCheckChar(org8)}`;
  return first17 + usccCheckChar(first17);
}

/** The same code with its last check character wrong: a low-trust claim. */
export function invalidUscc(county: string, i: number): string {
  const good = validUscc(county, i);
  const wrong = good.at(-1) === "0" ? "1" : "0";
  return good.slice(0, -1) + wrong;
}

export function validCitizenId(county: string, i: number): string {
  const body = `${county}1968${pad(1 + (i % 12), 2)}${pad(1 + (i % 28), 2)}${pad(i % 1000, 3)}`;
  return body + citizenIdCheckChar(body);
}

const areas = buildDemoAreaTree();
const byCode = new Map(areas.map((a) => [a.code, a]));
const CITY = areas.find((a) => a.level === "CITY")!;
const STREETS = areas.filter((a) => a.level === "STREET");
const ROADS = ["工农路", "人民中路", "青年东路", "崇川路", "濠西路"];
const STATUSES = ["存续", "在业", "注销", "吊销，未注销", "迁出"];
const KINDS = ["有限责任公司", "股份有限公司", "个人独资企业"];

/** 江苏省南通市崇川区和平桥街道工农路12号: a full address in the demo city. */
function addressIn(street: (typeof STREETS)[number], i: number): { text: string; county: string } {
  const county = byCode.get(street.parentCode!)!;
  return {
    text: `江苏省${CITY.name}${county.name}${street.name}${ROADS[i % ROADS.length]}${1 + i}号`,
    county: county.code,
  };
}

/** n clean registrations, 登记序号 SC2026000001 …, spread over the demo city's streets. */
export function enterprises(n: number): Enterprise[] {
  return Array.from({ length: n }, (_, i) => {
    const street = STREETS[(i * 7) % STREETS.length]!;
    const { text, county } = addressIn(street, i);
    return {
      登记序号: `SC2026${pad(i + 1, 6)}`,
      统一社会信用代码: validUscc(county, i),
      企业名称: `南通${["恒达", "启明", "顺丰", "华润", "永盛", "金桥", "新港"][i % 7]}${["贸易", "物业", "科技", "建材"][i % 4]}有限公司${i + 1}号`,
      类型: KINDS[i % KINDS.length]!,
      法定代表人: `法人${i + 1}`,
      法定代表人身份证号: validCitizenId(county, i + 1),
      注册资本: `${(i + 1) * 50}万元人民币`,
      成立日期: `20${pad(10 + (i % 15), 2)}-${pad(1 + (i % 12), 2)}-${pad(1 + (i % 28), 2)}`,
      住所: text,
      登记机关: `${CITY.name}${byCode.get(county)!.name}市场监督管理局`,
      登记状态: STATUSES[i % STATUSES.length]!,
    };
  });
}

const csvCell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

export function toGbkCsv(rows: readonly Enterprise[]): Buffer {
  const lines = [
    ENTERPRISE_COLUMNS.join(","),
    ...rows.map((r) => ENTERPRISE_COLUMNS.map((c) => csvCell(r[c])).join(",")),
  ];
  return iconv.encode(`${lines.join("\r\n")}\r\n`, "gbk");
}

export interface MarketRegistry {
  url: string;
  state: { rows: Enterprise[]; requests: string[]; fault: "none" | "error500" };
  close(): Promise<void>;
}

export function startMarketRegistry(rows: Enterprise[], maxPageSize: number): Promise<MarketRegistry> {
  const state: MarketRegistry["state"] = { rows, requests: [], fault: "none" };
  const server = http.createServer((req, res) => {
    state.requests.push(req.url ?? "/");
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname !== "/export/enterprises.csv") return void res.writeHead(404).end();
    if (state.fault === "error500") return void res.writeHead(500).end("系统维护中");
    const start = Number(url.searchParams.get("start") ?? 0);
    const asked = Number(url.searchParams.get("rows") ?? 10);
    const page = state.rows.slice(start, start + Math.min(asked, maxPageSize));
    res.writeHead(200, { "content-type": "text/csv" }).end(toGbkCsv(page));
  });
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
