// `npm run bench:profile -- --scale test|demo`: where the hub's read path spends its CPU. Fills a
// throwaway database from the sandbox systems (support/sandbox-graph.ts, as bench:query does),
// starts the hub as `npm start` runs it with V8's CPU profiler on (`--cpu-prof`), drives person-360 and then area-events for --duration seconds each with the
// city-wide commander token bench:query uses (access control and audit on, nothing masked),
// stops the hub (which writes the profile) and prints, per operation, the hub's CPU ms and SQL
// statements per request and the self time per "package" bucket and per function, counting only
// the samples taken while that operation's load ran. Writes tests/.artifacts/profile-read-path-
// <scale>.json (the summary) and .cpuprofile (open it in Chrome DevTools or speedscope).
// With --no-profile the profiler is off: the CPU and SQL figures are then the ones to compare
// before and after a change. No timing is asserted.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { mintToken } from "../../gateway/auth.js";
import { PRESET_NAMES, type PresetName } from "../../sandbox/generator/index.js";
import {
  type CpuProfile,
  monotonicUs,
  type ProfileSummary,
  summarise,
  type Window,
} from "./support/cpu-profile.js";
import { runBench, SCALE_BUDGET_MIN, stopProcess } from "./support/harness.js";
import { type AllocationSummary, inspectorUrl, sampleAllocations } from "./support/heap-sampling.js";
import { type LoadResult, runLoad } from "./support/http-load.js";
import { REPO_ROOT, spawnHub } from "./support/hub-process.js";
import { treeCpuSeconds } from "./support/proc.js";
import {
  describePauses,
  type ProcessPauses,
  pausesBetween,
  scrapeMetrics,
} from "./support/process-pauses.js";
import { fixed, formatTable } from "./support/report.js";
import {
  addLoginRole,
  ingestSandboxGraph,
  resetStatements,
  statementsByRole,
  topStatements,
} from "./support/sandbox-graph.js";

const USAGE = `usage: npm run bench:profile -- [--scale test|demo] [--duration S] [--warmup S] [--concurrency N] [--no-profile] [--alloc | --promoted] [--env KEY=VALUE]…
  --scale        sandbox preset (default test)
  --duration     measured seconds per operation (default 15)
  --warmup       unmeasured seconds before each (default 3)
  --concurrency  requests in flight (default 16)
  --no-profile   profiler off: CPU ms and SQL per request only (compare before / after a change)
  --alloc        also sample what the hub allocates (inspector, V8's sampling heap profiler):
                 MB a request and the call sites that allocate most; CPU figures then include the
                 sampler's cost
  --promoted     as --alloc, counting only the objects that outlived the young collection (the
                 sites behind a young collection that copies much)
  --env          extra hub environment, repeatable (a configuration variable to compare)
  --node-arg     extra node/V8 flag for the hub, after npm start's own, repeatable (e.g.
                 --node-arg=--max-semi-space-size=16 to compare the young generation's size)
  --gaps         after the load, requests one at a time after idle gaps of these seconds (e.g.
                 2,12,2,12; 6 requests a gap and operation): what a screen that refreshes now
                 and then waits, connections the pool closed meanwhile included`;

const ROLE = "bench_hub";

function parseOptions() {
  const args = process.argv.slice(2).filter((a) => a !== "--");
  const { values } = parseArgs({
    args,
    options: {
      scale: { type: "string", default: "test" },
      duration: { type: "string", default: "15" },
      warmup: { type: "string", default: "3" },
      concurrency: { type: "string", default: "16" },
      "no-profile": { type: "boolean", default: false },
      alloc: { type: "boolean", default: false },
      promoted: { type: "boolean", default: false },
      env: { type: "string", multiple: true, default: [] },
      "node-arg": { type: "string", multiple: true, default: [] },
      gaps: { type: "string", default: "" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  const fail = (message: string): never => {
    process.stderr.write(`${message}\n${USAGE}\n`);
    process.exit(2);
  };
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (!(PRESET_NAMES as readonly string[]).includes(values.scale)) fail(`unknown --scale ${values.scale}`);
  const num = (name: string, raw: string, min: number, max: number) => {
    const n = Number(raw);
    return Number.isFinite(n) && n >= min && n <= max ? n : fail(`--${name} must be ${min}–${max}`);
  };
  const env: Record<string, string> = {};
  for (const kv of values.env) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(kv);
    if (!m) fail(`--env takes KEY=VALUE, not "${kv}"`);
    else env[m[1]!] = m[2]!;
  }
  return {
    scale: values.scale as PresetName,
    durationS: num("duration", values.duration, 1, 600),
    warmupS: num("warmup", values.warmup, 0, 60),
    concurrency: num("concurrency", values.concurrency, 1, 256),
    profile: !values["no-profile"],
    alloc: values.alloc || values.promoted,
    promoted: values.promoted,
    env,
    nodeArgs: values["node-arg"],
    gapsS: values.gaps
      .split(",")
      .filter((g) => g.trim() !== "")
      .map((g) => num("gaps", g, 0.1, 600)),
  };
}

const options = parseOptions();

// The idle gaps' client keeps its connection open until the hub closes it, as a load balancer's
// pool of upstream connections (or a browser) does; fetch's own pool would close it after 4 s.
const keptAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
function postKeptAlive(
  url: string,
  headers: Record<string, string>,
  payload: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", headers, agent: keptAlive }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end(payload);
  });
}

interface OperationRun {
  name: string;
  load: LoadResult;
  cpuMsPerRequest: number | null;
  /** What the hub allocated a request during the load (--alloc), and where. */
  allocatedMbPerRequest: number | null;
  allocationSites: { site: string; share: number }[] | undefined;
  /** With --promoted: MB a request of objects that outlived the young collection. */
  promotedMbPerRequest: number | null;
  /** PostgreSQL executing and planning the hub's statements during the load (pg_stat_statements). */
  dbExecMsPerRequest: number | null;
  dbPlanMsPerRequest: number | null;
  sqlPerRequest: number;
  sqlSecondPage?: number;
  window: Window;
  profile?: ProfileSummary;
  /** GC pauses and event-loop delay in the hub during the measured load. */
  pauses: ProcessPauses;
}

await runBench(
  {
    name: "profile",
    budgetMs:
      (SCALE_BUDGET_MIN[options.scale] + 5) * 60_000 + 2 * (options.durationS + options.warmupS + 60) * 1000,
    stopping: "the hub and PostgreSQL",
  },
  async (bench) => {
    const { log } = bench;
    const graph = await bench.started(
      ingestSandboxGraph({
        scale: options.scale,
        seed: "citygraph",
        statementStats: true,
        settle: true,
        log,
        signal: bench.signal,
      }),
      (g) => g.stop(),
    );
    const hubUrl = await addLoginRole(graph.databaseUrl, ROLE);
    const persons = await graph.db.$queryRaw<{ citizenId: string }[]>`
      SELECT p."citizenId" FROM "EventPerson" ep JOIN "Person" p ON p.id = ep."personId"
       WHERE p."citizenId" IS NOT NULL AND p."citizenIdValid"
       GROUP BY p.id ORDER BY count(*) DESC, p."citizenId" LIMIT 40`;
    const areas = await graph.db.$queryRaw<{ code: string }[]>`
      SELECT a.code FROM "Event" e JOIN "AreaClosure" c ON c."descendantId" = e."areaId"
        JOIN "Area" a ON a.id = c."ancestorId"
       WHERE a.level IN ('STREET', 'COMMUNITY') GROUP BY a.id ORDER BY count(*) DESC, a.code LIMIT 40`;

    const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), "citygraph-cpu-prof-"));
    bench.onCleanup(async () => {
      fs.rmSync(profileDir, { recursive: true, force: true });
      return true;
    });
    const secret = randomBytes(30).toString("base64url");
    const hub = await bench.started(
      spawnHub({
        databaseUrl: hubUrl,
        jwtSecret: secret,
        signal: bench.signal,
        nodeArgs: [
          ...(options.profile
            ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, "--cpu-prof-interval=500"]
            : []),
          ...(options.alloc ? ["--inspect=127.0.0.1:0"] : []),
          ...options.nodeArgs,
        ],
        env: {
          SANDBOX: "false",
          SYNC_SCHEDULER: "false",
          DEMO_DATA: "false",
          DB_POOL_MAX: "10",
          GRAPHIQL: "false",
          ...options.env,
        },
      }),
      stopProcess("hub"),
    );
    log(
      `\nhub ${hub.url} pid ${hub.hubPid}${options.profile ? `, CPU profiler on (${profileDir})` : ", no profiler"}`,
    );
    const token = await mintToken(
      secret,
      { sub: "bench-profile", roles: ["city_commander"], areas: ["320600"], purpose: "EMERGENCY_RESPONSE" },
      { expiresIn: "2h" },
    );
    const operations = [
      {
        name: "person-360",
        file: "operations/person-360.graphql",
        variablesList: persons.map((p) => ({ citizenId: p.citizenId })),
      },
      {
        name: "area-events",
        file: "operations/area-events.graphql",
        variablesList: areas.map((a) => ({ code: a.code, first: 20, after: null })),
      },
    ];
    const runs: OperationRun[] = [];
    for (const op of operations) {
      let cpuBefore: number | null = null;
      let fromUs = 0;
      let dbBefore: ReturnType<typeof statementsByRole> | null = null;
      // (a holder, as below: assigned in a callback)
      const statementsBefore: { at: ReturnType<typeof topStatements> | null } = { at: null };
      const metricsBefore: { at: ReturnType<typeof scrapeMetrics> | null } = { at: null };
      const inspector = options.alloc ? inspectorUrl(hub.output()) : null;
      if (options.alloc && !inspector) throw new Error("--alloc: the hub printed no inspector URL");
      // (assigned in a callback: a holder, so that the type is not narrowed to null)
      const allocation: { stop: Promise<() => Promise<AllocationSummary>> | null } = { stop: null };
      const load = await runLoad({
        request: {
          url: `${hub.url}/graphql`,
          query: fs.readFileSync(path.join(REPO_ROOT, op.file), "utf8"),
          variablesList: op.variablesList,
          headers: { authorization: `Bearer ${token}` },
        },
        concurrency: options.concurrency,
        durationMs: options.durationS * 1000,
        warmupMs: options.warmupS * 1000,
        onMeasureStart: () => {
          cpuBefore = treeCpuSeconds(hub.launcherPid);
          fromUs = monotonicUs();
          dbBefore = statementsByRole(graph.databaseUrl, [ROLE]);
          statementsBefore.at = topStatements(graph.databaseUrl, ROLE, 1000);
          metricsBefore.at = scrapeMetrics(hub.url);
          if (inspector) allocation.stop = sampleAllocations(inspector, { promoted: options.promoted });
        },
        signal: hub.gone,
      });
      const toUs = monotonicUs();
      const cpuAfter = treeCpuSeconds(hub.launcherPid);
      const metricsAfter = await scrapeMetrics(hub.url);
      if (!metricsBefore.at) throw new Error("the load never started its measured window");
      const pauses = pausesBetween(await metricsBefore.at, metricsAfter);
      for (const line of describePauses(pauses)) log(`    ${line}`);
      const sent = load.requests;
      // PostgreSQL's work for the load: planning and executing the hub's statements
      const db0 = dbBefore ? (await dbBefore)[ROLE] : undefined;
      const db1 = (await statementsByRole(graph.databaseUrl, [ROLE]))[ROLE];
      const perRequest = (f: (d: { execMs: number; planMs: number }) => number) =>
        db0 && db1 && sent > 0 ? (f(db1) - f(db0)) / sent : null;
      const allocated = allocation.stop ? await (await allocation.stop)() : null;
      if (allocated && sent > 0) {
        log(
          options.promoted
            ? `    promoted (outlived the young collection): ${fixed(allocated.bytes / sent / 1e6, 3)} MB a request; by site:`
            : `    allocated ${fixed(allocated.bytes / sent / 1e6, 3)} MB a request; the sites that allocate most:`,
        );
        for (const site of allocated.sites.slice(0, options.promoted ? 16 : 8))
          log(
            `      ${fixed((100 * site.bytes) / allocated.bytes, 1).padStart(5)} %  ${site.site.slice(0, 110)}`,
          );
      }
      // the statements PostgreSQL spent most on during the measured load (warm-up left out: a new
      // connection's first plans of each named statement fall there)
      const before = new Map(((await statementsBefore.at) ?? []).map((st) => [st.query, st]));
      const during = (await topStatements(graph.databaseUrl, ROLE, 1000))
        .map((st) => {
          const b = before.get(st.query);
          const calls = st.calls - (b?.calls ?? 0);
          const planMs = st.meanPlanMs * st.calls - (b ? b.meanPlanMs * b.calls : 0);
          return { query: st.query, calls, planMs, execMs: st.totalMs - (b?.totalMs ?? 0) };
        })
        .filter((st) => st.calls > 0)
        .sort((a, b) => b.execMs + b.planMs - (a.execMs + a.planMs));
      for (const st of during.slice(0, 6))
        log(
          `    under load: ${st.calls}× plan ${fixed(st.planMs / st.calls, 3)} + execute ${fixed(st.execMs / st.calls, 3)} ms  ${st.query.slice(0, 110)}`,
        );
      runs.push({
        name: op.name,
        load,
        cpuMsPerRequest:
          cpuBefore !== null && cpuAfter !== null && sent > 0 ? ((cpuAfter - cpuBefore) * 1000) / sent : null,
        sqlPerRequest: Number.NaN,
        allocatedMbPerRequest:
          allocated && sent > 0 && !options.promoted ? allocated.bytes / sent / 1e6 : null,
        promotedMbPerRequest: allocated && sent > 0 && options.promoted ? allocated.bytes / sent / 1e6 : null,
        allocationSites: allocated?.sites
          .slice(0, 20)
          .map((x) => ({ site: x.site, share: x.bytes / allocated.bytes })),
        dbExecMsPerRequest: perRequest((d) => d.execMs),
        dbPlanMsPerRequest: perRequest((d) => d.planMs),
        window: { label: op.name, fromUs, toUs },
        pauses,
      });
      // SQL per request: one more request alone, its statements listed by PostgreSQL (an audit
      // batch written meanwhile shows as an INSERT); for a connection also its second page, since
      // a cursor may make Prisma give up joins.
      const query = fs.readFileSync(path.join(REPO_ROOT, op.file), "utf8");
      const probe = async (variables: Record<string, unknown>, label: string) => {
        await resetStatements(graph.databaseUrl, ROLE);
        const res = await fetch(`${hub.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, variables }),
        });
        const body = await res.text();
        if (res.status !== 200 || body.includes('"errors"'))
          throw new Error(`${op.name}: ${res.status} ${body.slice(0, 500)}`);
        const statements = await topStatements(graph.databaseUrl, ROLE, 100);
        const count = statements.reduce((n, st) => n + st.calls, 0);
        log(`  ${label}: ${count} SQL statements`);
        for (const st of statements) log(`    ${st.calls}× ${st.query.slice(0, 150)}`);
        return {
          count,
          body: JSON.parse(body) as { data?: { events?: { pageInfo?: { endCursor?: string } } } },
        };
      };
      const first = await probe(op.variablesList[0]!, `${op.name}, one request`);
      runs.at(-1)!.sqlPerRequest = first.count;
      const endCursor = first.body.data?.events?.pageInfo?.endCursor;
      if (endCursor) {
        const second = await probe(
          { ...op.variablesList[0], after: endCursor },
          `${op.name}, its second page`,
        );
        runs.at(-1)!.sqlSecondPage = second.count;
      }
      log(
        `${op.name.padEnd(12)} c=${options.concurrency}: ${fixed(load.requestsPerSecond)} req/s, p50 ${fixed(load.latencyMs.p50, 2)} ms, p99 ${fixed(load.latencyMs.p99, 2)} ms, hub CPU ${fixed(runs.at(-1)!.cpuMsPerRequest ?? Number.NaN, 2)} ms/req, PostgreSQL plan ${fixed(runs.at(-1)!.dbPlanMsPerRequest ?? Number.NaN, 2)} + execute ${fixed(runs.at(-1)!.dbExecMsPerRequest ?? Number.NaN, 2)} ms/req, ${runs.at(-1)!.sqlPerRequest} SQL/req, ${load.errors.total} errors${load.errorSamples[0] ? ` (${load.errorSamples[0]})` : ""}`,
      );
    }
    // Requests after idle gaps: one at a time, each after the hub's connections sat idle.
    const idleGaps: { operation: string; gapS: number; latencyMs: number[] }[] = [];
    if (options.gapsS.length > 0) log("\nrequests one at a time after an idle gap:");
    for (const gapS of options.gapsS)
      for (const op of operations) {
        const query = fs.readFileSync(path.join(REPO_ROOT, op.file), "utf8");
        const latencyMs: number[] = [];
        for (let i = 0; i < 6; i++) {
          await new Promise((resolve) => setTimeout(resolve, gapS * 1000));
          const started = performance.now();
          const { status, body } = await postKeptAlive(
            `${hub.url}/graphql`,
            { "content-type": "application/json", authorization: `Bearer ${token}` },
            JSON.stringify({ query, variables: op.variablesList[i % op.variablesList.length] }),
          );
          latencyMs.push(performance.now() - started);
          if (status !== 200 || body.includes('"errors"'))
            throw new Error(`${op.name}: ${status} ${body.slice(0, 500)}`);
        }
        idleGaps.push({ operation: op.name, gapS, latencyMs });
        const sorted = [...latencyMs].sort((a, b) => a - b);
        log(
          `  ${op.name.padEnd(12)} after ${fixed(gapS, 1)} s idle: median ${fixed((sorted[2]! + sorted[3]!) / 2, 1)} ms (${latencyMs.map((l) => fixed(l, 1)).join(" ")})`,
        );
      }
    keptAlive.destroy();
    const stopped = await hub.stop();
    if (stopped.forced) throw new Error("the hub had to be killed: no profile written");

    let profileFile: string | null = null;
    if (options.profile) {
      const files = fs
        .readdirSync(profileDir)
        .filter((f) => f.endsWith(".cpuprofile"))
        .map((f) => path.join(profileDir, f))
        .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
      if (files.length === 0) throw new Error("no .cpuprofile written");
      const profile = JSON.parse(fs.readFileSync(files[0]!, "utf8")) as CpuProfile;
      profileFile = path.join(
        REPO_ROOT,
        "tests",
        ".artifacts",
        `profile-read-path-${options.scale}.cpuprofile`,
      );
      fs.mkdirSync(path.dirname(profileFile), { recursive: true });
      fs.copyFileSync(files[0]!, profileFile);
      for (const run of runs) {
        run.profile = summarise(profile, run.window, 25);
        const s = run.profile;
        log(
          `\n${run.name}: ${fixed(s.busyMs, 0)} ms busy of ${fixed(s.sampledMs, 0)} ms sampled, self time by bucket:`,
        );
        log(
          formatTable(
            [{ title: "bucket", align: "left" }, { title: "ms" }, { title: "% busy" }, { title: "ms/req" }],
            s.buckets.map((b) => [
              b.name,
              fixed(b.ms, 0),
              fixed(b.share * 100),
              fixed(b.ms / run.load.requests, 3),
            ]),
          ),
        );
        log(`\n${run.name}: top functions by self time:`);
        log(
          formatTable(
            [{ title: "function", align: "left" }, { title: "ms" }, { title: "% busy" }],
            s.functions.map((f) => [f.name.slice(0, 110), fixed(f.ms, 0), fixed(f.share * 100)]),
          ),
        );
      }
    }
    const file = bench.report(`profile-read-path-${options.scale}${options.profile ? "" : "-noprof"}.json`, {
      settings: { ...options },
      rowCounts: graph.rowCounts,
      profileFile: profileFile && path.relative(REPO_ROOT, profileFile),
      operations: runs.map((r) => ({
        name: r.name,
        requests: r.load.requests,
        requestsPerSecond: r.load.requestsPerSecond,
        latencyMs: r.load.latencyMs,
        errors: r.load.errors,
        hubCpuMsPerRequest: r.cpuMsPerRequest,
        allocatedMbPerRequest: r.allocatedMbPerRequest,
        allocationSites: r.allocationSites,
        promotedMbPerRequest: r.promotedMbPerRequest,
        dbExecMsPerRequest: r.dbExecMsPerRequest,
        dbPlanMsPerRequest: r.dbPlanMsPerRequest,
        sqlPerRequest: r.sqlPerRequest,
        sqlSecondPage: r.sqlSecondPage,
        pauses: r.pauses,
        buckets: r.profile?.buckets,
        functions: r.profile?.functions,
      })),
      idleGaps,
    });
    log(
      `\nwritten: ${path.relative(REPO_ROOT, file)}${profileFile ? `, ${path.relative(REPO_ROOT, profileFile)}` : ""}`,
    );
    return 0;
  },
);
