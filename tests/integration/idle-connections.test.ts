// Connections are kept open while idle, on both sides of the hub. The GraphQL requests' database
// connections (DB_POOL_IDLE_MS): a new one logs in and plans each named statement for its values
// five times before PostgreSQL settles on a generic plan, so a screen refreshing every half
// minute would pay that on every request. And HTTP connections (HTTP_KEEP_ALIVE_MS): longer than
// a load balancer keeps its side idle, so that it never sends a request on a connection the hub
// is closing (a 502). One hub with the defaults, one with both shortened.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../support/hub.js";

let kept: TestHub;
let short: TestHub;
beforeAll(async () => {
  [kept, short] = await Promise.all([
    startTestHub(),
    startTestHub({ DB_POOL_IDLE_MS: "300", HTTP_KEEP_ALIVE_MS: "1000" }),
  ]);
});
afterAll(async () => {
  await Promise.all([kept?.stop(), short?.stop()]);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Open connections of the requests' pool, from the gauge at /metrics, as operations read it. */
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

/** Connections of the requests' pool still open this long after one read. */
async function poolAfterIdle(hub: TestHub, idleMs: number): Promise<number> {
  const token = await hub.token({ roles: ["city_commander"], areas: ["320600"] });
  const r = await hub.gql(`query { events(first: 1) { totalCount } }`, { token });
  expect(r.errors).toBeUndefined();
  expect(await requestConnections(hub)).toBeGreaterThan(0);
  await sleep(idleMs);
  return requestConnections(hub);
}

/**
 * A raw keep-alive connection, as a balancer's pool holds it: one request, then idle this long;
 * whether the hub closed it meanwhile, and if not, the status of a second request on it.
 */
async function httpAfterIdle(
  hub: TestHub,
  idleMs: number,
): Promise<{ first: string; second: string | null }> {
  const url = new URL(hub.url);
  const socket = net.connect(Number(url.port), url.hostname);
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  let received = "";
  let closed = false;
  socket.on("data", (chunk) => {
    received += chunk.toString("latin1");
  });
  socket.on("close", () => {
    closed = true;
  });
  const get = async (): Promise<string> => {
    received = "";
    socket.write(`GET /healthz HTTP/1.1\r\nHost: ${url.host}\r\nConnection: keep-alive\r\n\r\n`);
    const deadline = Date.now() + 5_000;
    while (!received.includes("\r\n\r\n") && !closed && Date.now() < deadline) await sleep(10);
    return received.split("\r\n")[0] ?? "";
  };
  try {
    const first = await get();
    await sleep(idleMs);
    return { first, second: closed ? null : await get() };
  } finally {
    socket.destroy();
  }
}

describe("the requests' database pool", () => {
  it("keeps an idle connection past node-postgres' 10 s by default", async () => {
    expect(await poolAfterIdle(kept, 11_000)).toBeGreaterThan(0);
  }, 30_000);

  it("closes it after DB_POOL_IDLE_MS", async () => {
    expect(await poolAfterIdle(short, 1_500)).toBe(0);
  });
});

describe("HTTP keep-alive", () => {
  it("keeps an idle connection past Node's 5 s by default, for the next request", async () => {
    expect(await httpAfterIdle(kept, 6_500)).toEqual({ first: "HTTP/1.1 200 OK", second: "HTTP/1.1 200 OK" });
  }, 20_000);

  it("closes it after HTTP_KEEP_ALIVE_MS", async () => {
    expect(await httpAfterIdle(short, 2_000)).toEqual({ first: "HTTP/1.1 200 OK", second: null });
  });
});
