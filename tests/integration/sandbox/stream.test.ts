// The sandbox hotline's steady stream: asked for (POST /_sandbox/stream) or started with the
// service (the `stream` option, SANDBOX_STREAM_MS), it reports new and changed work orders one
// after another to the webhook, in the pushes' deterministic sequence, and GET /orders serves them.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HotlineDelivery, Sandbox } from "../../../sandbox/services/index.js";
import { startSmallSandbox } from "./support.js";

let receiver: Server;
let webhookUrl: string;
const received: HotlineDelivery[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as HotlineDelivery);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/12345`;
});
afterAll(() => new Promise((r) => receiver?.close(r)));

async function until(n: number): Promise<void> {
  for (let i = 0; i < 1000 && received.length < n; i++) await new Promise((r) => setTimeout(r, 10));
  expect(received.length).toBeGreaterThanOrEqual(n);
}

const stream = (sandbox: Sandbox, body: unknown) =>
  fetch(`${sandbox.urls.hotline}/_sandbox/stream`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

const total = async (sandbox: Sandbox) => {
  let cursor = "";
  let count = 0;
  for (;;) {
    const page = (await fetch(
      `${sandbox.urls.hotline}/orders?limit=500${cursor ? `&cursor=${cursor}` : ""}`,
    ).then((r) => r.json())) as { orders: unknown[]; next_cursor: string; has_more: boolean };
    count += page.orders.length;
    if (!page.has_more) return count;
    cursor = page.next_cursor;
  }
};

describe("the hotline's stream", () => {
  it("when asked, reports new and changed orders one after another, until told to stop", async () => {
    const sandbox = await startSmallSandbox({ only: ["hotline"], webhookUrl });
    try {
      const before = await total(sandbox);
      received.length = 0;
      const started = await stream(sandbox, { everyMs: 20 });
      expect(started.status).toBe(200);
      await until(12);
      const stopped = (await (await stream(sandbox, { everyMs: 0 })).json()) as { streamed: number };
      const ids = received.map((d) => d.delivery_id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual([...ids].sort());
      const kinds = new Set(received.map((d) => d.event));
      expect(kinds).toEqual(new Set(["order.created", "order.updated"]));
      // every version it reported is served to incremental sync as well
      expect(await total(sandbox)).toBe(before + stopped.streamed);
      expect(stopped.streamed).toBeGreaterThanOrEqual(12);
    } finally {
      await sandbox.stop();
    }
  });

  it("starts with the service when configured, and refuses an interval it cannot keep", async () => {
    received.length = 0;
    const sandbox = await startSmallSandbox({ only: ["hotline"], webhookUrl, stream: { everyMs: 20 } });
    try {
      await until(3);
      const bad = await stream(sandbox, { everyMs: 1 });
      expect(bad.status).toBe(400);
      expect(await bad.text()).toContain("everyMs");
    } finally {
      await sandbox.stop();
    }
  });
});
