// The outbox reader under stress: a subscriber that does not read is ended with the cursor to
// resume after (and freed), without holding up others; a change committed while the listening
// connection is down is still delivered; connector status changes reach their subscribers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTooSlow, OutboxFeed, type OutboxItem } from "../../integration/outbox.js";
import { startTestHub, type TestHub, take } from "../support/hub.js";

let hub: TestHub;
let gridId: string;

beforeAll(async () => {
  hub = await startTestHub();
  const rows = await hub.db.$queryRaw<
    { id: string }[]
  >`SELECT id::text FROM "Area" WHERE level = 'GRID' LIMIT 1`;
  gridId = rows[0]!.id;
});
afterAll(() => hub?.stop());

const report = (title: string) =>
  hub.db.event.create({
    data: { kind: "GRID_REPORT", title, occurredAt: new Date(), reportedAt: new Date(), areaId: gridId },
  });

describe("a burst whose ids cross a power of ten", () => {
  it("is delivered live and replayed whole and in order, in batches smaller than the burst", async () => {
    const feed = await OutboxFeed.start({
      databaseUrl: hub.databaseUrl,
      queueLimit: 1_000,
      pollMs: 60_000,
      batch: 4,
    });
    try {
      await feed.settle();
      const before = feed.cursor;
      const burst = (e: { entityId: string }) => e.entityId.startsWith("burst-");
      const live = feed.subscribe({ filter: burst });
      // the next ids run from p − 5 to p + 204, one transaction: as text, "p…" sorts before "p − 5"
      const [top] = await hub.db.$queryRaw<{ max: bigint | null }[]>`SELECT max(id) AS max FROM "Outbox"`;
      let p = 10n;
      while (p < (top?.max ?? 0n) + 10n) p *= 10n;
      await hub.db.$queryRawUnsafe(`SELECT setval(pg_get_serial_sequence('"Outbox"', 'id'), ${p - 6n})`);
      const count = 210; // more than a replay page (200) and than the reader's batch
      await hub.db.$executeRaw`
        INSERT INTO "Outbox" (topic, kind, "entityId", payload)
        SELECT 'EVENT', 'CREATED', 'burst-' || g, jsonb_build_object('n', g)
        FROM generate_series(0, ${count - 1}) g`;
      const expected = Array.from({ length: count }, (_, i) => `burst-${i}`);
      const ids = await hub.db.$queryRaw<{ id: bigint }[]>`
        SELECT id FROM "Outbox" WHERE "entityId" = ANY(${[expected[0]!, expected.at(-1)!]}) ORDER BY id`;
      expect(ids.map((r) => r.id)).toEqual([p - 5n, p + 204n]);

      const drain = async (sub: AsyncIterator<OutboxItem>) => {
        const got: string[] = [];
        while (got.length < count) {
          await feed.settle();
          // a row skipped never comes: stop waiting, and let the comparison show what is missing
          const r = await Promise.race([
            sub.next(),
            new Promise<null>((resolve) => setTimeout(() => resolve(null), 3_000)),
          ]);
          if (!r || r.done || isTooSlow(r.value)) break;
          got.push(r.value.entityId);
        }
        return got;
      };
      expect(await drain(live)).toEqual(expected);
      const replayed = feed.subscribe({ filter: burst, after: before });
      expect(await drain(replayed)).toEqual(expected);
      await live.return?.();
      await replayed.return?.();
    } finally {
      await feed.stop();
    }
  });
});

describe("a subscriber too far behind", () => {
  it("is ended with SUBSCRIBER_TOO_SLOW and the last cursor it got, and freed; a reader beside it gets everything", async () => {
    const feed = await OutboxFeed.start({ databaseUrl: hub.databaseUrl, queueLimit: 3, pollMs: 60_000 });
    try {
      const events = (e: { topic: string }) => e.topic === "EVENT";
      const slow = feed.subscribe({ filter: events });
      const fast = feed.subscribe({ filter: events });
      const fastGot: string[] = [];
      const reading = (async () => {
        for (;;) {
          const r = await fast.next();
          if (r.done) return;
          fastGot.push(String((r.value as unknown as { payload: { title: string } }).payload.title));
          if (fastGot.length === 6) return;
        }
      })();
      // the slow one takes one change, then stops reading
      await report("s0");
      await feed.settle();
      const first = await slow.next();
      const firstCursor = (first.value as { cursor: string }).cursor;
      // one change at a time: the fast reader has each before the next is written. A batch of five
      // offered at once would overflow its queue of three too, and the reader holds back what is
      // committed while any older transaction of the server is open (another test's, under load),
      // then offers it all in one batch.
      for (let i = 1; i <= 5; i++) {
        await report(`s${i}`);
        for (let t = 0; t < 400 && fastGot.length < i + 1; t++) {
          await feed.settle();
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      }
      await reading;
      expect(fastGot).toEqual(["s0", "s1", "s2", "s3", "s4", "s5"]);
      const ended = (await slow.next()).value as OutboxItem;
      expect(isTooSlow(ended) && ended.after).toBe(firstCursor);
      expect((await slow.next()).done).toBe(true);
      // freed at once: only the fast one is counted, until it returns too
      expect(feed.subscribers).toBe(1);
      await fast.return?.();
      expect(feed.subscribers).toBe(0);

      // resuming after the cursor it was given replays what it missed, in order
      const resumed = feed.subscribe({ filter: events, after: firstCursor });
      const titles: string[] = [];
      for (let i = 0; i < 5; i++)
        titles.push(
          String(((await resumed.next()).value as unknown as { payload: { title: string } }).payload.title),
        );
      expect(titles).toEqual(["s1", "s2", "s3", "s4", "s5"]);
      await resumed.return?.();
    } finally {
      await feed.stop();
    }
  });
});

describe("the listening connection", () => {
  it("loses no change committed while it reconnects", async () => {
    const feed = await OutboxFeed.start({ databaseUrl: hub.databaseUrl, queueLimit: 100, pollMs: 60_000 });
    try {
      const sub = feed.subscribe({ filter: (e) => e.topic === "EVENT" });
      const killed = await hub.db.$queryRaw<{ n: number }[]>`
        SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND query ILIKE 'LISTEN citygraph_outbox%'`;
      expect(killed[0]!.n).toBeGreaterThan(0);
      await report("while down");
      const got = await sub.next(); // no poll (60 s): only the reconnect's read can bring it
      expect((got.value as unknown as { payload: { title: string } }).payload.title).toBe("while down");
      await sub.return?.();
    } finally {
      await feed.stop();
    }
  });
});

describe("connectorStatusChanged", () => {
  it("delivers a connector's new state to an operator", async () => {
    const admin = await hub.token({ roles: ["connector_admin"], areas: ["320600"] });
    const client = hub.wsClient({ authorization: `Bearer ${admin}` });
    const changes = take<{ connectorStatusChanged: { connectorId: string; state: string; health: string } }>(
      client,
      { query: "subscription { connectorStatusChanged { cursor connectorId state health } }" },
      1,
    );
    for (let i = 0; i < 500 && hub.booted.outbox.subscribers === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    const connector = await hub.db.connector.create({
      data: { id: "status_probe", kind: "DECLARATIVE", departmentCode: "grid", manifest: {} },
    });
    await hub.db.connector.update({ where: { id: connector.id }, data: { state: "PAUSED" } });
    const [first] = await changes;
    expect(first?.data?.connectorStatusChanged).toMatchObject({ connectorId: connector.id, state: "PAUSED" });
    await client.dispose();
  });
});

describe("retention", () => {
  it("deletes the rows older than the retention period, and only those", async () => {
    await report("kept");
    const [oldest] = await hub.db.$queryRaw<{ createdAt: Date }[]>`
      SELECT min("createdAt") AS "createdAt" FROM "Outbox"`;
    const total = await hub.db.outbox.count();
    // seven days after the oldest row but before the newest one was written: nothing is old enough
    expect(await hub.booted.outbox.prune(7, new Date(oldest!.createdAt.getTime() + 86_400_000))).toBe(0);
    // eight days after now: everything is
    expect(await hub.booted.outbox.prune(7, new Date(Date.now() + 8 * 86_400_000))).toBe(total);
    expect(await hub.db.outbox.count()).toBe(0);
  });
});
