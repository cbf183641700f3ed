// The sandbox hotline's steady stream: asked for (POST /_sandbox/stream) or started with the
// service (the `stream` option, SANDBOX_STREAM_MS), it reports new and changed work orders one
// after another to the webhook, in the pushes' deterministic sequence, and GET /orders serves them.
// The petition, public-security and grid streams append new and changed records to their feeds,
// the same ones for the same seed. (That the hub receives them: sandbox-stream-hub.test.ts.)
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

/** Every record a feed serves from `from` on (any of the JSON or XML feeds, by its envelope). */
async function servedFrom(url: string, path: string, from: number): Promise<string[]> {
  const out: string[] = [];
  let cursor = "";
  for (;;) {
    const res = await fetch(`${url}${path}?limit=500${cursor ? `&cursor=${cursor}` : ""}`);
    const text = await res.text();
    if (path.endsWith(".xml")) {
      out.push(...(text.match(/<case>.*?<\/case>/g) ?? []));
      cursor = /nextCursor="([^"]*)"/.exec(text)![1]!;
      if (/hasMore="false"/.test(text)) break;
    } else {
      const body = JSON.parse(text) as Record<string, unknown>;
      const page = (body.data ?? body) as {
        records?: unknown[];
        items?: unknown[];
        nextCursor: string;
        hasMore: boolean;
      };
      out.push(...(page.records ?? page.items ?? []).map((r) => JSON.stringify(r)));
      cursor = page.nextCursor;
      if (!page.hasMore) break;
    }
  }
  return out.slice(from);
}

describe("the petition, public-security and grid streams", () => {
  const FEEDS = [
    { service: "petition", paths: ["/feed.xml"] },
    { service: "publicSecurity", paths: ["/api/v1/incidents"] },
    { service: "grid", paths: ["/api/grid/disputes", "/api/grid/patrols"] },
  ] as const;

  it("append new and changed records after what their feeds served, the same for the same seed", async () => {
    const only = FEEDS.map((f) => f.service);
    const runs: Record<string, string[]>[] = [];
    for (let run = 0; run < 2; run++) {
      const sandbox = await startSmallSandbox({ only: [...only] });
      try {
        const appended: Record<string, string[]> = {};
        for (const f of FEEDS) {
          const url = sandbox.urls[f.service]!;
          const before = await Promise.all(f.paths.map(async (p) => (await servedFrom(url, p, 0)).length));
          const control = (body?: unknown) =>
            fetch(`${url}/_sandbox/stream`, {
              method: body ? "POST" : "GET",
              ...(body ? { body: JSON.stringify(body) } : {}),
            }).then((r) => r.json() as Promise<{ streamed: number }>);
          await control({ everyMs: 10 });
          for (let i = 0; i < 1000 && (await control()).streamed < 20; i++)
            await new Promise((r) => setTimeout(r, 10));
          const { streamed } = await control({ everyMs: 0 });
          expect(streamed, f.service).toBeGreaterThanOrEqual(20);
          const added = await Promise.all(f.paths.map((p, i) => servedFrom(url, p, before[i]!)));
          // one record a change, each after what was served before
          expect(
            added.reduce((n, a) => n + a.length, 0),
            f.service,
          ).toBe(streamed);
          f.paths.forEach((p, i) => {
            appended[`${f.service}${p}`] = added[i]!;
          });
        }
        runs.push(appended);
      } finally {
        await sandbox.stop();
      }
    }
    // The same sequence both times: compare what both runs produced (a run may stream a little longer).
    for (const key of Object.keys(runs[0]!)) {
      const [a, b] = [runs[0]![key]!, runs[1]![key]!];
      const n = Math.min(a.length, b.length);
      expect(n, key).toBeGreaterThan(0);
      expect(a.slice(0, n), key).toEqual(b.slice(0, n));
    }
    // new matters and moves of existing ones alike
    const incidents = runs[0]!["publicSecurity/api/v1/incidents"]!.map(
      (r) => JSON.parse(r) as { CJJG: string },
    );
    expect(incidents.some((r) => r.CJJG === "")).toBe(true);
    expect(incidents.some((r) => r.CJJG !== "")).toBe(true);
  });
});
