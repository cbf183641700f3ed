// The sandbox department systems as a separate process for benchmarks
// (`node --import tsx sandbox/services/cli.ts --port-base 0`: every service on a port
// the OS picks, on 127.0.0.1), so that generating the synthetic city's records never shares the
// measured process's CPU or memory. Bounded readiness wait, bounded signal-based shutdown.
import { type ChildProcess, spawn } from "node:child_process";
import type { PresetName } from "../../../sandbox/generator/index.js";
import { SERVICE_NAMES, type ServiceName } from "../../../sandbox/services/index.js";
import { REPO_ROOT } from "./hub-process.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface SandboxProcess {
  /** Base URL of each service (http://127.0.0.1:PORT). */
  urls: Record<ServiceName, string>;
  /** The node process serving all five (no launcher in between): sample this one. */
  pid: number;
  /** Spawn → every /health answered 200, milliseconds. */
  readyMs: number;
  /** The last lines it wrote. */
  output(): string[];
  exited(): { exitCode: number | null; signal: NodeJS.Signals | null } | null;
  /** SIGTERM, wait (bounded), SIGKILL. Idempotent; `forced` when it had to be killed. */
  stop(): Promise<{ exitCode: number | null; signal: NodeJS.Signals | null; forced: boolean }>;
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

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) });
    const body = (await res.json()) as { status?: unknown };
    return res.status === 200 && body.status === "UP";
  } catch {
    return false;
  }
}

const URL_LINE = /^\s+(\w+)\s+(http:\/\/127\.0\.0\.1:\d+)\s*$/;

export async function spawnSandbox(options: {
  preset: PresetName;
  seed: string;
  readyTimeoutMs?: number;
  signal?: AbortSignal;
}): Promise<SandboxProcess> {
  const lines: string[] = [];
  const urls: Partial<Record<ServiceName, string>> = {};
  let partial = "";
  const onOutput = (chunk: Buffer) => {
    const parts = (partial + chunk.toString("utf8")).split("\n");
    partial = (parts.pop() ?? "").slice(-10_000);
    for (const line of parts) {
      if (!line.trim()) continue;
      const m = URL_LINE.exec(line);
      if (m && (SERVICE_NAMES as readonly string[]).includes(m[1]!)) urls[m[1] as ServiceName] = m[2]!;
      lines.push(line.length > 2000 ? `${line.slice(0, 2000)}…` : line);
      if (lines.length > 200) lines.shift();
    }
  };

  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "sandbox/services/cli.ts",
      "--preset",
      options.preset,
      "--seed",
      options.seed,
      "--port-base",
      "0",
      "--host",
      "127.0.0.1",
    ],
    { cwd: REPO_ROOT, env: process.env, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout!.on("data", onOutput);
  child.stderr!.on("data", onOutput);
  let exitInfo: ReturnType<SandboxProcess["exited"]> = null;
  child.once("exit", (exitCode, signal) => {
    exitInfo = { exitCode, signal };
  });
  let spawnError: Error | null = null;
  child.once("error", (e) => {
    spawnError = e;
  });

  let stopping: ReturnType<SandboxProcess["stop"]> | null = null;
  const stop: SandboxProcess["stop"] = () => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null)
        return { exitCode: child.exitCode, signal: child.signalCode, forced: false };
      child.kill("SIGTERM"); // the CLI closes its servers and exits 0
      let forced = false;
      if (!(await waitForExit(child, 15_000))) {
        forced = true;
        child.kill("SIGKILL");
        await waitForExit(child, 5_000);
      }
      return { exitCode: child.exitCode, signal: child.signalCode, forced };
    })();
    return stopping;
  };

  const timeoutMs = options.readyTimeoutMs ?? 180_000;
  const deadline = Date.now() + timeoutMs;
  try {
    // 1. The CLI prints every service's URL once all five listen.
    for (;;) {
      if (spawnError) throw spawnError;
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(
          `sandbox exited (${child.signalCode ?? `exit ${child.exitCode}`}) before it was ready`,
        );
      if (options.signal?.aborted) throw new Error("start-up abandoned");
      if (Date.now() > deadline) throw new Error(`sandbox did not list its services within ${timeoutMs} ms`);
      if (SERVICE_NAMES.every((n) => urls[n])) break;
      await sleep(25);
    }
    // 2. Every service answers /health.
    for (const name of SERVICE_NAMES) {
      for (;;) {
        if (await healthy(urls[name]!)) break;
        if (child.exitCode !== null || options.signal?.aborted || Date.now() > deadline)
          throw new Error(`sandbox service ${name} (${urls[name]}) not healthy within ${timeoutMs} ms`);
        await sleep(50);
      }
    }
  } catch (e) {
    await stop();
    throw new Error(
      `${(e as Error).message}\n--- sandbox output (last lines) ---\n${lines.slice(-40).join("\n")}`,
    );
  }

  return {
    urls: urls as Record<ServiceName, string>,
    pid: child.pid!,
    readyMs: performance.now() - started,
    output: () => [...lines],
    exited: () => exitInfo,
    stop,
  };
}
