// The sync engine and ingest against a department system over real HTTP (tests/support/housing.ts),
// so each failure mode can be switched on at will.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { JsonValue } from "../../connectors/contract.js";
import { recomputePersons } from "../../integration/resolution/canonical.js";
import { SyncEngine } from "../../integration/sync/engine.js";
import { createDb, type Db } from "../../prisma/db.js";
import {
  housingConnector,
  housingManifest as manifest,
  type Registration,
  registrations,
  startHousingSystem,
} from "../support/housing.js";
import { cloneTemplate } from "../support/pg.js";

let db: Db;
let url: string;
let drop: () => Promise<void>;
const closers: (() => Promise<void>)[] = [];
beforeAll(async () => {
  const database = await cloneTemplate(inject("pgAdminUrl"), inject("pgTemplate"));
  drop = database.drop;
  url = database.url;
  db = createDb({ url: database.url, poolMax: 4 });
});
afterAll(async () => {
  for (const c of closers) await c();
  await db?.$disconnect();
  await drop?.();
});

/** Each page the engine took again after losing a race with another writer. */
const retries: Record<string, unknown>[] = [];

async function setup(data: Registration[], id = manifest.id, writers?: number) {
  const system = await startHousingSystem(data);
  closers.push(system.close);
  const engine = new SyncEngine(db, {
    random: () => 0, // no waiting between retries in tests
    log: (message, fields) => {
      if (message.includes("lost a race")) retries.push({ ...fields });
    },
  });
  closers.push(() => engine.stop());
  const connector = housingConnector(system.url);
  const schedule = { ...manifest.schedule, ...(writers ? { writers } : {}) };
  const withId = { ...connector, manifest: { ...manifest, id, schedule } };
  await engine.register(withId, "BUILTIN");
  return { system, engine, id };
}

/**
 * Another writer (a connector's page beside ours, another hub instance) that has inserted the
 * person of a citizen ID and not committed yet. `commitOnceWaitedFor` commits once some
 * transaction waits for its row, as the page or statement under test must.
 */
async function otherWriterCreating(citizenId: string, name: string) {
  const other = new pg.Client({ connectionString: url });
  await other.connect();
  closers.push(() => other.end());
  const id = randomUUID();
  await other.query("BEGIN");
  await other.query(
    `INSERT INTO "Person" (id, "citizenId", "citizenIdValid", name, "updatedAt") VALUES ($1, $2, true, $3, now())`,
    [id, citizenId, name],
  );
  return {
    id,
    async commitOnceWaitedFor(): Promise<void> {
      for (let i = 0; ; i++) {
        const { rows } = await other.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'`,
        );
        if (rows[0]!.n > 0) break;
        if (i > 200) throw new Error("nothing waited for the other writer's row");
        await new Promise((r) => setTimeout(r, 25));
      }
      await other.query("COMMIT");
    },
  };
}

describe("a full sync", () => {
  it("ingests every record page by page, links the same person by ID, and re-sync adds nothing", async () => {
    const data = registrations(120);
    const { engine, id } = await setup(data, "housing-full");
    const first = await engine.run(id);
    expect(first).toMatchObject({
      outcome: "SUCCEEDED",
      pages: 5,
      ingested: 120,
      unchanged: 0,
      quarantined: 0,
    });

    const sources = await db.sourceRecord.count({ where: { connectorId: id } });
    const events = await db.event.count({ where: { kind: "GRID_REPORT" } });
    const tenants = new Set(data.map((r) => r.tenantId)).size;
    const persons = await db.person.count({ where: { citizenId: { in: data.map((r) => r.tenantId) } } });
    expect([sources, events, persons]).toEqual([120, 120, tenants]);

    // Every event knows its subject, and every person value says which record asserts it.
    const event = await db.event.findFirstOrThrow({
      where: { title: "出租登记 ZF00009" },
      include: { persons: { include: { person: true } } },
    });
    expect(event.persons[0]!.person.citizenId).toBe(data[8]!.tenantId);
    const links = await db.entitySource.findMany({ where: { entityId: event.persons[0]!.personId } });
    expect(links.map((l) => (l.values as { phone?: string }).phone).sort()).toEqual(
      [data[8]!.phone, data[9]!.phone].sort(),
    );

    // Re-sync from the start: the same versions are no-ops.
    await db.connector.update({ where: { id }, data: { cursor: null } });
    const again = await engine.run(id);
    expect(again).toMatchObject({ outcome: "SUCCEEDED", ingested: 0, unchanged: 120 });
    expect(await db.sourceRecord.count({ where: { connectorId: id } })).toBe(120);
    expect(await db.event.count({ where: { kind: "GRID_REPORT" } })).toBe(120);
    const status = await db.connector.findUniqueOrThrow({ where: { id } });
    expect(status).toMatchObject({
      health: "HEALTHY",
      recordsIngested: 120,
      recordsUnchanged: 120,
    });
  });

  it("takes a changed record as a new version of the same event, with a step on its timeline", async () => {
    const data = registrations(3, "CH");
    const { engine, id } = await setup(data, "housing-change");
    await engine.run(id);
    data[1]!.status = "核实";
    await db.connector.update({ where: { id }, data: { cursor: null } });
    const report = await engine.run(id);
    expect(report).toMatchObject({ ingested: 1, unchanged: 2 });
    const event = await db.event.findFirstOrThrow({
      where: { title: "出租登记 CH00001" },
      include: { steps: { orderBy: { at: "asc" } } },
    });
    expect(event.status).toBe("VERIFIED");
    expect(event.steps.map((s) => [s.fromStatus, s.toStatus])).toEqual([
      [null, "REPORTED"],
      ["REPORTED", "VERIFIED"],
    ]);
    expect(await db.sourceRecord.count({ where: { connectorId: id, sourceKey: "CH00001" } })).toBe(2);
  });
});

describe("two connectors at once", () => {
  it("both finish when their pages create the same persons at the same time", async () => {
    // two departments' systems naming the same tenants, synced side by side (as two hub instances,
    // or an instance with a concurrency above one, run them): a page that loses the race for a
    // citizen ID is taken again and links the person the other created
    const data = registrations(120, "ZC", 1000); // tenants no earlier test created
    const a = await setup(data, "housing-side-a");
    const b = await setup(data, "housing-side-b");
    retries.length = 0;
    const [ra, rb] = await Promise.all([a.engine.run(a.id), b.engine.run(b.id)]);
    expect([ra.outcome, rb.outcome]).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    // the page that waited for the other's citizen IDs took them in place: nothing taken again
    expect(retries.filter((r) => r.connector === a.id || r.connector === b.id)).toEqual([]);
    expect([ra.ingested, rb.ingested]).toEqual([120, 120]);
    const ids = [...new Set(data.map((r) => r.tenantId))];
    const persons = await db.person.findMany({ where: { citizenId: { in: ids } }, select: { id: true } });
    expect(persons).toHaveLength(ids.length);
    // each tenant's person holds both departments' records
    const links = await db.entitySource.groupBy({
      by: ["entityId"],
      where: { entityId: { in: persons.map((p) => p.id) }, entityType: "PERSON" },
      _count: true,
    });
    expect(links.every((l) => l._count >= 2)).toBe(true);
  });

  it("takes a person another writer is creating, once that writer commits, without taking the page again", async () => {
    // another writer (a connector's page, another instance) has inserted a tenant's citizen ID
    // and not yet committed: the page's insert of the same ID waits for it, then links that row
    const data = registrations(30, "ZW", 1200);
    const { engine, id } = await setup(data, "housing-waits");
    const other = await otherWriterCreating(data[3]!.tenantId, "他处所建");
    const theirs = other.id;
    retries.length = 0;
    const run = engine.run(id);
    await other.commitOnceWaitedFor(); // the page waits on the other's row, then goes on
    expect(await run).toMatchObject({ outcome: "SUCCEEDED", ingested: 30 });
    expect(retries).toEqual([]);
    const persons = await db.person.findMany({ where: { citizenId: data[3]!.tenantId } });
    expect(persons.map((p) => p.id)).toEqual([theirs]);
    // the record's claims are on that person, linked by its key, and its canonical name chosen again
    expect(persons[0]!.name).toBe(data[3]!.tenantName);
    const link = await db.entitySource.findFirstOrThrow({
      where: { entityType: "PERSON", sourceRecord: { connectorId: id, sourceKey: data[3]!.regNo } },
    });
    expect(link).toMatchObject({ entityId: theirs, method: "EXACT_KEY" });
    const events = await db.eventPerson.count({ where: { personId: theirs } });
    expect(events).toBe(1);
  });
});

describe("a connector's pages written side by side (schedule.writers)", () => {
  const keysOfPage = (data: Registration[], page: number) =>
    data
      .slice(page * manifest.schedule.pageSize, (page + 1) * manifest.schedule.pageSize)
      .map((r) => r.regNo);
  const storedOf = (id: string, keys: string[]) =>
    db.sourceRecord.count({ where: { connectorId: id, sourceKey: { in: keys } } });
  const cursorOf = async (id: string) => (await db.connector.findUniqueOrThrow({ where: { id } })).cursor;
  /** The database refuses one record (as a failing disk or constraint would); the undo. */
  const refuse = async (sourceKey: string) => {
    const name = `refuse_${sourceKey.toLowerCase()}`;
    await db.$executeRawUnsafe(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused %', NEW."sourceKey"; END $$`);
    await db.$executeRawUnsafe(`CREATE TRIGGER ${name} BEFORE INSERT ON "SourceRecord" FOR EACH ROW
      WHEN (NEW."sourceKey" = '${sourceKey}') EXECUTE FUNCTION ${name}()`);
    return async () => {
      await db.$executeRawUnsafe(`DROP TRIGGER ${name} ON "SourceRecord"`);
      await db.$executeRawUnsafe(`DROP FUNCTION ${name}()`);
    };
  };

  it("commits a later page while an earlier one waits, and moves the cursor past both only after both", async () => {
    const data = registrations(120, "ZP", 1400);
    const { engine, id } = await setup(data, "housing-writers", 2);
    // the first page waits for another writer's person; the second is written meanwhile
    const other = await otherWriterCreating(data[3]!.tenantId, "他处所建");
    const run = engine.run(id);
    const second = keysOfPage(data, 1);
    for (let i = 0; (await storedOf(id, second)) < second.length; i++) {
      if (i > 400) throw new Error("the second page was not written while the first waited");
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(await storedOf(id, keysOfPage(data, 0))).toBe(0);
    expect(await cursorOf(id)).toBeNull(); // not past the first page, which has not committed
    await other.commitOnceWaitedFor();
    expect(await run).toMatchObject({ outcome: "SUCCEEDED", pages: 5, served: 120, ingested: 120 });
    expect(await cursorOf(id)).toBe("120");
    expect(await db.sourceRecord.count({ where: { connectorId: id } })).toBe(120);
    // the first page linked the other writer's person; each tenant is one person
    const ids = [...new Set(data.map((r) => r.tenantId))];
    expect(await db.person.count({ where: { citizenId: { in: ids } } })).toBe(ids.length);
    await db.connector.update({ where: { id }, data: { cursor: null } });
    expect(await engine.run(id)).toMatchObject({ outcome: "SUCCEEDED", ingested: 0, unchanged: 120 });
  });

  it("stops the cursor before a page that failed, keeps the pages committed after it, and loses nothing", async () => {
    const data = registrations(120, "ZQ", 1550);
    const { engine, id } = await setup(data, "housing-writers-fail", 2);
    // the database refuses one record of the second page (as a failing disk or constraint would)
    const refused = keysOfPage(data, 1)[7]!;
    const allow = await refuse(refused);
    const failed = await engine.run(id);
    expect(failed.outcome).toBe("PARTIAL");
    expect(failed.error).toContain(`refused ${refused}`);
    // the third page was written beside the second and committed; the cursor stays after the first
    expect(await storedOf(id, keysOfPage(data, 1))).toBe(0);
    expect(await storedOf(id, keysOfPage(data, 2))).toBe(25);
    expect(await cursorOf(id)).toBe("25");
    expect(failed).toMatchObject({ pages: 2, served: 50, ingested: 50 });

    await allow();
    const resumed = await engine.run(id);
    // the second page taken again; the third found unchanged; the rest new
    expect(resumed).toMatchObject({ outcome: "SUCCEEDED", served: 95, ingested: 70, unchanged: 25 });
    expect(await db.sourceRecord.count({ where: { connectorId: id } })).toBe(120);
    expect(await cursorOf(id)).toBe("120");
    const row = await db.connector.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ recordsServed: 145, recordsIngested: 120, recordsUnchanged: 25 });
  });

  it("ends a run whose next-to-last page failed only once its last page has finished", async () => {
    const data = registrations(120, "ZR", 1650);
    // three writers: the last two pages are still open when the loop has fetched them all
    const { engine, id } = await setup(data, "housing-writers-last", 3);
    const allow = await refuse(keysOfPage(data, 3)[0]!);
    // the last page waits for another writer's person while the page before it fails
    const other = await otherWriterCreating(data[105]!.tenantId, "他处所建");
    const run = engine
      .run(id)
      .then(async (report) => ({ report, lastPage: await storedOf(id, keysOfPage(data, 4)) }));
    for (let i = 0; ; i++) {
      const [waiting] = await db.$queryRawUnsafe<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE NOT l.granted AND l.locktype = 'transactionid' AND a.datname = current_database()`,
      );
      if (waiting!.n > 0) break;
      if (i > 400) throw new Error("the last page did not wait for the other writer");
      await new Promise((r) => setTimeout(r, 25));
    }
    await new Promise((r) => setTimeout(r, 1000)); // the refused page has failed by now
    await other.commitOnceWaitedFor();
    const { report, lastPage } = await run;
    expect(report).toMatchObject({ outcome: "PARTIAL", pages: 4, served: 95 });
    // when the run ended (and let go of the connector), its last page had committed
    expect(lastPage).toBe(20);
    expect(await cursorOf(id)).toBe("75");
    await allow();
  });
});

describe("a citizen ID two writers give at once", () => {
  it("stays with the person another writer created, and the person known without it keeps none", async () => {
    // a record linked to a person known without an ID gives that person the citizen ID X, while
    // another writer (the registry's first load beside it) is creating the person of X
    const [tenant] = registrations(1, "ZK", 1300);
    const x = tenant!.tenantId;
    await db.department.upsert({
      where: { code: "housing" },
      create: { code: "housing", name: "市住建局" },
      update: {},
    });
    const idless = await db.person.create({ data: { name: "租户甲" } });
    const record = await db.sourceRecord.create({
      data: {
        connectorId: "housing-claims",
        departmentCode: "housing",
        sourceKey: "ZK1",
        payload: {},
        payloadHash: "h1",
      },
    });
    await db.entitySource.create({
      data: {
        sourceRecordId: record.id,
        ref: "tenant",
        entityType: "PERSON",
        entityId: idless.id,
        method: "PROBABILISTIC",
        values: { citizenId: x, name: "租户甲", phone: "13900001300" },
      },
    });
    const other = await otherWriterCreating(x, "租户甲");
    const recompute = db.$transaction((tx) => recomputePersons(tx, [idless.id]));
    await other.commitOnceWaitedFor();
    await recompute;
    const after = await db.person.findUniqueOrThrow({ where: { id: idless.id } });
    // the rest of the claim is taken; the ID stays with its holder (the resolution pass decides
    // whether the two are one)
    expect(after).toMatchObject({ citizenId: null, citizenIdValid: false, phone: "13900001300" });
    expect(await db.person.count({ where: { citizenId: x } })).toBe(1);
  });
});

describe("records that cannot be ingested", () => {
  it("are quarantined with their reason and field, once, and nothing else is lost", async () => {
    const data = registrations(10);
    data[2]!.registeredAt = null;
    data[5]!.gridCode = "320699001001001";
    const { engine, id } = await setup(data, "housing-bad");
    expect(await engine.run(id)).toMatchObject({ ingested: 8, quarantined: 2 });
    const q = await db.quarantinedRecord.findMany({
      where: { connectorId: id },
      orderBy: { sourceKey: "asc" },
    });
    expect(q.map((r) => [r.sourceKey, r.reasonCode, r.field])).toEqual([
      ["ZF00002", "MISSING_FIELD", "registeredAt"],
      ["ZF00005", "UNKNOWN_AREA", "areaCode"],
    ]);
    expect(q[1]!.message).toContain("320699001001001");
    expect(q[0]!.payload).toMatchObject({ regNo: "ZF00002", tenantName: "租户2" }); // kept whole

    await db.connector.update({ where: { id }, data: { cursor: null } });
    expect(await engine.run(id)).toMatchObject({ ingested: 0, quarantined: 0, unchanged: 10 });

    // The source fixes the record: the new version is ingested and the quarantine entry resolved.
    data[2]!.registeredAt = "2026-02-01T00:00:00.000Z";
    await db.connector.update({ where: { id }, data: { cursor: null } });
    expect(await engine.run(id)).toMatchObject({ ingested: 1 });
    const fixed = await db.quarantinedRecord.findFirstOrThrow({
      where: { connectorId: id, sourceKey: "ZF00002" },
    });
    expect(fixed.resolvedAt).not.toBeNull();
  });
});

describe("a failing source", () => {
  it.each(["error500", "garbage"] as const)(
    "(%s) degrades, then goes DOWN, and recovers when it answers",
    async (fault) => {
      const { engine, id, system } = await setup(registrations(30), `housing-${fault}`);
      system.state.fault = fault;
      const healths: string[] = [];
      for (let i = 0; i < 3; i++) {
        const report = await engine.run(id);
        expect(report.outcome).toBe("FAILED");
        healths.push((await db.connector.findUniqueOrThrow({ where: { id } })).health);
      }
      expect(healths).toEqual(["DEGRADED", "DEGRADED", "DOWN"]);
      const requests = system.state.requests;
      expect(await engine.run(id)).toMatchObject({ outcome: "SKIPPED", skipped: "CIRCUIT_OPEN" });
      expect(system.state.requests).toBe(requests); // an open circuit spares the source

      // Half-open after the open period: one trial run, which succeeds now.
      system.state.fault = "none";
      await db.connector.update({ where: { id }, data: { circuitOpenUntil: new Date(Date.now() - 1) } });
      expect(await engine.run(id)).toMatchObject({ outcome: "SUCCEEDED", ingested: 30 });
      expect(await db.connector.findUniqueOrThrow({ where: { id } })).toMatchObject({
        health: "HEALTHY",
        consecutiveFailures: 0,
      });
    },
  );

  it("retries a page before failing the run", async () => {
    const { engine, id, system } = await setup(registrations(5), "housing-retry");
    system.state.fault = "error500";
    await engine.run(id);
    expect(system.state.requests).toBe(4); // RETRY_POLICY.maxAttempts
    const row = await db.connector.findUniqueOrThrow({ where: { id } });
    expect(row.lastError).toContain("HTTP 500");
  });
});

describe("webhook pushes", () => {
  it("are taken in once per delivery, however often they are delivered", async () => {
    const { engine, id } = await setup([], "housing-push");
    const [registration] = registrations(1);
    const body = {
      deliveryId: "d-1",
      registration: { ...registration!, regNo: "ZF-PUSH-1" },
    } as unknown as JsonValue;
    const parsed = engine.connector(id)!.parsePush!(body);
    const first = await engine.ingestPush(id, parsed.deliveryId, parsed.records);
    const second = await engine.ingestPush(id, parsed.deliveryId, parsed.records);
    expect(first).toMatchObject({ duplicate: false, ingested: 1 });
    expect(second).toEqual({ duplicate: true });
    expect(await db.sourceRecord.count({ where: { connectorId: id } })).toBe(1);
  });
});
