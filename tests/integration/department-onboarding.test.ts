// A department onboards as a department would: the market-regulation bureau registers its
// business-licence registry (a GBK CSV export whose server caps its pages below what is asked, with
// dirty rows of every kind) through registerConnector with no code, beside the housing bureau's
// example, and then waits: nobody calls triggerSync. Both run on the schedule; every row served is
// accounted for (stored, unchanged, quarantined with its reason, or a duplicate); organisations
// carry the registry's facts, an invalid credit code stays searchable as a low-trust claim, an
// address outside the city lands in 市外 for the city to see, the data-quality summary counts each
// problem; a corrected mapping is applied to the rows already read and the circuit starts over.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, stewardAndCommander, type TestHub } from "../support/hub.js";
import {
  type Enterprise,
  enterprises,
  invalidUscc,
  type MarketRegistry,
  startMarketRegistry,
  validCitizenId,
} from "../support/market-registry.js";
import {
  EXAMPLE,
  type HousingRentalSystem,
  rentals,
  startHousingRentalSystem,
} from "./declarative/support.js";

const MARKET = "market-licences";
const HOUSING = "housing-rentals";
const INTERVAL = 10; // the manifest's minimum
const CAP = 7; // the registry's page cap; the connector asks for 20

let hub: TestHub;
let admin: string;
let commander: string;
let market: MarketRegistry;
let housing: HousingRentalSystem;

// ---- the registry's rows: 20 clean ones and one of every kind of dirt ----
const clean = enterprises(20);
const base = (i: number, over: Partial<Enterprise>): Enterprise => ({ ...clean[i]!, ...over });
const BAD_USCC = invalidUscc("320602", 901);
const REP_ID = validCitizenId("320602", 777);
const dirty: Record<string, Enterprise> = {
  emptyKey: base(0, { 登记序号: "", 企业名称: "南通无号商行有限公司", 统一社会信用代码: "" }),
  badDate: base(1, {
    登记序号: "SC2026900001",
    企业名称: "南通日期有限公司",
    统一社会信用代码: "",
    成立日期: "2015年3月2日",
  }),
  invalidCode: base(2, {
    登记序号: "SC2026900002",
    企业名称: "南通低信贸易有限公司",
    统一社会信用代码: BAD_USCC,
  }),
  outside: base(3, {
    登记序号: "SC2026900003",
    企业名称: "上海远方物流有限公司南通办事处",
    统一社会信用代码: "",
    住所: "上海市浦东新区世纪大道100号",
  }),
  unknownArea: base(4, {
    登记序号: "SC2026900004",
    企业名称: "南通无址商行",
    统一社会信用代码: "",
    住所: "青年路1号",
  }),
  // the same company twice (a change registration): its legal representative by name only, then with an ID
  repByName: base(5, { 登记序号: "SC2026900005", 法定代表人: "钱有才", 法定代表人身份证号: "" }),
  repWithId: base(5, { 登记序号: "SC2026900006", 法定代表人: "钱有才", 法定代表人身份证号: REP_ID }),
};
// the duplicate: one row served twice (a page boundary repeated by the export)
const ROWS = [...clean.slice(6), ...Object.values(dirty), clean[6]!];
const QUARANTINED = 2; // the empty key and the bad date
const DUPLICATES = 1;

// ---- the definition the bureau writes ----
const FIELDS = [
  ["ORGANISATION", "uscc", "PUBLIC"],
  ["ORGANISATION", "name", "PUBLIC"],
  ["ORGANISATION", "kind", "PUBLIC"],
  ["ORGANISATION", "addressText", "PUBLIC"],
  ["ORGANISATION", "registeredOn", "PUBLIC"],
  ["ORGANISATION", "registeringAuthority", "PUBLIC"],
  ["ORGANISATION", "status", "PUBLIC"],
  ["ORGANISATION", "members", "PERSONAL"],
  ["PERSON", "name", "PERSONAL"],
  ["PERSON", "citizenId", "SENSITIVE"],
] as const;

/** The mapping; `dates` turns 成立日期 into YYYY-MM-DD (v1 passes it through as written). */
const mapping = (dates: string) => `(
  $text := function($v) { $trim($string($v))[$ != ""] };
  $date := ${dates};
  [
    {
      "element": "PERSON",
      "ref": "rep",
      "name": $text(法定代表人),
      "citizenId": $text(法定代表人身份证号)
    },
    {
      "element": "ORGANISATION",
      "ref": "org",
      "uscc": $text(统一社会信用代码),
      "name": $text(企业名称),
      "kind": "ENTERPRISE",
      "addressText": $text(住所),
      "registeredOn": $date($text(成立日期)),
      "registeringAuthority": $text(登记机关),
      "status": $text(登记状态),
      "members": [{ "personRef": "rep", "role": "LEGAL_REPRESENTATIVE" }]
    }
  ]
)`;
const AS_WRITTEN = "function($v) { $v }";
// 2015年3月2日 → 2015-03-02
const CHINESE_DATES = `function($v) {
    $contains($v, /^\\d{4}年\\d{1,2}月\\d{1,2}日$/)
      ? (
          $p := $split($replace($v, /[年月]/, "-"), "-");
          $p[0] & "-" & $pad($replace($p[1], "日", ""), -2, "0") & "-" & $pad($replace($p[2], "日", ""), -2, "0")
        )
      : $v
  }`;

const marketDefinition = (dates: string, timeoutMs = 10_000) => ({
  manifest: {
    id: MARKET,
    department: { code: "market_regulation", name: "市市场监督管理局" },
    description:
      "企业登记（市场监管局）：统一社会信用代码、企业名称、类型、法定代表人、成立日期、住所、登记机关、登记状态。",
    produces: ["ORGANISATION", "PERSON"],
    fields: FIELDS.map(([element, field, sensitivity]) => ({
      element,
      field,
      sensitivity,
      owner: "market_regulation",
    })),
    schedule: { intervalSeconds: INTERVAL, pageSize: 20 },
    capabilities: { lookups: [], push: false },
  },
  source: {
    endpoint: `${market.url}/export/enterprises.csv`,
    timeoutMs,
    format: "CSV",
    encoding: "GBK",
    keyField: "登记序号",
    paging: { style: "OFFSET", offsetParam: "start", limitParam: "rows" },
  },
  mapping: { language: "JSONata", expression: mapping(dates) },
});

const housingDefinition = () => ({
  ...EXAMPLE,
  manifest: { ...EXAMPLE.manifest, schedule: { intervalSeconds: INTERVAL, pageSize: 20 } },
  source: { ...EXAMPLE.source, endpoint: `${housing.url}/api/rentals` },
});

beforeAll(async () => {
  market = await startMarketRegistry(ROWS, CAP);
  housing = await startHousingRentalSystem(rentals(12, "ZD2026"), { maxPageSize: 5 });
  hub = await startTestHub({ SYNC_SCHEDULER: "true" });
  admin = await hub.token({ roles: ["connector_admin"], areas: ["320600"], purpose: "DATA_GOVERNANCE" });
  ({ commander } = await stewardAndCommander(hub));
});
afterAll(async () => {
  await hub?.stop();
  await market?.close();
  await housing?.close();
});

interface Status {
  id: string;
  health: string;
  lastError: string | null;
  recordsServed: number;
  recordsIngested: number;
  recordsUnchanged: number;
  recordsQuarantined: number;
  recordsDuplicates: number;
  lastRun: {
    trigger: string;
    outcome: string;
    served: number;
    stored: number;
    unchanged: number;
    quarantined: number;
    duplicates: number;
  } | null;
  dataQuality: { code: string; count: number; examples: string[] }[];
}

async function status(id: string): Promise<Status> {
  const r = await hub.gql<{ connectors: Status[] }>(
    `{ connectors { id health lastError recordsServed recordsIngested recordsUnchanged recordsQuarantined
       recordsDuplicates lastRun { trigger outcome served stored unchanged quarantined duplicates }
       dataQuality { code count examples } } }`,
    { token: admin },
  );
  expect(r.errors).toBeUndefined();
  return r.data!.connectors.find((c) => c.id === id)!;
}

/** Poll until `done` holds (bounded: a schedule that never runs fails the test). */
async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 40_000;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`waited 40 s for ${what}; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const register = (definition: unknown) =>
  hub.gql<{ registerConnector: { id: string } }>(
    `mutation($d: JSON!) { registerConnector(definition: $d) { id } }`,
    {
      token: admin,
      variables: { d: definition },
    },
  );

const ORG = `name uscc usccValid usccLowTrust registeredOn registeringAuthority status area { code name }
  members { role person { name citizenId } }`;

describe("a department adds its system", () => {
  it("registers, and both connectors run by themselves; every served row is accounted for", async () => {
    expect((await register(marketDefinition(AS_WRITTEN))).errors).toBeUndefined();
    expect((await register(housingDefinition())).errors).toBeUndefined();
    const ran = (id: string) =>
      until(
        () => status(id),
        (s) => s.lastRun?.outcome === "SUCCEEDED",
        `${id}'s first scheduled run`,
      );
    const [m, h] = await Promise.all([ran(MARKET), ran(HOUSING)]);

    expect(h.lastRun).toMatchObject({ trigger: "SCHEDULE", served: 12, stored: 12, quarantined: 0 });
    expect(m.lastRun).toEqual({
      trigger: "SCHEDULE",
      outcome: "SUCCEEDED",
      served: ROWS.length,
      stored: ROWS.length - QUARANTINED - DUPLICATES,
      unchanged: 0,
      quarantined: QUARANTINED,
      duplicates: DUPLICATES,
    });
    expect(m.recordsServed).toBe(
      m.recordsIngested + m.recordsUnchanged + m.recordsQuarantined + m.recordsDuplicates,
    );
    // the cap was below what was asked: the export was read to its empty page
    expect(market.state.requests.some((u) => u.includes("rows=20"))).toBe(true);
    expect(market.state.requests.length).toBeGreaterThan(Math.ceil(ROWS.length / CAP));

    const q = await hub.gql<{
      quarantinedRecords: {
        edges: { node: { sourceKey: string; reasonCode: string; field: string | null; message: string } }[];
      };
    }>(
      `{ quarantinedRecords(connectorId: "${MARKET}") { edges { node { sourceKey reasonCode field message } } } }`,
      { token: admin },
    );
    expect(q.errors).toBeUndefined();
    const reasons = q.data!.quarantinedRecords.edges.map((e) => e.node);
    expect(reasons).toHaveLength(QUARANTINED);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reasonCode: "MISSING_FIELD", message: expect.stringMatching(/登记序号/) }),
        expect.objectContaining({
          sourceKey: "SC2026900001",
          reasonCode: "INVALID_VALUE",
          field: expect.stringMatching(/registeredOn/),
        }),
      ]),
    );
  });

  it("makes the rest queryable: registry facts, the low-trust code, 市外 and 区划不明", async () => {
    const c = clean[10]!;
    const one = await hub.gql<{ organisation: Record<string, unknown> }>(
      `{ organisation(uscc: "${c.统一社会信用代码}") { ${ORG} } }`,
      { token: commander },
    );
    expect(one.errors).toBeUndefined();
    expect(one.data!.organisation).toMatchObject({
      name: c.企业名称,
      usccValid: true,
      registeredOn: c.成立日期,
      registeringAuthority: c.登记机关,
      status: "ACTIVE", // 存续
      area: { code: expect.stringMatching(/^3206\d{8}$/) }, // the street its 住所 names
    });

    const low = await hub.gql<{
      organisation: Record<string, unknown>;
      search: { element: { name?: string } }[];
    }>(
      `{ organisation(uscc: "${BAD_USCC}") { ${ORG} }
         search(text: "${BAD_USCC}") { element { ... on Organisation { name } } } }`,
      { token: commander },
    );
    expect(low.errors).toBeUndefined();
    expect(low.data!.organisation).toMatchObject({
      name: "南通低信贸易有限公司",
      uscc: null,
      usccValid: false,
      usccLowTrust: BAD_USCC,
    });
    expect(low.data!.search.map((s) => s.element.name)).toEqual(["南通低信贸易有限公司"]);

    const placed = await hub.gql<{
      organisations: { edges: { node: { name: string; area: { code: string; name: string } } }[] };
    }>(
      `{ organisations(filter: { nameContains: "南通" }, first: 100) { edges { node { name area { code name } } } } }`,
      { token: commander },
    );
    expect(placed.errors).toBeUndefined();
    const areaOf = new Map(placed.data!.organisations.edges.map((e) => [e.node.name, e.node.area]));
    expect(areaOf.get("上海远方物流有限公司南通办事处")).toEqual({ code: "320698", name: "市外" });
    expect(areaOf.get("南通无址商行")).toEqual({ code: "320699", name: "区划不明" });
    // every stored registration is one organisation the city sees (the change registration is its company)
    const stored = ROWS.length - QUARANTINED - DUPLICATES - 1;
    expect(await hub.db.organisation.count()).toBeGreaterThanOrEqual(stored);
    for (const r of ROWS.filter((x) => x.登记序号 && x !== dirty.badDate))
      expect(areaOf.has(r.企业名称), r.企业名称).toBe(true);
  });

  it("counts each problem in the connector's data-quality summary", async () => {
    const m = await status(MARKET);
    const count = Object.fromEntries(m.dataQuality.map((d) => [d.code, d.count]));
    expect(count).toMatchObject({ INVALID_USCC: 1, OUTSIDE_CITY: 1, UNRESOLVED_ADDRESS: 1 });
    expect(m.dataQuality.find((d) => d.code === "INVALID_USCC")?.examples).toEqual(["SC2026900002"]);
  });

  it("folds the legal representative known by name only into the one with an ID", async () => {
    const reps = await until(
      async () => {
        const r = await hub.gql<{
          organisation: { members: { role: string; person: { name: string; citizenId: string | null } }[] };
        }>(
          `{ organisation(uscc: "${dirty.repWithId!.统一社会信用代码}") { members { role person { name citizenId } } } }`,
          { token: commander },
        );
        expect(r.errors).toBeUndefined();
        return r.data!.organisation.members.filter((x) => x.person.name === "钱有才");
      },
      (ms) => ms.length === 1,
      "the resolution pass to fold the name-only representative",
    );
    expect(reps).toEqual([{ role: "LEGAL_REPRESENTATIVE", person: { name: "钱有才", citizenId: REP_ID } }]);
  });

  it("applies a corrected mapping to the rows already read, and starts the circuit over", async () => {
    // the registry goes down; the next scheduled run fails and says why
    market.state.fault = "error500";
    const failed = await until(
      () => status(MARKET),
      (s) => s.lastError !== null,
      "a failed scheduled run",
    );
    expect(failed.lastError).toMatch(/HTTP 500/);
    market.state.fault = "none";

    expect((await register(marketDefinition(CHINESE_DATES))).errors).toBeUndefined();
    const fixed = await status(MARKET);
    expect(fixed).toMatchObject({
      lastError: null,
      lastRun: { trigger: "REPLAY", outcome: "SUCCEEDED", quarantined: 1 },
    });
    expect(fixed.health).not.toBe("DEGRADED");
    expect(await hub.db.connector.findUniqueOrThrow({ where: { id: MARKET } })).toMatchObject({
      consecutiveFailures: 0,
      circuitOpenUntil: null,
    });
    const dated = await hub.gql<{ organisations: { edges: { node: { registeredOn: string } }[] } }>(
      `{ organisations(filter: { nameContains: "南通日期" }) { edges { node { registeredOn } } } }`,
      { token: commander },
    );
    expect(dated.data!.organisations.edges.map((e) => e.node.registeredOn)).toEqual(["2015-03-02"]);
    // the empty key cannot be fixed by a mapping: it alone stays quarantined, with its reason
    const open = await hub.db.quarantinedRecord.findMany({
      where: { connectorId: MARKET, resolvedAt: null },
    });
    // one open entry per record: a replay that quarantines a key again supersedes its earlier entry
    expect(open.map((x) => `${x.sourceKey} ${x.reasonCode}`)).toEqual([
      expect.stringMatching(/^\(no 登记序号\) \S+ MISSING_FIELD$/),
    ]);
  });

  it("reads a row the registry changed in place once the source is read again from the start", async () => {
    const changed = clean[6]!; // 在业 (ACTIVE); also the row the export serves twice
    changed.登记状态 = "注销";
    const since = new Date();
    // a new source description (a longer timeout) starts reading from the beginning
    expect((await register(marketDefinition(CHINESE_DATES, 15_000))).errors).toBeUndefined();
    // a scheduled run of the old description may start between `since` and the new one's
    // registration: it goes on from the old cursor, at the end, and is served nothing
    const runs = await until(
      () =>
        hub.db.syncRun.findMany({
          where: {
            connectorId: MARKET,
            trigger: "SCHEDULE",
            startedAt: { gte: since },
            finishedAt: { not: null },
          },
        }),
      (found) => found.some((r) => r.served > 0),
      "the run reading the source again",
    );
    const run = runs.find((r) => r.served > 0);
    expect(run).toMatchObject({ outcome: "SUCCEEDED", served: ROWS.length, duplicates: DUPLICATES });
    expect(run!.served).toBe(run!.stored + run!.unchanged + run!.quarantined + run!.duplicates);
    // the changed row is the one new version; every other row (the one still quarantined included) is as it was
    expect(run!.stored).toBe(1);
    expect(run!.unchanged + run!.quarantined).toBe(ROWS.length - 1 - DUPLICATES);
    const r = await hub.gql<{ organisation: { status: string } }>(
      `{ organisation(uscc: "${changed.统一社会信用代码}") { status } }`,
      { token: commander },
    );
    expect(r.data!.organisation.status).toBe("DEREGISTERED");
  });
});
