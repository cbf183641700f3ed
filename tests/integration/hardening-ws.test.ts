// WebSocket hardening: a frame may carry no more than an HTTP body (1 MiB), a socket runs at most
// WS_MAX_SUBSCRIPTIONS_PER_SOCKET operations at once, and a socket lives no longer than its token.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startTestHub, type TestHub } from "../support/hub.js";

let hub: TestHub;
let token: string;

beforeAll(async () => {
  hub = await startTestHub({ WS_MAX_SUBSCRIPTIONS_PER_SOCKET: "5" });
  token = await hub.token({ roles: ["city_commander"], areas: ["320600"] });
});
afterAll(() => hub?.stop());

const HEARTBEAT = "subscription { heartbeat(everySeconds: 1) { at } }";

/** A raw graphql-transport-ws socket: what it was sent back, and how it closed. */
function rawSocket(url: string) {
  const socket = new WebSocket(url, "graphql-transport-ws");
  const messages: { type: string }[] = [];
  socket.on("message", (m) => messages.push(JSON.parse(String(m))));
  const opened = new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
  socket.on("error", () => {}); // a refused frame may also surface as an error; the close says why
  return { socket, messages, opened, closed };
}

async function until(condition: () => boolean, ms = 10_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return condition();
}

describe("frame limit (the HTTP body limit, 1 MiB)", () => {
  it("closes an unauthenticated socket that sends a 2 MB frame (1009)", async () => {
    const { socket, closed, opened } = rawSocket(hub.wsUrl);
    await opened;
    socket.send(JSON.stringify({ type: "connection_init", payload: { pad: "x".repeat(2 * 1024 * 1024) } }));
    expect(await closed).toBe(1009);
  });

  it("acknowledges a frame under the limit (positive control)", async () => {
    const { socket, messages, opened } = rawSocket(hub.wsUrl);
    await opened;
    socket.send(JSON.stringify({ type: "connection_init", payload: { pad: "x".repeat(512 * 1024) } }));
    expect(await until(() => messages.some((m) => m.type === "connection_ack"))).toBe(true);
    socket.close();
  });
});

describe("operations per socket (WS_MAX_SUBSCRIPTIONS_PER_SOCKET=5)", () => {
  it("refuses the 6th with OPERATION_LIMIT_EXCEEDED; the socket stays usable", async () => {
    const client = hub.wsClient({ authorization: `Bearer ${token}` });
    const ticks = new Map<number, number>();
    const stops = Array.from({ length: 5 }, (_, i) =>
      client.subscribe(
        { query: HEARTBEAT },
        { next: () => void ticks.set(i, (ticks.get(i) ?? 0) + 1), error: () => {}, complete: () => {} },
      ),
    );
    expect(await until(() => ticks.size === 5)).toBe(true);
    const sixth = await new Promise<unknown>((resolve) =>
      client.subscribe(
        { query: HEARTBEAT },
        { next: () => resolve("next"), error: resolve, complete: () => {} },
      ),
    );
    expect(sixth).toEqual([
      expect.objectContaining({
        extensions: { code: "OPERATION_LIMIT_EXCEEDED", limit: "subscriptionsPerSocket" },
      }),
    ]);
    // still open: the five run on, and once one is completed another operation is answered
    const before = ticks.get(0)!;
    expect(await until(() => ticks.get(0)! > before)).toBe(true);
    stops[4]!();
    const answer = await new Promise<unknown>((resolve, reject) =>
      client.subscribe({ query: "{ __typename }" }, { next: resolve, error: reject, complete: () => {} }),
    );
    expect(answer).toEqual({ data: { __typename: "Query" } });
    for (const stop of stops) stop();
  });
});

describe("expiry on long-lived sockets", () => {
  it("closes a socket with 4401 when its token expires; a socket with a valid token runs on", async () => {
    const short = await hub.token({ roles: ["city_commander"], areas: ["320600"] }, "3s");
    const expiring = hub.wsClient({ authorization: `Bearer ${short}` });
    const lasting = hub.wsClient({ authorization: `Bearer ${token}` });
    let closedWith: number | null = null;
    expiring.on("closed", (e) => {
      closedWith = (e as { code: number }).code;
    });
    let expiringError: unknown = null;
    expiring.subscribe(
      { query: HEARTBEAT },
      {
        next: () => {},
        error: (e) => {
          expiringError = e;
        },
        complete: () => {},
      },
    );
    let lastingTicks = 0;
    const stop = lasting.subscribe(
      { query: HEARTBEAT },
      { next: () => void lastingTicks++, error: () => {}, complete: () => {} },
    );
    expect(await until(() => closedWith !== null, 10_000)).toBe(true);
    expect(closedWith).toBe(4401);
    expect(expiringError).not.toBeNull();
    const ticksAtClose = lastingTicks;
    expect(await until(() => lastingTicks > ticksAtClose)).toBe(true);
    stop();
  });
});
