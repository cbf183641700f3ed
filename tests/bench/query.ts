// `npm run bench:query -- --scale test|demo|bench`: what the hub's read path costs, side by side
// with what a team might pick instead (PostGraphile 5) and with the floor (hand-written SQL over
// HTTP), in the same run, on the same database and data, on the same machine.
//
// Set-up (support/sandbox-graph.ts): a throwaway embedded PostgreSQL with pg_stat_statements
// preloaded, filled by the real sync from the sandbox department systems of the preset. Three
// servers, each a process of its own with a pool of 10 connections and a database role of its own:
//   hub           `tsx gateway/main.ts` as `npm start` runs it (production mode, no sandbox, no
//                 scheduler), a city-wide city_commander token with a declared purpose, so nothing
//                 is masked and no check is skipped;
//   postgraphile  PostGraphile 5.1.5, amber preset, default inflection, the `public` schema plus
//                 three computed columns (support/postgraphile-server.ts);
//   sql           node:http + pg, one hand-written statement per request building the hub's JSON
//                 in PostgreSQL (support/sql-endpoint.ts): the floor.
// Operations: operations/person-360.graphql and operations/area-events.graphql, read from disk at
// run time (the hub's own), and their nearest PostGraphile equivalents below. Subjects are picked
// from the data: the persons with the most event parts, the streets and communities with the most
// events; successive requests take them in turn. Every subject's answer from each server is
// compared on its key facts (person, counts, event ids in order) before any timing: exit 1 on a
// mismatch. Then each operation × concurrency (1, 16, 64) × server: a warm-up, then a closed-loop
// measurement (support/http-load.ts). SQL statements per request are counted by PostgreSQL itself
// (pg_stat_statements, per role: every statement a server sent, whatever its driver does).
// Prints one table per operation and the ratios; writes tests/.artifacts/bench-query-<scale>.json.
// No timing is asserted.
//
//   npm run bench:query -- --scale demo --duration 10
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";
import { mintToken } from "../../gateway/auth.js";
import { PRESET_NAMES, type PresetName } from "../../sandbox/generator/index.js";
import { measureAccessOverhead, overheadTable } from "./support/access-overhead.js";
import { runBench, SCALE_BUDGET_MIN, stopProcess } from "./support/harness.js";
import { type LoadResult, postOnce, runLoad } from "./support/http-load.js";
import { type HubProcess, REPO_ROOT, spawnHub } from "./support/hub-process.js";
import { machineCpuSeconds, RssSampler, treeCpuSeconds } from "./support/proc.js";
import {
  areaEventFacts,
  factDifferences,
  firstDifference,
  formatRatio,
  personFacts,
  ratio,
  type ServerName,
  withSortedSources,
} from "./support/query-facts.js";
import { fixed, formatTable, mib } from "./support/report.js";
import {
  addLoginRole,
  ingestSandboxGraph,
  resetStatements,
  type SandboxGraph,
  type StatementStat,
  statementsByRole,
  topStatements,
} from "./support/sandbox-graph.js";

const USAGE = `usage: npm run bench:query -- [--scale test|demo|bench] [--duration S] [--warmup S] [--subjects N] [--seed S]
  --scale     sandbox preset: test (5k persons), demo (50k, default), bench (1M)
  --duration  measured seconds per operation, concurrency and server (default 10, at most 600)
  --warmup    unmeasured seconds before each measurement (default 2, at most 60)
  --subjects  persons and areas each request rotates through (default 40 of each, 1 to 500)
  --seed      generator seed (default citygraph)`;

const CONCURRENCY = [1, 16, 64] as const;
const SERVERS: readonly ServerName[] = ["hub", "postgraphile", "sql"];
const SERVER_LABEL: Record<ServerName, string> = {
  hub: "CityGraph hub",
  postgraphile: "PostGraphile 5",
  sql: "SQL floor",
};
const ROLE: Record<ServerName, string> = {
  hub: "bench_hub",
  postgraphile: "bench_postgraphile",
  sql: "bench_sql",
};
const POOL_MAX = 10;
const PAGE = 20;

interface Options {
  scale: PresetName;
  seed: string;
  durationS: number;
  warmupS: number;
  subjects: number;
}

function parseOptions(): Options {
  const args = process.argv.slice(2).filter((a) => a !== "--");
  const { values } = parseArgs({
    args,
    options: {
      scale: { type: "string", default: "demo" },
      seed: { type: "string", default: "citygraph" },
      duration: { type: "string", default: "10" },
      warmup: { type: "string", default: "2" },
      subjects: { type: "string", default: "40" },
      // other benchmarks' options, which `npm run bench -- …` passes to every one: ignored here
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
  const fail = (message: string): never => {
    process.stderr.write(`${message}\n${USAGE}\n`);
    process.exit(2);
  };
  const number = (name: string, raw: string, min: number, max: number) => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max)
      fail(`--${name} must be a number from ${min} to ${max}, not "${raw}"`);
    return n;
  };
  if (!(PRESET_NAMES as readonly string[]).includes(values.scale))
    fail(`--scale must be one of ${PRESET_NAMES.join(", ")}, not "${values.scale}"`);
  if (!/^[\w.-]{1,64}$/.test(values.seed)) fail("--seed must be 1–64 letters, digits, _ . -");
  const subjects = number("subjects", values.subjects, 1, 500);
  if (!Number.isInteger(subjects)) fail("--subjects must be a whole number");
  return {
    scale: values.scale as PresetName,
    seed: values.seed,
    durationS: number("duration", values.duration, 0.1, 600),
    warmupS: number("warmup", values.warmup, 0, 60),
    subjects,
  };
}

// ---- the operations: the hub's own documents, PostGraphile's nearest equivalents ----

/**
 * person-360 in PostGraphile's generated schema. Person.citizenId is unique through a unique
 * index, not a constraint, so PostGraphile generates no personByCitizenId: `allPeople(condition:)`
 * on it is the same index lookup. The latest events are Person.eventParts (EventPerson rows,
 * newest event first: a computed column, since the generated orderBy cannot sort by a column of
 * the related Event) and the provenance is Person.sources (EntitySource has no foreign key).
 */
const PGL_PERSON_360 = `query Person360($citizenId: String!) {
  allPeople(condition: { citizenId: $citizenId }, first: 1) {
    nodes {
      rowId name citizenId phone sex birthDate
      personAddressesByPersonId(orderBy: PRIMARY_KEY_ASC) {
        nodes { kind addressByAddressId { rowId fullText areaByAreaId { code name } } }
      }
      personOrganisationsByPersonId(orderBy: PRIMARY_KEY_ASC) {
        nodes { role organisationByOrganisationId { rowId name uscc kind } }
      }
      eventParts(first: 20) {
        totalCount
        nodes {
          role
          eventByEventId {
            rowId kind title status occurredAt warningLevel
            areaByAreaId { code name }
            addressByAddressId { fullText }
            eventPeopleByEventId(orderBy: PRIMARY_KEY_ASC) { nodes { role personByPersonId { rowId name } } }
          }
        }
      }
      sources { nodes { sourceRecordBySourceRecordId { connectorId sourceKey fetchedAt } } }
    }
  }
}`;

/**
 * The area event list: Area.eventsInSubtree (a computed column over AreaClosure, sortable), the
 * way a PostGraphile user adds a filter the generated `condition` (equality on the table's own
 * columns) cannot express; ordered as the hub orders, newest first, the id breaking ties.
 */
const PGL_AREA_EVENTS = `query AreaEvents($code: String!, $first: Int!, $after: Cursor) {
  allAreas(condition: { code: $code }, first: 1) {
    nodes {
      eventsInSubtree(first: $first, after: $after, orderBy: [OCCURRED_AT_DESC, ROW_ID_ASC]) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges {
          cursor
          node {
            rowId kind title status occurredAt warningLevel
            areaByAreaId { code name }
            eventPeopleByEventId(orderBy: PRIMARY_KEY_ASC) { nodes { role personByPersonId { rowId name } } }
          }
        }
      }
    }
  }
}`;

interface Operation {
  name: "person-360" | "area-events";
  hubFile: string;
  postgraphile: string;
  sqlPath: string;
  facts: (server: ServerName, body: unknown) => object | null;
}

const OPERATIONS: Operation[] = [
  {
    name: "person-360",
    hubFile: "operations/person-360.graphql",
    postgraphile: PGL_PERSON_360,
    sqlPath: "/person-360",
    facts: personFacts,
  },
  {
    name: "area-events",
    hubFile: "operations/area-events.graphql",
    postgraphile: PGL_AREA_EVENTS,
    sqlPath: "/area-events",
    facts: areaEventFacts,
  },
];

// ---- the two peers as processes ----

interface ScriptProcess {
  url: string;
  pid: number;
  output(): string[];
  exited(): boolean;
  stop(): Promise<boolean>;
}

/** `node --import tsx <script>` with env; resolves once it prints `<marker> http://…`. */
async function spawnScript(
  script: string,
  marker: string,
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<ScriptProcess> {
  const lines: string[] = [];
  let url: string | null = null;
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", script], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: "production", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (!line.trim()) continue;
      if (line.startsWith(`${marker} `)) url = line.slice(marker.length + 1).trim();
      lines.push(line.slice(0, 2000));
      if (lines.length > 200) lines.shift();
    }
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const ended = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const stop = async () => {
    if (exited()) return child.exitCode === 0;
    child.kill("SIGTERM");
    const timer = new Promise<"late">((resolve) => setTimeout(() => resolve("late"), 15_000).unref());
    if ((await Promise.race([ended, timer])) === "late") {
      child.kill("SIGKILL");
      await ended;
      return false;
    }
    return child.exitCode === 0;
  };
  const deadline = Date.now() + timeoutMs;
  while (url === null) {
    if (exited() || Date.now() > deadline) {
      await stop();
      throw new Error(`${script} did not start:\n${lines.slice(-30).join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const ready: string = url;
  return { url: ready, pid: child.pid!, output: () => [...lines], exited, stop };
}

// ---- subjects ----

interface Subjects {
  persons: { citizenId: string; parts: number }[];
  areas: { code: string; name: string; level: string; events: number }[];
}

/** The persons with the most event parts; the streets and communities with the most events. */
async function pickSubjects(graph: SandboxGraph, n: number): Promise<Subjects> {
  const persons = await graph.db.$queryRaw<{ citizenId: string; parts: bigint }[]>`
    SELECT p."citizenId", count(*)::bigint AS parts FROM "EventPerson" ep JOIN "Person" p ON p.id = ep."personId"
     WHERE p."citizenId" IS NOT NULL AND p."citizenIdValid"
     GROUP BY p.id ORDER BY parts DESC, p."citizenId" LIMIT ${n}`;
  const areas = await graph.db.$queryRaw<{ code: string; name: string; level: string; events: bigint }[]>`
    SELECT code, name, level, events FROM (
      SELECT a.code, a.name, a.level::text AS level, count(*)::bigint AS events,
             row_number() OVER (PARTITION BY a.level ORDER BY count(*) DESC, a.code) AS rank
        FROM "Event" e JOIN "AreaClosure" c ON c."descendantId" = e."areaId" JOIN "Area" a ON a.id = c."ancestorId"
       WHERE a.level IN ('STREET', 'COMMUNITY') GROUP BY a.id) ranked
     WHERE rank <= ${Math.ceil(n / 2)} ORDER BY rank, level DESC`;
  return {
    persons: persons.map((p) => ({ citizenId: p.citizenId, parts: Number(p.parts) })),
    areas: areas.slice(0, n).map((a) => ({ ...a, events: Number(a.events) })),
  };
}

// ---- measuring ----

interface Target {
  name: ServerName;
  pid: number;
  /** Request URL for an operation. */
  url(op: Operation): string;
  query(op: Operation): string;
  headers: Record<string, string>;
  sampler: RssSampler;
  idleRssMiB: number | null;
}

interface Cell {
  operation: Operation["name"];
  server: ServerName;
  concurrency: number;
  result: LoadResult;
  statementsPerRequest: number;
  dbMsPerRequest: number;
  /** PostgreSQL's planning of those statements, per request (0 when it reuses a plan). */
  planMsPerRequest: number;
  serverCpuMsPerRequest: number | null;
  /** Share of one core (%) used meanwhile by processes other than the server, PostgreSQL and this one. */
  othersCpuPercent: number | null;
  peakRssMiB: number | null;
}

async function post(url: string, query: string, variables: unknown, headers: Record<string, string>) {
  const agent = new http.Agent({ keepAlive: false });
  try {
    const res = await postOnce(
      agent,
      new URL(url),
      Buffer.from(JSON.stringify({ query, variables })),
      { "content-type": "application/json", accept: "application/json", ...headers },
      60_000,
    );
    try {
      return { status: res.status, body: JSON.parse(res.body) as unknown, text: res.body };
    } catch {
      throw new Error(`${url}: HTTP ${res.status}, not JSON: ${res.body.slice(0, 300)}`);
    }
  } finally {
    agent.destroy();
  }
}

const round = (n: number, digits = 1) =>
  Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : null;

const options = parseOptions();
const { scale, seed, durationS, warmupS } = options;
const CELLS = OPERATIONS.length * CONCURRENCY.length * SERVERS.length;

await runBench(
  {
    name: "query",
    budgetMs: (SCALE_BUDGET_MIN[scale] + 5) * 60_000 + CELLS * (durationS + warmupS + 30) * 1000,
    stopping: "the servers, the sandbox and PostgreSQL",
  },
  async (bench) => {
    const { machine, log } = bench;
    log(
      `scale ${scale}, seed ${seed}; ${durationS} s measured after ${warmupS} s warm-up per cell; concurrency ${CONCURRENCY.join(", ")}; ${POOL_MAX} database connections per server\n`,
    );
    const documents = Object.fromEntries(
      OPERATIONS.map((op) => [op.name, fs.readFileSync(path.join(REPO_ROOT, op.hubFile), "utf8")]),
    ) as Record<Operation["name"], string>;

    log("filling a throwaway database from the sandbox systems (support/sandbox-graph.ts):");
    const setupStarted = performance.now();
    const graph = await bench.started(
      ingestSandboxGraph({ scale, seed, statementStats: true, settle: true, log, signal: bench.signal }),
      (g) => g.stop(),
    );
    log(
      `  database rows: ${Object.entries(graph.rowCounts)
        .map(([t, n]) => `${t} ${n}`)
        .join(", ")}`,
    );
    const roleUrls = Object.fromEntries(
      await Promise.all(
        SERVERS.map(async (s) => [s, await addLoginRole(graph.databaseUrl, ROLE[s])] as const),
      ),
    ) as Record<ServerName, string>;

    const subjects = await pickSubjects(graph, options.subjects);
    if (subjects.persons.length === 0 || subjects.areas.length === 0)
      throw new Error("the data has no person with events or no area with events");
    const describe = (xs: number[]) => `${Math.min(...xs)}–${Math.max(...xs)}`;
    log(
      `\nsubjects: ${subjects.persons.length} persons (${describe(subjects.persons.map((p) => p.parts))} event parts each), ${subjects.areas.length} streets and communities (${describe(subjects.areas.map((a) => a.events))} events each)`,
    );
    const variables: Record<Operation["name"], Record<string, unknown>[]> = {
      "person-360": subjects.persons.map((p) => ({ citizenId: p.citizenId })),
      "area-events": subjects.areas.map((a) => ({ code: a.code, first: PAGE, after: null })),
    };

    log("\nstarting the servers (each its own process and database role):");
    const secret = randomBytes(30).toString("base64url");
    const hubEnv = {
      SANDBOX: "false",
      SYNC_SCHEDULER: "false",
      DEMO_DATA: "false",
      DB_POOL_MAX: String(POOL_MAX),
      WEBHOOK_TOKEN: randomBytes(24).toString("base64url"),
      GRAPHIQL: "false",
    };
    const hubStarting = spawnHub({
      databaseUrl: roleUrls.hub,
      jwtSecret: secret,
      signal: bench.signal,
      env: hubEnv,
    });
    const hub: HubProcess = await bench.started(hubStarting, stopProcess("hub"));
    log(`  hub           ${hub.url} pid ${hub.hubPid}, ready in ${fixed(hub.coldStartMs / 1000, 1)} s`);
    const pglProcess = await spawnScript(
      "tests/bench/support/postgraphile-server.ts",
      "POSTGRAPHILE_LISTENING",
      {
        DATABASE_URL: roleUrls.postgraphile,
        PORT: "0",
        DB_POOL_MAX: String(POOL_MAX),
        GRAPHILE_ENV: "production",
      },
    );
    bench.onCleanup(() => pglProcess.stop());
    log(`  postgraphile  ${pglProcess.url} pid ${pglProcess.pid}`);
    const sqlProcess = await spawnScript("tests/bench/support/sql-endpoint.ts", "SQL_ENDPOINT_LISTENING", {
      DATABASE_URL: roleUrls.sql,
      PORT: "0",
      DB_POOL_MAX: String(POOL_MAX),
    });
    bench.onCleanup(() => sqlProcess.stop());
    log(`  sql           ${sqlProcess.url} pid ${sqlProcess.pid}`);

    const token = await mintToken(
      secret,
      {
        sub: "bench-query",
        roles: ["city_commander"],
        areas: ["320600"],
        // Unlocks sensitive and secret values: nothing masked, every field decided and audited.
        purpose: "EMERGENCY_RESPONSE",
      },
      { expiresIn: "12h" },
    );
    const sampler = (pid: number) => {
      const s = new RssSampler(pid).start();
      bench.onCleanup(async () => {
        s.stop();
        return true;
      });
      return s;
    };
    const targets: Target[] = [
      {
        name: "hub",
        pid: hub.hubPid,
        url: () => `${hub.url}/graphql`,
        query: (op) => documents[op.name],
        headers: { authorization: `Bearer ${token}` },
        sampler: sampler(hub.hubPid),
        idleRssMiB: null,
      },
      {
        name: "postgraphile",
        pid: pglProcess.pid,
        url: () => `${pglProcess.url}/graphql`,
        query: (op) => op.postgraphile,
        headers: {},
        sampler: sampler(pglProcess.pid),
        idleRssMiB: null,
      },
      {
        name: "sql",
        pid: sqlProcess.pid,
        url: (op) => `${sqlProcess.url}${op.sqlPath}`,
        query: (op) => `# ${op.name}: hand-written SQL`,
        headers: {},
        sampler: sampler(sqlProcess.pid),
        idleRssMiB: null,
      },
    ];
    for (const t of targets) t.idleRssMiB = mib(t.sampler.current());

    // ---- the three must agree before anything is timed ----
    log("\nchecking that the three servers agree on every subject:");
    const mismatches: string[] = [];
    const identical: Record<string, number> = {};
    /**
     * Whole answers of the floor and the hub, compared as JSON text: informational (the key facts
     * are what must agree); where the first one differs.
     */
    const firstSqlDifference: Record<string, string | null> = {};
    for (const op of OPERATIONS) {
      let same = 0;
      for (const vars of variables[op.name]) {
        const answers = {} as Record<ServerName, { facts: object | null; text: string }>;
        for (const t of targets) {
          const res = await post(t.url(op), t.query(op), vars, t.headers);
          if (res.status !== 200)
            throw new Error(`${op.name} on ${t.name}: HTTP ${res.status} ${res.text.slice(0, 500)}`);
          let facts: object | null;
          try {
            facts = op.facts(t.name, res.body);
          } catch (e) {
            throw new Error(`${op.name} on ${t.name} ${JSON.stringify(vars)}: ${(e as Error).message}`);
          }
          if (facts === null) mismatches.push(`${op.name} ${JSON.stringify(vars)}: ${t.name} found nothing`);
          answers[t.name] = { facts, text: JSON.stringify(withSortedSources(res.body)) };
        }
        for (const peer of ["postgraphile", "sql"] as const)
          for (const d of factDifferences(answers.hub.facts, answers[peer].facts))
            mismatches.push(`${op.name} ${JSON.stringify(vars)}: hub vs ${peer}: ${d}`);
        if (answers.hub.text === answers.sql.text) same++;
        else if (!firstSqlDifference[op.name])
          firstSqlDifference[op.name] = firstDifference(
            JSON.parse(answers.hub.text),
            JSON.parse(answers.sql.text),
          );
      }
      identical[op.name] = same;
      log(
        `  ${op.name}: ${variables[op.name].length} subjects compared; the SQL floor's JSON is identical to the hub's for ${same}${op.name === "person-360" ? " (provenance compared as a set)" : ""}${firstSqlDifference[op.name] ? ` (first difference: ${firstSqlDifference[op.name]})` : ""}`,
      );
    }
    if (mismatches.length > 0) {
      process.stderr.write(
        `\nthe servers disagree (${mismatches.length}):\n${mismatches.slice(0, 30).join("\n")}\n`,
      );
      return 1;
    }
    log("  all key facts agree (person, counts, event ids in order)");

    // ---- timing ----
    const results: Cell[] = [];
    /** Per operation: each server's heaviest statements over all its cells, and its totals. */
    const heaviest: Record<
      string,
      Record<ServerName, StatementStat[]> & {
        totalMs: Record<ServerName, number>;
        totalCalls: Record<ServerName, number>;
      }
    > = {};
    for (const op of OPERATIONS) {
      log(`\n${op.name}:`);
      for (const s of SERVERS) await resetStatements(graph.databaseUrl, ROLE[s]);
      for (const concurrency of CONCURRENCY)
        for (const t of targets) {
          const request = {
            url: t.url(op),
            query: t.query(op),
            variablesList: variables[op.name],
            headers: t.headers,
          };
          if (warmupS > 0)
            await runLoad({
              request,
              concurrency,
              durationMs: warmupS * 1000,
              warmupMs: 0,
              signal: bench.signal,
            });
          const before = (await statementsByRole(graph.databaseUrl, [ROLE[t.name]]))[ROLE[t.name]]!;
          const cpuBefore = treeCpuSeconds(t.pid);
          const pgBefore = graph.pg.pid === null ? null : treeCpuSeconds(graph.pg.pid);
          const selfBefore = process.cpuUsage();
          const machineBefore = machineCpuSeconds();
          const wallBefore = performance.now();
          t.sampler.beginWindow();
          const result = await runLoad({
            request,
            concurrency,
            durationMs: durationS * 1000,
            warmupMs: 0,
            signal: bench.signal,
          });
          const peakRssMiB = mib(t.sampler.endWindow());
          const cpuAfter = treeCpuSeconds(t.pid);
          const pgAfter = graph.pg.pid === null ? null : treeCpuSeconds(graph.pg.pid);
          const self = process.cpuUsage(selfBefore);
          const machineAfter = machineCpuSeconds();
          const wallS = (performance.now() - wallBefore) / 1000;
          const othersCpuPercent =
            cpuBefore === null ||
            cpuAfter === null ||
            pgBefore === null ||
            pgAfter === null ||
            machineBefore === null ||
            machineAfter === null
              ? null
              : Math.max(
                  0,
                  Math.round(
                    ((machineAfter.busy -
                      machineBefore.busy -
                      (cpuAfter - cpuBefore) -
                      (pgAfter - pgBefore) -
                      (self.user + self.system) / 1e6) /
                      wallS) *
                      100,
                  ),
                );
          const after = (await statementsByRole(graph.databaseUrl, [ROLE[t.name]]))[ROLE[t.name]]!;
          if (bench.signal.aborted) throw new Error("abandoned");
          if (t.name === "hub" && hub.exited())
            throw new Error(`the hub exited during ${op.name}, c=${concurrency}`);
          const n = Math.max(1, result.requests);
          const cell: Cell = {
            operation: op.name,
            server: t.name,
            concurrency,
            result,
            statementsPerRequest: (after.calls - before.calls) / n,
            dbMsPerRequest: (after.execMs - before.execMs) / n,
            planMsPerRequest: (after.planMs - before.planMs) / n,
            serverCpuMsPerRequest:
              cpuBefore === null || cpuAfter === null ? null : ((cpuAfter - cpuBefore) * 1000) / n,
            othersCpuPercent,
            peakRssMiB,
          };
          results.push(cell);
          log(
            `  c=${String(concurrency).padStart(2)} ${t.name.padEnd(12)} ${fixed(result.requestsPerSecond).padStart(8)} req/s  p50 ${fixed(result.latencyMs.p50, 2).padStart(7)} ms  p99 ${fixed(result.latencyMs.p99, 2).padStart(7)} ms  ${fixed(cell.statementsPerRequest, 2)} SQL/req  ${result.errors.total} errors${othersCpuPercent !== null && othersCpuPercent >= 20 ? `  (other processes: ${othersCpuPercent} % of a core)` : ""}`,
          );
          for (const sample of result.errorSamples) log(`      error: ${sample}`);
        }
      const totals = await statementsByRole(
        graph.databaseUrl,
        SERVERS.map((s) => ROLE[s]),
      );
      heaviest[op.name] = {
        hub: await topStatements(graph.databaseUrl, ROLE.hub, 10),
        postgraphile: await topStatements(graph.databaseUrl, ROLE.postgraphile, 5),
        sql: await topStatements(graph.databaseUrl, ROLE.sql, 3),
        totalMs: Object.fromEntries(SERVERS.map((s) => [s, totals[ROLE[s]]?.execMs ?? 0])) as Record<
          ServerName,
          number
        >,
        totalCalls: Object.fromEntries(SERVERS.map((s) => [s, totals[ROLE[s]]?.calls ?? 0])) as Record<
          ServerName,
          number
        >,
      };
    }

    // ---- the access policy's cost: the same hub with ACCESS_CONTROL on and off ----
    log("\naccess control and audit, on and off (two more hub processes, NODE_ENV=test):");
    const overhead = await measureAccessOverhead({
      databaseUrl: roleUrls.hub,
      countUrl: graph.databaseUrl,
      jwtSecret: secret,
      token,
      env: hubEnv,
      operations: OPERATIONS.map((op) => ({
        name: op.name,
        query: documents[op.name],
        variablesList: variables[op.name],
      })),
      concurrency: CONCURRENCY,
      durationS,
      warmupS,
      signal: bench.signal,
      log,
    });

    // ---- report ----
    const cell = (op: string, server: ServerName, c: number) =>
      results.find((r) => r.operation === op && r.server === server && r.concurrency === c)!;
    const tables: string[] = [];
    for (const op of OPERATIONS) {
      const rows: string[][] = [];
      for (const c of CONCURRENCY)
        for (const s of SERVERS) {
          const r = cell(op.name, s, c);
          const hubCell = cell(op.name, "hub", c);
          rows.push([
            SERVER_LABEL[s],
            String(c),
            fixed(r.result.requestsPerSecond),
            fixed(r.result.latencyMs.p50, 2),
            fixed(r.result.latencyMs.p99, 2),
            fixed(r.statementsPerRequest, 1),
            fixed(r.dbMsPerRequest, 2),
            fixed(r.planMsPerRequest, 2),
            r.serverCpuMsPerRequest === null ? "n/a" : fixed(r.serverCpuMsPerRequest, 2),
            s === "hub"
              ? "1.0×"
              : formatRatio(ratio(hubCell.result.requestsPerSecond, r.result.requestsPerSecond)),
            s === "hub" ? "1.0×" : formatRatio(ratio(hubCell.result.latencyMs.p50, r.result.latencyMs.p50)),
            String(r.result.errors.total),
          ]);
        }
      tables.push(
        `${op.name} (${op.name === "person-360" ? `${subjects.persons.length} persons` : `${subjects.areas.length} areas, first ${PAGE}`} in turn):\n${formatTable(
          [
            { title: "server", align: "left" },
            { title: "conc" },
            { title: "req/s" },
            { title: "p50 ms" },
            { title: "p99 ms" },
            { title: "SQL/req" },
            { title: "DB ms/req" },
            { title: "plan ms/req" },
            { title: "CPU ms/req" },
            { title: "hub÷this req/s" },
            { title: "hub÷this p50" },
            { title: "errors" },
          ],
          rows,
        )}`,
      );
    }
    const ratioRows: string[][] = [];
    for (const op of OPERATIONS)
      for (const c of CONCURRENCY) {
        const h = cell(op.name, "hub", c);
        const p = cell(op.name, "postgraphile", c);
        const q = cell(op.name, "sql", c);
        ratioRows.push([
          op.name,
          String(c),
          formatRatio(ratio(h.result.requestsPerSecond, p.result.requestsPerSecond)),
          formatRatio(ratio(h.result.requestsPerSecond, q.result.requestsPerSecond)),
          formatRatio(ratio(h.result.latencyMs.p99, p.result.latencyMs.p99)),
          formatRatio(ratio(h.result.latencyMs.p99, q.result.latencyMs.p99)),
          formatRatio(ratio(h.statementsPerRequest, p.statementsPerRequest)),
          formatRatio(ratio(h.statementsPerRequest, q.statementsPerRequest)),
        ]);
      }
    const ratioTable = formatTable(
      [
        { title: "operation", align: "left" },
        { title: "conc" },
        { title: "req/s hub÷PostGraphile" },
        { title: "req/s hub÷SQL" },
        { title: "p99 hub÷PostGraphile" },
        { title: "p99 hub÷SQL" },
        { title: "SQL/req hub÷PostGraphile" },
        { title: "SQL/req hub÷SQL" },
      ],
      ratioRows,
    );
    const memoryTable = formatTable(
      [
        { title: "server", align: "left" },
        { title: "RSS idle MiB" },
        ...OPERATIONS.map((op) => ({ title: `peak MiB ${op.name}` })),
        { title: "peak MiB" },
      ],
      targets.map((t) => [
        SERVER_LABEL[t.name],
        t.idleRssMiB === null ? "n/a" : fixed(t.idleRssMiB),
        ...OPERATIONS.map((op) =>
          fixed(
            Math.max(
              ...results
                .filter((r) => r.server === t.name && r.operation === op.name)
                .map((r) => r.peakRssMiB ?? 0),
            ),
          ),
        ),
        fixed(mib(t.sampler.peakKiB) ?? Number.NaN),
      ]),
    );

    log("");
    log(
      `machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, node ${machine.node}`,
    );
    log(
      `data:    scale ${scale} (${graph.expected.persons} generated persons; ${Object.entries(graph.rowCounts)
        .map(([t, n]) => `${n} ${t}`)
        .join(", ")}), seed ${seed}`,
    );
    log(
      `cells:   ${durationS} s closed loop after ${warmupS} s warm-up, keep-alive, 127.0.0.1; load generator, servers and PostgreSQL share the machine`,
    );
    log(
      "SQL/req: statements PostgreSQL executed per request (pg_stat_statements, the server's role); DB ms/req: their execution time; plan ms/req: PostgreSQL planning them (0 on a reused plan)",
    );
    log(
      "CPU ms/req: CPU time of the server process per request; ratios > 1× in req/s mean the hub serves more, in latency and SQL/req that it needs more",
    );
    const othersMax = Math.max(0, ...results.map((r) => r.othersCpuPercent ?? 0));
    if (othersMax >= 20)
      log(
        `caution: other processes on this machine used up to ${othersMax} % of a core while measuring (see the per-cell lines above); all servers are slower for it, not necessarily alike`,
      );
    for (const t of tables) log(`\n${t}`);
    log("\nratios (hub ÷ peer):");
    log(ratioTable);
    log("\naccess control and audit (overhead = req/s off ÷ req/s on; target ≤ 1.10×):");
    log(overheadTable(overhead));
    for (const op of OPERATIONS) {
      const top = heaviest[op.name]!;
      log(
        `\nwhere the hub's database time goes in ${op.name} (all its cells, warm-ups included; ${fixed(top.totalMs.hub, 0)} ms in ${top.totalCalls.hub} statements):`,
      );
      log(
        formatTable(
          [
            { title: "share" },
            { title: "calls" },
            { title: "mean ms" },
            { title: "statement", align: "left" },
          ],
          top.hub
            .slice(0, 6)
            .map((x) => [
              `${fixed((100 * x.totalMs) / Math.max(1e-9, top.totalMs.hub), 0)} %`,
              String(x.calls),
              fixed(x.meanMs, 2),
              x.query.length > 110 ? `${x.query.slice(0, 110)}…` : x.query,
            ]),
        ),
      );
    }
    log("\nmemory (RSS of each server process):");
    log(memoryTable);
    log("");

    const errorsTotal =
      results.reduce((n, r) => n + r.result.errors.total, 0) +
      overhead.reduce((n, c) => n + c.on.errors.total + c.off.errors.total, 0);
    const file = bench.report(`bench-query-${scale}.json`, {
      settings: {
        scale,
        seed,
        durationS,
        warmupS,
        concurrency: CONCURRENCY,
        poolMax: POOL_MAX,
        pageSize: PAGE,
        loadGenerator:
          "tests/bench/support/http-load.ts: node:http keep-alive, closed loop, subjects in turn",
        statementCounting: "pg_stat_statements (top-level statements) per database role, one role per server",
      },
      setupMs: Math.round(performance.now() - setupStarted),
      ingest: { timings: graph.timings, rowCounts: graph.rowCounts, persons: graph.expected.persons },
      subjects,
      servers: {
        hub: {
          command: "tsx gateway/main.ts",
          coldStartMs: Math.round(hub.coldStartMs),
          warnOrErrorLogLines: hub.problemLines(),
        },
        postgraphile: {
          version: "5.1.5",
          preset: "amber",
          script: "tests/bench/support/postgraphile-server.ts",
        },
        sql: { script: "tests/bench/support/sql-endpoint.ts" },
      },
      operations: OPERATIONS.map((op) => ({
        name: op.name,
        hub: documents[op.name],
        postgraphile: op.postgraphile,
        sqlEndpoint: op.sqlPath,
        subjectsWithIdenticalSqlAndHubJson: identical[op.name],
        firstSqlDifference: firstSqlDifference[op.name] ?? null,
        heaviestStatements: heaviest[op.name],
      })),
      accessOverhead: overhead.map((c) => ({
        operation: c.operation,
        concurrency: c.concurrency,
        requestsPerSecondOn: round(c.on.requestsPerSecond),
        requestsPerSecondOff: round(c.off.requestsPerSecond),
        overhead: round(c.overhead, 3),
        roundOverheads: c.roundOverheads.map((r) => round(r, 3)),
        p99MsOn: round(c.on.latencyMs.p99, 2),
        p99MsOff: round(c.off.latencyMs.p99, 2),
        hubCpuMsPerRequestOn: round(c.cpuMsPerRequest.on, 3),
        hubCpuMsPerRequestOff: round(c.cpuMsPerRequest.off, 3),
        cpuOverhead: round(c.cpuOverhead, 3),
        auditRowsPerSecond: round(c.auditRowsPerSecond),
        auditRowsPerRequest: round(c.auditRowsPerRequest, 2),
        auditedElementsPerRequest: round(c.auditedElementsPerRequest, 2),
        errors: c.on.errors.total + c.off.errors.total,
      })),
      memory: targets.map((t) => ({
        server: t.name,
        idleRssMiB: t.idleRssMiB,
        peakRssMiB: mib(t.sampler.peakKiB),
      })),
      results: results.map((r) => ({
        operation: r.operation,
        server: r.server,
        concurrency: r.concurrency,
        requests: r.result.requests,
        durationMs: Math.round(r.result.durationMs),
        requestsPerSecond: round(r.result.requestsPerSecond),
        latencyMs: Object.fromEntries(Object.entries(r.result.latencyMs).map(([k, v]) => [k, round(v, 2)])),
        statementsPerRequest: round(r.statementsPerRequest, 2),
        dbMsPerRequest: round(r.dbMsPerRequest, 3),
        planMsPerRequest: round(r.planMsPerRequest, 3),
        serverCpuMsPerRequest: r.serverCpuMsPerRequest === null ? null : round(r.serverCpuMsPerRequest, 2),
        othersCpuPercentOfOneCore: r.othersCpuPercent,
        peakRssMiB: r.peakRssMiB,
        errors: r.result.errors,
        errorSamples: r.result.errorSamples,
      })),
    });
    log(`figures written to ${file}`);
    if (errorsTotal > 0) {
      process.stderr.write(`\n${errorsTotal} requests failed: the figures above are not a fair comparison\n`);
      return 1;
    }
    return 0;
  },
);
