// Subscriptions over the outbox: each change arrives with the state it produced, in order; a
// client that comes back with its last cursor gets exactly what it missed; two hubs on one
// database deliver each other's changes; jurisdiction applies to every payload; a closed
// subscription is freed at once.
import { encodeGlobalID } from "@pothos/plugin-relay";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../support/hub.js";

let hub: TestHub;
let commander: string;
let grids: { id: string; code: string }[];

beforeAll(async () => {
  hub = await startTestHub();
  commander = await hub.token({ roles: ["city_commander"], areas: ["320600"] });
  grids = await hub.db.$queryRaw<{ id: string; code: string }[]>`
    SELECT id::text, code FROM "Area" WHERE level = 'GRID' ORDER BY code LIMIT 2`;
  expect(grids).toHaveLength(2);
});
afterAll(() => hub?.stop());

/**
 * Create a grid report and wait until the hub's feed has read its creation. A live subscription
 * starts at its hub's read position; transaction ids are cluster-wide, so while the suite runs in
 * parallel another test database's open transaction can hold the committed row back from the
 * reader, and a client subscribing "after" the creation would still be offered it as live.
 */
async function newEvent(db: TestHub["db"], areaId: string, title: string) {
  const event = await db.event.create({
    data: { kind: "GRID_REPORT", title, occurredAt: new Date(), reportedAt: new Date(), areaId },
  });
  const [row] = await db.$queryRaw<{ txid: string; id: string }[]>`
    SELECT o.txid::text AS txid, o.id::text AS id FROM "Outbox" o
    WHERE "entityId" = ${event.id} ORDER BY o.txid DESC, o.id DESC LIMIT 1`;
  if (!row) throw new Error(`no outbox row for event ${event.id}`);
  const written = { txid: BigInt(row.txid), id: BigInt(row.id) };
  for (let i = 0; i < 3_000; i++) {
    const read = hub.booted.outbox.readPosition;
    if (read.txid > written.txid || (read.txid === written.txid && read.id >= written.id)) return event;
    await hub.booted.outbox.settle();
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`the outbox feed never read event ${event.id}'s creation`);
}

interface Change {
  cursor: string;
  change: string;
  event: { id: string; title: string; status: string; areaCode: string };
}

/** The API id of a grid report (as `Event.id`). */
const gid = (id: string) => encodeGlobalID("GridReport", id);
const NO_EVENT = gid("00000000-0000-0000-0000-000000000000");

const SELECTION = "{ cursor change event { id title status areaCode } }";

/** Collect a subscription's payloads until `until` holds; the caller disposes the client. */
function collect(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
  field: string,
): { items: Change[]; errors: unknown[]; until: (n: number) => Promise<Change[]> } {
  const items: Change[] = [];
  const errors: unknown[] = [];
  const waiters: { n: number; resolve: (v: Change[]) => void }[] = [];
  const check = () => {
    for (const w of [...waiters])
      if (items.length >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(items.slice());
      }
  };
  client.subscribe<Record<string, Change>>(
    { query, variables },
    {
      next: (r) => {
        if (r.errors) errors.push(...r.errors);
        if (r.data?.[field]) items.push(r.data[field] as Change);
        check();
      },
      error: (e) => errors.push(e),
      complete: () => {},
    },
  );
  return {
    items,
    errors,
    until: (n) =>
      new Promise((resolve) => {
        waiters.push({ n, resolve });
        check();
      }),
  };
}

/** Wait until the hub counts `n` open outbox subscribers (no timing: a bounded poll). */
async function subscribersReach(target: TestHub, n: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (target.booted.outbox.subscribers === n) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`subscribers stayed at ${target.booted.outbox.subscribers}, expected ${n}`);
}

describe("eventChanged", () => {
  it("delivers every change with the state it produced, in order, even after the row moved on", async () => {
    const event = await newEvent(hub.db, grids[0]!.id, "first");
    const before = 0;
    await subscribersReach(hub, 0); // the previous tests' clients are gone
    const client = hub.wsClient({ authorization: `Bearer ${commander}` });
    const live = collect(
      client,
      `subscription($id: ID!) { eventChanged(id: $id) ${SELECTION} }`,
      { id: gid(event.id) },
      "eventChanged",
    );
    await subscribersReach(hub, before + 1);
    // Three changes in a row, committed before any is delivered: each keeps its own state.
    await hub.db.event.update({ where: { id: event.id }, data: { status: "ACCEPTED" } });
    await hub.db.event.update({ where: { id: event.id }, data: { status: "DISPATCHED", title: "second" } });
    await hub.db.event.update({ where: { id: event.id }, data: { title: "third" } });
    const got = await live.until(3);
    expect(got.map((c) => [c.change, c.event.status, c.event.title])).toEqual([
      ["UPDATED", "ACCEPTED", "first"],
      ["UPDATED", "DISPATCHED", "second"],
      ["UPDATED", "DISPATCHED", "third"],
    ]);
    expect(live.errors).toEqual([]);

    // Replay after the first cursor: the two later states, not the row as it is now, twice.
    const again = hub.wsClient({ authorization: `Bearer ${commander}` });
    const replay = collect(
      again,
      `subscription($id: ID!, $after: String) { eventChanged(id: $id, after: $after) ${SELECTION} }`,
      { id: gid(event.id), after: got[0]!.cursor },
      "eventChanged",
    );
    expect((await replay.until(2)).map((c) => [c.event.title, c.cursor])).toEqual([
      ["second", got[1]!.cursor],
      ["third", got[2]!.cursor],
    ]);
    await client.dispose();
    await again.dispose();
  });

  it("catches a reconnecting client up exactly: replay, then live, no gap and no duplicate at the seam", async () => {
    const event = await newEvent(hub.db, grids[0]!.id, "t0");
    const query = `subscription($id: ID!, $after: String) { eventChanged(id: $id, after: $after) ${SELECTION} }`;
    const first = hub.wsClient({ authorization: `Bearer ${commander}` });
    const before = 0;
    await subscribersReach(hub, 0); // the previous tests' clients are gone
    const one = collect(first, query, { id: gid(event.id) }, "eventChanged");
    await subscribersReach(hub, before + 1);
    await hub.db.event.update({ where: { id: event.id }, data: { title: "t1" } });
    // A subscription without `after` starts at the hub's read position, which may still be before
    // the event's creation (t0): the client's cursor is that of t1, whatever came first.
    let seen: Change | undefined;
    for (let n = 1; !seen; n++) seen = (await one.until(n)).find((c) => c.event.title === "t1");
    await first.dispose(); // the client goes away after t1

    // Changes keep coming while it reconnects, before and after its replay.
    const total = 40;
    const writing = (async () => {
      for (let i = 2; i <= total; i++)
        await hub.db.event.update({ where: { id: event.id }, data: { title: `t${i}` } });
    })();
    const second = hub.wsClient({ authorization: `Bearer ${commander}` });
    const two = collect(second, query, { id: gid(event.id), after: seen.cursor }, "eventChanged");
    await writing;
    const got = await two.until(total - 1);
    // Everything after t1, each once, in order; then nothing more (no change is delivered twice).
    await hub.db.event.update({ where: { id: event.id }, data: { title: "end" } });
    const withEnd = await two.until(total);
    expect(withEnd.map((c) => c.event.title)).toEqual([
      ...Array.from({ length: total - 1 }, (_, i) => `t${i + 2}`),
      "end",
    ]);
    expect(new Set(got.map((c) => c.cursor)).size).toBe(got.length);
    expect(two.errors).toEqual([]);
    await second.dispose();
  });

  it("refuses a cursor it did not give out", async () => {
    const client = hub.wsClient({ authorization: `Bearer ${commander}` });
    const r = collect(
      client,
      `subscription($id: ID!) { eventChanged(id: $id, after: "yesterday") { cursor } }`,
      { id: NO_EVENT },
      "eventChanged",
    );
    for (let i = 0; i < 500 && r.errors.length === 0; i++) await new Promise((res) => setTimeout(res, 10));
    expect(JSON.stringify(r.errors)).toContain("BAD_USER_INPUT");
    await client.dispose();
  });
});

describe("eventReported", () => {
  it("gives a grid worker its own grid's events and not another grid's", async () => {
    const worker = await hub.token({ roles: ["grid_worker"], areas: [grids[0]!.code] });
    const client = hub.wsClient({ authorization: `Bearer ${worker}` });
    const before = 0;
    await subscribersReach(hub, 0); // the previous tests' clients are gone
    const feed = collect(client, `subscription { eventReported ${SELECTION} }`, {}, "eventReported");
    await subscribersReach(hub, before + 1);
    await newEvent(hub.db, grids[1]!.id, "elsewhere"); // another grid: withheld
    await newEvent(hub.db, grids[0]!.id, "here"); // its own grid (positive control)
    const [first] = await feed.until(1);
    expect(first?.event).toMatchObject({ title: "here", areaCode: grids[0]!.code, status: "REPORTED" });
    expect(first?.change).toBe("CREATED");
    // Later changes in its grid come next, so "elsewhere" was never queued for it.
    await newEvent(hub.db, grids[0]!.id, "here again");
    expect((await feed.until(2)).map((c) => c.event.title)).toEqual(["here", "here again"]);
    await client.dispose();
  });
});

describe("freeing subscriptions", () => {
  it("frees a subscription as soon as its client goes, with no change to wake it", async () => {
    const before = 0;
    await subscribersReach(hub, 0); // the previous tests' clients are gone
    const client = hub.wsClient({ authorization: `Bearer ${commander}` });
    collect(
      client,
      `subscription($id: ID!) { eventChanged(id: $id) { cursor } }`,
      { id: NO_EVENT },
      "eventChanged",
    );
    await subscribersReach(hub, before + 1);
    await client.dispose();
    await subscribersReach(hub, before);
    const metrics = await fetch(`${hub.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/citygraph_outbox_subscribers \d+/);
    expect(metrics).toMatch(/citygraph_outbox_delivered_total [1-9]/);
  });

  it("frees every subscription of every closed socket: live, replaying from a cursor, with changes waiting", async () => {
    await subscribersReach(hub, 0);
    const first = await newEvent(hub.db, grids[0]!.id, "before the sockets");
    const [row] = await hub.db.$queryRaw<{ cursor: string }[]>`
      SELECT txid::text || ':' || id::text AS cursor FROM "Outbox"
      WHERE "entityId" = ${first.id} ORDER BY txid, id LIMIT 1`;
    const operations = [
      { query: `subscription { eventReported ${SELECTION} }`, variables: {}, field: "eventReported" },
      {
        query: `subscription($after: String) { eventReported(after: $after) ${SELECTION} }`,
        variables: { after: row!.cursor },
        field: "eventReported",
      },
      {
        query: `subscription($id: ID!) { eventChanged(id: $id) ${SELECTION} }`,
        variables: { id: gid(first.id) },
        field: "eventChanged",
      },
      { query: "subscription { alertRaised { cursor } }", variables: {}, field: "alertRaised" },
      {
        query: "subscription { connectorStatusChanged { cursor } }",
        variables: {},
        field: "connectorStatusChanged",
      },
    ];
    const clients = Array.from({ length: 8 }, () => hub.wsClient({ authorization: `Bearer ${commander}` }));
    const live = clients.flatMap((c) => operations.map((o) => collect(c, o.query, o.variables, o.field)));
    await subscribersReach(hub, clients.length * operations.length);
    // changes in flight while the sockets close
    for (let i = 0; i < 5; i++) {
      await newEvent(hub.db, grids[i % 2]!.id, `while closing ${i}`);
      await hub.db.event.update({ where: { id: first.id }, data: { title: `changed ${i}` } });
    }
    await live[0]!.until(1);
    await Promise.all(clients.map((c) => c.dispose()));
    await subscribersReach(hub, 0);
    expect(hub.booted.outbox.subscribers).toBe(0);
  });
});

describe("two hubs on one database", () => {
  it("deliver each other's changes", async () => {
    const second = await startTestHub({}, [], { databaseUrl: hub.databaseUrl, dropDatabase: async () => {} });
    try {
      const onFirst = hub.wsClient({ authorization: `Bearer ${commander}` });
      const onSecond = second.wsClient({ authorization: `Bearer ${commander}` });
      await subscribersReach(hub, 0);
      const b1 = 0;
      const b2 = 0;
      const q = `subscription($under: String) { eventReported(filter: { under: $under }) ${SELECTION} }`;
      const firstFeed = collect(onFirst, q, { under: grids[1]!.code }, "eventReported");
      const secondFeed = collect(onSecond, q, { under: grids[1]!.code }, "eventReported");
      await subscribersReach(hub, b1 + 1);
      await subscribersReach(second, b2 + 1);
      await newEvent(hub.db, grids[1]!.id, "written through the first hub");
      await newEvent(second.db, grids[1]!.id, "written through the second hub");
      const expected = ["written through the first hub", "written through the second hub"];
      expect((await firstFeed.until(2)).map((c) => c.event.title)).toEqual(expected);
      expect((await secondFeed.until(2)).map((c) => c.event.title)).toEqual(expected);
      expect((await firstFeed.until(2)).map((c) => c.cursor)).toEqual(
        (await secondFeed.until(2)).map((c) => c.cursor),
      );
      await onFirst.dispose();
      await onSecond.dispose();
    } finally {
      await second.stop({ keepDatabase: true });
    }
  });
});

describe("the closed loop, live", () => {
  it("a grid worker's report reaches its street centre at once, and the centre's acceptance follows it", async () => {
    await subscribersReach(hub, 0);
    const gridArea = await hub.db.area.findFirstOrThrow({
      where: { level: "GRID", path: { startsWith: "/320600/320602/" } },
      orderBy: { code: "asc" },
    });
    const streetCode = gridArea.path.split("/")[3]!;
    const worker = await hub.token({
      sub: "grid-worker-live",
      roles: ["grid_worker"],
      areas: [gridArea.code],
    });
    const centre = await hub.token({
      sub: "street-centre-live",
      roles: ["street_operator"],
      areas: [streetCode],
    });
    const client = hub.wsClient({ authorization: `Bearer ${centre}` });
    const reported = collect(
      client,
      `subscription($under: String) { eventReported(filter: { under: $under, kinds: [GRID_REPORT] }) ${SELECTION} }`,
      { under: streetCode },
      "eventReported",
    );
    await subscribersReach(hub, 1);
    const r = await hub.gql<{ reportEvent: { id: string } }>(
      `mutation($input: ReportEventInput!) { reportEvent(input: $input) { id } }`,
      { token: worker, variables: { input: { areaCode: gridArea.code, title: "井盖缺失" } } },
    );
    expect(r.errors).toBeUndefined();
    const id = r.data!.reportEvent.id;
    const [seen] = await reported.until(1);
    expect(seen).toMatchObject({ change: "CREATED", event: { id, title: "井盖缺失", status: "REPORTED" } });

    const changes = collect(
      client,
      `subscription($id: ID!, $after: String) { eventChanged(id: $id, after: $after) ${SELECTION} }`,
      { id, after: seen!.cursor },
      "eventChanged",
    );
    await subscribersReach(hub, 2);
    const accepted = await hub.gql(`mutation($id: ID!) { acceptEvent(id: $id) { status } }`, {
      token: centre,
      variables: { id },
    });
    expect(accepted.errors).toBeUndefined();
    const [change] = await changes.until(1);
    expect(change).toMatchObject({ change: "UPDATED", event: { id, status: "ACCEPTED" } });
    await client.dispose();
  });
});
