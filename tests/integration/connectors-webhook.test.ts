// Webhook pushes authenticated per connector: HMAC-SHA256 of the raw body with the connector's own
// secret (WEBHOOK_SECRETS_FILE), a timestamp inside the signature, stale pushes refused. Each
// refusal answers 401 UNAUTHENTICATED with a stable reason.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEVELOPMENT_WEBHOOK_TOKEN } from "../../gateway/config.js";
import { signWebhook } from "../../gateway/webhooks.js";
import { housingConnector, registrations, startHousingSystem } from "../support/housing.js";
import { startTestHub, type TestHub } from "../support/hub.js";

const SECRET = "housing-test-own-secret-0123456789abcdef";
let hub: TestHub;
let system: Awaited<ReturnType<typeof startHousingSystem>>;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "citygraph-webhooks-"));
  const file = path.join(dir, "secrets.json");
  fs.writeFileSync(file, JSON.stringify({ "housing-test": SECRET }));
  system = await startHousingSystem([]);
  hub = await startTestHub({ WEBHOOK_SECRETS_FILE: file }, [housingConnector(system.url)]);
});
afterAll(async () => {
  await hub?.stop();
  await system?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const body = (deliveryId: string) => {
  const [registration] = registrations(1, deliveryId.toUpperCase());
  return JSON.stringify({ deliveryId, registration });
};

async function push(raw: string, headers: Record<string, string>) {
  const res = await fetch(`${hub.url}/connectors/housing-test/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: raw,
  });
  const answer = (await res.json()) as { errors?: { extensions: { code: string; reason?: string } }[] };
  return { status: res.status, answer, refusal: answer.errors?.[0]?.extensions };
}

const signedAt = (secret: string, at: number, raw: string) => ({
  "x-citygraph-timestamp": String(at),
  "x-citygraph-signature": signWebhook(secret, at, raw),
});
const now = () => Math.floor(Date.now() / 1000);

describe("a webhook push", () => {
  it("signed with the connector's own secret is taken in", async () => {
    const raw = body("own-1");
    const r = await push(raw, signedAt(SECRET, now(), raw));
    expect(r.status).toBe(202);
    expect(r.answer).toMatchObject({ deliveryId: "own-1", duplicate: false, ingested: 1 });
  });

  it("without a signature, or with only the former shared token, is refused: MISSING_SIGNATURE", async () => {
    const raw = body("none-1");
    expect((await push(raw, {})).refusal).toEqual({ code: "UNAUTHENTICATED", reason: "MISSING_SIGNATURE" });
    const token = await push(raw, { "x-webhook-token": DEVELOPMENT_WEBHOOK_TOKEN });
    expect(token.status).toBe(401);
    expect(token.refusal).toEqual({ code: "UNAUTHENTICATED", reason: "MISSING_SIGNATURE" });
  });

  it("signed with another secret (the shared one, once the connector has its own) is refused: BAD_SIGNATURE", async () => {
    const raw = body("shared-1");
    const r = await push(raw, signedAt(DEVELOPMENT_WEBHOOK_TOKEN, now(), raw));
    expect(r.status).toBe(401);
    expect(r.refusal).toEqual({ code: "UNAUTHENTICATED", reason: "BAD_SIGNATURE" });
  });

  it("whose body was changed after signing, or whose timestamp was, is refused: BAD_SIGNATURE", async () => {
    const raw = body("tamper-1");
    const headers = signedAt(SECRET, now(), raw);
    expect((await push(body("tamper-2"), headers)).refusal).toMatchObject({ reason: "BAD_SIGNATURE" });
    const moved = { ...headers, "x-citygraph-timestamp": String(now() + 1) };
    expect((await push(raw, moved)).refusal).toMatchObject({ reason: "BAD_SIGNATURE" });
  });

  it("signed more than five minutes ago (a replay) is refused: STALE_TIMESTAMP, and nothing is taken in", async () => {
    const raw = body("stale-1");
    const r = await push(raw, signedAt(SECRET, now() - 301, raw));
    expect(r.status).toBe(401);
    expect(r.refusal).toEqual({ code: "UNAUTHENTICATED", reason: "STALE_TIMESTAMP" });
    expect(await hub.db.webhookDelivery.count({ where: { deliveryId: "stale-1" } })).toBe(0);
  });
});
