// The demo centre is alive: the hotline, petition, public-security and grid sandboxes, asked to
// stream, serve new and changed matters after what the hub already synced; the hub's next sync
// of each connector brings them in, and a subscriber of eventReported sees a new event from
// every one of them while the changed ones are published as updates.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtinConnectors } from "../../connectors/departments/index.js";
import type { Sandbox, ServiceName } from "../../sandbox/services/index.js";
import { startTestHub, type TestHub } from "../support/hub.js";
import { startSmallSandbox } from "./sandbox/support.js";

let sandbox: Sandbox;
let hub: TestHub;

/** The streaming silos, their connector and the event kinds they report. */
const SILOS: readonly { service: ServiceName; connector: string; kinds: readonly string[] }[] = [
  { service: "hotline", connector: "hotline-12345", kinds: ["HOTLINE_TICKET"] },
  { service: "petition", connector: "petition", kinds: ["PETITION"] },
  { service: "publicSecurity", connector: "public-security", kinds: ["POLICE_INCIDENT"] },
  { service: "grid", connector: "grid", kinds: ["DISPUTE", "GRID_REPORT"] },
];

beforeAll(async () => {
  sandbox = await startSmallSandbox();
  const connectors = builtinConnectors(sandbox.urls);
  hub = await startTestHub({}, connectors, undefined, { resolveAfterSync: false });
  for (const c of connectors) expect((await hub.sync.run(c.manifest.id)).outcome).toBe("SUCCEEDED");
}, 240_000);
afterAll(async () => {
  await hub?.stop();
  await sandbox?.stop();
});

const streamOf = async (service: ServiceName, body?: { everyMs: number }) => {
  const res = await fetch(`${sandbox.urls[service]}/_sandbox/stream`, {
    method: body ? "POST" : "GET",
    ...(body ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) } : {}),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { everyMs: number; streamed: number };
};

interface Reported {
  change: string;
  event: { id: string; kind: string; status: string };
}

describe("the sandboxes' streams", () => {
  it("reach the hub: a new event from every streaming silo, and changed ones as updates", async () => {
    const commander = await hub.token({ roles: ["city_commander"], areas: ["320600"] });
    const reported: Reported[] = [];
    const errors: unknown[] = [];
    const client = hub.wsClient({ authorization: `Bearer ${commander}` });
    client.subscribe<{ eventReported: Reported }>(
      { query: "subscription { eventReported { change event { id kind status } } }" },
      {
        next: (r) => {
          if (r.errors) errors.push(...r.errors);
          if (r.data?.eventReported) reported.push(r.data.eventReported);
        },
        error: (e) => errors.push(e),
        complete: () => {},
      },
    );
    for (let i = 0; i < 500 && hub.booted.outbox.subscribers < 1; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(hub.booted.outbox.subscribers).toBe(1);
    const [outbox] = await hub.db.$queryRaw<{ last: bigint }[]>`
      SELECT coalesce(max(id), 0) AS last FROM "Outbox"`;
    const last = outbox!.last;

    // Each silo streams until it has made 60 changes: at least the first 60 of its sequence, which
    // depends only on the seed, so the same synced matters move on in every run (a change of a
    // matter created since the last sync arrives with it, as one creation).
    for (const s of SILOS) expect((await streamOf(s.service, { everyMs: 10 })).everyMs).toBe(10);
    for (const s of SILOS) {
      for (let i = 0; i < 1000 && (await streamOf(s.service)).streamed < 60; i++)
        await new Promise((r) => setTimeout(r, 10));
      const stopped = await streamOf(s.service, { everyMs: 0 });
      expect(stopped.streamed, s.service).toBeGreaterThanOrEqual(60);
    }

    // The next sync of each connector reads only what was appended.
    for (const s of SILOS) {
      const report = await hub.sync.run(s.connector);
      expect(report, s.connector).toMatchObject({ outcome: "SUCCEEDED", quarantined: 0 });
      expect(report.ingested, s.connector).toBeGreaterThan(0);
    }
    const wanted = SILOS.flatMap((s) => s.kinds);
    const seen = () => new Set(reported.map((r) => r.event.kind));
    for (let i = 0; i < 1000 && !wanted.every((k) => seen().has(k)); i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(errors).toEqual([]);
    expect([...seen()].sort()).toEqual([...wanted].sort());
    expect(reported.every((r) => r.change === "CREATED")).toBe(true);

    // Matters that moved on in their silo moved on in the hub: an update of every kind.
    const updated = await hub.db.$queryRaw<{ kind: string }[]>`
      SELECT DISTINCT payload->>'kind' AS kind FROM "Outbox"
      WHERE id > ${last} AND topic = 'EVENT' AND kind = 'UPDATED'`;
    expect(updated.map((u) => u.kind).sort()).toEqual([...wanted].sort());
    await client.dispose();
  }, 120_000);
});
