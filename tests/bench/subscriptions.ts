// Benchmark of live subscriptions over the outbox (integration/outbox.ts): N concurrent graphql-ws
// subscribers of `eventReported` (one subscription per socket, the realistic case) on one hub,
// then on two hubs sharing one database (subscribers split between them, each event written
// once), while events are inserted in SQL at a steady rate (each insert is a transaction whose
// trigger writes the outbox row, so the hub's request path carries no load).
//
// Subscribers hold tokens of four jurisdictions — city, district, street, grid — so filters of
// different selectivity run side by side; events rotate over four areas chosen so that a grid
// subscriber expects 1/4 of them, a street one 2/4, a district one 3/4 and the city all. Each
// event's title carries its sequence number and send time. Per subscriber: delivery latency
// (send → receive), lost (expected by jurisdiction, never received) and duplicates. A sample of
// subscribers disconnects mid-run and resubscribes with its last cursor: it must end with
// nothing lost and nothing twice. Also the hub's RSS (peak, end) and /healthz response times.
//
//   npm run bench:subscriptions -- [--scales 1000,5000,10000] [--duration 20] [--rate 5]
//                                  [--two-hub-scales 1000,5000,10000] [--reconnect 0.01] [--cpu-prof DIR]
//
// Loopback only, bounded by the harness budget, stops by itself. Prints figures and asserts
// nothing timed: exit 1 only on loss, duplicates or errors.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { type Client, createClient } from "graphql-ws";
import pg from "pg";
import WebSocket from "ws";
import { mintToken } from "../../gateway/auth.js";
import { runBench, stopPostgres, stopProcess } from "./support/harness.js";
import { type HubProcess, spawnHub, startThrowawayPostgres } from "./support/hub-process.js";
import { RssSampler } from "./support/proc.js";
import { fixed, formatTable, mib } from "./support/report.js";

const { values: flags } = parseArgs({
  options: {
    scales: { type: "string", default: "1000,5000,10000" },
    "two-hub-scales": { type: "string", default: "1000,5000,10000" },
    duration: { type: "string", default: "20" },
    rate: { type: "string", default: "5" },
    reconnect: { type: "string", default: "0.01" },
    drain: { type: "string", default: "30" },
    // write the hubs' V8 CPU profiles (.cpuprofile, read with tests/bench/support/cpu-profile.ts) here
    "cpu-prof": { type: "string" },
  },
});
const scaleList = (s: string) =>
  s
    .split(",")
    .map((x) => Number(x.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
const SCALES = scaleList(flags.scales);
const TWO_HUB_SCALES = scaleList(flags["two-hub-scales"]);
const DURATION_S = Number(flags.duration);
const RATE = Number(flags.rate);
const RECONNECT_SHARE = Number(flags.reconnect);
const DRAIN_S = Number(flags.drain);
const CONNECT_CONCURRENCY = 200;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

const QUERY = `subscription($after: String) { eventReported(after: $after) { cursor event { title areaCode } } }`;
const TITLE = /^bench #(\d+) t=(\d+)$/;

type Level = "city" | "district" | "street" | "grid";
interface Area {
  id: string;
  code: string;
  path: string;
}
interface Audience {
  level: Level;
  role: string;
  area: Area;
  token: string;
}

/** One subscriber: its socket, what it received, when. */
class Subscriber {
  client: Client | null = null;
  cursor: string | null = null;
  seen = new Set<number>();
  duplicates = 0;
  latencies: number[] = [];
  errors: string[] = [];
  reconnected = false;
  private unsubscribe: (() => void) | null = null;

  constructor(
    readonly audience: Audience,
    readonly wsUrl: string,
  ) {}

  /** Open the socket and subscribe; resolves once the hub acknowledged the connection. */
  /** Refused attempts (e.g. 4408: the hub did not take connection_init in time) before one held. */
  refused = 0;
  /** Events numbered below this were committed before the run: counted apart, not as received. */
  minSeq = Number.POSITIVE_INFINITY;
  stale = 0;

  /** Connect as a client would: an attempt the hub refuses is retried (5 at most, backing off). */
  async connect(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const errorsBefore = this.errors.length;
      try {
        return await this.connectOnce();
      } catch (e) {
        this.errors.length = errorsBefore; // the refused attempt's close is not a lost subscription
        await this.close();
        if (attempt >= 5) throw e;
        this.refused++;
        await sleep(500 * attempt);
      }
    }
  }

  private connectOnce(): Promise<void> {
    return new Promise((resolve, reject) => {
      const client = createClient({
        url: this.wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${this.audience.token}` },
        retryAttempts: 0,
        lazy: false,
        keepAlive: 0,
        // A socket that ends after it was acknowledged: record its close code and reason.
        onNonLazyError: (e) => {
          const c = e as { code?: number; reason?: string };
          this.errors.push(
            `socket closed ${c.code ?? ""} ${c.reason ?? (e instanceof Error ? e.message : "")}`.trim(),
          );
        },
        on: {
          connected: () => resolve(),
          closed: (e) => reject(new Error(`closed before connected: ${(e as { code?: number }).code ?? e}`)),
          error: (e) =>
            reject(e instanceof Error ? e : new Error(String((e as { message?: string }).message ?? e))),
        },
      });
      this.client = client;
      this.unsubscribe = client.subscribe<{ eventReported: { cursor: string; event: { title: string } } }>(
        { query: QUERY, variables: { after: this.cursor } },
        {
          next: (r) => {
            if (r.errors) {
              this.errors.push(r.errors.map((e) => e.message).join("; "));
              return;
            }
            const change = r.data?.eventReported;
            if (!change) return;
            const m = TITLE.exec(change.event.title);
            if (!m) return; // not a benchmark event
            this.cursor = change.cursor;
            const seq = Number(m[1]);
            if (seq < this.minSeq) {
              this.stale++; // committed before this run's subscribers subscribed
              return;
            }
            if (this.seen.has(seq)) this.duplicates++;
            else {
              this.seen.add(seq);
              this.latencies.push(Date.now() - Number(m[2]));
            }
          },
          error: (e) => {
            const c = e as { code?: number; reason?: string };
            this.errors.push(
              e instanceof Error
                ? e.message
                : c.code !== undefined
                  ? `closed ${c.code} ${c.reason ?? ""}`
                  : JSON.stringify(e),
            );
          },
          complete: () => {},
        },
      );
    });
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    const c = this.client;
    this.client = null;
    if (c) await c.dispose();
  }
}

async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

/** /healthz round trips every 500 ms while the run lasts: times and failures. */
function probeHealth(url: string) {
  const times: number[] = [];
  let failures = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      try {
        const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) });
        await res.arrayBuffer();
        if (res.status === 200) times.push(performance.now() - t0);
        else failures++;
      } catch {
        failures++;
      }
      await sleep(500);
    }
  })();
  return async () => {
    running = false;
    await loop;
    return { times: times.sort((a, b) => a - b), failures };
  };
}

await runBench(
  {
    name: "subscriptions",
    budgetMs: (10 + ((SCALES.length + TWO_HUB_SCALES.length) * (DURATION_S + DRAIN_S + 180)) / 60) * 60_000,
    stopping: "the subscribers, the hubs and PostgreSQL",
  },
  async (bench) => {
    const { log } = bench;
    log(
      `settings: scales ${SCALES.join(",")} (two hubs: ${TWO_HUB_SCALES.join(",") || "none"}), ${RATE} events/s for ${DURATION_S} s, reconnect sample ${RECONNECT_SHARE}`,
    );
    log(`fd limit of this process and its children (ulimit -n): inherited`);
    const pgServer = await bench.started(startThrowawayPostgres(), stopPostgres);
    const secret = randomBytes(32).toString("base64url");
    const hubEnv = { SANDBOX: "false", DEMO_DATA: "true" };
    const startHub = (label: string) =>
      bench.started(
        spawnHub({
          databaseUrl: pgServer.url,
          jwtSecret: secret,
          env: hubEnv,
          signal: bench.signal,
          ...(flags["cpu-prof"] ? { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${flags["cpu-prof"]}`] } : {}),
        }),
        stopProcess(label),
      );

    // The first hub migrates the database and loads the demo area tree.
    const hubA = await startHub("hub A");
    log(`hub A ${hubA.url} pid ${hubA.hubPid} (cold start ${fixed(hubA.coldStartMs / 1000)} s)`);
    const db = new pg.Client({ connectionString: pgServer.url });
    await db.connect();
    bench.onCleanup(() => db.end().then(() => true));

    // Four nested audiences and four event areas: grid g1 ⊂ street ⊂ district ⊂ city; g2 in the
    // same street, g3 in the same district, g4 in another district.
    const areas = (
      await db.query<Area & { level: string }>(`SELECT id::text, code, path, level::text FROM "Area"`)
    ).rows;
    const grids = areas.filter((a) => a.level === "GRID");
    const byId = new Map(areas.map((a) => [a.id, a]));
    const parentOf = async (a: Area) => {
      const r = await db.query<{ parentId: string }>(`SELECT "parentId"::text FROM "Area" WHERE id = $1`, [
        a.id,
      ]);
      return byId.get(r.rows[0]!.parentId)!;
    };
    const g1 = grids.sort((a, b) => a.code.localeCompare(b.code))[0]!;
    let street = await parentOf(g1);
    while (areas.find((a) => a.id === street.id)!.level !== "STREET") street = await parentOf(street);
    let district = await parentOf(street);
    while (areas.find((a) => a.id === district.id)!.level !== "DISTRICT") district = await parentOf(district);
    let city = await parentOf(district);
    while (areas.find((a) => a.id === city.id)!.level !== "CITY") city = await parentOf(city);
    const under = (a: Area, root: Area) => a.path.startsWith(root.path);
    const g2 = grids.find((g) => g.id !== g1.id && under(g, street));
    const g3 = grids.find((g) => under(g, district) && !under(g, street));
    const g4 = grids.find((g) => under(g, city) && !under(g, district));
    if (!g2 || !g3 || !g4) throw new Error("the demo area tree lacks the grids this benchmark needs");
    const eventAreas = [g1, g2, g3, g4];

    const audiences: Audience[] = [];
    for (const [level, role, area] of [
      ["city", "city_commander", city],
      ["district", "district_commander", district],
      ["street", "street_operator", street],
      ["grid", "grid_worker", g1],
    ] as const)
      audiences.push({
        level,
        role,
        area,
        token: await mintToken(
          secret,
          { sub: `bench-${level}`, roles: [role], areas: [area.code] },
          { expiresIn: "12h" },
        ),
      });
    log(
      `audiences: ${audiences.map((a) => `${a.level} ${a.area.code}`).join(", ")}; events rotate over grids ${eventAreas.map((a) => a.code).join(", ")}`,
    );

    let seq = 0;
    const runs: Record<string, unknown>[] = [];
    let failed = false;

    const runScale = async (hubs: HubProcess[], n: number) => {
      const mode = hubs.length === 1 ? "one hub" : `${hubs.length} hubs`;
      log(`\n— ${n} subscribers, ${mode} —`);
      const samplers = hubs.map((h) => new RssSampler(h.hubPid).start());
      const rssBefore = samplers.map((s) => s.current());
      const subs = Array.from(
        { length: n },
        (_, i) =>
          new Subscriber(
            audiences[i % audiences.length]!,
            `${hubs[Math.floor(i / audiences.length) % hubs.length]!.url.replace(/^http/, "ws")}/graphql`,
          ),
      );
      const connectStart = performance.now();
      const connectErrors: string[] = [];
      await inBatches(subs, CONNECT_CONCURRENCY, (s) =>
        s.connect().catch((e: Error) => {
          connectErrors.push(e.message);
        }),
      );
      const connectS = (performance.now() - connectStart) / 1000;
      log(
        `  connected ${n - connectErrors.length}/${n} in ${fixed(connectS)} s${connectErrors.length ? ` (first error: ${connectErrors[0]})` : ""}`,
      );
      // Let every subscribe reach the hub before the first event.
      await sleep(2000);
      for (const s of samplers) s.beginWindow();
      const health = hubs.map((h) => probeHealth(h.url));

      // The reconnect sample: every k-th subscriber leaves at a third of the run, comes back at half.
      const sample =
        RECONNECT_SHARE > 0
          ? subs.filter((_, i) => i % Math.max(1, Math.round(1 / RECONNECT_SHARE)) === 0)
          : [];
      const total = Math.round(DURATION_S * RATE);
      const firstSeq = seq + 1;
      for (const s of subs) s.minSeq = firstSeq;
      const sent: { seq: number; areaPath: string }[] = [];
      const started = Date.now();
      const reconnectErrors: string[] = [];
      let reconnecting: Promise<void> | null = null;
      for (let k = 0; k < total; k++) {
        if (bench.signal.aborted) throw new Error("aborted");
        const due = started + (k * 1000) / RATE;
        if (due > Date.now()) await sleep(due - Date.now());
        if (k === Math.floor(total / 3) && sample.length > 0)
          reconnecting = (async () => {
            await Promise.all(sample.map((s) => s.close()));
            await sleep(((total / 6) * 1000) / RATE);
            await inBatches(sample, CONNECT_CONCURRENCY, async (s) => {
              s.reconnected = true;
              await s.connect().catch((e: Error) => void reconnectErrors.push(e.message));
            });
          })();
        const area = eventAreas[k % eventAreas.length]!;
        const me = ++seq;
        await db.query("BEGIN");
        await db.query(
          `INSERT INTO "Event" (id, kind, title, "occurredAt", "reportedAt", "areaId", "updatedAt")
           VALUES (gen_random_uuid(), 'GRID_REPORT', $1, now(), now(), $2, now())`,
          [`bench #${me} t=${Date.now()}`, area.id],
        );
        await db.query("COMMIT");
        sent.push({ seq: me, areaPath: area.path });
      }
      const sendS = (Date.now() - started) / 1000;
      await reconnecting;

      // Expected per subscriber: the events in its jurisdiction. Wait (bounded) until all arrived.
      const expected = (s: Subscriber) => sent.filter((e) => e.areaPath.startsWith(s.audience.area.path));
      const expectedCount = new Map(
        audiences.map((a) => [a.level, sent.filter((e) => e.areaPath.startsWith(a.area.path)).length]),
      );
      const complete = () =>
        subs.every((s) => s.client === null || s.seen.size >= expectedCount.get(s.audience.level)!);
      const drainStart = Date.now();
      while (!complete() && Date.now() - drainStart < DRAIN_S * 1000) await sleep(200);
      const drainS = (Date.now() - drainStart) / 1000;
      const healthResults = await Promise.all(health.map((stop) => stop()));
      const rssPeak = samplers.map((s) => s.endWindow());
      const rssEnd = samplers.map((s) => s.current());

      const rows: string[][] = [];
      const perLevel: Record<string, unknown>[] = [];
      let lostAll = 0;
      let dupAll = 0;
      const all: number[] = [];
      for (const group of [...audiences.map((a) => a.level), "reconnected"] as const) {
        const members = group === "reconnected" ? sample : subs.filter((s) => s.audience.level === group);
        if (members.length === 0) continue;
        let lost = 0;
        let dups = 0;
        let errors = 0;
        let received = 0;
        const lat: number[] = [];
        for (const s of members) {
          const want = expected(s);
          const missing = want.filter((e) => !s.seen.has(e.seq)).length;
          const extra = [...s.seen].filter((q) => q >= firstSeq && !want.some((e) => e.seq === q)).length;
          lost += missing;
          dups += s.duplicates + extra;
          errors += s.errors.length;
          received += s.seen.size;
          // A reconnected subscriber's replayed changes waited for it: its latencies stand apart.
          if (group === "reconnected" || !s.reconnected) for (const l of s.latencies) lat.push(l);
        }
        lat.sort((a, b) => a - b);
        if (group !== "reconnected") {
          lostAll += lost;
          dupAll += dups;
          for (const l of lat) all.push(l);
        }
        const exp =
          group === "reconnected"
            ? members.reduce((t, s) => t + expected(s).length, 0)
            : members.length * expectedCount.get(group)!;
        rows.push([
          group,
          String(members.length),
          String(exp),
          String(received),
          String(lost),
          String(dups),
          String(errors),
          fixed(percentile(lat, 50), 0),
          fixed(percentile(lat, 99), 0),
          fixed(lat.at(-1) ?? Number.NaN, 0),
        ]);
        perLevel.push({
          group,
          subscribers: members.length,
          expectedMessages: exp,
          received,
          lost,
          duplicates: dups,
          errors,
          latencyMs: { p50: percentile(lat, 50), p99: percentile(lat, 99), max: lat.at(-1) ?? null },
        });
        if (errors > 0) log(`  ${group}: first error: ${members.find((s) => s.errors.length)!.errors[0]}`);
      }
      all.sort((a, b) => a - b);
      log(
        formatTable(
          [
            { title: "audience" },
            { title: "subs", align: "right" },
            { title: "expected", align: "right" },
            { title: "received", align: "right" },
            { title: "lost", align: "right" },
            { title: "dup", align: "right" },
            { title: "errors", align: "right" },
            { title: "p50 ms", align: "right" },
            { title: "p99 ms", align: "right" },
            { title: "max ms", align: "right" },
          ],
          rows,
        ),
      );
      const hubRows = hubs.map((_h, i) => [
        `hub ${"AB"[i]}`,
        String(mib(rssBefore[i] ?? null)),
        String(mib(rssPeak[i] ?? null)),
        String(mib(rssEnd[i] ?? null)),
        fixed(percentile(healthResults[i]!.times, 50), 1),
        fixed(healthResults[i]!.times.at(-1) ?? Number.NaN, 1),
        String(healthResults[i]!.failures),
      ]);
      log(
        formatTable(
          [
            { title: "hub" },
            { title: "RSS before MiB", align: "right" },
            { title: "peak MiB", align: "right" },
            { title: "end MiB", align: "right" },
            { title: "/healthz p50 ms", align: "right" },
            { title: "max ms", align: "right" },
            { title: "failed", align: "right" },
          ],
          hubRows,
        ),
      );
      const refused = subs.reduce((t, s) => t + s.refused, 0);
      const stale = subs.reduce((t, s) => t + s.stale, 0);
      if (stale > 0)
        log(`  ${stale} changes committed before the subscribers subscribed were delivered to them too`);
      if (refused > 0) log(`  ${refused} connection attempts refused by the hub and retried`);
      log(
        `  ${total} events in ${fixed(sendS)} s; drained in ${fixed(drainS)} s; all latencies p50 ${fixed(percentile(all, 50), 0)} ms, p99 ${fixed(percentile(all, 99), 0)} ms; lost ${lostAll}, duplicates ${dupAll}`,
      );
      for (const [i, h] of hubs.entries())
        if (h.problemLines() > 0)
          log(`  hub ${"AB"[i]} warned or failed: ${h.output().slice(-3).join("\n    ")}`);
      const errorCount =
        connectErrors.length + reconnectErrors.length + subs.reduce((t, s) => t + s.errors.length, 0);
      if (lostAll > 0 || dupAll > 0 || errorCount > 0) failed = true;
      runs.push({
        hubs: hubs.length,
        subscribers: n,
        connectSeconds: connectS,
        connectErrors: connectErrors.length,
        reconnectErrors: reconnectErrors.length,
        reconnectSample: sample.length,
        refusedAttempts: subs.reduce((t, s) => t + s.refused, 0),
        earlierChangesReceived: subs.reduce((t, s) => t + s.stale, 0),
        events: total,
        sendSeconds: sendS,
        drainSeconds: drainS,
        lost: lostAll,
        duplicates: dupAll,
        latencyMs: { p50: percentile(all, 50), p99: percentile(all, 99), max: all.at(-1) ?? null },
        perAudience: perLevel,
        hubsFigures: hubs.map((_, i) => ({
          rssBeforeMiB: mib(rssBefore[i] ?? null),
          rssPeakMiB: mib(rssPeak[i] ?? null),
          rssEndMiB: mib(rssEnd[i] ?? null),
          healthz: {
            probes: healthResults[i]!.times.length,
            failures: healthResults[i]!.failures,
            p50Ms: percentile(healthResults[i]!.times, 50),
            maxMs: healthResults[i]!.times.at(-1) ?? null,
          },
        })),
        loadAverage: (await import("node:os")).loadavg(),
      });
      await inBatches(subs, CONNECT_CONCURRENCY, (s) => s.close());
      for (const s of samplers) s.stop();
      await sleep(2000);
    };

    for (const n of SCALES) await runScale([hubA], n);
    if (TWO_HUB_SCALES.length > 0) {
      const hubB = await startHub("hub B");
      log(`\nhub B ${hubB.url} pid ${hubB.hubPid} (same database)`);
      for (const n of TWO_HUB_SCALES) await runScale([hubA, hubB], n);
    }

    const file = bench.report("bench-subscriptions.json", {
      settings: {
        scales: SCALES,
        twoHubScales: TWO_HUB_SCALES,
        durationSeconds: DURATION_S,
        ratePerSecond: RATE,
        reconnectShare: RECONNECT_SHARE,
        drainSeconds: DRAIN_S,
      },
      runs,
    });
    log(`\nreport: ${file}`);
    if (failed) log("FAILED: messages lost, duplicated, or errors (see above)");
    return failed ? 1 : 0;
  },
);
