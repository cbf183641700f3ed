// A department needs no lookup table: a declarative connector whose records carry address text
// only (no division code) lands its persons and events at the standard addresses and in the areas
// the hub's gazetteer finds, with its confidence; a look-alike in another community is not taken,
// and what it cannot place is counted and visible (区划不明, 市外). Preview shows the same per row.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ConnectorContext, ElementDraft } from "../../connectors/contract.js";
import { createDeclarativeConnector } from "../../connectors/declarative/connector.js";
import type { DeclarativeDefinitionInput } from "../../connectors/declarative/definition.js";
import { closeEvaluator } from "../../connectors/declarative/evaluator.js";
import { GAZETTEER_CONFIDENCE } from "../../domain/gazetteer.js";
import { ANONYMOUS, type Principal } from "../../domain/principal.js";
import { previewDefinition } from "../../integration/commands/connectors.js";
import { ingestPage } from "../../integration/ingest.js";
import { createDb, type Db } from "../../prisma/db.js";
import { ensureJurisdiction } from "../../resolvers/jurisdiction.js";
import { visiblePersonsWhere } from "../../resolvers/persons.js";
import { buildDemoAreaTree } from "../../sandbox/city/areas.js";
import { citizenId, ingestDrafts } from "../support/drafts.js";
import { cloneTemplate } from "../support/pg.js";

const tree = buildDemoAreaTree();
const street = tree.find((a) => a.name === "和平桥街道" && a.level === "STREET")!;
const [taoyuan, wenfeng] = tree.filter((a) => a.parentCode === street.code && a.level === "COMMUNITY");
const grid = tree.find((a) => a.parentCode === taoyuan!.code && a.level === "GRID")!;
const STANDARD = `江苏省南通市崇川区和平桥街道${taoyuan!.name}工农路12号虹桥新村3幢1单元501室`;

/** The justice bureau's people's-mediation register (人民调解): where the parties live, where it happened. */
const CASES = [
  { 案件编号: "TJ001", 当事人: "周明", 住址: `崇川区和平桥街道${taoyuan!.name}工农路１２号３栋１单元５０１` },
  { 案件编号: "TJ002", 当事人: "吴芳", 住址: "南通市工农路12号3-1-501" },
  { 案件编号: "TJ003", 当事人: "郑强", 住址: `崇川区和平桥街道${wenfeng!.name}工农路12号3幢1单元501室` },
  { 案件编号: "TJ004", 当事人: "王磊", 住址: "崇川区和平桥街道青年东路8号" },
  { 案件编号: "TJ005", 当事人: "冯静", 住址: "青年路1号" },
  { 案件编号: "TJ006", 当事人: "陈晨", 住址: "上海市浦东新区世纪大道100号" },
].map((c, i) => ({ ...c, 身份证号: citizenId(`32060219800101${100 + i}`), 受理日期: "2026-11-02" }));

const field = (
  element: "PERSON" | "EVENT",
  name: string,
  sensitivity: "INTERNAL" | "PERSONAL" | "SENSITIVE" = "INTERNAL",
) => ({
  element,
  field: name,
  sensitivity,
  owner: "justice",
});

const definition = (url: string): DeclarativeDefinitionInput => ({
  manifest: {
    id: "justice-mediation",
    department: { code: "justice", name: "市司法局" },
    description: "人民调解案件登记：当事人及其住址，纠纷地点（只有地址文字，没有区划代码）。",
    produces: ["PERSON", "EVENT"],
    fields: [
      field("PERSON", "citizenId", "SENSITIVE"),
      field("PERSON", "name", "PERSONAL"),
      field("PERSON", "addresses", "PERSONAL"),
      ...["kind", "title", "occurredAt", "reportedAt", "status", "addressText", "persons"].map((f) =>
        field("EVENT", f),
      ),
    ],
    schedule: { intervalSeconds: 3600, pageSize: 50 },
    capabilities: { lookups: [], push: false },
  },
  source: { endpoint: `${url}/cases`, format: "JSON", keyField: "案件编号", paging: { style: "NONE" } },
  mapping: {
    language: "JSONata",
    // no areaCode anywhere: the address text is declared, the hub places it
    expression: `[
      { "element": "PERSON", "ref": "party", "name": 当事人, "citizenId": 身份证号,
        "addresses": [{ "kind": "RESIDENT", "text": 住址 }] },
      { "element": "EVENT", "ref": "case", "kind": "DISPUTE", "title": "矛盾纠纷 " & 案件编号,
        "occurredAt": 受理日期 & "T09:00:00+08:00", "reportedAt": 受理日期 & "T09:00:00+08:00",
        "status": "ACCEPTED", "addressText": 住址,
        "persons": [{ "ref": "party", "role": "PARTY" }], "organisations": [] }
    ]`,
  },
});

let db: Db;
let drop: () => Promise<void>;
let server: http.Server;
let url: string;
const ctx: ConnectorContext = { signal: new AbortController().signal, log: () => {} };

beforeAll(async () => {
  const database = await cloneTemplate(inject("pgAdminUrl"), inject("pgTemplate"));
  drop = database.drop;
  db = createDb({ url: database.url, poolMax: 4 });
  await db.department.create({ data: { code: "justice", name: "市司法局" } });
  // the grid silo's standard address (标准地址), in its grid
  await ingestDrafts(db, "grid-s", "grid", [
    ["a1", [{ element: "ADDRESS", ref: "address", text: STANDARD, areaCode: grid.code } as ElementDraft]],
  ]);
  server = http.createServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(CASES));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await closeEvaluator();
  await db?.$disconnect();
  await drop?.();
});

describe("a declarative connector with address text only", () => {
  it("previews where each row's address text would land, and how sure the gazetteer is", async () => {
    const preview = await previewDefinition({ definition: definition(url), limit: 10 }, { db });
    expect(preview.errors).toEqual([]);
    const by = Object.fromEntries(preview.records.map((r) => [r.sourceKey, r.placements]));
    expect(by.TJ001).toEqual([
      expect.objectContaining({
        areaCode: grid.code,
        standardAddress: STANDARD,
        confidence: GAZETTEER_CONFIDENCE.standardAddress.COMMUNITY,
      }),
    ]);
    expect(by.TJ002?.[0]).toMatchObject({
      standardAddress: STANDARD,
      confidence: GAZETTEER_CONFIDENCE.standardAddress.CITY,
    });
    expect(by.TJ003?.[0]).toMatchObject({ areaCode: wenfeng!.code, standardAddress: null });
    expect(by.TJ003?.[0]?.doubt).toMatch(/does not lie in/);
    expect(by.TJ005?.[0]).toMatchObject({ areaCode: null, outside: false, confidence: null });
    expect(by.TJ006?.[0]).toMatchObject({ areaCode: null, outside: true });
  });

  it("lands persons and events at standard addresses and in areas, and counts what it could not place", async () => {
    const connector = createDeclarativeConnector(definition(url));
    const page = await connector.sync(null, 50, ctx);
    const out = await db.$transaction((tx) =>
      ingestPage(
        tx,
        { connectorId: "justice-mediation", departmentCode: "justice", map: (r) => connector.map(r) },
        page.records,
      ),
    );
    expect(out).toMatchObject({ ingested: CASES.length, quarantined: 0 });
    // two drafts (the party, the case) per record
    expect(out.dataQuality).toEqual({
      AREA_FROM_ADDRESS: 8,
      UNMATCHED_STANDARD_ADDRESS: 2,
      UNRESOLVED_ADDRESS: 2,
      OUTSIDE_CITY: 2,
    });

    const standard = await db.address.findFirstOrThrow({ where: { fullText: STANDARD } });
    const event = (key: string) =>
      db.event.findFirstOrThrow({ where: { title: `矛盾纠纷 ${key}` }, include: { area: true } });
    const home = async (name: string) =>
      (
        await db.personAddress.findFirstOrThrow({
          where: { person: { name } },
          include: { address: { include: { area: true } } },
        })
      ).address;

    // the same standard address, however written, with its grid
    for (const [key, name] of [
      ["TJ001", "周明"],
      ["TJ002", "吴芳"],
    ] as const) {
      expect((await event(key)).addressId).toBe(standard.id);
      expect((await event(key)).area.code).toBe(grid.code);
      expect((await home(name)).id).toBe(standard.id);
    }
    // the look-alike in the next community stays there, at an address of its own
    expect((await event("TJ003")).area.code).toBe(wenfeng!.code);
    expect((await event("TJ003")).addressId).toBeNull();
    expect(await home("郑强")).toMatchObject({ area: { code: wenfeng!.code } });
    expect((await home("郑强")).id).not.toBe(standard.id);
    // a street named, no standard address
    expect((await event("TJ004")).area.code).toBe(street.code);
    // nowhere known: 区划不明; another city: 市外 — both under the city, visible to its centre
    expect((await event("TJ005")).area.code).toBe("320699");
    expect(await home("冯静")).toMatchObject({ area: { code: "320699" } });
    expect((await event("TJ006")).area.code).toBe("320698");
    expect(await home("陈晨")).toMatchObject({ area: { code: "320698" } });

    // and seen: the centre of the city sees the unplaced ones, a district only its own
    const sees = async (name: string, area: string) => {
      const principal: Principal = {
        ...ANONYMOUS,
        subject: "t",
        roles: ["city_commander"] as Principal["roles"],
        jurisdiction: [area],
        authenticated: true,
      };
      const scope = { db, principal };
      await ensureJurisdiction(scope);
      return (await db.person.count({ where: { AND: [{ name }, visiblePersonsWhere(scope)] } })) === 1;
    };
    expect(await sees("冯静", "320600")).toBe(true);
    expect(await sees("冯静", "320602")).toBe(false);
    expect(await sees("周明", "320602")).toBe(true);

    const placed = await db.dataQualityIssue.findFirstOrThrow({
      where: { connectorId: "justice-mediation", sourceKey: "TJ001", code: "AREA_FROM_ADDRESS", ref: "case" },
    });
    expect(placed.message).toContain(STANDARD);
    expect(placed.message).toContain(`confidence ${GAZETTEER_CONFIDENCE.standardAddress.COMMUNITY}`);
  });
});
