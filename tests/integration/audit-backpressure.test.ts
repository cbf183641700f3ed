// Reads are never served unaudited, and the hub does not grow without bound while its database
// stalls the audit inserts: at AUDIT_QUEUE_MAX unwritten records every operation (HTTP, and over
// WebSocket queries and subscriptions) is refused with AUDIT_UNAVAILABLE, /readyz answers 503, and
// the gauge shows the queue; once the inserts go through again, operations are served and every
// read that was served is in the trail. The stall is real: another connection holds the audit
// table locked against writes (SHARE mode: the test still reads it).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub, take } from "../support/hub.js";

const MAX = 3;
let hub: TestHub;
let personId: string;
let token: string;
const READ = `query ReadOne($id: ID!) { node(id: $id) { ... on Person { name phone } } }`;

beforeAll(async () => {
  hub = await startTestHub({ AUDIT_FLUSH_MS: "20", AUDIT_QUEUE_MAX: String(MAX) });
  const person = await hub.db.person.create({
    data: { name: "审计背压", namePinyin: "shenjibeiya", phone: "13900000043" },
  });
  const area = await hub.db.area.findFirstOrThrow({ where: { level: "GRID" } });
  const address = await hub.db.address.create({
    data: {
      areaId: area.id,
      fullText: "南通市崇川区测试路3号",
      addressKey: `audit-backpressure-${Date.now()}`,
    },
  });
  await hub.db.personAddress.create({
    data: { personId: person.id, addressId: address.id, kind: "RESIDENT" },
  });
  personId = person.id;
  token = await hub.token({ roles: ["city_commander"], areas: ["320600"], sub: "backpressure-reader" });
});
afterAll(async () => {
  await hub?.stop();
});

const read = () =>
  hub.gql<{ node: { name: string; phone: string } | null }>(READ, {
    token,
    variables: { id: Buffer.from(`Person:${personId}`).toString("base64") },
  });
const written = () => hub.db.auditRecord.count({ where: { entityIds: { has: personId } } });
async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
const readyz = async () => {
  const r = await fetch(`${hub.url}/readyz`);
  return { status: r.status, body: (await r.json()) as { audit?: { pending: number; saturated: boolean } } };
};
const gauge = async () => {
  const text = await (await fetch(`${hub.url}/metrics`)).text();
  return Number(/^citygraph_audit_pending_records (\d+)$/m.exec(text)?.[1]);
};

describe("audit back-pressure (AUDIT_QUEUE_MAX)", () => {
  it("refuses operations while the trail cannot be written, and serves them again once it can", async () => {
    // Positive control: a read is served and lands in the trail.
    const first = await read();
    expect(first.errors).toBeUndefined();
    expect(first.data?.node?.name).toBe("审计背压");
    await until("the first read's record", written, (n) => n === 1);
    expect((await readyz()).status).toBe(200);

    const locker = new pg.Client({ connectionString: hub.databaseUrl });
    await locker.connect();
    try {
      await locker.query("BEGIN");
      await locker.query(`LOCK TABLE "AuditRecord" IN SHARE MODE`);
      // Each served read queues one record; the writer's insert waits on the lock.
      for (let i = 0; i < MAX; i++) {
        const r = await read();
        expect(r.errors, `read ${i + 1} of ${MAX} while the queue has room`).toBeUndefined();
        expect(r.data?.node?.phone).toBe("13900000043");
      }
      const refused = await read();
      expect(refused.data ?? null).toBeNull();
      expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(["AUDIT_UNAVAILABLE"]);
      expect(refused.errors?.[0]?.message).toContain(`${MAX} records waiting`);

      // The same over WebSocket: a query and a subscription.
      const ws = hub.wsClient({ authorization: `Bearer ${token}` });
      const [wsQuery] = await take(ws, {
        query: READ,
        variables: { id: Buffer.from(`Person:${personId}`).toString("base64") },
      });
      expect(wsQuery?.errors?.map((e) => e.extensions?.code)).toEqual(["AUDIT_UNAVAILABLE"]);
      const sub = await take(ws, { query: "subscription { eventReported { cursor } }" }, 1).then(
        (results) => results[0]?.errors,
        (errors: readonly { extensions?: Record<string, unknown> }[]) => errors,
      );
      expect(sub?.map((e) => e.extensions?.code)).toEqual(["AUDIT_UNAVAILABLE"]);

      const ready = await readyz();
      expect(ready.status).toBe(503);
      expect(ready.body.audit).toMatchObject({ pending: MAX, saturated: true });
      expect(await gauge()).toBe(MAX);
      expect(await written()).toBe(1);
    } finally {
      await locker.query("COMMIT").catch(() => undefined);
      await locker.end();
    }

    // The stalled batch and what queued behind it are written; nothing refused was read.
    await until("the served reads' records", written, (n) => n === 1 + MAX);
    await until("/readyz", readyz, (r) => r.status === 200);
    const again = await read();
    expect(again.errors).toBeUndefined();
    expect(again.data?.node?.name).toBe("审计背压");
    await until("the last read's record", written, (n) => n === 2 + MAX);
    expect(await gauge()).toBe(0);
  });
});
