// `npm run bench:gateway`: throughput, latency and memory of the real hub over real HTTP.
//
// Starts a throwaway embedded PostgreSQL, runs the hub as its own process exactly as `npm start`
// does (`tsx gateway/main.ts`, demo data, production mode), measures its cold start, then drives
// two read operations at concurrency 1, 16 and 64 from this process while sampling the hub's
// RSS. Prints a table and writes tests/.artifacts/bench-gateway.json. Prints figures only: no
// timing is asserted. Exits non-zero when anything failed (including any errored request).
//
//   npm run bench:gateway -- --duration 10 --warmup 2
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import http from "node:http";
import { parseArgs } from "node:util";
import { mintToken } from "../../gateway/auth.js";
import { buildDemoAreaTree, type DemoArea } from "../../sandbox/city/areas.js";
import { runBench, stopPostgres, stopProcess } from "./support/harness.js";
import { type LoadResult, postOnce, runLoad } from "./support/http-load.js";
import { runCommand, spawnHub, startThrowawayPostgres } from "./support/hub-process.js";
import { machineCpuSeconds, RssSampler, treeCpuSeconds } from "./support/proc.js";
import { fixed, formatTable, mib } from "./support/report.js";

const USAGE = `usage: npm run bench:gateway -- [--duration SECONDS] [--warmup SECONDS]
  --duration  measured time per operation and concurrency (default 10, at most 600)
  --warmup    unmeasured time before each measurement (default 2, at most 60)`;

const CONCURRENCY = [1, 16, 64] as const;

function parseOptions(): { durationS: number; warmupS: number } {
  // `npx tsx tests/bench/gateway.ts -- --duration 3` passes the "--" on: drop it.
  const args = process.argv.slice(2).filter((a) => a !== "--");
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: "string", default: "10" },
      warmup: { type: "string", default: "2" },
      // The other benchmarks' options, which `npm run bench -- --scale demo …` passes to every
      // benchmark: accepted and ignored here (this one needs no data).
      scale: { type: "string" },
      seed: { type: "string" },
      subjects: { type: "string" },
      "max-minutes": { type: "string" },
      "query-stats": { type: "boolean" },
      "keep-truth": { type: "boolean" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const seconds = (name: string, raw: string, min: number, max: number) => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) {
      process.stderr.write(
        `--${name} must be a number of seconds from ${min} to ${max}, not "${raw}"\n${USAGE}\n`,
      );
      process.exit(2);
    }
    return n;
  };
  return {
    durationS: seconds("duration", values.duration, 0.1, 600),
    warmupS: seconds("warmup", values.warmup, 0, 60),
  };
}

// ---- the operations and the data they must return (computed from the demo tree itself) ----

interface Operation {
  name: string;
  query: string;
  expected: () => unknown;
}

function demoTree() {
  const areas = buildDemoAreaTree();
  const byCode = new Map(areas.map((a) => [a.code, a]));
  const children = new Map<string, DemoArea[]>();
  for (const a of areas)
    if (a.parentCode) children.set(a.parentCode, [...(children.get(a.parentCode) ?? []), a]);
  for (const list of children.values()) list.sort((x, y) => (x.code < y.code ? -1 : 1));
  const descendants = (code: string): DemoArea[] => {
    const out: DemoArea[] = [];
    const queue = [...(children.get(code) ?? [])];
    while (queue.length > 0) {
      const a = queue.shift()!;
      out.push(a);
      queue.push(...(children.get(a.code) ?? []));
    }
    return out;
  };
  const count = (code: string, level: DemoArea["level"]) =>
    descendants(code).filter((a) => a.level === level).length;
  const get = (code: string) => {
    const a = byCode.get(code);
    if (!a) throw new Error(`demo tree has no area ${code}`);
    return a;
  };
  return { get, children: (code: string) => children.get(code) ?? [], descendants, count };
}

/** 街道 for township numbers 001–099, 镇 for 100–199 (the demo tree has no 乡). */
const townshipKindOf = (a: DemoArea) => (Number(a.code.slice(6, 9)) < 100 ? "街道" : "镇");

const OPERATIONS: Operation[] = [
  {
    name: "area-tree",
    query: `{ area(code: "320602") { name level ancestors { name } subtreeCounts { streets communities grids } children(first: 20) { totalCount edges { node { code name kind subtreeCounts { grids } } } } } }`,
    expected: () => {
      const t = demoTree();
      const district = t.get("320602");
      const kids = t.children(district.code);
      return {
        area: {
          name: district.name,
          level: district.level,
          ancestors: [{ name: t.get(district.parentCode!).name }],
          subtreeCounts: {
            streets: t.count(district.code, "STREET"),
            communities: t.count(district.code, "COMMUNITY"),
            grids: t.count(district.code, "GRID"),
          },
          children: {
            totalCount: kids.length,
            edges: kids.slice(0, 20).map((k) => ({
              node: {
                code: k.code,
                name: k.name,
                kind: townshipKindOf(k),
                subtreeCounts: { grids: t.count(k.code, "GRID") },
              },
            })),
          },
        },
      };
    },
  },
  {
    name: "grid-page",
    query: `{ areas(level: GRID, under: "320600", first: 50) { totalCount edges { node { code name parent { name } } } } }`,
    expected: () => {
      const t = demoTree();
      const grids = t
        .descendants("320600")
        .filter((a) => a.level === "GRID")
        .sort((x, y) => (x.code < y.code ? -1 : 1));
      return {
        areas: {
          totalCount: grids.length,
          edges: grids.slice(0, 50).map((g) => ({
            node: { code: g.code, name: g.name, parent: { name: t.get(g.parentCode!).name } },
          })),
        },
      };
    },
  },
];

/** The first response of an operation must be exactly right, or the benchmark is meaningless. */
async function verifyFirstResponse(url: string, token: string, op: Operation): Promise<number> {
  const agent = new http.Agent({ keepAlive: false });
  try {
    const res = await postOnce(
      agent,
      new URL(`${url}/graphql`),
      Buffer.from(JSON.stringify({ query: op.query })),
      { "content-type": "application/json", authorization: `Bearer ${token}` },
      30_000,
    );
    let body: { data?: unknown; errors?: unknown };
    try {
      body = JSON.parse(res.body) as typeof body;
    } catch {
      throw new Error(`${op.name}: HTTP ${res.status}, body is not JSON: ${res.body.slice(0, 500)}`);
    }
    if (res.status !== 200 || body.errors !== undefined)
      throw new Error(`${op.name}: HTTP ${res.status} with errors: ${JSON.stringify(body.errors ?? body)}`);
    try {
      assert.deepStrictEqual(body.data, op.expected());
    } catch (e) {
      throw new Error(`${op.name}: unexpected data\n${(e as Error).message}`);
    }
    return res.ms;
  } finally {
    agent.destroy();
  }
}

// ---- the run ----

/** Share of one core each party used while measuring, in percent (2 cores: 200 % at most). */
interface CpuUse {
  hub: number | null;
  postgres: number | null;
  loadGenerator: number;
  /** All other processes on the machine (other users' work skews the figures). */
  others: number | null;
}

interface CpuSnapshot {
  at: number;
  hub: number | null;
  postgres: number | null;
  self: NodeJS.CpuUsage;
  machine: { busy: number; total: number } | null;
}

function cpuSnapshot(hubPid: number, postgresPid: number | null): CpuSnapshot {
  return {
    at: performance.now(),
    hub: treeCpuSeconds(hubPid),
    postgres: postgresPid === null ? null : treeCpuSeconds(postgresPid),
    self: process.cpuUsage(),
    machine: machineCpuSeconds(),
  };
}

function cpuUse(from: CpuSnapshot, to: CpuSnapshot): CpuUse {
  const wall = (to.at - from.at) / 1000;
  const pct = (a: number | null, b: number | null) =>
    a === null || b === null ? null : Math.round(((b - a) / wall) * 100);
  const self = process.cpuUsage(from.self);
  const hub = pct(from.hub, to.hub);
  const postgres = pct(from.postgres, to.postgres);
  const loadGenerator = Math.round(((self.user + self.system) / 1e6 / wall) * 100);
  const busy = pct(from.machine?.busy ?? null, to.machine?.busy ?? null);
  const others =
    busy === null || hub === null || postgres === null
      ? null
      : Math.max(0, busy - hub - postgres - loadGenerator);
  return { hub, postgres, loadGenerator, others };
}

interface Row {
  cpu: CpuUse;
  operation: string;
  concurrency: number;
  result: LoadResult;
  hubPeakRssMiB: number | null;
}

const { durationS, warmupS } = parseOptions();
// Everything is bounded: the whole run, then each step inside it.
const ROWS = OPERATIONS.length * CONCURRENCY.length;

await runBench(
  {
    name: "gateway",
    budgetMs: 300_000 + ROWS * (durationS + warmupS + 60) * 1000,
    stopping: "the hub and PostgreSQL",
  },
  async (bench) => {
    const { machine, log } = bench;
    log(
      `duration ${durationS} s per run after ${warmupS} s warm-up; concurrency ${CONCURRENCY.join(", ")}\n`,
    );

    log("generating the Prisma client (as npm start does) …");
    await runCommand("npm", ["run", "generate", "--silent"]);

    log("starting a throwaway PostgreSQL …");
    const pgStarted = performance.now();
    const pg = await bench.started(startThrowawayPostgres(), stopPostgres);
    const postgresPid = pg.pid;
    log(`  ready in ${fixed(performance.now() - pgStarted, 0)} ms on 127.0.0.1:${pg.port}`);

    log("starting the hub: tsx gateway/main.ts (NODE_ENV=production, DEMO_DATA=true) …");
    const secret = randomBytes(30).toString("base64url"); // 40 characters
    const hub = await bench.started(
      spawnHub({ databaseUrl: pg.url, jwtSecret: secret, signal: bench.signal }),
      stopProcess("hub"),
    );
    log(
      `  cold start (spawn → /readyz 200, incl. migrations and demo tree): ${fixed(hub.coldStartMs, 0)} ms`,
    );
    const sampler = new RssSampler(hub.hubPid).start();
    bench.onCleanup(async () => {
      sampler.stop();
      return true;
    });
    const idleRssMiB = mib(sampler.current());
    log(`  hub pid ${hub.hubPid} (launcher ${hub.launcherPid}), RSS when idle ${idleRssMiB ?? "n/a"} MiB\n`);

    const token = await mintToken(
      secret,
      { sub: "bench-city-commander", roles: ["city_commander"], areas: ["320600"] },
      { expiresIn: "12h" },
    );

    const results: Row[] = [];
    const firstResponseMs: Record<string, number> = {};
    for (const op of OPERATIONS) {
      firstResponseMs[op.name] = await verifyFirstResponse(hub.url, token, op);
      log(`${op.name}: first response verified (${fixed(firstResponseMs[op.name]!, 1)} ms)`);
      for (const concurrency of CONCURRENCY) {
        const s = sampler;
        const h = hub;
        const measured: { before?: CpuSnapshot } = {};
        const result = await runLoad({
          request: {
            url: `${hub.url}/graphql`,
            query: op.query,
            headers: { authorization: `Bearer ${token}` },
          },
          concurrency,
          durationMs: durationS * 1000,
          warmupMs: warmupS * 1000,
          signal: h.gone,
          onMeasureStart: () => {
            s.beginWindow();
            measured.before = cpuSnapshot(h.hubPid, postgresPid);
          },
        });
        const ended = h.exited();
        if (ended)
          throw new Error(
            `the hub process ended during ${op.name} at concurrency ${concurrency} (${ended.signal ? `signal ${ended.signal}` : `exit code ${ended.exitCode}`}, ${ended.at.toISOString()}), not stopped by this benchmark. It exits 0 only on SIGTERM/SIGINT, so exit 0 means something outside sent one.\n--- hub output (last lines) ---\n${h.output().slice(-30).join("\n")}`,
          );
        const cpu = cpuUse(measured.before!, cpuSnapshot(h.hubPid, postgresPid));
        const hubPeakRssMiB = mib(s.endWindow());
        results.push({ operation: op.name, concurrency, result, hubPeakRssMiB, cpu });
        log(
          `  c=${String(concurrency).padStart(2)}: ${fixed(result.requestsPerSecond)} req/s, p50 ${fixed(result.latencyMs.p50, 2)} ms, p99 ${fixed(result.latencyMs.p99, 2)} ms, ${result.errors.total} errors\n        CPU (% of one core): hub ${cpu.hub ?? "n/a"}, postgres ${cpu.postgres ?? "n/a"}, load generator ${cpu.loadGenerator}, other processes ${cpu.others ?? "n/a"}`,
        );
        for (const sample of result.errorSamples) log(`    error: ${sample}`);
      }
    }

    const table = formatTable(
      [
        { title: "operation", align: "left" },
        { title: "concurrency" },
        { title: "requests/s" },
        { title: "p50 ms" },
        { title: "p99 ms" },
        { title: "errors" },
        { title: "hub peak RSS MiB" },
      ],
      results.map((r) => [
        r.operation,
        String(r.concurrency),
        fixed(r.result.requestsPerSecond),
        fixed(r.result.latencyMs.p50, 2),
        fixed(r.result.latencyMs.p99, 2),
        String(r.result.errors.total),
        r.hubPeakRssMiB === null ? "n/a" : fixed(r.hubPeakRssMiB),
      ]),
    );
    const peakByOp = OPERATIONS.map(
      (op) =>
        `${op.name} ${fixed(Math.max(...results.filter((r) => r.operation === op.name).map((r) => r.hubPeakRssMiB ?? 0)))} MiB`,
    );
    log("");
    log(`machine:     ${machine.cpuModel}, ${machine.cores} cores, node ${machine.node}`);
    log(`cold start:  ${fixed(hub.coldStartMs, 0)} ms (spawn → /readyz 200)`);
    log(`hub RSS:     idle ${idleRssMiB ?? "n/a"} MiB; peak under load: ${peakByOp.join(", ")}`);
    log(
      `each row:    ${durationS} s measured after ${warmupS} s warm-up, closed loop, keep-alive, 127.0.0.1`,
    );
    const othersMax = Math.max(0, ...results.map((r) => r.cpu.others ?? 0));
    if (othersMax >= 20)
      log(
        `caution:     other processes used up to ${othersMax} % of a core while measuring; these figures are lower than an idle machine's`,
      );
    log("");
    log(table);
    log("");

    const errorsTotal = results.reduce((n, r) => n + r.result.errors.total, 0);
    const file = bench.report("bench-gateway.json", {
      settings: {
        durationS,
        warmupS,
        concurrency: CONCURRENCY,
        loadGenerator: "node:http keep-alive, closed loop",
      },
      hub: {
        coldStartMs: Math.round(hub.coldStartMs),
        idleRssMiB,
        peakRssMiB: mib(sampler.peakKiB),
        env: { NODE_ENV: "production", DEMO_DATA: "true", LOG_LEVEL: "warn" },
        warnOrErrorLogLines: hub.problemLines(),
      },
      operations: OPERATIONS.map((op) => ({
        name: op.name,
        query: op.query,
        firstResponseMs: Math.round((firstResponseMs[op.name] ?? 0) * 10) / 10,
      })),
      results: results.map((r) => ({
        operation: r.operation,
        concurrency: r.concurrency,
        requests: r.result.requests,
        durationMs: Math.round(r.result.durationMs),
        requestsPerSecond: Math.round(r.result.requestsPerSecond * 10) / 10,
        latencyMs: Object.fromEntries(
          Object.entries(r.result.latencyMs).map(([k, v]) => [k, Math.round(v * 100) / 100]),
        ),
        errors: r.result.errors,
        errorSamples: r.result.errorSamples,
        hubPeakRssMiB: r.hubPeakRssMiB,
        cpuPercentOfOneCore: r.cpu,
      })),
    });
    log(`figures written to ${file}`);
    if (hub.problemLines() > 0)
      log(`note: the hub logged ${hub.problemLines()} warn/error lines during the run`);

    if (errorsTotal > 0) {
      process.stderr.write(
        `\n${errorsTotal} requests failed: the figures above do not describe a healthy hub\n`,
      );
      return 1;
    }
    return 0;
  },
);
