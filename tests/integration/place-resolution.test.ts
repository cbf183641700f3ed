// Places across the silos, through the real ingest: two villages of one name in two towns stay two
// places; a civil-affairs address that leaves out the road, door and unit joins the standard
// address the population registry gives for the same citizen (explained by a link of its record
// and a data-quality note), and stays apart when the person is not known there, or is known at two
// homes it could be.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ElementDraft } from "../../connectors/contract.js";
import { createDb, type Db } from "../../prisma/db.js";
import { buildDemoAreaTree } from "../../sandbox/city/areas.js";
import { citizenId, ingestDrafts, personDraft } from "../support/drafts.js";
import { cloneTemplate } from "../support/pg.js";

const tree = buildDemoAreaTree();
const byName = (name: string, level: string, under?: string) =>
  tree.find((a) => a.name === name && a.level === level && (!under || a.parentCode === under))!;
const gridOf = (community: { code: string }) =>
  tree.find((a) => a.parentCode === community.code && a.level === "GRID")!;

// two towns of one district, each with a village of the same name
const villages = (() => {
  const byVillage = new Map<string, typeof tree>();
  for (const c of tree.filter((a) => a.level === "COMMUNITY" && a.name.endsWith("村"))) {
    const town = tree.find((t) => t.code === c.parentCode)!;
    const key = `${town.parentCode}:${c.name}`;
    byVillage.set(key, [...(byVillage.get(key) ?? []), c]);
  }
  const [twins] = [...byVillage.values()].filter((v) => v.length > 1);
  return twins!.slice(0, 2);
})();
const townOf = (c: { parentCode: string | null }) => tree.find((t) => t.code === c.parentCode)!;
const districtOf = (c: { parentCode: string | null }) => tree.find((t) => t.code === townOf(c).parentCode)!;
const villageText = (c: (typeof tree)[number]) =>
  `江苏省南通市${districtOf(c).name}${townOf(c).name}${c.name}3组12号`;

const street = byName("和平桥街道", "STREET");
const [community] = tree.filter((a) => a.parentCode === street.code && a.level === "COMMUNITY");
const PLATE = (unit: number, room = 501) => `人民路12号阳光花园3幢${unit}单元${room}室`;
const registry = (unit: number, room?: number) =>
  `江苏省南通市崇川区和平桥街道${community!.name}${PLATE(unit, room)}`;
/** How civil affairs writes it: the community and compound, no road, door or unit. */
const CIVIL = `崇川区和平桥街道${community!.name}阳光花园3幢501室`;

// the same compound name at the same road and door number, in a community of another street
const otherStreet = byName("城东街道", "STREET");
const [elsewhere] = tree.filter((a) => a.parentCode === otherStreet.code && a.level === "COMMUNITY");
const ELSEWHERE = `江苏省南通市崇川区城东街道${elsewhere!.name}${PLATE(1)}`;
const WU = citizenId("32060219800101444");

const CHEN = citizenId("32060219800101111");
const LIN = citizenId("32060219800101222");
const ZHOU = citizenId("32060219800101333");

let db: Db;
let drop: () => Promise<void>;

const address = (ref: string, text: string, areaCode: string) =>
  ({ element: "ADDRESS", ref, text, areaCode }) as ElementDraft;
const registered = (text: string, areaCode?: string) => [
  { kind: "REGISTERED" as const, text, ...(areaCode ? { areaCode } : {}) },
];

beforeAll(async () => {
  const database = await cloneTemplate(inject("pgAdminUrl"), inject("pgTemplate"));
  drop = database.drop;
  db = createDb({ url: database.url, poolMax: 4 });
  // the grid's standard addresses: the two villages' 3组12号, and rooms 501 of units 1 and 2
  await ingestDrafts(db, "grid-places", "grid", [
    ["v1", [address("address", villageText(villages[0]!), gridOf(villages[0]!).code)]],
    ["v2", [address("address", villageText(villages[1]!), gridOf(villages[1]!).code)]],
    ["u1", [address("address", registry(1), gridOf(community!).code)]],
    ["u2", [address("address", registry(2), gridOf(community!).code)]],
    ["e1", [address("address", ELSEWHERE, gridOf(elsewhere!).code)]],
  ]);
  // the population registry: 陈 registered in unit 1; 周 known at units 1 and 2 (moved within the building)
  const population = (text: string) => `江苏省南通市崇川区${text}`;
  await ingestDrafts(db, "population-places", "public_security", [
    [
      "p1",
      [
        personDraft("person", {
          citizenId: CHEN,
          name: "陈平",
          addresses: registered(population(PLATE(1)), community!.code),
        }),
      ],
    ],
    // 吴 lives at the look-alike: the registry writes neither street nor community, only its code
    [
      "p3",
      [
        personDraft("person", {
          citizenId: WU,
          name: "吴刚",
          addresses: registered(population(PLATE(1)), elsewhere!.code),
        }),
      ],
    ],
    [
      "p2",
      [
        personDraft("person", {
          citizenId: ZHOU,
          name: "周红",
          addresses: [
            { kind: "REGISTERED", text: population(PLATE(1)), areaCode: community!.code },
            { kind: "RESIDENT", text: population(PLATE(2)), areaCode: community!.code },
          ],
        }),
      ],
    ],
  ]);
  // civil affairs: the same civil text for 陈 (known), 林 (not known anywhere) and 周 (known at two)
  await ingestDrafts(db, "civil-places", "civil_affairs", [
    [
      "c1",
      [
        personDraft("person", {
          citizenId: CHEN,
          name: "陈平",
          addresses: registered(CIVIL, community!.code),
        }),
      ],
    ],
    [
      "c2",
      [
        personDraft("person", {
          citizenId: LIN,
          name: "林芳",
          addresses: registered(CIVIL, community!.code),
        }),
      ],
    ],
    [
      "c3",
      [
        personDraft("person", {
          citizenId: ZHOU,
          name: "周红",
          addresses: registered(CIVIL, community!.code),
        }),
      ],
    ],
  ]);
});
afterAll(async () => {
  await db?.$disconnect();
  await drop?.();
});

const homesOf = async (citizen: string) =>
  (
    await db.personAddress.findMany({
      where: { person: { citizenId: citizen }, kind: "REGISTERED" },
      include: { address: true },
    })
  ).map((pa) => pa.address.fullText);

describe("places across the silos", () => {
  it("keeps two villages of one name in two towns apart", async () => {
    expect(townOf(villages[0]!).code).not.toBe(townOf(villages[1]!).code);
    const rows = await db.address.findMany({
      where: { fullText: { in: villages.map(villageText) } },
      include: { area: true },
    });
    expect(rows.map((r) => r.area.code).sort()).toEqual(villages.map((v) => gridOf(v).code).sort());
  });

  it("keeps one door plate in two communities apart, and a text with a community code at its own", async () => {
    const [here, there] = await Promise.all(
      [registry(1), ELSEWHERE].map((t) => db.address.findFirstOrThrow({ where: { fullText: t } })),
    );
    expect(here!.id).not.toBe(there!.id);
    expect(await homesOf(WU)).toEqual([ELSEWHERE]);
    expect(await homesOf(CHEN)).toEqual([registry(1)]);
    const link = await db.entitySource.findFirstOrThrow({
      where: { ref: "person.address.REGISTERED", sourceRecord: { sourceKey: "p3" } },
    });
    expect(link).toMatchObject({ entityType: "ADDRESS", entityId: there!.id, method: "COMMUNITY_KEY" });
  });

  it("puts a civil-affairs address at the standard address the registry gives for the same citizen", async () => {
    expect(await homesOf(CHEN)).toEqual([registry(1)]);
    const link = await db.entitySource.findFirstOrThrow({
      where: { ref: "person.address.REGISTERED", sourceRecord: { sourceKey: "c1" } },
    });
    const unit1 = await db.address.findFirstOrThrow({ where: { fullText: registry(1) } });
    expect(link).toMatchObject({ entityType: "ADDRESS", entityId: unit1.id, method: "PERSON_ADDRESS" });
    const note = await db.dataQualityIssue.findFirstOrThrow({
      where: { sourceKey: "c1", code: "ADDRESS_FROM_PERSON" },
    });
    expect(note.message).toContain(registry(1));
    expect(note.message).toContain("单元");
  });

  it("leaves it apart where the person is not known, or is known at two homes it could be", async () => {
    const unit = await db.address.findMany({ where: { fullText: { in: [registry(1), registry(2)] } } });
    expect(unit).toHaveLength(2);
    const civil = await db.address.findFirstOrThrow({ where: { fullText: CIVIL } });
    expect(unit.map((u) => u.id)).not.toContain(civil.id);
    expect(await homesOf(LIN)).toEqual([CIVIL]);
    // 周: units 1 and 2 both agree with "3幢501室": not sure which, so the text's own address
    expect((await homesOf(ZHOU)).sort()).toEqual([CIVIL, registry(1)].sort());
    expect(
      await db.dataQualityIssue.count({
        where: { sourceKey: { in: ["c2", "c3"] }, code: "ADDRESS_FROM_PERSON" },
      }),
    ).toBe(0);
  });
});
