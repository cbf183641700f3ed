// The resolution pass is incremental: it keeps a watermark (a snapshot) and looks only at
// the mentions changed since its last run and those a changed registered person could now match.
// A second pass over an unchanged graph looks at none; a re-synced record is looked at alone; a
// mention that a later registry record makes matchable is merged although it did not change; a
// transaction that commits after a pass began is not skipped; the watermark outlives the process;
// one pass at a time holds it. Real PostgreSQL and the real ingest.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { resolvePending } from "../../integration/resolution/pass.js";
import { ResolutionScheduler } from "../../integration/resolution/scheduler.js";
import { createDb, type Db } from "../../prisma/db.js";
import { citizenId, ingestDrafts, personDraft, twoCommunities, workOrderDraft } from "../support/drafts.js";
import { cloneTemplate } from "../support/pg.js";

let url: string;
let db: Db;
let drop: () => Promise<void>;
const clients: Db[] = [];
/** Two communities of different streets. */
let near: string;
let far: string;

const home = (areaCode: string, room: string) => [
  { kind: "RESIDENT" as const, text: `崇川区和平桥街道青年路${room}室`, areaCode },
];
const resident = (key: string, id: string, name: string, areaCode: string, room: string) =>
  [key, [personDraft("person", { citizenId: citizenId(id), name, addresses: home(areaCode, room) })]] as [
    string,
    ReturnType<typeof personDraft>[],
  ];
/** A 12345 work order whose caller gave a name only. */
const call = (key: string, caller: string, areaCode: string) =>
  [key, [personDraft("caller", { name: caller }), workOrderDraft(key, "caller", areaCode)]] as [
    string,
    ReturnType<typeof personDraft>[],
  ];

const callerOf = async (key: string) =>
  (
    await db.entitySource.findFirstOrThrow({
      where: { ref: "caller", sourceRecord: { connectorId: "hotline", sourceKey: key } },
    })
  ).entityId;
const registered = async (first17: string) =>
  (await db.person.findUniqueOrThrow({ where: { citizenId: citizenId(first17) } })).id;
const position = async () =>
  (await db.resolutionWatermark.findUniqueOrThrow({ where: { id: "PERSON" } })).position;
const snapshot = async () =>
  (await db.resolutionWatermark.findUniqueOrThrow({ where: { id: "PERSON" } })).snapshot;
/**
 * Whether the watermark's snapshot saw the person row's last write. Not a comparison with the
 * position (the snapshot's xmin): a transaction open elsewhere on the server, another test's under
 * load, holds the xmin back while the pass moves on.
 */
const seenByWatermark = async (personId: string) => {
  const [row] = await db.$queryRawUnsafe<{ seen: boolean }[]>(
    `SELECT pg_visible_in_snapshot(p."changedXid"::text::xid8, w.snapshot::pg_snapshot) AS seen
     FROM "Person" p, "ResolutionWatermark" w WHERE p.id = $1::uuid AND w.id = 'PERSON'`,
    personId,
  );
  return row!.seen;
};
const mentionCount = () => db.person.count({ where: { citizenId: null } });
/** Wait (bounded) until the condition holds. */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await condition()); i++) await new Promise((r) => setTimeout(r, 25));
}

beforeAll(async () => {
  const database = await cloneTemplate(inject("pgAdminUrl"), inject("pgTemplate"));
  url = database.url;
  drop = database.drop;
  db = createDb({ url, poolMax: 4 });
  ({ near, far } = await twoCommunities(db));
  await ingestDrafts(db, "population", "public_security", [
    resident("R1", "32060219850202224", "李静", near, "2号202"),
    resident("R2", "32060219790404442", "王芳", far, "6号606"),
    resident("R3", "32060219810505444", "王芳", far, "7号707"),
  ]);
  await ingestDrafts(db, "hotline", "hotline_12345", [
    call("T1", "李静", near), // the one 李静: merged by the first pass
    call("T2", "王芳", near), // two adult 王芳, nothing tells them apart: stays
    call("T3", "陈晨", near), // nobody of that name is registered: stays
    call("T4", "刘洋", near), // registered later
  ]);
});
afterAll(async () => {
  for (const c of clients) await c.$disconnect();
  await db?.$disconnect();
  await drop?.();
});

describe("the incremental resolution pass", () => {
  it("looks at every mention the first time, and at none when nothing changed since", async () => {
    const first = await resolvePending(db);
    expect(first).toMatchObject({ full: true, busy: false, mentions: 4, merged: 1 });
    expect(await callerOf("T1")).toBe(await registered("32060219850202224"));
    expect(await position()).toBeGreaterThan(0n);

    const second = await resolvePending(db);
    expect(second).toMatchObject({ full: false, busy: false, mentions: 0, registryChanged: 0, merged: 0 });
    // control: a full pass, as an operator runs it, looks at the three mentions still standing
    expect(await mentionCount()).toBe(3);
    expect(await resolvePending(db, { full: true })).toMatchObject({ full: true, mentions: 3, merged: 0 });
    expect(await resolvePending(db)).toMatchObject({ mentions: 0 });
  });

  it("looks only at what a re-synced, changed record touches", async () => {
    // 陈晨 calls again about the same work order, now placed in another community
    await ingestDrafts(db, "hotline", "hotline_12345", [call("T3", "陈晨", far)]);
    const outcome = await resolvePending(db);
    expect(outcome).toMatchObject({ full: false, mentions: 1, registryChanged: 0, merged: 0 });
    expect(await mentionCount()).toBe(3);
  });

  it("merges a mention that a registry record arriving later makes matchable, though it did not change", async () => {
    const caller = await callerOf("T4");
    expect(await seenByWatermark(caller)).toBe(true);

    await ingestDrafts(db, "population", "public_security", [
      resident("R4", "32060219900606556", "刘洋", near, "9号909"),
    ]);
    const outcome = await resolvePending(db);
    // the new resident's name block: 刘洋 the caller, and no other mention
    expect(outcome).toMatchObject({ full: false, registryChanged: 1, mentions: 1, merged: 1 });
    expect(await callerOf("T4")).toBe(await registered("32060219900606556"));
    // its own row was not touched: the registry change is what brought it in
    expect(await db.person.findUnique({ where: { id: caller } })).toBeNull();
  });

  it("does not skip a transaction that began before a pass and committed after it", async () => {
    const wang = await callerOf("T2");
    const other = createDb({ url, poolMax: 2 });
    clients.push(other);
    let during: Awaited<ReturnType<typeof resolvePending>> | null = null;
    await other.$transaction(async (tx) => {
      // a sync re-writing 王芳 the caller, still open while a pass runs
      await tx.$executeRawUnsafe(`UPDATE "Person" SET "updatedAt" = now() WHERE id = $1::uuid`, wang);
      during = await resolvePending(db);
    });
    expect(during).toMatchObject({ busy: false, mentions: 0 });
    expect(await resolvePending(db)).toMatchObject({ mentions: 1, merged: 0 });
    expect(await resolvePending(db)).toMatchObject({ mentions: 0 });
  });

  it("looks again at nothing a pass saw while a transaction elsewhere stays open", async () => {
    const other = createDb({ url, poolMax: 2 });
    clients.push(other);
    const passes: Awaited<ReturnType<typeof resolvePending>>[] = [];
    await other.$transaction(
      async (tx) => {
        // an idle transaction holding an xid: the server's oldest running transaction stays below
        // everything that follows (as one in another database of the same server does)
        await tx.$queryRawUnsafe(`SELECT pg_current_xact_id()::text`);
        await ingestDrafts(db, "hotline", "hotline_12345", [call("T5", "赵敏", near)]);
        passes.push(await resolvePending(db), await resolvePending(db));
      },
      { timeout: 120_000 },
    );
    expect(passes[0]).toMatchObject({ full: false, mentions: 1 }); // the new caller
    expect(passes[1]).toMatchObject({ full: false, mentions: 0 });
  });

  it("keeps its watermark across a restart: a new process looks at nothing unchanged", async () => {
    const mark = await position();
    const restarted = createDb({ url, poolMax: 2 });
    clients.push(restarted);
    expect(await resolvePending(restarted)).toMatchObject({ full: false, mentions: 0 });
    expect(await position()).toBeGreaterThanOrEqual(mark);
  });

  it("is run by one pass at a time: a held lease makes another pass wait its turn, an expired one does not", async () => {
    const mark = await snapshot();
    await db.resolutionWatermark.update({
      where: { id: "PERSON" },
      data: { runner: "another-instance", leasedUntil: new Date(Date.now() + 60_000) },
    });
    await ingestDrafts(db, "hotline", "hotline_12345", [call("T5", "陈晨", near)]);
    expect(await resolvePending(db)).toMatchObject({ busy: true, mentions: 0 });
    expect(await snapshot()).toBe(mark);
    expect(await seenByWatermark(await callerOf("T5"))).toBe(false);

    // the other instance died: its lease runs out and the next pass takes it
    await db.resolutionWatermark.update({
      where: { id: "PERSON" },
      data: { leasedUntil: new Date(Date.now() - 1000) },
    });
    const outcome = await resolvePending(db);
    expect(outcome).toMatchObject({ busy: false, mentions: 1 });
    expect(await snapshot()).not.toBe(mark);
    expect(await seenByWatermark(await callerOf("T5"))).toBe(true);
    expect(await db.resolutionWatermark.findUniqueOrThrow({ where: { id: "PERSON" } })).toMatchObject({
      runner: null,
      leasedUntil: null,
    });
  });

  it("has a hub's scheduler pass again once another instance's pass gave the watermark back", async () => {
    await db.resolutionWatermark.update({
      where: { id: "PERSON" },
      data: { runner: "another-instance", leasedUntil: new Date(Date.now() + 60_000) },
    });
    await ingestDrafts(db, "hotline", "hotline_12345", [call("T6", "陈晨", far)]);
    const messages: string[] = [];
    const scheduler = new ResolutionScheduler(db, { delayMs: 20, log: (m) => messages.push(m) });
    scheduler.request();
    await until(() => messages.some((m) => m.includes("another pass holds the watermark")));
    expect(scheduler.last).toBeNull();
    await db.resolutionWatermark.update({
      where: { id: "PERSON" },
      data: { runner: null, leasedUntil: null },
    });
    await until(() => scheduler.last !== null);
    await scheduler.stop();
    expect(scheduler.last).toMatchObject({ busy: false, full: false, mentions: 1 });
  });

  it("does not look at the mentions of a name too common to be a block when one more resident bears it", async () => {
    // more residents named 钱有才 than a name block holds (MENTION_POLICY.blockLimit, 64)
    const qian = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) =>
        resident(`Q${from + i}`, `32060219700101${100 + from + i}`, "钱有才", far, `${from + i}号`),
      );
    await ingestDrafts(db, "hotline", "hotline_12345", [call("T7", "钱有才", near)]);
    await ingestDrafts(db, "population", "public_security", qian(10, 66));
    // these 66 made the name what it is: the caller is looked at (the name is no block, so no merge)
    expect(await resolvePending(db)).toMatchObject({ registryChanged: 66, mentions: 1, merged: 0 });
    await ingestDrafts(db, "population", "public_security", qian(76, 1));
    expect(await resolvePending(db)).toMatchObject({ registryChanged: 1, mentions: 0 });
  });
});
