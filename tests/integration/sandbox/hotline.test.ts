// 12345 hotline webhooks: deliveries of new and changed orders (at-least-once: duplicate=true sends
// each twice with the same delivery_id), decoded by parsePush, and the same versions appended to
// GET /orders so incremental sync sees them.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonValue } from "../../../connectors/contract.js";
import { UpstreamFormatError } from "../../../connectors/contract.js";
import type { HotlineWorkOrder } from "../../../sandbox/generator/index.js";
import type { HotlineDelivery, Sandbox } from "../../../sandbox/services/index.js";
import { sourcesFor, startSmallSandbox, syncToEnd } from "./support.js";

let receiver: Server;
let received: { body: JsonValue; header: string | undefined }[] = [];
let sandbox: Sandbox;
let sources: ReturnType<typeof sourcesFor>;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as JsonValue,
        header: req.headers["x-delivery-id"] as string | undefined,
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/12345`;
  sandbox = await startSmallSandbox({ only: ["hotline"], webhookUrl });
  sources = sourcesFor(sandbox);
});
afterAll(async () => {
  await sandbox?.stop();
  await new Promise((r) => receiver?.close(r));
});

async function push(count: number, duplicate: boolean) {
  const res = await fetch(`${sandbox.urls.hotline}/_sandbox/push`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ count, duplicate }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { delivered: number; failed: number; deliveries: { delivery_id: string }[] };
}

const NEXT: Record<string, string> = {
  待受理: "已派单",
  已派单: "办理中",
  办理中: "已办结",
  超期未办结: "已办结",
  已办结: "已回访",
};

describe("hotline webhooks", () => {
  it("duplicate=true delivers every order twice with the same delivery_id; sync sees the new versions", async () => {
    const before = await syncToEnd(sources.hotline, 1_000);
    const known = new Map(
      before.records.map((r) => [r.sourceKey, (r.payload as unknown as { record: HotlineWorkOrder }).record]),
    );
    received = [];
    const answer = await push(8, true);
    expect(answer).toMatchObject({ delivered: 8, failed: 0 });
    expect(received).toHaveLength(16);

    const byId = new Map<string, JsonValue[]>();
    for (const r of received) {
      const id = (r.body as unknown as HotlineDelivery).delivery_id;
      expect(r.header).toBe(id);
      byId.set(id, [...(byId.get(id) ?? []), r.body]);
    }
    expect(byId.size).toBe(8);
    for (const copies of byId.values()) {
      expect(copies).toHaveLength(2);
      expect(copies[0]).toEqual(copies[1]);
    }

    // decoded by the connector
    const deliveries = [...byId.values()].map((c) => c[0]!);
    const parsed = deliveries.map((d) => sources.hotline.parsePush(d));
    const events = deliveries.map((d) => (d as unknown as HotlineDelivery).event);
    expect(new Set(events)).toEqual(new Set(["order.created", "order.updated"]));
    for (const [i, p] of parsed.entries()) {
      const d = deliveries[i] as unknown as HotlineDelivery;
      expect(p.deliveryId).toBe(d.delivery_id);
      expect(p.records).toEqual([
        { sourceKey: `workOrders:${d.order.order_no}`, payload: { dataset: "workOrders", record: d.order } },
      ]);
      if (d.event === "order.created") {
        expect(known.has(`workOrders:${d.order.order_no}`)).toBe(false);
        expect(d.order.status).toBe("待受理");
      } else {
        // a later status of an order the hub has seen (or was pushed earlier in this run)
        const previous = known.get(`workOrders:${d.order.order_no}`);
        expect(previous).toBeDefined();
        expect(d.order.status).toBe(NEXT[previous!.status]);
      }
      known.set(`workOrders:${d.order.order_no}`, d.order);
    }

    // incremental sync from where the last run ended: exactly the pushed versions, in order
    const after = await syncToEnd(sources.hotline, 1_000, before.cursor);
    expect(after.records).toEqual(parsed.flatMap((p) => p.records));
  });

  it("duplicate=false delivers each once, with fresh delivery ids", async () => {
    received = [];
    const answer = await push(3, false);
    expect(answer.delivered).toBe(3);
    expect(received).toHaveLength(3);
    const ids = received.map((r) => (r.body as unknown as HotlineDelivery).delivery_id);
    expect(new Set(ids).size).toBe(3);
  });

  it("parsePush refuses a malformed delivery", () => {
    expect(() => sources.hotline.parsePush({ event: "order.created", order: { order_no: "1" } })).toThrow(
      UpstreamFormatError,
    );
    expect(() =>
      sources.hotline.parsePush({ delivery_id: "d1", event: "order.deleted", order: { order_no: "1" } }),
    ).toThrow(/unknown event/);
    expect(() => sources.hotline.parsePush({ delivery_id: "d1", event: "order.updated", order: {} })).toThrow(
      /order_no/,
    );
    expect(() => sources.hotline.parsePush("nope")).toThrow(UpstreamFormatError);
  });

  it("400 names the parameter of a bad push request", async () => {
    const res = await fetch(`${sandbox.urls.hotline}/_sandbox/push`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ count: 0 }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ parameter: "count" });
  });
});
