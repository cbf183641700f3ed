// Webhook authentication, per connector: a department system signs each push with its own secret.
//   X-CityGraph-Timestamp: <Unix seconds>
//   X-CityGraph-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
// The timestamp is inside the signature, so a push cannot be replayed later with a fresh one; a
// push whose timestamp is more than MAX_SKEW_SECONDS from the hub's clock is refused. (The hub
// also takes each delivery id once, so a replay inside the window changes nothing.)
//
// Secrets: WEBHOOK_SECRETS_FILE names a JSON file {"<connector id>": "<secret>"} (at least 32
// characters each), read at start and kept out of the database; rotate by editing the file and
// restarting. Migration from the one shared WEBHOOK_TOKEN (sent as x-webhook-token): a connector
// with no entry in the file signs with WEBHOOK_TOKEN as its key until it gets one; the plain
// token header is no longer accepted on its own.
import { createHmac, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import { z } from "zod";

export const SIGNATURE_HEADER = "x-citygraph-signature";
export const TIMESTAMP_HEADER = "x-citygraph-timestamp";
export const MAX_SKEW_SECONDS = 300;

/** Why a push was refused: stable, in the answer's extensions.reason. */
export type WebhookRefusal = "MISSING_SIGNATURE" | "BAD_SIGNATURE" | "STALE_TIMESTAMP";

/** The signature header's value for a body sent at `timestamp` (Unix seconds). */
export function signWebhook(secret: string, timestamp: number, body: string | Buffer): string {
  const mac = createHmac("sha256", secret).update(`${timestamp}.`).update(body).digest("hex");
  return `sha256=${mac}`;
}

const secretsSchema = z.record(
  z.string().regex(/^[a-z][a-z0-9_-]{2,62}$/, "a connector id"),
  z.string().min(32, "a webhook secret has at least 32 characters"),
);

/** Each connector's webhook secret: its own from the file, else the former shared token. */
export function loadWebhookSecrets(
  file: string | null,
  sharedToken: string,
): (connectorId: string) => string {
  if (!file) return () => sharedToken;
  let parsed: z.infer<typeof secretsSchema>;
  try {
    parsed = secretsSchema.parse(JSON.parse(fs.readFileSync(file, "utf8")));
  } catch (e) {
    throw new Error(`WEBHOOK_SECRETS_FILE ${file}: ${(e as Error).message}`);
  }
  const secrets = new Map(Object.entries(parsed));
  return (connectorId) => secrets.get(connectorId) ?? sharedToken;
}

/** Check a push's signature and timestamp against the connector's secret. */
export function verifyWebhook(
  headers: IncomingHttpHeaders,
  body: Buffer,
  secret: string,
  now: Date,
): { ok: true } | { ok: false; reason: WebhookRefusal; message: string } {
  const signature = headers[SIGNATURE_HEADER];
  const stamp = headers[TIMESTAMP_HEADER];
  if (typeof signature !== "string" || typeof stamp !== "string")
    return {
      ok: false,
      reason: "MISSING_SIGNATURE",
      message: `a push must be signed: ${TIMESTAMP_HEADER} and ${SIGNATURE_HEADER} (sha256=<HMAC of "<timestamp>.<body>">)`,
    };
  const timestamp = /^\d{1,12}$/.test(stamp) ? Number(stamp) : Number.NaN;
  const expected = Number.isFinite(timestamp) ? signWebhook(secret, timestamp, body) : "";
  const given = Buffer.from(signature);
  if (!expected || given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected)))
    return { ok: false, reason: "BAD_SIGNATURE", message: "the push's signature does not match its body" };
  if (Math.abs(now.getTime() / 1000 - timestamp) > MAX_SKEW_SECONDS)
    return {
      ok: false,
      reason: "STALE_TIMESTAMP",
      message: `the push was signed more than ${MAX_SKEW_SECONDS} s from now (replayed, or a wrong clock)`,
    };
  return { ok: true };
}
