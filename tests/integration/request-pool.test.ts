// The GraphQL requests' connections are kept open while idle (DB_POOL_IDLE_MS): a new connection
// logs in and plans each named statement for its values five times before PostgreSQL settles on
// a generic plan, so a screen that refreshes every half minute would otherwise pay that on every
// request. Read from the pool gauge at /metrics, as an operations team would.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../support/hub.js";

/** Open connections of the requests' pool, from the gauge at /metrics. */
async function requestConnections(hub: TestHub): Promise<number> {
  const text = await (await fetch(`${hub.url}/metrics`)).text();
  const line = text
    .split("\n")
    .find(
      (l) =>
        l.startsWith("citygraph_db_pool_connections{") &&
        l.includes('pool="requests"') &&
        l.includes('state="total"'),
    );
  if (!line) throw new Error("no requests pool gauge at /metrics");
  return Number(line.split(" ").at(-1));
}

async function oneRead(hub: TestHub): Promise<void> {
  const token = await hub.token({ roles: ["city_commander"], areas: ["320600"] });
  // events are read through the requests' pool
  const r = await hub.gql(`query { events(first: 1) { totalCount } }`, { token });
  expect(r.errors).toBeUndefined();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the requests' pool", () => {
  let kept: TestHub;
  let closing: TestHub;
  beforeAll(async () => {
    [kept, closing] = await Promise.all([startTestHub(), startTestHub({ DB_POOL_IDLE_MS: "300" })]);
  });
  afterAll(async () => {
    await Promise.all([kept?.stop(), closing?.stop()]);
  });

  it("keeps an idle connection past node-postgres' 10 s by default", async () => {
    await oneRead(kept);
    expect(await requestConnections(kept)).toBeGreaterThan(0);
    await sleep(11_000);
    expect(await requestConnections(kept)).toBeGreaterThan(0);
  }, 30_000);

  it("closes it after DB_POOL_IDLE_MS", async () => {
    await oneRead(closing);
    expect(await requestConnections(closing)).toBeGreaterThan(0);
    await sleep(1_500);
    expect(await requestConnections(closing)).toBe(0);
  });
});
