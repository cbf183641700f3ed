// The real hub, as an operator runs it, for benchmarks: a throwaway embedded PostgreSQL and
// `tsx gateway/main.ts` as a separate child process (so the load generator never shares the
// hub's event loop), with a bounded readiness wait and a bounded, signal-based shutdown.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startEmbeddedPostgres } from "../../../prisma/embedded-postgres.js";
import { freePort } from "../../support/pg.js";
import { commandLine, descendantsOf, isAlive } from "./proc.js";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ThrowawayPostgres {
  url: string;
  adminUrl: string;
  dir: string;
  port: number;
  /** The postmaster (for CPU accounting), when it could be found. */
  pid: number | null;
  stop(): Promise<void>;
}

/** A fresh PostgreSQL cluster in a temp dir on a free port; stop() deletes it. */
export async function startThrowawayPostgres(database = "citygraph"): Promise<ThrowawayPostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "citygraph-bench-pg-"));
  const port = await freePort();
  try {
    const pg = await startEmbeddedPostgres({ dataDir: dir, port, database, ephemeral: true });
    const pid = descendantsOf(process.pid).find((p) => commandLine(p).includes(`-D ${dir} `)) ?? null;
    return {
      url: pg.url,
      adminUrl: pg.adminUrl,
      dir,
      port,
      pid,
      async stop() {
        await pg.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Run a command to completion (bounded), capturing its output; reject on non-zero exit. */
export function runCommand(
  file: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd ?? REPO_ROOT,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output = (output + d).slice(-20_000)));
    child.stderr.on("data", (d) => (output = (output + d).slice(-20_000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else
        reject(
          new Error(`${file} ${args.join(" ")} failed (${signal ?? `exit ${code}`}):\n${output.trim()}`),
        );
    });
  });
}

/** Hub configuration variables (gateway/config.ts) stripped from the inherited environment. */
const HUB_ENV =
  /^(NODE_ENV|HOST|PORT|DATABASE_URL|DATA_DIR|EMBEDDED_PG_PORT|DB_POOL_MAX|DEMO_DATA|AUTH_.*|LIMIT_.*|GRAPHIQL|LOG_LEVEL|SHUTDOWN_GRACE_MS|WEBHOOK_TOKEN)$/;

/**
 * The node flags of package.json's `start` script (`node <flags> gateway/main.ts`), so that a
 * benchmark's hub runs with the heap settings `npm start` gives it, declared in one place.
 */
export function startNodeArgs(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  const match = /(?:^|&& )node (.*?) ?gateway\/main\.ts$/.exec(pkg.scripts.start ?? "");
  if (!match)
    throw new Error(
      `package.json's start script does not run gateway/main.ts with node: ${pkg.scripts.start}`,
    );
  return match[1]!.split(/\s+/).filter(Boolean);
}

/**
 * For a benchmark that syncs in its own process (bench:ingest, bench:resolve): the hub runs its
 * syncs in the process `npm start` starts, so the benchmark runs under the same V8 flags. When
 * one is missing it runs itself again with them (tsx's loader flags kept) and returns the child's
 * exit code; null when this process already has them and should go on.
 */
export async function rerunWithStartFlags(): Promise<number | null> {
  const flags = startNodeArgs().filter((arg, i, all) => arg !== "--import" && all[i - 1] !== "--import");
  const missing = flags.filter((flag) => !process.execArgv.includes(flag));
  if (missing.length === 0 || process.env.CITYGRAPH_BENCH_RERUN === "1") return null;
  const child = spawn(process.execPath, [...process.execArgv, ...missing, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, CITYGRAPH_BENCH_RERUN: "1" },
  });
  // Ctrl-C reaches the child too (same process group): wait for its clean-up.
  const ignore = () => {};
  process.on("SIGINT", ignore);
  process.on("SIGTERM", ignore);
  return new Promise((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

export interface HubProcessOptions {
  databaseUrl: string;
  jwtSecret: string;
  /** Extra hub environment (after the defaults below). */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
  /** Node options before the script (`--cpu-prof`, which NODE_OPTIONS does not accept). */
  nodeArgs?: string[];
  /** Give up waiting for readiness (the hub is stopped, the promise rejects). */
  signal?: AbortSignal;
}

export interface HubProcess {
  url: string;
  port: number;
  /** The process spawned (the tsx launcher). */
  launcherPid: number;
  /** The node process that runs the hub itself (tsx's child), or the launcher if tsx runs in-process. */
  hubPid: number;
  /** Spawn → first /readyz 200, milliseconds. */
  coldStartMs: number;
  /** Lines the hub wrote to stdout/stderr (the last 200). */
  output(): string[];
  /** Log lines at warn or error the hub wrote since start. */
  problemLines(): number;
  /** How the hub ended, once it has (whoever stopped it); null while it runs. */
  exited(): { exitCode: number | null; signal: NodeJS.Signals | null; at: Date } | null;
  /** Aborted as soon as the hub process ends, for whatever reason. */
  gone: AbortSignal;
  /** SIGTERM, wait for exit (bounded), SIGKILL what is left. Idempotent. */
  stop(): Promise<{ exitCode: number | null; signal: NodeJS.Signals | null; forced: boolean }>;
}

async function getStatus(url: string, timeoutMs: number): Promise<number | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return null;
  }
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Spawn the hub as `npm start` runs it, with the given database, and wait until /readyz
 * answers 200. The cold start covers process start, module loading, migrations, loading the demo
 * area tree and the first readiness check.
 */
export async function spawnHub(options: HubProcessOptions): Promise<HubProcess> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!HUB_ENV.test(k)) env[k] = v;
  Object.assign(env, {
    DATABASE_URL: options.databaseUrl,
    DEMO_DATA: "true",
    HOST: "127.0.0.1",
    PORT: String(port),
    AUTH_JWT_SECRET: options.jwtSecret,
    LOG_LEVEL: "warn",
    NODE_ENV: "production",
    // Production refuses to start without one (gateway/config.ts); a fresh one per hub.
    WEBHOOK_TOKEN: randomBytes(24).toString("base64url"),
    ...options.env,
  });

  const lines: string[] = [];
  let problems = 0;
  let partial = "";
  const onOutput = (chunk: Buffer) => {
    const text = partial + chunk.toString("utf8");
    const parts = text.split("\n");
    partial = parts.pop() ?? "";
    if (partial.length > 10_000) partial = partial.slice(-10_000);
    for (const line of parts) {
      if (!line.trim()) continue;
      if (/"level":"(warn|error)"/.test(line)) problems++;
      lines.push(line.length > 2000 ? `${line.slice(0, 2000)}…` : line);
      if (lines.length > 200) lines.shift();
    }
  };

  const started = performance.now();
  // As `npm start` runs it: one node process with tsx as a loader (no launcher relaying signals),
  // with the start script's own node flags.
  const child = spawn(
    process.execPath,
    [...startNodeArgs(), ...(options.nodeArgs ?? []), "gateway/main.ts"],
    {
      cwd: REPO_ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout!.on("data", onOutput);
  child.stderr!.on("data", onOutput);
  let exitInfo: ReturnType<HubProcess["exited"]> = null;
  const gone = new AbortController();
  child.once("exit", (exitCode, signal) => {
    exitInfo = { exitCode, signal, at: new Date() };
    gone.abort();
  });
  const spawnError = new Promise<never>((_, reject) => child.once("error", reject));
  spawnError.catch(() => {});

  let stopping: ReturnType<HubProcess["stop"]> | null = null;
  const stop: HubProcess["stop"] = () => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null)
        return { exitCode: child.exitCode, signal: child.signalCode, forced: false };
      const tree = child.pid ? descendantsOf(child.pid) : [];
      const hubs = new Set(tree.filter((pid) => commandLine(pid).includes("gateway/main.ts")));
      // SIGTERM goes to the hub process itself, as a service manager signals a whole group. Sent to
      // the tsx launcher alone it is relayed, but the launcher SIGKILLs its child when the child
      // has not acknowledged within ~30 ms, which a busy hub may not: no graceful drain then.
      // The launcher exits with the hub's exit code.
      // A hub started directly is signalled alone: with HUB_WORKERS > 1 it is the cluster's
      // primary, which stops its workers itself (a worker that ends on its own is a failure to it).
      const live = commandLine(child.pid ?? 0).includes("gateway/main.ts") ? [] : [...hubs].filter(isAlive);
      if (live.length === 0) child.kill("SIGTERM");
      for (const pid of live)
        try {
          process.kill(pid, "SIGTERM");
        } catch {
          // exited meanwhile
        }
      let forced = false;
      if (!(await waitForExit(child, 40_000))) {
        forced = true;
        child.kill("SIGKILL");
        await waitForExit(child, 5_000);
      }
      // What the launcher started (the hub, esbuild services) ends with it; give it a moment, then
      // kill what is left (only our own descendants, by pid). Only a surviving hub is a failure.
      for (let i = 0; i < 30 && tree.some(isAlive); i++) await sleep(100);
      for (const pid of tree.filter(isAlive)) {
        if (hubs.has(pid)) forced = true;
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone meanwhile
        }
      }
      return { exitCode: child.exitCode, signal: child.signalCode, forced };
    })();
    return stopping;
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 180_000);
  try {
    for (let attempt = 0; ; attempt++) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`hub exited (${child.signalCode ?? `exit ${child.exitCode}`}) before it was ready`);
      if (options.signal?.aborted) throw new Error("start-up abandoned");
      if (Date.now() > deadline)
        throw new Error(`hub not ready within ${options.readyTimeoutMs ?? 180_000} ms`);
      const status = await Promise.race([getStatus(`${url}/readyz`, 2_000), spawnError]);
      if (status === 200) break;
      await sleep(attempt < 100 ? 25 : 100);
    }
  } catch (e) {
    await stop();
    const tail = lines.slice(-40).join("\n");
    throw new Error(`${(e as Error).message}\n--- hub output (last lines) ---\n${tail}`);
  }
  const coldStartMs = performance.now() - started;

  // tsx runs the script in a child node process: measure that one, not the launcher.
  const launcherPid = child.pid!;
  const hubPid =
    descendantsOf(launcherPid).find((pid) => commandLine(pid).includes("gateway/main.ts")) ?? launcherPid;

  return {
    url,
    port,
    launcherPid,
    hubPid,
    coldStartMs,
    output: () => [...lines],
    problemLines: () => problems,
    exited: () => exitInfo,
    gone: gone.signal,
    stop,
  };
}
