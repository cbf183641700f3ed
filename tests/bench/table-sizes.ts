// `npm run bench:sizes -- [--scale test|demo] [--seed S] [--requests N]`: what the graph costs on
// disk, per table, for sizing a city's PostgreSQL (docs/scale-out.md).
//
// Fills a throwaway embedded PostgreSQL from the sandbox department systems as bench:resolve does
// (support/sandbox-graph.ts: every built-in connector to completion, grid first, counts checked),
// runs the resolution pass as a hub does after a sync, then starts the hub as `npm start` runs it
// and reads person-360 and area-events N times each with a city-wide commander's token (access
// policy on: every personal value read is audited), so that the audit trail holds rows of the
// shape production writes. The hub is stopped (it flushes its audit batch), and for every table
// of the graph it prints the rows (exact count), the bytes on disk (heap, TOAST and indexes:
// pg_total_relation_size) and the bytes per row, the largest indexes, and the audit rows and
// bytes per request. Writes tests/.artifacts/bench-sizes-<scale>.json. Nothing is asserted.
//
//   npm run bench:sizes -- --scale demo
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { mintToken } from "../../gateway/auth.js";
import { resolvePending } from "../../integration/resolution/index.js";
import type { Db } from "../../prisma/db.js";
import { PRESET_NAMES, type PresetName } from "../../sandbox/generator/index.js";
import { runBench, SCALE_BUDGET_MIN, stopProcess } from "./support/harness.js";
import { REPO_ROOT, spawnHub } from "./support/hub-process.js";
import { fixed, formatTable } from "./support/report.js";
import { ingestSandboxGraph } from "./support/sandbox-graph.js";

const USAGE = `usage: npm run bench:sizes -- [--scale test|demo|bench] [--seed S] [--requests N]
  --scale     sandbox preset: test (5k persons), demo (50k, default), bench (1M)
  --seed      generator seed (default citygraph)
  --requests  reads of each operation through the hub, for the audit trail's rows (default 300)`;

interface Options {
  scale: PresetName;
  seed: string;
  requests: number;
}

function parseOptions(): Options {
  const args = process.argv.slice(2).filter((a) => a !== "--");
  // strict: false, since `npm run bench -- …` passes every benchmark's options to each one
  const { values } = parseArgs({
    args,
    options: {
      scale: { type: "string", default: "demo" },
      seed: { type: "string", default: "citygraph" },
      requests: { type: "string", default: "300" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: false,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const fail = (message: string): never => {
    process.stderr.write(`${message}\n${USAGE}\n`);
    process.exit(2);
  };
  const scale = String(values.scale);
  const seed = String(values.seed);
  const requests = Number(values.requests);
  if (!(PRESET_NAMES as readonly string[]).includes(scale))
    fail(`--scale must be one of ${PRESET_NAMES.join(", ")}, not "${scale}"`);
  if (!/^[\w.-]{1,64}$/.test(seed)) fail("--seed must be 1–64 letters, digits, _ . -");
  if (!Number.isInteger(requests) || requests < 1 || requests > 100_000)
    fail("--requests must be an integer from 1 to 100000");
  return { scale: scale as PresetName, seed, requests };
}

interface TableSize {
  table: string;
  rows: number;
  /** pg_total_relation_size: heap + TOAST + indexes. */
  totalBytes: number;
  heapBytes: number;
  toastBytes: number;
  indexBytes: number;
  /** totalBytes / rows (null for an empty table). */
  bytesPerRow: number | null;
  /** Dead row versions (pg_stat_user_tables, after ANALYZE): space a live database also carries. */
  deadRows: number;
}

interface IndexSize {
  table: string;
  index: string;
  bytes: number;
}

/** Every table of the graph (schema public), with its exact row count; largest first. */
async function tableSizes(db: Db): Promise<TableSize[]> {
  const rows = await db.$queryRawUnsafe<
    { table: string; total: bigint; heap: bigint; toast: bigint; indexes: bigint; dead: bigint | null }[]
  >(
    `SELECT c.relname AS table, pg_total_relation_size(c.oid)::bigint AS total,
            pg_relation_size(c.oid)::bigint AS heap,
            coalesce(pg_total_relation_size(NULLIF(c.reltoastrelid, 0)), 0)::bigint AS toast,
            pg_indexes_size(c.oid)::bigint AS indexes, s.n_dead_tup::bigint AS dead
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> '_prisma_migrations'
      ORDER BY 2 DESC, 1`,
  );
  const out: TableSize[] = [];
  for (const r of rows) {
    const [count] = await db.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*)::bigint AS n FROM "${r.table.replaceAll('"', '""')}"`,
    );
    const n = Number(count?.n ?? 0);
    const total = Number(r.total);
    out.push({
      table: r.table,
      rows: n,
      totalBytes: total,
      heapBytes: Number(r.heap),
      toastBytes: Number(r.toast),
      indexBytes: Number(r.indexes),
      bytesPerRow: n > 0 ? Math.round(total / n) : null,
      deadRows: Number(r.dead ?? 0),
    });
  }
  return out;
}

async function indexSizes(db: Db, limit: number): Promise<IndexSize[]> {
  const rows = await db.$queryRawUnsafe<{ table: string; index: string; bytes: bigint }[]>(
    `SELECT s.relname AS table, s.indexrelname AS index, pg_relation_size(s.indexrelid)::bigint AS bytes
       FROM pg_stat_user_indexes s WHERE s.schemaname = 'public' ORDER BY 3 DESC, 2 LIMIT ${limit}`,
  );
  return rows.map((r) => ({ table: r.table, index: r.index, bytes: Number(r.bytes) }));
}

interface RecordKind {
  /** "event" when one of the record's links is an event, else "registry" (persons, places, units). */
  kind: string;
  records: number;
  /** Mean pg_column_size of the SourceRecord row and of its payload alone. */
  recordBytes: number;
  payloadBytes: number;
  links: number;
  /** Mean pg_column_size of an EntitySource row of such a record. */
  linkBytes: number;
}

/**
 * Source records split by what they describe: a record one of whose links is an event grows with
 * the events a year, the others with the population. Row bytes without page overhead or indexes.
 */
async function recordKinds(db: Db): Promise<RecordKind[]> {
  const rows = await db.$queryRawUnsafe<
    {
      kind: string;
      records: bigint;
      record_bytes: number;
      payload_bytes: number;
      links: bigint;
      link_bytes: number;
    }[]
  >(
    `WITH r AS (
       SELECT sr.id, pg_column_size(sr.*) AS bytes, pg_column_size(sr.payload) AS payload,
              CASE WHEN EXISTS (SELECT 1 FROM "EntitySource" e WHERE e."sourceRecordId" = sr.id AND e."entityType" = 'EVENT')
                   THEN 'event' ELSE 'registry' END AS kind
         FROM "SourceRecord" sr),
     l AS (SELECT r.kind, count(*) AS links, avg(pg_column_size(es.*)) AS bytes
             FROM "EntitySource" es JOIN r ON r.id = es."sourceRecordId" GROUP BY r.kind)
     SELECT r.kind, count(*)::bigint AS records, avg(r.bytes)::float8 AS record_bytes,
            avg(r.payload)::float8 AS payload_bytes, coalesce(max(l.links), 0)::bigint AS links,
            coalesce(max(l.bytes), 0)::float8 AS link_bytes
       FROM r LEFT JOIN l ON l.kind = r.kind GROUP BY r.kind ORDER BY r.kind`,
  );
  return rows.map((r) => ({
    kind: r.kind,
    records: Number(r.records),
    recordBytes: Math.round(r.record_bytes),
    payloadBytes: Math.round(r.payload_bytes),
    links: Number(r.links),
    linkBytes: Math.round(r.link_bytes),
  }));
}

const kib = (bytes: number) => fixed(bytes / 1024, 0);
const mibText = (bytes: number) => fixed(bytes / 1024 ** 2, 1);

/** Reads through the hub's HTTP endpoint; returns how many answered without errors. */
async function readThroughHub(
  url: string,
  token: string,
  query: string,
  variables: readonly Record<string, unknown>[],
  count: number,
  concurrency: number,
): Promise<{ ok: number; failed: number; firstError: string | null }> {
  let next = 0;
  let ok = 0;
  let failed = 0;
  let firstError: string | null = null;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables: variables[i % variables.length] }),
      });
      const body = (await res.json()) as { errors?: unknown; data?: unknown };
      if (res.status === 200 && body.errors === undefined && body.data) ok++;
      else {
        failed++;
        firstError ??= JSON.stringify(body).slice(0, 300);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ok, failed, firstError };
}

const { scale, seed, requests } = parseOptions();

await runBench(
  {
    name: "sizes",
    budgetMs: (SCALE_BUDGET_MIN[scale] + 10) * 60_000,
    stopping: "the hub, the sandbox and PostgreSQL",
  },
  async (bench) => {
    const { log } = bench;
    log(`scale ${scale}, seed ${seed}, ${requests} reads of each operation\n`);

    log("filling a throwaway database from the sandbox systems (support/sandbox-graph.ts):");
    const graph = await bench.started(ingestSandboxGraph({ scale, seed, log, signal: bench.signal }), (g) =>
      g.stop(),
    );
    const records = graph.connectors.reduce((n, c) => n + c.stored, 0);

    log("\nthe resolution pass, as a hub runs it after a sync:");
    const passStarted = performance.now();
    const pass = await resolvePending(graph.db);
    log(
      `  ${fixed((performance.now() - passStarted) / 1000, 1)} s: ${pass.mentions} mentions, ${pass.merged} merged, ${pass.reviews} queued for review`,
    );

    // ---- reads through the hub, for the audit trail ----
    log("\nreading through the hub (access policy and audit on):");
    const persons = await graph.db.$queryRawUnsafe<{ citizenId: string }[]>(
      `SELECT p."citizenId" FROM "EventPerson" ep JOIN "Person" p ON p.id = ep."personId"
        WHERE p."citizenId" IS NOT NULL AND p."citizenIdValid"
        GROUP BY p.id ORDER BY count(*) DESC, p."citizenId" LIMIT 40`,
    );
    const areas = await graph.db.$queryRawUnsafe<{ code: string }[]>(
      `SELECT a.code FROM "Event" e JOIN "AreaClosure" c ON c."descendantId" = e."areaId"
         JOIN "Area" a ON a.id = c."ancestorId"
        WHERE a.level IN ('STREET', 'COMMUNITY') GROUP BY a.id ORDER BY count(*) DESC, a.code LIMIT 40`,
    );
    if (persons.length === 0 || areas.length === 0) throw new Error("no person or area with events to read");
    const secret = randomBytes(30).toString("base64url");
    const hub = await bench.started(
      spawnHub({
        databaseUrl: graph.databaseUrl,
        jwtSecret: secret,
        signal: bench.signal,
        env: {
          SANDBOX: "false",
          SYNC_SCHEDULER: "false",
          DEMO_DATA: "false",
          GRAPHIQL: "false",
          AUDIT_FLUSH_MS: "200",
        },
      }),
      stopProcess("hub"),
    );
    log(`  hub ${hub.url}, ready in ${fixed(hub.coldStartMs / 1000, 1)} s`);
    const token = await mintToken(
      secret,
      { sub: "bench-sizes", roles: ["city_commander"], areas: ["320600"], purpose: "EMERGENCY_RESPONSE" },
      { expiresIn: "2h" },
    );
    const document = (file: string) => fs.readFileSync(path.join(REPO_ROOT, file), "utf8");
    const reads = [
      {
        operation: "person-360",
        query: document("operations/person-360.graphql"),
        variables: persons.map((p) => ({ citizenId: p.citizenId })),
      },
      {
        operation: "area-events",
        query: document("operations/area-events.graphql"),
        variables: areas.map((a) => ({ code: a.code, first: 20, after: null })),
      },
    ];
    const auditRows = async () => {
      const [row] = await graph.db.$queryRawUnsafe<{ n: bigint }[]>(
        `SELECT count(*)::bigint AS n FROM "AuditRecord"`,
      );
      return Number(row?.n ?? 0);
    };
    const audit: { operation: string; requests: number; failed: number; auditRows: number }[] = [];
    for (const read of reads) {
      const before = await auditRows();
      const result = await readThroughHub(
        `${hub.url}/graphql`,
        token,
        read.query,
        read.variables,
        requests,
        4,
      );
      if (result.failed > 0)
        throw new Error(`${read.operation}: ${result.failed} requests failed, e.g. ${result.firstError}`);
      // the hub flushes its audit batch every AUDIT_FLUSH_MS: wait until the count stops moving
      let after = await auditRows();
      for (let i = 0; i < 50; i++) {
        await new Promise((r) => setTimeout(r, 200));
        const now = await auditRows();
        if (now === after && now > before) break;
        after = now;
      }
      audit.push({
        operation: read.operation,
        requests: result.ok,
        failed: result.failed,
        auditRows: after - before,
      });
      log(`  ${read.operation}: ${result.ok} requests, ${after - before} audit rows`);
    }
    const hubStop = await hub.stop();
    if (hubStop.forced || hubStop.exitCode !== 0) log(`  hub did not stop cleanly: exit ${hubStop.exitCode}`);

    // ---- sizes ----
    await graph.db.$executeRawUnsafe("ANALYZE");
    const tables = await tableSizes(graph.db);
    const indexes = await indexSizes(graph.db, 25);
    const [dbRow] = await graph.db.$queryRawUnsafe<{ bytes: bigint }[]>(
      `SELECT pg_database_size(current_database())::bigint AS bytes`,
    );
    const databaseBytes = Number(dbRow?.bytes ?? 0);
    const rowsOf = (t: string) => tables.find((x) => x.table === t)?.rows ?? 0;

    log(
      `\nthe database after ${records} source records, the pass and ${requests} reads of each operation: ${mibText(databaseBytes)} MiB (pg_database_size)\n`,
    );
    log(
      formatTable(
        [
          { title: "table", align: "left" },
          { title: "rows" },
          { title: "total MiB" },
          { title: "heap KiB" },
          { title: "TOAST KiB" },
          { title: "index KiB" },
          { title: "bytes/row" },
          { title: "dead rows" },
        ],
        tables
          .filter((t) => t.rows > 0)
          .map((t) => [
            t.table,
            String(t.rows),
            mibText(t.totalBytes),
            kib(t.heapBytes),
            kib(t.toastBytes),
            kib(t.indexBytes),
            t.bytesPerRow === null ? "—" : String(t.bytesPerRow),
            String(t.deadRows),
          ]),
      ),
    );
    const empty = tables.filter((t) => t.rows === 0).map((t) => t.table);
    if (empty.length > 0) log(`empty: ${empty.join(", ")}`);
    log("\nlargest indexes:");
    log(
      formatTable(
        [{ title: "table", align: "left" }, { title: "index", align: "left" }, { title: "KiB" }],
        indexes.map((i) => [i.table, i.index, kib(i.bytes)]),
      ),
    );
    const kinds = await recordKinds(graph.db);
    log("\nsource records by what they describe (row bytes without page overhead or indexes):");
    log(
      formatTable(
        [
          { title: "records of", align: "left" },
          { title: "records" },
          { title: "bytes/record" },
          { title: "of which payload" },
          { title: "links" },
          { title: "links/record" },
          { title: "bytes/link" },
        ],
        kinds.map((k) => [
          k.kind,
          String(k.records),
          String(k.recordBytes),
          String(k.payloadBytes),
          String(k.links),
          fixed(k.records > 0 ? k.links / k.records : 0, 2),
          String(k.linkBytes),
        ]),
      ),
    );
    const auditTable = tables.find((t) => t.table === "AuditRecord");
    const auditTotal = audit.reduce((n, a) => n + a.auditRows, 0);
    const auditBytesPerRow =
      auditTable && auditTotal > 0 ? Math.round(auditTable.totalBytes / auditTotal) : null;
    log("\nthe audit trail per request (a city commander reading with a declared purpose):");
    for (const a of audit)
      log(
        `  ${a.operation}: ${fixed(a.auditRows / a.requests, 2)} rows a request${auditBytesPerRow === null ? "" : `, about ${Math.round((a.auditRows / a.requests) * auditBytesPerRow)} bytes`}`,
      );
    if (auditBytesPerRow !== null) log(`  ${auditBytesPerRow} bytes per audit row, indexes included`);

    const [personCounts] = await graph.db.$queryRawUnsafe<{ keyed: bigint; mentions: bigint }[]>(
      `SELECT count(*) FILTER (WHERE "citizenId" IS NOT NULL)::bigint AS keyed,
              count(*) FILTER (WHERE "citizenId" IS NULL)::bigint AS mentions FROM "Person"`,
    );
    log(
      `\npersons: ${personCounts?.keyed ?? 0} with a trustworthy citizen ID, ${personCounts?.mentions ?? 0} without (mentions)`,
    );
    const ratios = {
      entitySourcesPerRecord:
        rowsOf("SourceRecord") > 0 ? rowsOf("EntitySource") / rowsOf("SourceRecord") : null,
      eventPersonsPerEvent: rowsOf("Event") > 0 ? rowsOf("EventPerson") / rowsOf("Event") : null,
      eventStepsPerEvent: rowsOf("Event") > 0 ? rowsOf("EventStep") / rowsOf("Event") : null,
      outboxPerEvent: rowsOf("Event") > 0 ? rowsOf("Outbox") / rowsOf("Event") : null,
      personReachPerPerson: rowsOf("Person") > 0 ? rowsOf("PersonReach") / rowsOf("Person") : null,
    };
    log(
      `\nper row of the graph: ${Object.entries(ratios)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => `${k} ${fixed(v as number, 2)}`)
        .join(", ")}`,
    );

    const file = bench.report(`bench-sizes-${scale}.json`, {
      scale,
      seed,
      records,
      pass: { mentions: pass.mentions, merged: pass.merged, reviews: pass.reviews },
      databaseBytes,
      tables,
      indexes,
      sourceRecords: kinds,
      persons: { keyed: Number(personCounts?.keyed ?? 0), mentions: Number(personCounts?.mentions ?? 0) },
      audit: { reads: audit, bytesPerRow: auditBytesPerRow },
      ratios,
    });
    log(`\nwritten ${path.relative(REPO_ROOT, file)}`);
    return 0;
  },
);
