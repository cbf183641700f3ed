// Does a subscriber leave anything behind? Boots the hub in this process (so the heap can be
// collected and measured) on a throwaway PostgreSQL, then runs cycles: open N graphql-ws sockets
// with one eventReported subscription each (city and grid jurisdictions alternating), commit
// changes until every subscriber has received its share, close every socket, wait until the hub
// counts no subscriber, collect garbage and read the heap. A leak shows as heapUsed growing from
// cycle to cycle; RSS that stays up while heapUsed returns is the allocator keeping freed pages.
//
//   node --expose-gc --import tsx tests/bench/subscription-memory.ts [--subscribers 2000] [--cycles 5]
//     [--events 20] [--close-while-behind]
//
// Prints one line per cycle and a JSON report; nothing is asserted (see the vitest
// outbox-subscriptions test for the registry being emptied).
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import v8 from "node:v8";
import { type Client, createClient } from "graphql-ws";
import pg from "pg";
import WebSocket from "ws";
import { mintToken } from "../../gateway/auth.js";
import { bootHub } from "../../gateway/boot.js";
import { loadConfig } from "../../gateway/config.js";
import { createLogger } from "../../gateway/logger.js";
import { startThrowawayPostgres } from "./support/hub-process.js";

const { values: flags } = parseArgs({
  options: {
    subscribers: { type: "string", default: "2000" },
    cycles: { type: "string", default: "5" },
    events: { type: "string", default: "20" },
    // close the sockets as soon as the changes are committed, while the hub is still delivering
    "close-while-behind": { type: "boolean", default: false },
  },
});
const N = Number(flags.subscribers);
const CYCLES = Number(flags.cycles);
const EVENTS = Number(flags.events);
const CLOSE_WHILE_BEHIND = flags["close-while-behind"];

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  process.stderr.write("run with node --expose-gc --import tsx tests/bench/subscription-memory.ts\n");
  process.exit(2);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MiB = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;

async function collected() {
  for (let i = 0; i < 4; i++) {
    gc!();
    await sleep(50);
  }
  const m = process.memoryUsage();
  const h = v8.getHeapStatistics();
  return {
    heapUsedMiB: MiB(m.heapUsed),
    externalMiB: MiB(m.external),
    arrayBuffersMiB: MiB(m.arrayBuffers),
    rssMiB: MiB(m.rss),
    mallocedMiB: MiB(h.malloced_memory),
    nativeContexts: h.number_of_native_contexts,
  };
}

async function until(what: string, check: () => boolean, limitMs = 120_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const pgServer = await startThrowawayPostgres();
const secret = randomBytes(32).toString("base64url");
// A hub that does not boot (a configuration error) must not leave the cluster running.
const hub = await (async () => {
  try {
    const config = loadConfig({
      NODE_ENV: "production",
      PORT: "0",
      DATABASE_URL: pgServer.url,
      AUTH_JWT_SECRET: secret,
      WEBHOOK_TOKEN: randomBytes(24).toString("base64url"),
      DEMO_DATA: "true",
      SANDBOX: "false",
      LOG_LEVEL: "warn",
      SYNC_SCHEDULER: "false",
    });
    return await bootHub(config, { log: createLogger("warn") });
  } catch (e) {
    await pgServer.stop();
    throw e;
  }
})();
const wsUrl = `${hub.url.replace(/^http/, "ws")}/graphql`;
const db = new pg.Client({ connectionString: pgServer.url });
await db.connect();
const [grid] = (
  await db.query<{ id: string; code: string }>(
    `SELECT id::text, code FROM "Area" WHERE level = 'GRID' ORDER BY code LIMIT 1`,
  )
).rows;
if (!grid) throw new Error("no grid in the demo area tree");
const tokens = [
  await mintToken(
    secret,
    { sub: "mem-city", roles: ["city_commander"], areas: ["320600"] },
    { expiresIn: "2h" },
  ),
  await mintToken(
    secret,
    { sub: "mem-grid", roles: ["grid_worker"], areas: [grid.code] },
    { expiresIn: "2h" },
  ),
];

const rows: Record<string, unknown>[] = [];
const report = (cycle: number | string, extra: Record<string, unknown>) => {
  const row = { cycle, subscribersAfterClose: hub.outbox.subscribers, ...extra };
  rows.push(row);
  process.stdout.write(`${JSON.stringify(row)}\n`);
};

try {
  report("baseline", await collected());
  for (let cycle = 1; cycle <= CYCLES; cycle++) {
    const clients: Client[] = [];
    const received = new Array<number>(N).fill(0);
    for (let i = 0; i < N; i += 200) {
      const batch: Promise<void>[] = [];
      for (let j = i; j < Math.min(N, i + 200); j++) {
        const client = createClient({
          url: wsUrl,
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${tokens[j % 2]}` },
          retryAttempts: 0,
          lazy: false,
        });
        clients.push(client);
        batch.push(
          new Promise<void>((resolve) => {
            const stop = client.on("connected", () => {
              stop();
              resolve();
            });
          }),
        );
        client.subscribe(
          { query: "subscription { eventReported { cursor event { id title status } } }" },
          { next: () => void received[j]!++, error: () => {}, complete: () => {} },
        );
      }
      await Promise.all(batch);
    }
    await until("every subscription", () => hub.outbox.subscribers === N);
    const peak = process.memoryUsage();
    for (let e = 0; e < EVENTS; e++)
      await db.query(
        `INSERT INTO "Event" (id, kind, title, "occurredAt", "reportedAt", "areaId", "updatedAt")
         VALUES (gen_random_uuid(), 'GRID_REPORT', $1, now(), now(), $2, now())`,
        [`memory #${cycle}.${e}`, grid.id],
      );
    // every subscriber (city and grid alike) sees events in this grid
    if (CLOSE_WHILE_BEHIND) await until("a first delivery", () => received.some((n) => n > 0));
    else await until("every delivery", () => received.every((n) => n >= EVENTS));
    const open = { rssMiB: MiB(peak.rss), heapUsedMiB: MiB(peak.heapUsed) };
    await Promise.all(clients.map((c) => c.dispose()));
    clients.length = 0;
    await until("every subscription freed", () => hub.outbox.subscribers === 0);
    report(cycle, { whileOpen: open, ...(await collected()) });
  }
} finally {
  await db.end();
  await hub.shutdown();
  await pgServer.stop();
}
process.stdout.write(
  `${JSON.stringify({ subscribers: N, cycles: CYCLES, events: EVENTS, closeWhileBehind: CLOSE_WHILE_BEHIND, rows })}\n`,
);
