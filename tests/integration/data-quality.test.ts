// Invalid identifiers are kept (low-trust keys: stored, an exact matching key across connectors),
// nothing is placed nowhere (市外 / 区划不明 under the city), registry facts are columns chosen by
// source priority, and each connector's data-quality problems are counted.
import { beforeAll, describe, expect, it } from "vitest";
import type { ElementDraft } from "../../connectors/contract.js";
import { ANONYMOUS, type Principal } from "../../domain/principal.js";
import type { Db } from "../../prisma/db.js";
import { ensureJurisdiction } from "../../resolvers/jurisdiction.js";
import { visibleOrganisationsWhere } from "../../resolvers/organisations.js";
import { ingestDrafts, ticketDraft } from "../support/drafts.js";
import { useTemplateDb } from "../support/template-db.js";

let db: Db;
useTemplateDb((d) => {
  db = d;
});
beforeAll(async () => {
  await db.department.create({ data: { code: "market_regulation", name: "市市场监督管理局" } });
});

// 91320602MA1XXXXX?? with a wrong check char: 18 code symbols, both checks computed below
const BAD_USCC = "91320602MA1N3K7Q5B";
const org = (fields: Partial<Extract<ElementDraft, { element: "ORGANISATION" }>>): ElementDraft =>
  ({
    element: "ORGANISATION",
    ref: "org",
    kind: "ENTERPRISE",
    name: "南通恒达贸易有限公司",
    ...fields,
  }) as ElementDraft;

const issues = async (connectorId: string) =>
  Object.fromEntries(
    (await db.dataQualityIssue.groupBy({ by: ["code"], where: { connectorId }, _count: { _all: true } })).map(
      (g) => [g.code, g._count._all],
    ),
  );

const principal = (areas: string[]): Principal => ({
  ...ANONYMOUS,
  subject: "t",
  roles: ["city_commander"] as Principal["roles"],
  jurisdiction: areas,
  authenticated: true,
});

describe("invalid identifiers are kept and matched", () => {
  it("one organisation for the same invalid credit code from two connectors, counted for each", async () => {
    const a = await ingestDrafts(db, "market-a", "market_regulation", [
      ["m1", [org({ uscc: ` ${BAD_USCC.toLowerCase()} `, areaCode: "320602", registeredOn: "2015-03-02" })]],
    ]);
    await ingestDrafts(db, "grid-a", "grid", [
      ["g1", [org({ uscc: BAD_USCC, name: "恒达贸易公司", areaCode: "320602" })]],
    ]);
    const orgs = await db.organisation.findMany({ where: { usccLowTrust: BAD_USCC } });
    expect(orgs).toHaveLength(1);
    expect(orgs[0]).toMatchObject({ uscc: null, usccValid: false, name: "南通恒达贸易有限公司" });
    expect(a.dataQuality).toEqual({ INVALID_USCC: 1 });
    expect(await issues("market-a")).toEqual({ INVALID_USCC: 1 });
    expect(await issues("grid-a")).toEqual({ INVALID_USCC: 1 });
    const links = await db.entitySource.findMany({ where: { entityId: orgs[0]!.id } });
    expect(links.map((l) => l.method).sort()).toEqual(["LOW_TRUST_KEY", "NEW"]);

    // a corrected version of the record no longer counts
    await ingestDrafts(db, "market-a", "market_regulation", [
      ["m1", [org({ uscc: null, areaCode: "320602", registeredOn: "2015-03-02" })]],
    ]);
    expect(await issues("market-a")).toEqual({});
  });

  it("one person for the same invalid citizen ID from two connectors", async () => {
    const bad = "32060219800101123X"; // check char wrong
    const person = (name: string): ElementDraft =>
      ({ element: "PERSON", ref: "p", name, citizenId: bad, addresses: [] }) as ElementDraft;
    await ingestDrafts(db, "petition-a", "petition", [["p1", [person("周建国")]]]);
    await ingestDrafts(db, "hotline-a", "hotline_12345", [["h1", [person("周建國")]]]);
    const persons = await db.person.findMany({ where: { citizenIdLowTrust: bad } });
    expect(persons).toHaveLength(1);
    expect(persons[0]).toMatchObject({ citizenId: null, citizenIdValid: false });
    expect(await issues("petition-a")).toEqual({ INVALID_CITIZEN_ID: 1 });
  });
});

describe("nothing is placed nowhere", () => {
  it("an organisation registered in another city is in 市外, seen by the city and by no district", async () => {
    await ingestDrafts(db, "market-b", "market_regulation", [
      [
        "x1",
        [
          org({
            name: "上海远方物流有限公司",
            areaCode: "310115",
            addressText: "上海市浦东新区世纪大道100号",
          }),
        ],
      ],
      ["x2", [org({ name: "无址商行" })]],
      ["x3", [org({ name: "南通新区科技有限公司", areaCode: "320602999000" })]],
    ]);
    const outside = await db.area.findUniqueOrThrow({ where: { code: "320698" }, include: { parent: true } });
    const unknown = await db.area.findUniqueOrThrow({ where: { code: "320699" } });
    expect([outside.name, outside.level, outside.parent?.code]).toEqual(["市外", "DISTRICT", "320600"]);
    expect(unknown.name).toBe("区划不明");
    const far = await db.organisation.findFirstOrThrow({ where: { name: "上海远方物流有限公司" } });
    expect(far.areaId).toBe(outside.id);
    expect((await db.organisation.findFirstOrThrow({ where: { name: "无址商行" } })).areaId).toBe(unknown.id);
    expect((await db.organisation.findFirstOrThrow({ where: { name: "南通新区科技有限公司" } })).areaId).toBe(
      unknown.id,
    );
    expect(await issues("market-b")).toEqual({ OUTSIDE_CITY: 1, UNKNOWN_AREA: 2 });

    const sees = async (areas: string[]) => {
      const scope = { db, principal: principal(areas) };
      await ensureJurisdiction(scope);
      return (
        (await db.organisation.count({
          where: { AND: [{ id: far.id }, visibleOrganisationsWhere(scope)] },
        })) === 1
      );
    };
    expect(await sees(["320600"])).toBe(true);
    expect(await sees(["320602"])).toBe(false);

    // the registry learns where it is: a real area replaces 区划不明
    await ingestDrafts(db, "market-b", "market_regulation", [
      ["x2", [org({ name: "无址商行", areaCode: "320612" })]],
    ]);
    const placed = await db.organisation.findFirstOrThrow({
      where: { name: "无址商行" },
      include: { area: true },
    });
    expect(placed.area?.code).toBe("320612");
  });

  it("an event outside the city is stored in 市外, not quarantined", async () => {
    const out = await ingestDrafts(db, "hotline-b", "hotline_12345", [
      [
        "t1",
        [
          {
            element: "EVENT",
            ref: "event",
            kind: "HOTLINE_TICKET",
            title: "外地来电",
            occurredAt: "2026-11-01T08:00:00Z",
            reportedAt: "2026-11-01T08:05:00Z",
            areaCode: "320102",
            status: "ACCEPTED",
            persons: [],
            organisations: [],
          } as ElementDraft,
        ],
      ],
    ]);
    expect(out).toMatchObject({ ingested: 1, quarantined: 0, dataQuality: { OUTSIDE_CITY: 1 } });
    const event = await db.event.findFirstOrThrow({ where: { title: "外地来电" }, include: { area: true } });
    expect(event.area.code).toBe("320698");
  });
});

describe("the hub's gazetteer", () => {
  it("places an organisation known by its address text only, reporting how sure and what it could not place", async () => {
    await ingestDrafts(db, "market-g", "market_regulation", [
      ["g1", [org({ name: "和平桥商贸有限公司", addressText: "江苏省南通市崇川区和平桥街道青年东路8号" })]],
      ["g2", [org({ name: "浦东远洋有限公司", addressText: "上海市浦东新区世纪大道100号" })]],
      ["g3", [org({ name: "无名商行", addressText: "青年路1号" })]],
    ]);
    const areaOf = async (name: string) =>
      (await db.organisation.findFirstOrThrow({ where: { name }, include: { area: true } })).area;
    expect(await areaOf("和平桥商贸有限公司")).toMatchObject({ name: "和平桥街道", level: "STREET" });
    expect((await areaOf("浦东远洋有限公司"))?.code).toBe("320698");
    expect((await areaOf("无名商行"))?.code).toBe("320699");
    expect(await issues("market-g")).toEqual({
      AREA_FROM_ADDRESS: 1,
      OUTSIDE_CITY: 1,
      UNRESOLVED_ADDRESS: 1,
    });
    const placed = await db.dataQualityIssue.findFirstOrThrow({
      where: { connectorId: "market-g", code: "AREA_FROM_ADDRESS" },
    });
    expect(placed.message).toMatch(/STREET, confidence 0\.85/);
  });
});

describe("registry facts", () => {
  it("are columns, chosen by source priority (the registry over the grid), the contact number newest first", async () => {
    const uscc = "91110000600037341L"; // valid (GB 32100's example)
    await ingestDrafts(db, "market-c", "market_regulation", [
      [
        "r1",
        [
          org({
            name: "南通启明物业有限公司",
            uscc,
            areaCode: "320602",
            registeredOn: "2012-05-20",
            registeringAuthority: "南通市崇川区市场监督管理局",
            status: "吊销，未注销" as never,
            phone: "0513-85123456",
          }),
        ],
      ],
    ]);
    const first = await db.organisation.findFirstOrThrow({ where: { name: "南通启明物业有限公司" } });
    expect(first).toMatchObject({
      registeringAuthority: "南通市崇川区市场监督管理局",
      status: "REVOKED",
      phone: "0513-85123456",
    });
    expect(first.registeredOn?.toISOString().slice(0, 10)).toBe("2012-05-20");
    // the grid says 存续 and gives a mobile, later: the status stays the registry's, the phone is the newest
    await ingestDrafts(db, "grid-c", "grid", [
      [
        "u1",
        [
          org({
            name: "启明物业",
            uscc,
            areaCode: "320602",
            status: "ACTIVE",
            phone: "13962912345",
          }),
        ],
      ],
    ]);
    const after = await db.organisation.findMany({ where: { uscc } });
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ status: "REVOKED", phone: "13962912345", name: "南通启明物业有限公司" });
  });
  it("a registration joining an organisation known by a mention renames it; a mention never renames a registered one", async () => {
    const ticket = (key: string) =>
      ticketDraft(key, "320602", { organisations: [{ ref: "org", role: "TARGET" }] });
    await ingestDrafts(db, "hotline-d", "hotline_12345", [
      ["t1", [org({ name: "瑞丰物业公司", kind: "OTHER" }), ticket("t1")]],
    ]);
    await ingestDrafts(db, "civil-d", "civil_affairs", [
      [
        "s1",
        [
          org({
            name: "南通市瑞丰物业有限公司",
            uscc: "91320602MA1MY3K697",
            areaCode: "320602",
            status: "ACTIVE",
          }),
        ],
      ],
    ]);
    await ingestDrafts(db, "hotline-d", "hotline_12345", [
      ["t2", [org({ name: "瑞丰物业公司", kind: "OTHER" }), ticket("t2")]],
    ]);
    const found = await db.organisation.findMany({ where: { nameKey: { contains: "瑞丰物业" } } });
    expect(found.map((o) => [o.name, o.uscc, o.status])).toEqual([
      ["南通市瑞丰物业有限公司", "91320602MA1MY3K697", "ACTIVE"],
    ]);
  });
});
