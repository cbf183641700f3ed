// `npm run bench:ingest -- --scale test|demo|bench`: how fast the sync engine takes in the five
// department systems, and what it costs in memory and database size.
//
// Starts a throwaway embedded PostgreSQL (migrated, seeded with reference data and the demo area
// tree) and the sandbox department systems for the preset in a process of their own
// (sandbox/services/cli.ts, so that generating records shares neither this process's
// CPU time nor its memory). In this process, a SyncEngine with the five built-in connectors runs
// each one to completion in order (grid first), timed; then a second full pass from a null cursor
// measures the no-op re-sync rate (everything unchanged). Every run's counts are checked against
// the generator's (a benchmark of a wrong result is worthless: exit 1 on any mismatch). Prints
// tables and writes tests/.artifacts/bench-ingest-<scale>.json. No timing is asserted.
//
// Where the time goes, per connector, measured from the outside (no engine internals touched):
//   fetch     connector.sync(): HTTP to the sandbox (which generates the page) + decoding here;
//   map       connector.map() inside ingestPage;
//   db+rest   everything else of the page transaction: hashing, Prisma, PostgreSQL round trips.
// `--query-stats` also sums Prisma's per-statement durations by statement kind.
//
// `--max-minutes N` bounds the ingesting: the first pass gets two thirds of N, shared out among
// the connectors in turn (time one leaves unused goes to the next), the re-sync pass the rest
// (each connector re-reads at most what it took in). A connector cut short stops cleanly at a page
// boundary; its partial figures are checked for consistency and its full time projected from its
// rate. Set-up and teardown are not counted in N.
//
//   npm run bench:ingest -- --scale demo
//   npm run bench:ingest -- --scale bench --max-minutes 5
import { parseArgs } from "node:util";
import type { Connector, SourceRecordInput, SyncPage } from "../../connectors/contract.js";
import { CIVIL_AFFAIRS_DATASETS } from "../../connectors/departments/civil-affairs/source.js";
import { GRID_DATASETS } from "../../connectors/departments/grid/source.js";
import { HOTLINE_DATASET } from "../../connectors/departments/hotline/source.js";
import { builtinConnectors, type DepartmentSystem } from "../../connectors/departments/index.js";
import { PETITION_DATASET } from "../../connectors/departments/petition/source.js";
import { PUBLIC_SECURITY_DATASETS } from "../../connectors/departments/public-security/source.js";
import { seedReferenceData } from "../../integration/seed.js";
import { type RunReport, SyncEngine } from "../../integration/sync/engine.js";
import { createDb, migrate } from "../../prisma/db.js";
import { buildDemoAreaTree } from "../../sandbox/city/areas.js";
import { PRESET_NAMES, type PresetName } from "../../sandbox/generator/index.js";
import { type ExpectedCounts, expectedCountsInChild } from "./support/expected-counts.js";
import { runBench, SCALE_BUDGET_MIN, stopPostgres, stopProcess } from "./support/harness.js";
import { rerunWithStartFlags, startThrowawayPostgres } from "./support/hub-process.js";
import { cpuSeconds, machineCpuSeconds, RssSampler, treeCpuSeconds } from "./support/proc.js";
import { fixed, formatTable, mib } from "./support/report.js";
import { spawnSandbox } from "./support/sandbox-process.js";
import { TreeMemorySampler } from "./support/tree-memory.js";

const USAGE = `usage: npm run bench:ingest -- [--scale test|demo|bench] [--max-minutes N] [--seed S] [--query-stats]
  --scale        sandbox preset: test (5k persons), demo (50k), bench (1M); default test
  --max-minutes  stop ingesting after N minutes (0.5 to 600) and project the full time
  --seed         generator seed (default citygraph)
  --query-stats  also sum Prisma's statement durations by kind (adds a little overhead)`;

interface Options {
  scale: PresetName;
  seed: string;
  maxMinutes: number | null;
  queryStats: boolean;
}

function parseOptions(): Options {
  // `npx tsx tests/bench/ingest.ts -- --scale demo` passes the "--" on: drop it.
  const args = process.argv.slice(2).filter((a) => a !== "--");
  const { values } = parseArgs({
    args,
    options: {
      scale: { type: "string", default: "test" },
      "max-minutes": { type: "string" },
      seed: { type: "string", default: "citygraph" },
      "query-stats": { type: "boolean", default: false },
      // The gateway benchmark's options: `npm run bench -- --duration 5` passes them to every
      // benchmark. Accepted and ignored here.
      duration: { type: "string" },
      warmup: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const fail = (message: string): never => {
    process.stderr.write(`${message}\n${USAGE}\n`);
    process.exit(2);
  };
  if (!(PRESET_NAMES as readonly string[]).includes(values.scale))
    fail(`--scale must be one of ${PRESET_NAMES.join(", ")}, not "${values.scale}"`);
  let maxMinutes: number | null = null;
  if (values["max-minutes"] !== undefined) {
    maxMinutes = Number(values["max-minutes"]);
    if (!Number.isFinite(maxMinutes) || maxMinutes < 0.5 || maxMinutes > 600)
      fail(`--max-minutes must be a number from 0.5 to 600, not "${values["max-minutes"]}"`);
  }
  if (!/^[\w.-]{1,64}$/.test(values.seed)) fail(`--seed must be 1–64 letters, digits, _ . -`);
  return {
    scale: values.scale as PresetName,
    seed: values.seed,
    maxMinutes,
    queryStats: values["query-stats"],
  };
}

// ---- measuring connectors from the outside ----

interface Meter {
  pages: number;
  fetched: number;
  fetchMs: number;
  mapMs: number;
  /** Stopped by the time budget or the re-read limit, not by the source's end. */
  cut: boolean;
  cutBy: "time" | "reread" | null;
}

interface Limits {
  /** performance.now() after which no further page is fetched. */
  deadline: number;
  /** No further page once this many records have been fetched. */
  maxRecords: number;
}

const newMeter = (): Meter => ({ pages: 0, fetched: 0, fetchMs: 0, mapMs: 0, cut: false, cutBy: null });
const NO_LIMITS: Limits = { deadline: Number.POSITIVE_INFINITY, maxRecords: Number.POSITIVE_INFINITY };

/** What the instrumented connectors currently record into and obey (one run at a time). */
interface Slot {
  meter: Meter;
  limits: Limits;
}

/**
 * The connector with sync() and map() timed. Past the limits, sync() answers an empty, final page
 * at the same cursor, so the engine ends the run cleanly at a page boundary (committing nothing).
 */
function instrument(connector: Connector, slot: Slot): Connector {
  return {
    ...connector,
    sync: async (cursor, pageSize, ctx): Promise<SyncPage> => {
      const { meter, limits } = slot;
      if (meter.pages > 0 && cursor !== null) {
        const cutBy =
          meter.fetched >= limits.maxRecords
            ? "reread"
            : performance.now() >= limits.deadline
              ? "time"
              : null;
        if (cutBy) {
          meter.cut = true;
          meter.cutBy = cutBy;
          return { records: [], nextCursor: cursor, done: true };
        }
      }
      const started = performance.now();
      const page = await connector.sync(cursor, pageSize, ctx);
      meter.fetchMs += performance.now() - started;
      meter.pages++;
      meter.fetched += page.records.length;
      return page;
    },
    map: (record: SourceRecordInput) => {
      const started = performance.now();
      try {
        return connector.map(record);
      } finally {
        slot.meter.mapMs += performance.now() - started;
      }
    },
  };
}

// ---- CPU accounting ----

interface CpuSnapshot {
  at: number;
  self: NodeJS.CpuUsage;
  postgres: number | null;
  sandbox: number | null;
  machine: { busy: number; total: number } | null;
}

/** Share of one core each party used, in percent (2 cores: 200 % at most). */
interface CpuUse {
  ingest: number;
  postgres: number | null;
  sandbox: number | null;
  /** Everything else on the machine (other users' work skews the figures). */
  others: number | null;
}

function cpuSnapshot(postgresPid: number | null, sandboxPid: number): CpuSnapshot {
  return {
    at: performance.now(),
    self: process.cpuUsage(),
    postgres: postgresPid === null ? null : treeCpuSeconds(postgresPid),
    sandbox: cpuSeconds(sandboxPid),
    machine: machineCpuSeconds(),
  };
}

function cpuUse(from: CpuSnapshot, to: CpuSnapshot): CpuUse {
  const wall = Math.max(1e-3, (to.at - from.at) / 1000);
  const pct = (a: number | null, b: number | null) =>
    a === null || b === null ? null : Math.round(((b - a) / wall) * 100);
  const self = process.cpuUsage(from.self);
  const ingest = Math.round(((self.user + self.system) / 1e6 / wall) * 100);
  const postgres = pct(from.postgres, to.postgres);
  const sandbox = pct(from.sandbox, to.sandbox);
  const busy = pct(from.machine?.busy ?? null, to.machine?.busy ?? null);
  const others =
    busy === null || postgres === null || sandbox === null
      ? null
      : Math.max(0, busy - ingest - postgres - sandbox);
  return { ingest, postgres, sandbox, others };
}

// ---- statement statistics (--query-stats) ----

class QueryStats {
  private readonly byKind = new Map<string, { count: number; ms: number }>();

  record(sql: string, ms: number): void {
    const kind = QueryStats.kindOf(sql);
    const entry = this.byKind.get(kind) ?? { count: 0, ms: 0 };
    entry.count++;
    entry.ms += ms;
    this.byKind.set(kind, entry);
  }

  /** "INSERT Assertion", "SELECT SourceRecord", "UPDATE Connector", … */
  static kindOf(sql: string): string {
    const text = sql.trimStart();
    const verb = /^\w+/.exec(text)?.[0]?.toUpperCase() ?? "?";
    const table =
      /\b(?:FROM|INTO|UPDATE)\s+(?:"public"\.)?"?(\w+)"?/i.exec(text)?.[1] ??
      (verb === "SELECT" ? "(expression)" : "");
    return `${verb} ${table}`.trim();
  }

  top(n: number): { kind: string; count: number; ms: number }[] {
    return [...this.byKind.entries()]
      .map(([kind, v]) => ({ kind, ...v }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, n);
  }

  totalMs(): number {
    let sum = 0;
    for (const v of this.byKind.values()) sum += v.ms;
    return sum;
  }

  reset(): void {
    this.byKind.clear();
  }
}

// ---- the run ----

interface RunRow {
  pass: 1 | 2;
  connector: string;
  expected: number;
  report: RunReport;
  meter: Meter;
  wallMs: number;
  cpu: CpuUse;
  /** SourceRecord rows of this connector after the run. */
  stored: number | null;
  check: "OK" | "PARTIAL" | "MISMATCH" | "FAILED";
  problems: string[];
}

const SERVICE_PATHS: Record<DepartmentSystem, string[]> = {
  grid: GRID_DATASETS.map((d) => d.path),
  publicSecurity: PUBLIC_SECURITY_DATASETS.map((d) => d.path),
  civilAffairs: CIVIL_AFFAIRS_DATASETS.map((d) => d.path),
  hotline: [HOTLINE_DATASET.path],
  petition: [PETITION_DATASET.path],
};

/** Ask every dataset for one record, so each service builds its offset table before timing. */
async function warmUp(urls: Record<DepartmentSystem, string>): Promise<void> {
  for (const [system, paths] of Object.entries(SERVICE_PATHS) as [DepartmentSystem, string[]][])
    for (const p of paths) {
      const res = await fetch(`${urls[system]}${p}?limit=1`, { signal: AbortSignal.timeout(120_000) });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`warm-up ${urls[system]}${p}: HTTP ${res.status}`);
    }
}

/** Upper bound on pages for a full run: every dataset may end with a short page, plus slack. */
function maxPagesFor(perDataset: Record<string, number>, pageSize: number): number {
  return Object.values(perDataset).reduce((n, c) => n + Math.ceil(c / pageSize) + 1, 0) + 5;
}

const options = parseOptions();
const { scale, seed, maxMinutes } = options;
// The hub syncs in the process `npm start` starts: the benchmark runs under its V8 flags.
const rerun = await rerunWithStartFlags();
if (rerun !== null) process.exit(rerun);

await runBench(
  {
    name: "ingest",
    // --max-minutes bounds the ingesting; setting up and verifying get 20 minutes on top
    budgetMs: (maxMinutes === null ? SCALE_BUDGET_MIN[scale] : maxMinutes + 20) * 60_000,
    stopping: "the sync engine, the sandbox and PostgreSQL",
  },
  async (bench) => {
    const { machine, log } = bench;
    let progress: NodeJS.Timeout | null = null;
    bench.onCleanup(async () => {
      if (progress) clearInterval(progress);
      return true;
    });
    log(
      `scale ${scale}, seed ${seed}${maxMinutes === null ? "" : `, at most ${maxMinutes} min of ingesting`}${options.queryStats ? ", statement statistics on" : ""}\n`,
    );
    const setup: Record<string, number> = {};
    const step = async <T>(name: string, what: string, fn: () => Promise<T>): Promise<T> => {
      process.stdout.write(`${what} … `);
      const started = performance.now();
      const value = await fn();
      setup[name] = Math.round(performance.now() - started);
      log(`${fixed(setup[name]! / 1000, 1)} s`);
      return value;
    };

    // The expected counts are computed in a child process, alongside the other start-up steps.
    const expectedPromise = expectedCountsInChild(seed, scale);
    expectedPromise.catch(() => {});

    const pg = await step("postgresMs", "starting a throwaway PostgreSQL", () =>
      bench.started(startThrowawayPostgres(), stopPostgres),
    );
    const pgUrl = pg.url;
    await step("migrateMs", "migrating", () => migrate(pgUrl));
    const queryStats = options.queryStats ? new QueryStats() : null;
    const db = createDb({
      url: pgUrl,
      poolMax: 4,
      ...(queryStats ? { onQuery: (sql: string, ms: number) => queryStats.record(sql, ms) } : {}),
    });
    const database = db;
    bench.onCleanup(() =>
      db.$disconnect().then(
        () => true,
        () => true,
      ),
    );
    await step("seedMs", "seeding reference data and the demo area tree", () =>
      seedReferenceData(database, buildDemoAreaTree()),
    );
    const sb = await step("sandboxMs", `starting the ${scale} sandbox in its own process`, () =>
      bench.started(spawnSandbox({ preset: scale, seed, signal: bench.signal }), stopProcess("sandbox")),
    );
    await step("warmUpMs", "warming the sandbox up (one record of every dataset)", () => warmUp(sb.urls));
    const expected: ExpectedCounts = await step(
      "expectedMs",
      "the generator's expected counts",
      () => expectedPromise,
    );

    const postgresPid = pg.pid;
    const selfSampler = new RssSampler(process.pid).start();
    const sandboxSampler = new RssSampler(sb.pid).start();
    const pgSampler = postgresPid === null ? null : new TreeMemorySampler(postgresPid).start();
    const stopSamplers = () => {
      for (const sampler of [selfSampler, sandboxSampler, pgSampler]) sampler?.stop();
    };
    bench.onCleanup(async () => {
      stopSamplers();
      return true;
    });
    log(
      `  sandbox pid ${sb.pid} (RSS ${mib(sandboxSampler.current()) ?? "n/a"} MiB), PostgreSQL pid ${postgresPid ?? "n/a"}, this process ${process.pid} (RSS ${mib(selfSampler.current()) ?? "n/a"} MiB)`,
    );

    let retries = 0;
    const engine = new SyncEngine(db, {
      log: (message, fields) => {
        if (message.includes("retrying")) retries++;
        process.stderr.write(`  engine: ${message} ${JSON.stringify(fields ?? {})}\n`);
      },
    });
    // stopped first: a page in flight rolls back
    bench.onCleanup(() =>
      engine.stop().then(
        () => true,
        () => true,
      ),
    );
    const slot: Slot = { meter: newMeter(), limits: NO_LIMITS };
    const connectors = builtinConnectors(sb.urls).map((c) => instrument(c, slot));
    for (const c of connectors) await engine.register(c, "BUILTIN");
    const ids = connectors.map((c) => c.manifest.id);
    for (const id of ids)
      if (expected.perConnector[id] === undefined) throw new Error(`no expected count for connector ${id}`);
    const totalExpected = ids.reduce((n, id) => n + expected.perConnector[id]!, 0);
    log(
      `\n${expected.persons} persons; ${totalExpected} records expected: ${ids.map((id) => `${id} ${expected.perConnector[id]}`).join(", ")}`,
    );

    const storedCounts = async (): Promise<Record<string, number>> =>
      Object.fromEntries(
        (await database.sourceRecord.groupBy({ by: ["connectorId"], _count: { _all: true } })).map((g) => [
          g.connectorId,
          g._count._all,
        ]),
      );

    const ingestStartedAt = performance.now();
    const budgetEnd = maxMinutes === null ? Number.POSITIVE_INFINITY : ingestStartedAt + maxMinutes * 60_000;
    const pass1End =
      maxMinutes === null ? Number.POSITIVE_INFINITY : ingestStartedAt + (maxMinutes * 60_000 * 2) / 3;

    const runPass = async (pass: 1 | 2, passEnd: number, previous: RunRow[]): Promise<RunRow[]> => {
      // A re-sync of a connector cut short re-reads only what the first pass took in.
      const reread = new Map(previous.filter((r) => r.meter.cut).map((r) => [r.connector, r.meter.fetched]));
      const rows: RunRow[] = [];
      for (const [i, c] of connectors.entries()) {
        if (bench.signal.aborted) break;
        const id = c.manifest.id;
        const want = expected.perConnector[id]!;
        const now = performance.now();
        // An equal share of what is left of the pass; unused time rolls over to the next one.
        const deadline = Number.isFinite(passEnd) ? now + (passEnd - now) / (connectors.length - i) : passEnd;
        slot.meter = newMeter();
        slot.limits = { deadline, maxRecords: reread.get(id) ?? Number.POSITIVE_INFINITY };
        const meter = slot.meter;
        if (pass === 2) await database.connector.update({ where: { id }, data: { cursor: null } });
        queryStats?.reset();
        selfSampler.beginWindow();
        const before = cpuSnapshot(postgresPid, sb.pid);
        const started = performance.now();
        let lastAt = started;
        let lastFetched = 0;
        progress = setInterval(() => {
          const t = performance.now();
          log(
            `    … ${id}: ${meter.fetched}/${want} records in ${fixed((t - started) / 1000, 0)} s, ${fixed(meter.fetched / ((t - started) / 1000), 0)} records/s (last ${fixed((t - lastAt) / 1000, 0)} s: ${fixed((meter.fetched - lastFetched) / ((t - lastAt) / 1000), 0)})`,
          );
          lastAt = t;
          lastFetched = meter.fetched;
        }, 15_000);
        const report = await engine!.run(id, {
          maxPages: maxPagesFor(expected.perDataset[id] ?? {}, c.manifest.schedule.pageSize),
        });
        const wallMs = performance.now() - started;
        clearInterval(progress);
        progress = null;
        const cpu = cpuUse(before, cpuSnapshot(postgresPid, sb.pid));
        const stored = (await storedCounts())[id] ?? 0;

        const problems: string[] = [];
        const expect = (ok: boolean, what: string) => {
          if (!ok) problems.push(what);
        };
        let check: RunRow["check"];
        if (report.outcome !== "SUCCEEDED") {
          check = "FAILED";
          problems.push(
            `${report.outcome}${report.skipped ? ` (${report.skipped})` : ""}: ${report.error ?? ""}`,
          );
        } else {
          expect(report.quarantined === 0, `${report.quarantined} quarantined`);
          if (pass === 1) {
            expect(report.unchanged === 0, `${report.unchanged} unchanged on a first pass`);
            expect(
              report.ingested === meter.fetched,
              `ingested ${report.ingested} ≠ fetched ${meter.fetched}`,
            );
            expect(stored === report.ingested, `${stored} stored ≠ ingested ${report.ingested}`);
          } else {
            expect(report.ingested === 0, `${report.ingested} ingested again`);
            expect(
              report.unchanged === meter.fetched,
              `unchanged ${report.unchanged} ≠ fetched ${meter.fetched}`,
            );
            expect(
              stored === (previous.find((r) => r.connector === id)?.stored ?? -1),
              `stored count changed: ${stored}`,
            );
          }
          if (!meter.cut) {
            expect(meter.fetched === want, `fetched ${meter.fetched} ≠ expected ${want}`);
            if (pass === 1) expect(stored === want, `stored ${stored} ≠ expected ${want}`);
          }
          check = problems.length > 0 ? "MISMATCH" : meter.cut ? "PARTIAL" : "OK";
        }
        const row: RunRow = {
          pass,
          connector: id,
          expected: want,
          report,
          meter,
          wallMs,
          cpu,
          stored,
          check,
          problems,
        };
        rows.push(row);
        log(
          `  ${id.padEnd(16)} ${String(meter.fetched).padStart(8)} records in ${fixed(wallMs / 1000, 1).padStart(6)} s = ${fixed(meter.fetched / (wallMs / 1000), 0).padStart(6)} records/s  ${check}${meter.cutBy === "time" ? " (cut at the time limit)" : meter.cutBy === "reread" ? " (stopped where pass 1 stopped)" : ""}${problems.length ? `: ${problems.join("; ")}` : ""}`,
        );
        if (queryStats && pass === 1)
          queryTops.set(id, { totalMs: queryStats.totalMs(), top: queryStats.top(8) });
        if (pass === 1) pass1PeakSelfKiB.set(id, selfSampler.endWindow());
      }
      return rows;
    };
    const queryTops = new Map<string, { totalMs: number; top: ReturnType<QueryStats["top"]> }>();
    const pass1PeakSelfKiB = new Map<string, number>();

    log(`\npass 1: a first sync of every connector, in order`);
    const pass1Started = performance.now();
    const rows1: RunRow[] = await runPass(1, pass1End, []);
    const pass1Ms = performance.now() - pass1Started;

    // Figures of the database after the first pass (the second adds nothing).
    const countRows = async (table: string) =>
      Number(
        (await database.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*)::bigint AS n FROM "${table}"`))[0]
          ?.n ?? 0,
      );
    const tables = ["SourceRecord", "Person", "Event", "Address", "Organisation", "EntitySource"];
    const rowCounts: Record<string, number> = {};
    for (const t of tables) rowCounts[t] = await countRows(t);
    const dbBytes = Number(
      (
        await database.$queryRawUnsafe<{ n: bigint }[]>(
          "SELECT pg_database_size(current_database())::bigint AS n",
        )
      )[0]?.n ?? 0,
    );

    const failed1 = rows1.some((r) => r.check === "FAILED");
    let rows2: RunRow[] = [];
    let pass2Ms = 0;
    if (!failed1 && !bench.signal.aborted) {
      log(`\npass 2: re-sync from a null cursor (every record unchanged)`);
      const pass2Started = performance.now();
      rows2 = await runPass(2, budgetEnd, rows1);
      pass2Ms = performance.now() - pass2Started;
    } else if (failed1) log("\npass 2 skipped: a connector failed in pass 1");

    const maxRssKiB = process.resourceUsage().maxRSS;
    stopSamplers();

    // ---- report ----
    const perSec = (n: number, ms: number) => (ms > 0 ? n / (ms / 1000) : Number.NaN);
    const sum = (rows: RunRow[], f: (r: RunRow) => number) => rows.reduce((n, r) => n + f(r), 0);
    const pct = (v: number | null) => (v === null ? "n/a" : String(v));

    const table1 = formatTable(
      [
        { title: "connector", align: "left" },
        { title: "fetched" },
        { title: "ingested" },
        { title: "unchanged" },
        { title: "quarantined" },
        { title: "wall s" },
        { title: "records/s" },
        { title: "expected" },
        { title: "check", align: "left" },
      ],
      [
        ...rows1.map((r) => [
          r.connector,
          String(r.meter.fetched),
          String(r.report.ingested),
          String(r.report.unchanged),
          String(r.report.quarantined),
          fixed(r.wallMs / 1000, 1),
          fixed(perSec(r.meter.fetched, r.wallMs), 0),
          String(r.expected),
          r.check,
        ]),
        [
          "total",
          String(sum(rows1, (r) => r.meter.fetched)),
          String(sum(rows1, (r) => r.report.ingested)),
          String(sum(rows1, (r) => r.report.unchanged)),
          String(sum(rows1, (r) => r.report.quarantined)),
          fixed(pass1Ms / 1000, 1),
          fixed(
            perSec(
              sum(rows1, (r) => r.meter.fetched),
              pass1Ms,
            ),
            0,
          ),
          String(totalExpected),
          rows1.every((r) => r.check === "OK")
            ? "OK"
            : rows1.some((r) => r.check === "MISMATCH" || r.check === "FAILED")
              ? "MISMATCH"
              : "PARTIAL",
        ],
      ],
    );
    const phaseTable = (rows: RunRow[]) =>
      formatTable(
        [
          { title: "connector", align: "left" },
          { title: "pages" },
          { title: "fetch s" },
          { title: "map s" },
          { title: "db+rest s" },
          { title: "CPU% ingest" },
          { title: "CPU% postgres" },
          { title: "CPU% sandbox" },
          { title: "CPU% others" },
        ],
        rows.map((r) => [
          r.connector,
          String(r.meter.pages),
          fixed(r.meter.fetchMs / 1000, 1),
          fixed(r.meter.mapMs / 1000, 1),
          fixed((r.wallMs - r.meter.fetchMs - r.meter.mapMs) / 1000, 1),
          String(r.cpu.ingest),
          pct(r.cpu.postgres),
          pct(r.cpu.sandbox),
          pct(r.cpu.others),
        ]),
      );
    const table2 = formatTable(
      [
        { title: "connector", align: "left" },
        { title: "fetched" },
        { title: "ingested" },
        { title: "unchanged" },
        { title: "wall s" },
        { title: "records/s" },
        { title: "check", align: "left" },
      ],
      [
        ...rows2.map((r) => [
          r.connector,
          String(r.meter.fetched),
          String(r.report.ingested),
          String(r.report.unchanged),
          fixed(r.wallMs / 1000, 1),
          fixed(perSec(r.meter.fetched, r.wallMs), 0),
          r.check,
        ]),
        [
          "total",
          String(sum(rows2, (r) => r.meter.fetched)),
          String(sum(rows2, (r) => r.report.ingested)),
          String(sum(rows2, (r) => r.report.unchanged)),
          fixed(pass2Ms / 1000, 1),
          fixed(
            perSec(
              sum(rows2, (r) => r.meter.fetched),
              pass2Ms,
            ),
            0,
          ),
          rows2.length === 0
            ? "n/a"
            : rows2.every((r) => r.check === "OK")
              ? "OK"
              : rows2.some((r) => r.check === "MISMATCH" || r.check === "FAILED")
                ? "MISMATCH"
                : "PARTIAL",
        ],
      ],
    );

    // Projection for runs cut short: each connector's remaining records at its own measured rate.
    const project = (rows: RunRow[]) => {
      let ms = 0;
      for (const r of rows) {
        if (!r.meter.cut) ms += r.wallMs;
        else {
          const rate = perSec(r.meter.fetched, r.wallMs);
          ms += r.wallMs + ((r.expected - r.meter.fetched) / rate) * 1000;
        }
      }
      return ms;
    };
    const cut1 = rows1.some((r) => r.meter.cut);
    const cut2 = rows2.some((r) => r.meter.cut);
    const projection = cut1
      ? {
          pass1Ms: Math.round(project(rows1)),
          pass2Ms: rows2.length === rows1.length ? Math.round(project(rows2)) : null,
          perConnector: rows1.map((r) => ({
            connector: r.connector,
            fraction: Math.round((r.meter.fetched / r.expected) * 1000) / 1000,
            recordsPerSecond: Math.round(perSec(r.meter.fetched, r.wallMs)),
            projectedS: Math.round(
              r.meter.cut
                ? r.wallMs / 1000 + (r.expected - r.meter.fetched) / perSec(r.meter.fetched, r.wallMs)
                : r.wallMs / 1000,
            ),
          })),
        }
      : null;

    const fetched1 = sum(rows1, (r) => r.meter.fetched);
    const memory = {
      ingestMaxRssMiB: mib(maxRssKiB),
      ingestSampledPeakRssMiB: mib(selfSampler.peakKiB),
      sandboxPeakRssMiB: mib(sandboxSampler.peakKiB),
      postgresPeakMiB: pgSampler ? mib(pgSampler.peakTotalKiB) : null,
      postgresPeakLargestRssMiB: pgSampler ? mib(pgSampler.peakLargestRssKiB) : null,
      postgresPeakProcesses: pgSampler?.peakProcesses ?? null,
    };

    log("");
    log(
      `machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, node ${machine.node}`,
    );
    log(`scale ${scale} (${expected.persons} persons), seed ${seed}`);
    log("");
    log("pass 1 — first sync:");
    log(table1);
    log("");
    log(
      "pass 1 — where the time goes (fetch: sync() incl. the sandbox generating the page; map: map(); db+rest: the rest of the page transaction):",
    );
    log(phaseTable(rows1));
    if (rows2.length > 0) {
      log("");
      log("pass 2 — re-sync, nothing changed:");
      log(table2);
      log("");
      log(phaseTable(rows2));
    }
    if (queryTops.size > 0) {
      log("");
      log("pass 1 — statement time by kind (Prisma's durations, top 8 per connector):");
      for (const [id, q] of queryTops)
        log(
          `  ${id}: ${fixed(q.totalMs / 1000, 1)} s in statements; ${q.top.map((t) => `${t.kind} ${t.count}× ${fixed(t.ms / 1000, 1)} s`).join(", ")}`,
        );
    }
    log("");
    log(`total records:     ${fetched1} fetched in pass 1 (${totalExpected} expected)`);
    log(
      `wall time:         pass 1 ${fixed(pass1Ms / 1000, 1)} s, ${fixed(perSec(fetched1, pass1Ms), 0)} records/s; pass 2 (no-op) ${fixed(pass2Ms / 1000, 1)} s, ${fixed(
        perSec(
          sum(rows2, (r) => r.meter.fetched),
          pass2Ms,
        ),
        0,
      )} records/s`,
    );
    log(
      `persons:           ${rowCounts.Person} Person rows in ${fixed(pass1Ms / 1000, 1)} s (${fixed(perSec(rowCounts.Person ?? 0, pass1Ms) * 60, 0)} per minute of pass 1)`,
    );
    log(
      `peak RSS:          ingest ${memory.ingestMaxRssMiB} MiB (maxRSS; sampled ${memory.ingestSampledPeakRssMiB}), sandbox ${memory.sandboxPeakRssMiB ?? "n/a"} MiB, PostgreSQL ${memory.postgresPeakMiB ?? "n/a"} MiB over ${memory.postgresPeakProcesses ?? "n/a"} processes (private + shared buffers in use) (largest process RSS ${memory.postgresPeakLargestRssMiB ?? "n/a"} MiB)`,
    );
    log(
      `database:          ${fixed(dbBytes / 1024 ** 2, 1)} MiB; rows: ${tables.map((t) => `${t} ${rowCounts[t]}`).join(", ")}`,
    );
    log(
      `set-up:            ${Object.entries(setup)
        .map(([k, v]) => `${k.replace(/Ms$/, "")} ${fixed(v / 1000, 1)} s`)
        .join(", ")}`,
    );
    if (retries > 0) log(`retries:           ${retries} pages were fetched again after an error`);
    const othersMax = Math.max(0, ...[...rows1, ...rows2].map((r) => r.cpu.others ?? 0));
    if (othersMax >= 20)
      log(
        `caution:           other processes used up to ${othersMax} % of a core meanwhile; these figures are lower than an idle machine's`,
      );
    if (projection) {
      log("");
      log(`cut short by --max-minutes ${maxMinutes}: projected full time at each connector's measured rate:`);
      for (const p of projection.perConnector)
        log(
          `  ${p.connector.padEnd(16)} ${fixed(p.fraction * 100, 1).padStart(5)} % done at ${p.recordsPerSecond} records/s → ${fixed(p.projectedS / 60, 1)} min`,
        );
      log(
        `  first pass ${fixed(projection.pass1Ms / 60_000, 1)} min${projection.pass2Ms !== null ? `, no-op re-sync ${fixed(projection.pass2Ms / 60_000, 1)} min` : ""} (early-rate extrapolation: later pages may be slower as the tables grow)`,
      );
    }

    const allRows = [...rows1, ...rows2];
    const mismatches = allRows.filter((r) => r.check === "MISMATCH" || r.check === "FAILED");
    const file = bench.report(`bench-ingest-${scale}.json`, {
      settings: { scale, seed, persons: expected.persons, maxMinutes, queryStats: options.queryStats },
      setupMs: setup,
      expected,
      passes: [1, 2].map((pass) => {
        const rows = pass === 1 ? rows1 : rows2;
        const wallMs = pass === 1 ? pass1Ms : pass2Ms;
        return {
          pass,
          wallMs: Math.round(wallMs),
          records: sum(rows, (r) => r.meter.fetched),
          recordsPerSecond: Math.round(
            perSec(
              sum(rows, (r) => r.meter.fetched),
              wallMs,
            ),
          ),
          connectors: rows.map((r) => ({
            connector: r.connector,
            fetched: r.meter.fetched,
            ingested: r.report.ingested,
            unchanged: r.report.unchanged,
            quarantined: r.report.quarantined,
            expected: r.expected,
            stored: r.stored,
            pages: r.meter.pages,
            cut: r.meter.cutBy,
            wallMs: Math.round(r.wallMs),
            recordsPerSecond: Math.round(perSec(r.meter.fetched, r.wallMs)),
            phasesMs: {
              fetch: Math.round(r.meter.fetchMs),
              map: Math.round(r.meter.mapMs),
              dbAndRest: Math.round(r.wallMs - r.meter.fetchMs - r.meter.mapMs),
            },
            cpuPercentOfOneCore: r.cpu,
            ingestPeakRssMiB: pass === 1 ? mib(pass1PeakSelfKiB.get(r.connector) ?? null) : undefined,
            statements: pass === 1 ? queryTops.get(r.connector) : undefined,
            check: r.check,
            problems: r.problems,
          })),
        };
      }),
      projection,
      memory,
      database: { bytes: dbBytes, mib: Math.round((dbBytes / 1024 ** 2) * 10) / 10, rows: rowCounts },
      retries,
      verified: mismatches.length === 0,
    });
    log(`\nfigures written to ${file}`);
    if (cut2 && !cut1) log("note: the re-sync pass was cut short by the time limit");

    if (mismatches.length > 0) {
      process.stderr.write(
        `\nMISMATCH: ${mismatches.map((r) => `pass ${r.pass} ${r.connector}: ${r.problems.join("; ")}`).join("\n          ")}\nthe figures above describe a wrong result\n`,
      );
      return 1;
    }
    return 0;
  },
);
