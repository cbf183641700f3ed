// A page's new canonical addresses are committed ahead of the page (integration/ingest.ts,
// Linker.write): a writer beside it that meets the same address takes it at once instead of
// waiting for the page's whole transaction; a page that fails leaves them unlinked until it is
// taken again, which links them; with no connection to spare, the page creates them itself.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ElementDraft, SourceRecordInput } from "../../connectors/contract.js";
import { ingestPage } from "../../integration/ingest.js";
import { createDb, type Db, transaction } from "../../prisma/db.js";
import { buildDemoAreaTree } from "../../sandbox/city/areas.js";
import { draftSource } from "../support/drafts.js";
import { cloneTemplate } from "../support/pg.js";

const grid = buildDemoAreaTree().find((a) => a.level === "GRID")!;
const address = (text: string) =>
  ({ element: "ADDRESS", ref: "address", text, areaCode: grid.code }) as ElementDraft;
const records = (key: string, text: string): SourceRecordInput[] => [
  { sourceKey: key, payload: { drafts: [address(text)] } as unknown as SourceRecordInput["payload"] },
];

let db: Db;
let url: string;
let drop: () => Promise<void>;
beforeAll(async () => {
  const database = await cloneTemplate(inject("pgAdminUrl"), inject("pgTemplate"));
  drop = database.drop;
  url = database.url;
  db = createDb({ url: database.url, poolMax: 4 });
  await db.department.upsert({ where: { code: "grid" }, create: { code: "grid", name: "网格" }, update: {} });
});
afterAll(async () => {
  await db?.$disconnect();
  await drop?.();
});

/** A page of one connector, its transaction held open after the ingest until `commit()`. */
function openPage(connectorId: string, page: SourceRecordInput[], ahead: Db | undefined) {
  let release!: (fail: boolean) => void;
  const gate = new Promise<boolean>((resolve) => {
    release = resolve;
  });
  let ingested!: () => void;
  const done = new Promise<void>((resolve) => {
    ingested = resolve;
  });
  const committed = transaction(db, async (tx) => {
    await ingestPage(tx, draftSource(connectorId, "grid"), page, ahead ? { ahead } : {});
    ingested();
    if (await gate) throw new Error("the page fails after its ingest");
  });
  return { ingested: done, commit: () => release(false), fail: () => release(true), committed };
}

/** The address of this text and the records linked to it. */
async function addressOf(text: string) {
  const rows = await db.address.findMany({ where: { fullText: text }, select: { id: true } });
  const links = await db.entitySource.findMany({
    where: { entityType: "ADDRESS", entityId: { in: rows.map((r) => r.id) } },
    select: { entityId: true, sourceRecord: { select: { connectorId: true } } },
  });
  return { ids: rows.map((r) => r.id), linkedBy: links.map((l) => l.sourceRecord.connectorId).sort() };
}

/** Whether some backend waits for another transaction to end (a key it holds uncommitted). */
async function someoneWaitsForATransaction(): Promise<boolean> {
  const [row] = await db.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event = 'transactionid' AND datname = current_database()`,
  );
  return (row?.n ?? 0) > 0;
}

describe("a page's new addresses, committed ahead of it", () => {
  it("are taken by a writer beside the page before the page commits", async () => {
    const text = "江苏省南通市崇川区人民路1号阳光花园1幢101室";
    const a = openPage("ahead-a", records("A1", text), db);
    await a.ingested; // a's transaction is open, its address committed
    // b meets the same address and finishes while a is still open: nothing of a's holds it
    const b = await transaction(db, (tx) =>
      ingestPage(tx, draftSource("ahead-b", "grid"), records("B1", text), { ahead: db }),
    );
    expect(b.addressesInPage).toBeUndefined();
    const before = await addressOf(text);
    expect(before.ids).toHaveLength(1);
    expect(before.linkedBy).toEqual(["ahead-b"]);
    a.commit();
    await a.committed;
    expect(await addressOf(text)).toEqual({ ids: before.ids, linkedBy: ["ahead-a", "ahead-b"] });
  });

  it("inside the page instead, make a writer beside it wait for the page's commit", async () => {
    // the control: without a client outside the page, its address key stays held until it commits
    const text = "江苏省南通市崇川区人民路1号阳光花园1幢102室";
    const a = openPage("inside-a", records("A1", text), undefined);
    await a.ingested;
    let bDone = false;
    const b = transaction(db, (tx) =>
      ingestPage(tx, draftSource("inside-b", "grid"), records("B1", text)),
    ).then(() => {
      bDone = true;
    });
    while (!(await someoneWaitsForATransaction())) await new Promise((r) => setTimeout(r, 20));
    expect(bDone).toBe(false);
    a.commit();
    await Promise.all([a.committed, b]);
    const after = await addressOf(text);
    expect(after.ids).toHaveLength(1);
    expect(after.linkedBy).toEqual(["inside-a", "inside-b"]);
  });

  it("stay unlinked when the page fails, and the page taken again links them", async () => {
    const text = "江苏省南通市崇川区人民路1号阳光花园1幢103室";
    const failed = openPage("ahead-retry", records("R1", text), db);
    await failed.ingested;
    failed.fail();
    await expect(failed.committed).rejects.toThrow("the page fails after its ingest");
    const orphan = await addressOf(text);
    expect(orphan.ids).toHaveLength(1);
    expect(orphan.linkedBy).toEqual([]);
    expect(await db.sourceRecord.count({ where: { connectorId: "ahead-retry" } })).toBe(0);
    // taken again (its cursor did not move): the page finds the address by its key
    await transaction(db, (tx) =>
      ingestPage(tx, draftSource("ahead-retry", "grid"), records("R1", text), { ahead: db }),
    );
    expect(await addressOf(text)).toEqual({ ids: orphan.ids, linkedBy: ["ahead-retry"] });
  });

  it("are looked up by their key's index: the page's statements price reads as from memory", async () => {
    // a page's look-ups probe thousands of keys; at PostgreSQL's default price of a random read
    // (4) the address look-up became a parallel scan of the whole table at a million persons
    const setting = () =>
      db.$queryRawUnsafe<{ cost: string }[]>(`SELECT current_setting('random_page_cost') AS cost`);
    const [before] = await setting();
    const [inside] = await transaction(db, async (tx) => {
      await ingestPage(
        tx,
        draftSource("ahead-cost", "grid"),
        records("C1", "江苏省南通市崇川区人民路1号阳光花园1幢105室"),
      );
      return tx.$queryRawUnsafe<{ cost: string }[]>(`SELECT current_setting('random_page_cost') AS cost`);
    });
    expect(inside?.cost).toBe("1.1");
    // for the page's transaction only
    expect((await setting())[0]?.cost).toBe(before?.cost);
  });

  it("are created by the page itself when the pool has no connection to spare", async () => {
    const one = createDb({ url, poolMax: 1 });
    try {
      const text = "江苏省南通市崇川区人民路1号阳光花园1幢104室";
      const outcome = await transaction(one, (tx) =>
        ingestPage(tx, draftSource("ahead-one", "grid"), records("O1", text), { ahead: one }),
      );
      // and say why, for the sync's log
      expect(outcome.addressesInPage).toMatch(/Unable to start a transaction in the given time/);
      const made = await addressOf(text);
      expect(made.ids).toHaveLength(1);
      expect(made.linkedBy).toEqual(["ahead-one"]);
    } finally {
      await one.$disconnect();
    }
  });
});
