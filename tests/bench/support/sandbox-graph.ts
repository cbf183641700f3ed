// A throwaway CityGraph database filled the way production fills it, for benchmarks that read the
// graph (bench:query, bench:resolve …): an embedded PostgreSQL in a temp dir, migrated, seeded with
// the reference data and the demo area tree, then every built-in connector run to completion
// against the sandbox department systems of a preset (in a process of their own), in order, grid
// first. Every connector's stored record count is checked against the generator's: a benchmark on
// the wrong data is worthless, so a mismatch throws.
//
//   const graph = await ingestSandboxGraph({ scale: "demo", seed: "citygraph", log });
//   … graph.databaseUrl, graph.db …
//   await graph.stop();
//
// `statementStats: true` starts PostgreSQL with pg_stat_statements preloaded (one restart after
// initdb) and the extension created in the database, so that a caller can read how many statements
// each database role sent (give each measured server a role of its own: addLoginRole()).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { builtinConnectors } from "../../../connectors/departments/index.js";
import { seedReferenceData } from "../../../integration/seed.js";
import { type RunReport, SyncEngine } from "../../../integration/sync/engine.js";
import { createDb, type Db, migrate } from "../../../prisma/db.js";
import { startEmbeddedPostgres } from "../../../prisma/embedded-postgres.js";
import { buildDemoAreaTree } from "../../../sandbox/city/areas.js";
import type { PresetName } from "../../../sandbox/generator/index.js";
import { freePort } from "../../support/pg.js";
import { type ExpectedCounts, expectedCountsInChild } from "./expected-counts.js";
import { startThrowawayPostgres, type ThrowawayPostgres } from "./hub-process.js";
import { type CpuSnapshot, commandLine, cpuBetween, cpuSnapshot, descendantsOf } from "./proc.js";
import { type SandboxProcess, spawnSandbox } from "./sandbox-process.js";

export interface SandboxGraphOptions {
  scale: PresetName;
  seed: string;
  /** Preload pg_stat_statements and create the extension (costs one PostgreSQL restart). */
  statementStats?: boolean;
  /**
   * With statementStats: count the statements functions and triggers run too
   * (`pg_stat_statements.track = all`): a trigger's insert, a foreign key's check of each row.
   */
  nestedStatements?: boolean;
  /** Connections of the returned Prisma client (default 4). */
  poolMax?: number;
  /** Keep the sandbox systems running after the ingest (default: stopped once ingested). */
  keepSandbox?: boolean;
  /**
   * After the ingest, VACUUM as well as ANALYZE, then CHECKPOINT: the tables as autovacuum leaves
   * a running system's, so that the first measured cell does not share the machine with
   * autovacuum's first pass over the freshly loaded tables and the checkpoint after it.
   */
  settle?: boolean;
  /** Progress lines ("starting PostgreSQL … 1.2 s"). */
  log?: (line: string) => void;
  /**
   * The connectors in waves: each wave's connectors run side by side (as an instance with a queue
   * concurrency above one, or several instances, run them), the next wave once all have finished.
   * Connectors no wave names run alone afterwards. Default: one after another, in manifest order.
   */
  waves?: readonly (readonly string[])[];
  /** Aborting stops whatever has started and makes the promise reject. */
  signal?: AbortSignal;
}

export interface ConnectorIngest {
  connector: string;
  report: RunReport;
  expected: number;
  stored: number;
  wallMs: number;
}

export interface SandboxGraph {
  pg: ThrowawayPostgres;
  /** Prisma over the database (the caller may use it; stop() disconnects it). */
  db: Db;
  databaseUrl: string;
  /** The maintenance database's URL, same superuser. */
  adminUrl: string;
  expected: ExpectedCounts;
  connectors: ConnectorIngest[];
  /** Rows per table after the ingest (Person, Event, …). */
  rowCounts: Record<string, number>;
  /** Milliseconds per set-up step: postgresMs, migrateMs, seedMs, sandboxMs, ingestMs. */
  timings: Record<string, number>;
  /** Core-seconds each side used over the sync (ingestMs): the hub, PostgreSQL, the sandbox. */
  ingestCpu: CpuSnapshot;
  /** The sandbox process when keepSandbox was set, else null (already stopped). */
  sandbox: SandboxProcess | null;
  /** Stop the sandbox (if kept), disconnect, stop and delete PostgreSQL. Idempotent; false if something misbehaved. */
  stop(): Promise<boolean>;
}

const ROW_COUNT_TABLES = [
  "Area",
  "Address",
  "Person",
  "Organisation",
  "Event",
  "EventPerson",
  "SourceRecord",
];

/** A throwaway cluster whose server preloads pg_stat_statements (initdb, set, restart). */
async function startPostgresWithStatementStats(database: string, nested = false): Promise<ThrowawayPostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "citygraph-bench-pg-"));
  try {
    const port = await freePort();
    const first = await startEmbeddedPostgres({ dataDir: dir, port, database });
    const admin = new pg.Client({ connectionString: first.adminUrl });
    await admin.connect();
    try {
      await admin.query("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'");
      await admin.query("ALTER SYSTEM SET pg_stat_statements.max = 10000");
      // planning is work PostgreSQL does for a request as much as execution is
      await admin.query("ALTER SYSTEM SET pg_stat_statements.track_planning = on");
      if (nested) await admin.query("ALTER SYSTEM SET pg_stat_statements.track = 'all'");
    } finally {
      await admin.end();
    }
    await first.stop();
    const server = await startEmbeddedPostgres({ dataDir: dir, port, database, ephemeral: true });
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      await client.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    } finally {
      await client.end();
    }
    const pid = descendantsOf(process.pid).find((p) => commandLine(p).includes(`-D ${dir} `)) ?? null;
    return {
      url: server.url,
      adminUrl: server.adminUrl,
      dir,
      port,
      pid,
      async stop() {
        await server.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/**
 * A login role for one measured server, with the owner's rights (member of the database owner),
 * so that pg_stat_statements tells its statements apart from everyone else's. Returns its URL.
 */
export async function addLoginRole(databaseUrl: string, role: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new Error(`not a plain role name: ${role}`);
  const owner = decodeURIComponent(new URL(databaseUrl).username);
  const password = `${role}-bench`;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `CREATE ROLE ${role} LOGIN PASSWORD '${password}' IN ROLE "${owner.replaceAll('"', '""')}"`,
    );
    // Objects the role creates (none expected) stay usable by the owner.
    await client.query(`ALTER ROLE ${role} SET search_path = public`);
  } finally {
    await client.end();
  }
  const url = new URL(databaseUrl);
  url.username = role;
  url.password = password;
  return url.toString();
}

/** Statements PostgreSQL executed per role (pg_stat_statements, top-level statements only). */
export async function statementsByRole(
  databaseUrl: string,
  roles: readonly string[],
): Promise<Record<string, { calls: number; execMs: number; planMs: number }>> {
  const rows = await rowsOf<{ role: string; calls: string; exec_ms: number; plan_ms: number }>(
    databaseUrl,
    `SELECT r.rolname AS role, coalesce(sum(s.calls), 0)::bigint AS calls,
            coalesce(sum(s.total_exec_time), 0)::float8 AS exec_ms,
            coalesce(sum(s.total_plan_time), 0)::float8 AS plan_ms
       FROM pg_roles r LEFT JOIN pg_stat_statements s ON s.userid = r.oid AND s.toplevel
      WHERE r.rolname = ANY($1) GROUP BY r.rolname`,
    [[...roles]],
  );
  return Object.fromEntries(
    rows.map((r) => [r.role, { calls: Number(r.calls), execMs: r.exec_ms, planMs: r.plan_ms }]),
  );
}

/** Forget one role's statement statistics (pg_stat_statements_reset for its user id). */
export async function resetStatements(databaseUrl: string, role: string): Promise<void> {
  await rowsOf(databaseUrl, "SELECT pg_stat_statements_reset(r.oid) FROM pg_roles r WHERE r.rolname = $1", [
    role,
  ]);
}

export interface StatementStat {
  calls: number;
  meanMs: number;
  totalMs: number;
  /** Planning, per call (0 when PostgreSQL reused a plan; needs pg_stat_statements.track_planning). */
  meanPlanMs: number;
  /** Normalised text, whitespace collapsed. */
  query: string;
}

/** One statement's rows, on a connection of its own. */
async function rowsOf<R extends pg.QueryResultRow>(
  databaseUrl: string,
  text: string,
  values: readonly unknown[],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<R>(text, [...values])).rows;
  } finally {
    await client.end();
  }
}

/** One role's statements by total execution time, most first. */
export async function topStatements(
  databaseUrl: string,
  role: string,
  limit: number,
): Promise<StatementStat[]> {
  const rows = await rowsOf<{
    calls: string;
    mean_ms: number;
    total_ms: number;
    plan_ms: number;
    query: string;
  }>(
    databaseUrl,
    `SELECT s.calls::bigint AS calls, s.mean_exec_time::float8 AS mean_ms, s.total_exec_time::float8 AS total_ms,
              (s.total_plan_time / greatest(s.calls, 1))::float8 AS plan_ms,
              regexp_replace(s.query, '\\s+', ' ', 'g') AS query
         FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
        WHERE r.rolname = $1 AND s.toplevel ORDER BY s.total_exec_time DESC LIMIT $2`,
    [role, limit],
  );
  return rows.map((r) => ({
    calls: Number(r.calls),
    meanMs: r.mean_ms,
    totalMs: r.total_ms,
    meanPlanMs: r.plan_ms,
    query: r.query,
  }));
}

export interface WriteStat {
  calls: number;
  rows: number;
  totalMs: number;
  walBytes: number;
  /** Whole pages written to the WAL (the first change of a page after a checkpoint). */
  walFullPages: number;
  /** Run by a function or trigger: its time is inside its caller's too. */
  nested: boolean;
  /** Normalised text, whitespace collapsed, its first 160 characters. */
  query: string;
}

/**
 * Every role's statements, nested ones included, by total execution time, most first (`limit` of
 * them), and the time of every top-level statement (the nested ones are inside it).
 */
export async function statementsByTime(
  databaseUrl: string,
  limit: number,
): Promise<{ topLevelMs: number; statements: WriteStat[] }> {
  const [total] = await rowsOf<{ ms: number }>(
    databaseUrl,
    "SELECT coalesce(sum(total_exec_time), 0)::float8 AS ms FROM pg_stat_statements WHERE toplevel",
    [],
  );
  const rows = await rowsOf<{
    calls: string;
    rows: string;
    total_ms: number;
    wal_bytes: string;
    wal_fpi: string;
    toplevel: boolean;
    query: string;
  }>(
    databaseUrl,
    `SELECT calls::bigint AS calls, rows::bigint AS rows, total_exec_time::float8 AS total_ms,
              wal_bytes::bigint AS wal_bytes, wal_fpi::bigint AS wal_fpi, toplevel,
              left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query
         FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT $1`,
    [limit],
  );
  const statements = rows.map((r) => ({
    calls: Number(r.calls),
    rows: Number(r.rows),
    totalMs: r.total_ms,
    walBytes: Number(r.wal_bytes),
    walFullPages: Number(r.wal_fpi),
    nested: !r.toplevel,
    query: r.query,
  }));
  return { topLevelMs: total?.ms ?? 0, statements };
}

/** Upper bound on a full run's pages: every dataset may end on a short page; a little slack. */
const pageBound = (datasets: Record<string, number> | undefined, pageSize: number) =>
  5 + Object.values(datasets ?? {}).reduce((pages, records) => pages + 1 + Math.ceil(records / pageSize), 0);

export async function ingestSandboxGraph(options: SandboxGraphOptions): Promise<SandboxGraph> {
  const { scale, seed, signal } = options;
  const log = options.log ?? (() => {});
  const timings: Record<string, number> = {};
  let pgServer: ThrowawayPostgres | null = null;
  let sandbox: SandboxProcess | null = null;
  let db: Db | null = null;
  let engine: SyncEngine | null = null;

  let stopping: Promise<boolean> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      let clean = true;
      if (engine) await engine.stop().catch(() => {});
      if (sandbox) {
        const s = await sandbox.stop();
        if (s.forced || s.exitCode !== 0) {
          clean = false;
          log(`sandbox did not stop cleanly: exit ${s.exitCode}, signal ${s.signal}, killed: ${s.forced}`);
        }
        sandbox = null;
      }
      if (db) await db.$disconnect().catch(() => {});
      if (pgServer)
        await pgServer.stop().catch((e: Error) => {
          clean = false;
          log(`PostgreSQL did not stop cleanly: ${e.message}`);
        });
      return clean;
    })();
    return stopping;
  };
  const checkAborted = () => {
    if (signal?.aborted) throw new Error("ingest abandoned");
  };
  const onAbort = () => void engine?.stop().catch(() => {});
  signal?.addEventListener("abort", onAbort, { once: true });

  const step = async <T>(name: string, what: string, fn: () => Promise<T>): Promise<T> => {
    checkAborted();
    const started = performance.now();
    const value = await fn();
    timings[name] = Math.round(performance.now() - started);
    log(`  ${what}: ${(timings[name]! / 1000).toFixed(1)} s`);
    checkAborted();
    return value;
  };

  try {
    const expectedPromise = expectedCountsInChild(seed, scale);
    expectedPromise.catch(() => {});
    pgServer = await step("postgresMs", "throwaway PostgreSQL", () =>
      options.statementStats
        ? startPostgresWithStatementStats("citygraph", options.nestedStatements)
        : startThrowawayPostgres(),
    );
    const url = pgServer.url;
    await step("migrateMs", "migrations", () => migrate(url));
    // side by side, each connector's page transaction and read-ahead need a connection of their own
    db = createDb({ url, poolMax: options.poolMax ?? (options.waves?.some((w) => w.length > 1) ? 10 : 4) });
    const database = db;
    await step("seedMs", "reference data and the demo area tree", () =>
      seedReferenceData(database, buildDemoAreaTree()),
    );
    sandbox = await step("sandboxMs", `the ${scale} sandbox systems (own process)`, () =>
      spawnSandbox({ preset: scale, seed, ...(signal ? { signal } : {}) }),
    );
    const expected = await step("expectedMs", "the generator's expected counts", () => expectedPromise);

    const syncs = new SyncEngine(database, {
      log: (message, fields) => log(`    engine: ${message} ${JSON.stringify(fields ?? {})}`),
    });
    engine = syncs;
    const connectors = builtinConnectors(sandbox.urls);
    for (const c of connectors) await syncs.register(c, "BUILTIN");

    const ingested: ConnectorIngest[] = [];
    const cpuPids = { postgres: pgServer.pid, sandbox: sandbox.pid };
    const cpuStarted = cpuSnapshot(cpuPids);
    const ingestStarted = performance.now();
    const runOne = async (c: (typeof connectors)[number]) => {
      checkAborted();
      const id = c.manifest.id;
      const want = expected.perConnector[id];
      if (want === undefined) throw new Error(`no expected count for connector ${id}`);
      const started = performance.now();
      const report = await syncs.run(id, {
        maxPages: pageBound(expected.perDataset[id], c.manifest.schedule.pageSize),
      });
      checkAborted();
      const stored = await database.sourceRecord.count({ where: { connectorId: id } });
      const wallMs = performance.now() - started;
      log(
        `  ${id}: ${report.ingested} records in ${(wallMs / 1000).toFixed(1)} s (${report.outcome}${report.quarantined ? `, ${report.quarantined} quarantined` : ""})`,
      );
      if (report.outcome !== "SUCCEEDED")
        throw new Error(`connector ${id}: ${report.outcome} ${report.skipped ?? ""} ${report.error ?? ""}`);
      if (report.quarantined !== 0 || stored !== want)
        throw new Error(
          `connector ${id}: ${stored} records stored, ${report.quarantined} quarantined; the generator serves ${want}`,
        );
      ingested.push({ connector: id, report, expected: want, stored, wallMs: Math.round(wallMs) });
    };
    for (const wave of wavesOf(
      connectors.map((c) => c.manifest.id),
      options.waves,
    ))
      await Promise.all(wave.map((id) => runOne(connectors.find((c) => c.manifest.id === id)!)));
    timings.ingestMs = Math.round(performance.now() - ingestStarted);
    const ingestCpu = cpuBetween(cpuStarted, cpuSnapshot(cpuPids));
    await engine.stop();
    engine = null;
    if (!options.keepSandbox) {
      const s = await sandbox.stop();
      sandbox = null;
      if (s.forced || s.exitCode !== 0)
        log(`sandbox did not stop cleanly: exit ${s.exitCode}, signal ${s.signal}, killed: ${s.forced}`);
    }

    // Fresh planner statistics, as autovacuum would have them after a while.
    if (options.settle) {
      await db.$executeRawUnsafe("VACUUM (ANALYZE)");
      await db.$executeRawUnsafe("CHECKPOINT");
    } else await db.$executeRawUnsafe("ANALYZE");
    const rowCounts: Record<string, number> = {};
    for (const table of ROW_COUNT_TABLES) {
      const [row] = await db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*)::bigint AS n FROM "${table}"`);
      rowCounts[table] = Number(row?.n ?? 0);
    }

    const server = pgServer;
    return {
      pg: server,
      db,
      databaseUrl: server.url,
      adminUrl: server.adminUrl,
      expected,
      connectors: ingested,
      rowCounts,
      timings,
      ingestCpu,
      sandbox,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}

/** The waves of connectors to run (wave by wave; side by side within one), every connector once. */
export function wavesOf(ids: readonly string[], waves?: readonly (readonly string[])[]): string[][] {
  const named = new Set<string>();
  const out: string[][] = [];
  for (const wave of waves ?? []) {
    for (const id of wave) {
      if (!ids.includes(id)) throw new Error(`no connector ${id} (there are: ${ids.join(", ")})`);
      if (named.has(id)) throw new Error(`connector ${id} is named in two waves`);
      named.add(id);
    }
    if (wave.length > 0) out.push([...wave]);
  }
  for (const id of ids) if (!named.has(id)) out.push([id]);
  return out;
}
