// The gazetteer finds a text's standard address by its door plate's stored key (Address.doorKey):
// a registry keyed before the column existed, or under another version of the key, is not found
// until the hub re-keys it at start (rekeyStandardAddresses), and is found after; keying is
// idempotent. Real PostgreSQL.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  DOOR_KEY_VERSION,
  locateAll,
  rekeyStandardAddresses,
  storedDoorKey,
} from "../../integration/gazetteer.js";
import { createDb, type Db } from "../../prisma/db.js";
import { buildDemoAreaTree } from "../../sandbox/city/areas.js";
import { cloneTemplate } from "../support/pg.js";

const tree = buildDemoAreaTree();
const street = tree.find((a) => a.name === "和平桥街道" && a.level === "STREET")!;
const community = tree.find((a) => a.parentCode === street.code && a.level === "COMMUNITY")!;
const grid = tree.find((a) => a.parentCode === community.code && a.level === "GRID")!;
const STANDARD = `江苏省南通市崇川区和平桥街道${community.name}工农路12号虹桥新村3幢1单元501室`;
/** The same home as a department types it: full-width digits, 栋, no 室. */
const TYPED = `崇川区和平桥街道${community.name}工农路１２号３栋１单元５０１`;

let db: Db;
let drop: () => Promise<void>;
let standardId: string;

const found = async (text: string) =>
  (await db.$transaction((tx) => locateAll(tx, [text]))).get(text)?.address?.id ?? null;
const doorKeyOf = async (id: string) =>
  (await db.address.findUniqueOrThrow({ where: { id }, select: { doorKey: true } })).doorKey;

beforeAll(async () => {
  const database = await cloneTemplate(inject("pgAdminUrl"), inject("pgTemplate"));
  drop = database.drop;
  db = createDb({ url: database.url, poolMax: 2 });
  const area = await db.area.findUniqueOrThrow({ where: { code: grid.code } });
  // a registry from before the key: no doorKey
  standardId = (
    await db.address.create({ data: { areaId: area.id, fullText: STANDARD, addressKey: "door-key:1" } })
  ).id;
  await db.address.create({ data: { areaId: area.id, fullText: "工农路", addressKey: "door-key:2" } });
});
afterAll(async () => {
  await db?.$disconnect();
  await drop?.();
});

describe("the standard addresses' door-plate key", () => {
  it("is what the gazetteer looks a text up by: an unkeyed address is not found, a keyed one is", async () => {
    expect(await found(TYPED)).toBeNull();
    expect(await rekeyStandardAddresses(db)).toBeGreaterThanOrEqual(2);
    expect(await doorKeyOf(standardId)).toBe(storedDoorKey(STANDARD));
    expect(storedDoorKey(STANDARD)).toMatch(new RegExp(`^${DOOR_KEY_VERSION}:.+`));
    expect(await found(TYPED)).toBe(standardId);
  });

  it("keeps a text without a door plate keyed by the version alone, and re-keys nothing twice", async () => {
    expect(storedDoorKey("工农路")).toBe(`${DOOR_KEY_VERSION}:`);
    expect(await rekeyStandardAddresses(db)).toBe(0);
  });

  it("re-keys an address keyed under another version, which is not found until then", async () => {
    await db.address.update({
      where: { id: standardId },
      data: { doorKey: `${DOOR_KEY_VERSION + 1}:stale` },
    });
    expect(await found(TYPED)).toBeNull();
    expect(await rekeyStandardAddresses(db)).toBe(1);
    expect(await found(TYPED)).toBe(standardId);
  });
});
