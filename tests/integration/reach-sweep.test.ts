// The jurisdiction tables under concurrent link changes: two transactions changing one person's
// addresses at the same moment leave a PersonReach row that no path justifies (each trigger
// refreshes the person from its own snapshot); the reach sweep removes it, adds a row that is
// missing, and changes nothing on a consistent graph. Real PostgreSQL, two real connections.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { sweepReach } from "../../integration/reach.js";
import { createDb, type Db } from "../../prisma/db.js";
import { cloneTemplate } from "../support/pg.js";

let db: Db;
let other: Db;
let drop: () => Promise<void>;
/** Two communities, one address in each, one person. */
let areaX: string;
let areaY: string;
let addressX: string;
let addressY: string;
let person: string;

const reachOf = async (id: string) =>
  (
    await db.$queryRawUnsafe<{ areaId: string }[]>(
      `SELECT "areaId"::text AS "areaId" FROM "PersonReach" WHERE "personId" = $1::uuid ORDER BY 1`,
      id,
    )
  ).map((r) => r.areaId);

beforeAll(async () => {
  const database = await cloneTemplate(inject("pgAdminUrl"), inject("pgTemplate"));
  drop = database.drop;
  db = createDb({ url: database.url, poolMax: 4 });
  other = createDb({ url: database.url, poolMax: 2 });
  const areas = await db.area.findMany({ where: { level: "COMMUNITY" }, orderBy: { code: "asc" }, take: 2 });
  [areaX, areaY] = [areas[0]!.id, areas[1]!.id];
  const address = (areaId: string, text: string) =>
    db.address.create({ data: { areaId, fullText: text, addressKey: `reach-sweep:${text}` } });
  addressX = (await address(areaX, "青年路1号101室")).id;
  addressY = (await address(areaY, "人民路2号202室")).id;
  person = (await db.person.create({ data: { name: "周敏" } })).id;
  await db.personAddress.create({ data: { personId: person, addressId: addressX, kind: "RESIDENT" } });
});
afterAll(async () => {
  await other?.$disconnect();
  await db?.$disconnect();
  await drop?.();
});

describe("the reach sweep", () => {
  it("changes nothing where the triggers kept the tables right (positive control)", async () => {
    expect(await reachOf(person)).toEqual([areaX]);
    expect(await sweepReach(db)).toEqual({
      persons: { removed: 0, added: 0 },
      organisations: { removed: 0, added: 0 },
    });
    expect(await reachOf(person)).toEqual([areaX]);
  });

  it("removes the row two concurrent link changes left behind", async () => {
    // T1 moves the person out of X; T2, at the same moment, adds an address in Y. T2's refresh
    // still sees the X link (T1 has not committed), waits on the X row T1 deleted, and re-inserts it.
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let deleted!: () => void;
    const t1Deleted = new Promise<void>((r) => {
      deleted = r;
    });
    const t1 = db.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe(
          `DELETE FROM "PersonAddress" WHERE "personId" = $1::uuid AND "addressId" = $2::uuid`,
          person,
          addressX,
        );
        deleted();
        await held;
      },
      { timeout: 30_000 },
    );
    await t1Deleted;
    const t2 = other.$transaction(
      (tx) =>
        tx.$executeRawUnsafe(
          `INSERT INTO "PersonAddress" ("personId", "addressId", kind) VALUES ($1::uuid, $2::uuid, 'RESIDENT')`,
          person,
          addressY,
        ),
      { timeout: 30_000 },
    );
    // wait (bounded) until T2 waits for T1's lock
    for (let i = 0; i < 200; i++) {
      const [w] = await db.$queryRawUnsafe<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      if (w!.n > 0) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    release();
    await t1;
    await t2;
    // the person lives in Y only, yet X is still in their reach: the race the sweep is for
    expect(await reachOf(person)).toEqual([areaX, areaY].sort());

    const swept = await sweepReach(db);
    expect(swept.persons).toEqual({ removed: 1, added: 0 });
    expect(await reachOf(person)).toEqual([areaY]);
  });

  it("adds a row that is missing", async () => {
    await db.$executeRawUnsafe(`DELETE FROM "PersonReach" WHERE "personId" = $1::uuid`, person);
    expect(await reachOf(person)).toEqual([]);
    expect((await sweepReach(db)).persons).toEqual({ removed: 0, added: 1 });
    expect(await reachOf(person)).toEqual([areaY]);
  });
});

describe("the reach triggers on insert", () => {
  // An INSERT only adds paths: each link table's trigger adds what the view's branches through
  // that table say for the elements it names. The sweep finding nothing to add or remove after
  // one statement of each kind is the check that every branch was added, and no other.
  const orgReachOf = async (id: string) =>
    (
      await db.$queryRawUnsafe<{ areaId: string }[]>(
        `SELECT "areaId"::text AS "areaId" FROM "OrganisationReach" WHERE "organisationId" = $1::uuid ORDER BY 1`,
        id,
      )
    ).map((r) => r.areaId);

  it("adds each link's areas, for several elements in one statement, and nothing the views do not say", async () => {
    const areas = await db.area.findMany({
      where: { level: "COMMUNITY" },
      orderBy: { code: "asc" },
      take: 5,
    });
    const [a1, a2, a3, a4, a5] = areas.map((a) => a.id) as [string, string, string, string, string];
    const home = (
      await db.address.create({ data: { areaId: a1, fullText: "和平路3号", addressKey: "reach-insert:1" } })
    ).id;
    const seat = (
      await db.address.create({ data: { areaId: a2, fullText: "工农路8号", addressKey: "reach-insert:2" } })
    ).id;
    const [p1, p2] = [
      (await db.person.create({ data: { name: "陈红" } })).id,
      (await db.person.create({ data: { name: "陈军" } })).id,
    ];
    // a new organisation reaches its area and its address's area (its insert trigger)
    const org = (
      await db.organisation.create({ data: { name: "南通恒通建材有限公司", areaId: a3, addressId: seat } })
    ).id;
    expect(await orgReachOf(org)).toEqual([a2, a3].sort());
    const event = (
      await db.event.create({
        data: {
          kind: "DISPUTE",
          title: "邻里纠纷",
          occurredAt: new Date(),
          reportedAt: new Date(),
          areaId: a4,
        },
      })
    ).id;
    const insert = (table: string, columns: string, values: string) =>
      db.$executeRawUnsafe(`INSERT INTO "${table}" (${columns}) VALUES ${values}`);
    await insert(
      "PersonAddress",
      `"personId", "addressId", kind`,
      `('${p1}', '${home}', 'RESIDENT'), ('${p2}', '${home}', 'RESIDENT')`,
    );
    expect([await reachOf(p1), await reachOf(p2)]).toEqual([[a1], [a1]]);
    await insert(
      "EventPerson",
      `"eventId", "personId", role`,
      `('${event}', '${p1}', 'PARTY'), ('${event}', '${p2}', 'PARTY')`,
    );
    expect([await reachOf(p1), await reachOf(p2)]).toEqual([[a1, a4].sort(), [a1, a4].sort()]);
    await insert("PersonPost", `"personId", "areaId", role`, `('${p2}', '${a5}', 'GRID_WORKER')`);
    expect(await reachOf(p2)).toEqual([a1, a4, a5].sort());
    // a member reaches the organisation's area and its address's area
    await insert(
      "PersonOrganisation",
      `"personId", "organisationId", role`,
      `('${p1}', '${org}', 'LEGAL_REPRESENTATIVE')`,
    );
    expect(await reachOf(p1)).toEqual([a1, a2, a3, a4].sort());
    await insert("EventOrganisation", `"eventId", "organisationId", role`, `('${event}', '${org}', 'PARTY')`);
    expect(await orgReachOf(org)).toEqual([a2, a3, a4].sort());
    // the person who took no part in any of it reaches nothing new
    expect(await reachOf(person)).toEqual([areaY]);
    expect(await sweepReach(db)).toEqual({
      persons: { removed: 0, added: 0 },
      organisations: { removed: 0, added: 0 },
    });
  });
});
