// A database restored into another cluster (pg_dump and restore, logical replication) carries
// transaction ids from a cluster that counted further than the new one. The hub sees it at start
// and resets what those ids order: persons stamped anew for the next resolution pass, no pass
// watermark, an empty outbox and no reader cursors. A plain restart on the same cluster changes
// nothing (the control). The move is made the way it looks afterwards: stored positions above the
// cluster's current transaction id.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolvePending } from "../../integration/resolution/index.js";
import { startTestHub, type TestHub } from "../support/hub.js";

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub?.stop();
});

const restart = async () => {
  const { databaseUrl } = hub;
  const stopped = hub;
  const drop = () => stopped.dropDatabase();
  await hub.stop({ keepDatabase: true });
  hub = await startTestHub({}, [], { databaseUrl, dropDatabase: drop });
};
const positions = async () => {
  const [row] = await hub.db.$queryRaw<
    { watermark: bigint | null; persons: bigint | null; outbox: number; cursors: number; current: bigint }[]
  >`SELECT (SELECT max(position) FROM "ResolutionWatermark") AS watermark,
           (SELECT max("changedXid") FROM "Person") AS persons,
           (SELECT count(*)::int FROM "Outbox" WHERE "entityId" = 'move-test') AS outbox,
           (SELECT count(*)::int FROM "OutboxConsumer" WHERE name = 'move-test') AS cursors,
           pg_current_xact_id()::text::bigint AS current`;
  return row!;
};

describe("a database from another cluster", () => {
  it("keeps the positions over a plain restart, and resets them when they are ahead of the cluster", async () => {
    // Something in each: persons, a pass's watermark, an outbox row and a reader's cursor (the
    // hub's own readers and connectors write rows of their own at start: these are told by name).
    await hub.db.person.create({
      data: { name: "迁移测试", namePinyin: "qianyiceshi", phone: "13900000044" },
    });
    await resolvePending(hub.db);
    await hub.db
      .$executeRaw`INSERT INTO "Outbox" (topic, kind, "entityId", payload) VALUES ('CONNECTOR', 'UPDATED', 'move-test', '{}'::jsonb)`;
    await hub.db.$executeRaw`INSERT INTO "OutboxConsumer" (name, txid, "lastId", "updatedAt")
      VALUES ('move-test', pg_current_xact_id()::text, 0, now()) ON CONFLICT (name) DO NOTHING`;
    const before = await positions();
    expect(before.watermark).not.toBeNull();
    expect(before.outbox).toBe(1);
    expect(before.cursors).toBe(1);

    // Control: the same cluster, restarted: nothing is reset.
    await restart();
    const kept = await positions();
    expect(kept.watermark).toBe(before.watermark);
    expect(kept.persons).toBe(before.persons);
    expect(kept.outbox).toBe(before.outbox);
    expect(kept.cursors).toBe(before.cursors);
    expect(hub.logs.some((l) => l.includes("stored transaction ids are ahead"))).toBe(false);

    // The positions as a younger cluster sees them after a restore: ahead of its counter.
    const ahead = kept.current + 1_000_000n;
    await hub.db.$executeRawUnsafe(`ALTER TABLE "Person" DISABLE TRIGGER "Person_changed_xid"`);
    await hub.db.$executeRaw`UPDATE "Person" SET "changedXid" = ${ahead}`;
    await hub.db.$executeRawUnsafe(`ALTER TABLE "Person" ENABLE TRIGGER "Person_changed_xid"`);
    await hub.db.$executeRaw`UPDATE "ResolutionWatermark" SET position = ${ahead}`;
    await hub.db.$executeRaw`UPDATE "OutboxConsumer" SET txid = ${ahead.toString()}`;

    await restart();
    const after = await positions();
    expect(after.watermark).toBeNull();
    expect(after.outbox).toBe(0);
    expect(after.cursors).toBe(0);
    expect(after.persons).not.toBeNull();
    expect(after.persons! < after.current).toBe(true);
    expect(hub.logs.some((l) => l.includes("stored transaction ids are ahead"))).toBe(true);

    // The next pass is a full one and leaves a watermark of this cluster.
    await resolvePending(hub.db);
    const settled = await positions();
    expect(settled.watermark).not.toBeNull();
    expect(settled.watermark! <= settled.current).toBe(true);
  });
});
