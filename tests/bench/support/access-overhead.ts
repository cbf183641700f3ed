// What the access policy and the audit trail cost on the read path: two more hub processes on the
// same database and role, identical but for ACCESS_CONTROL (on: every field decided, masked where
// it must be, every personal read audited; off: nothing decided, nothing audited), measured cell
// by cell, with the same load and subjects. Each cell runs in rounds whose order alternates (on,
// off, then off, on: ABBA), so that neither mode always runs second, on a database and page cache
// the other has just warmed or while the other's writes are still being flushed. Both run with
// NODE_ENV=test (the hub refuses ACCESS_CONTROL=off in production), so the pair differs in the
// policy alone. Audit rows written per second are counted in the database during the `on` runs.
// Besides requests per second, each hub's own CPU time per request is read from /proc: on a shared
// 2-core machine throughput swings by ±15 % between rounds with the neighbours' load and with the
// plan each PostgreSQL backend settles on, while CPU per request is what the policy itself costs
// the hub, and it is much steadier.
import pg from "pg";
import { type LoadResult, runLoad } from "./http-load.js";
import { type HubProcess, spawnHub } from "./hub-process.js";
import { treeCpuSeconds } from "./proc.js";
import { fixed, formatTable } from "./report.js";

export interface OverheadCell {
  operation: string;
  concurrency: number;
  on: LoadResult;
  off: LoadResult;
  /** req/s off ÷ req/s on over all rounds: how much slower the policy makes the hub (1.0×: no cost). */
  overhead: number;
  /** The same ratio per round, in the order run (its spread is the measurement's noise). */
  roundOverheads: number[];
  p99Ratio: number;
  /** The hub process's own CPU ms per request (user + system, its whole process tree). */
  cpuMsPerRequest: { on: number; off: number };
  /** CPU per request on ÷ off: the policy's cost in the hub's own work. */
  cpuOverhead: number;
  auditRowsPerSecond: number;
  auditRowsPerRequest: number;
  /** Element reads the audit rows name, per request (a row names every element read alike). */
  auditedElementsPerRequest: number;
}

export interface OverheadOptions {
  databaseUrl: string;
  /** A connection that can read AuditRecord (the owner's). */
  countUrl: string;
  jwtSecret: string;
  token: string;
  env: Record<string, string>;
  operations: readonly { name: string; query: string; variablesList: Record<string, unknown>[] }[];
  concurrency: readonly number[];
  durationS: number;
  warmupS: number;
  /** Rounds per cell, alternating which mode runs first (default 4: on-off, off-on, on-off, off-on). */
  rounds?: number;
  signal: AbortSignal;
  log: (line: string) => void;
}

/** Audit rows, and the element reads they name, so far. */
async function auditRows(client: pg.Client): Promise<{ rows: number; elements: number }> {
  const r = await client.query<{ n: string; e: string }>(
    `SELECT count(*)::text AS n, coalesce(sum(cardinality("entityIds")), 0)::text AS e FROM "AuditRecord"`,
  );
  return { rows: Number(r.rows[0]!.n), elements: Number(r.rows[0]!.e) };
}

export async function measureAccessOverhead(o: OverheadOptions): Promise<OverheadCell[]> {
  const hubs: Partial<Record<"on" | "off", HubProcess>> = {};
  const counter = new pg.Client({ connectionString: o.countUrl });
  await counter.connect();
  try {
    for (const mode of ["on", "off"] as const) {
      hubs[mode] = await spawnHub({
        databaseUrl: o.databaseUrl,
        jwtSecret: o.jwtSecret,
        signal: o.signal,
        env: { ...o.env, NODE_ENV: "test", ACCESS_CONTROL: mode, AUDIT_FLUSH_MS: "200" },
      });
      o.log(`  hub, access control ${mode.padEnd(3)} ${hubs[mode]!.url} pid ${hubs[mode]!.hubPid}`);
    }
    const cells: OverheadCell[] = [];
    for (const op of o.operations)
      for (const concurrency of o.concurrency) {
        const runs: Record<"on" | "off", LoadResult[]> = { on: [], off: [] };
        const cpuSeconds = { on: 0, off: 0 };
        let rows = 0;
        let elements = 0;
        const rounds = Math.max(1, o.rounds ?? 4);
        for (let round = 0; round < rounds; round++)
          for (const mode of round % 2 === 0 ? (["on", "off"] as const) : (["off", "on"] as const)) {
            const request = {
              url: `${hubs[mode]!.url}/graphql`,
              query: op.query,
              variablesList: op.variablesList,
              headers: { authorization: `Bearer ${o.token}` },
            };
            const load = (seconds: number) =>
              runLoad({ request, concurrency, durationMs: seconds * 1000, warmupMs: 0, signal: o.signal });
            if (o.warmupS > 0) await load(o.warmupS);
            const before = await auditRows(counter);
            const cpuBefore = treeCpuSeconds(hubs[mode]!.launcherPid) ?? Number.NaN;
            runs[mode].push(await load(o.durationS));
            cpuSeconds[mode] += (treeCpuSeconds(hubs[mode]!.launcherPid) ?? Number.NaN) - cpuBefore;
            // The writer flushes every 200 ms: wait for the last batch before counting.
            await new Promise((r) => setTimeout(r, 500));
            if (mode === "on") {
              const after = await auditRows(counter);
              rows += after.rows - before.rows;
              elements += after.elements - before.elements;
            }
          }
        const results = { on: combine(runs.on), off: combine(runs.off) };
        const cpuMsPerRequest = {
          on: (cpuSeconds.on * 1000) / Math.max(1, results.on.requests),
          off: (cpuSeconds.off * 1000) / Math.max(1, results.off.requests),
        };
        const cell: OverheadCell = {
          operation: op.name,
          concurrency,
          on: results.on,
          off: results.off,
          overhead: results.off.requestsPerSecond / Math.max(1e-9, results.on.requestsPerSecond),
          roundOverheads: runs.on.map(
            (on, i) => runs.off[i]!.requestsPerSecond / Math.max(1e-9, on.requestsPerSecond),
          ),
          p99Ratio: results.on.latencyMs.p99 / Math.max(1e-9, results.off.latencyMs.p99),
          cpuMsPerRequest,
          cpuOverhead: cpuMsPerRequest.on / Math.max(1e-9, cpuMsPerRequest.off),
          auditRowsPerSecond: rows / (results.on.durationMs / 1000),
          auditRowsPerRequest: rows / Math.max(1, results.on.requests),
          auditedElementsPerRequest: elements / Math.max(1, results.on.requests),
        };
        cells.push(cell);
        o.log(
          `  ${op.name} c=${String(concurrency).padStart(2)}  on ${fixed(cell.on.requestsPerSecond).padStart(7)} req/s  off ${fixed(cell.off.requestsPerSecond).padStart(7)} req/s  overhead ${fixed(cell.overhead, 2)}× (rounds ${cell.roundOverheads.map((r) => `${fixed(r, 2)}×`).join(" ")})  CPU ms/req on ${fixed(cell.cpuMsPerRequest.on, 2)} off ${fixed(cell.cpuMsPerRequest.off, 2)} (${fixed(cell.cpuOverhead, 2)}×)  audit ${fixed(cell.auditRowsPerSecond)} rows/s  errors ${cell.on.errors.total + cell.off.errors.total}`,
        );
      }
    return cells;
  } finally {
    await counter.end();
    for (const h of Object.values(hubs)) await h?.stop();
  }
}

/**
 * One mode's rounds as one result: requests and time added up (so req/s is over all of them);
 * latency percentiles are the request-weighted mean of the rounds' (the raw samples are not kept),
 * the maximum the largest.
 */
function combine(results: readonly LoadResult[]): LoadResult {
  const first = results[0]!;
  const requests = results.reduce((n, r) => n + r.requests, 0);
  const durationMs = results.reduce((n, r) => n + r.durationMs, 0);
  const weighted = (pick: (r: LoadResult) => number) =>
    results.reduce((n, r) => n + pick(r) * r.requests, 0) / Math.max(1, requests);
  const errors = (key: keyof LoadResult["errors"]) => results.reduce((n, r) => n + r.errors[key], 0);
  return {
    concurrency: first.concurrency,
    durationMs,
    requests,
    requestsPerSecond: requests / Math.max(1e-9, durationMs / 1000),
    latencyMs: {
      p50: weighted((r) => r.latencyMs.p50),
      p90: weighted((r) => r.latencyMs.p90),
      p99: weighted((r) => r.latencyMs.p99),
      max: Math.max(...results.map((r) => r.latencyMs.max)),
      mean: weighted((r) => r.latencyMs.mean),
    },
    errors: {
      total: errors("total"),
      non2xx: errors("non2xx"),
      graphql: errors("graphql"),
      network: errors("network"),
    },
    errorSamples: [...new Set(results.flatMap((r) => r.errorSamples))].slice(0, 5),
    truncated: results.some((r) => r.truncated),
  };
}

export function overheadTable(cells: readonly OverheadCell[]): string {
  return formatTable(
    [
      { title: "operation", align: "left" },
      { title: "conc" },
      { title: "req/s on" },
      { title: "req/s off" },
      { title: "overhead (off÷on)" },
      { title: "per round" },
      { title: "hub CPU ms/req on" },
      { title: "off" },
      { title: "CPU on÷off" },
      { title: "p99 ms on" },
      { title: "p99 ms off" },
      { title: "audit rows/s" },
      { title: "audit rows/req" },
      { title: "elements named/req" },
    ],
    cells.map((c) => [
      c.operation,
      String(c.concurrency),
      fixed(c.on.requestsPerSecond),
      fixed(c.off.requestsPerSecond),
      `${fixed(c.overhead, 2)}×`,
      c.roundOverheads.map((r) => `${fixed(r, 2)}×`).join(" "),
      fixed(c.cpuMsPerRequest.on, 2),
      fixed(c.cpuMsPerRequest.off, 2),
      `${fixed(c.cpuOverhead, 2)}×`,
      fixed(c.on.latencyMs.p99, 2),
      fixed(c.off.latencyMs.p99, 2),
      fixed(c.auditRowsPerSecond),
      fixed(c.auditRowsPerRequest, 1),
      fixed(c.auditedElementsPerRequest, 1),
    ]),
  );
}
