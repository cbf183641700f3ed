// What every benchmark script shares: one time budget table, the watchdog that holds a run to
// its budget, SIGINT / SIGTERM handling, cleanup of whatever the run started (in reverse order,
// once, also when a signal or the watchdog stops it), the header naming the machine, the JSON
// report (with its date, machine and command) and the exit code.
//
//   runBench({ name: "query", budgetMs, stopping: "the servers and PostgreSQL" }, async (bench) => {
//     const pg = await bench.started(startThrowawayPostgres(), (p) => p.stop().then(() => true));
//     …
//     bench.report(`bench-query-${scale}.json`, { settings, results });
//     return 0;
//   });
import type { PresetName } from "../../../sandbox/generator/index.js";
import { describeMachine, type MachineInfo, machineInfo, writeArtifact } from "./report.js";

/**
 * Minutes a benchmark may spend on its data at each scale (building the sandbox graph, ingesting
 * it, resolving it), before any measurement time it adds on top. One table for every script.
 */
export const SCALE_BUDGET_MIN: Record<PresetName, number> = { test: 20, demo: 60, bench: 360 };

/** The most any one benchmark may run (run-all's last resort; each bounds itself below this). */
export const BENCH_LIMIT_MS = (SCALE_BUDGET_MIN.bench + 120) * 60_000;

export interface Bench {
  /** Aborted when the run is stopped (signal, watchdog) or cleaned up: long steps watch it. */
  readonly signal: AbortSignal;
  readonly machine: MachineInfo;
  log(line?: string): void;
  /** Stop this at the end (after everything started later); resolves false when it did not end cleanly. */
  onCleanup(stop: () => Promise<boolean>): void;
  /**
   * Something being started: awaited and stopped at the end even when a signal arrives before it
   * finished starting. Resolves with it.
   */
  started<T>(starting: Promise<T>, stop: (started: T) => Promise<boolean>): Promise<T>;
  /** Write the figures as tests/.artifacts/<file> with the benchmark, date, machine and command. */
  report(file: string, figures: Record<string, unknown>): string;
}

export interface BenchOptions {
  /** "gateway", "ingest", … (the header and the report name it). */
  name: string;
  /** The whole run, cleanup excluded. */
  budgetMs: number;
  /** What stopping means, for the message ("the hub and PostgreSQL"). */
  stopping: string;
}

const describeBudget = (ms: number) =>
  ms >= 600_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;

/**
 * Run a benchmark: prints its header, bounds it by its budget, stops it on SIGINT / SIGTERM, runs
 * every cleanup, and exits the process with the run's code (non-zero when anything failed or a
 * cleanup was not clean).
 */
export async function runBench(
  options: BenchOptions,
  run: (bench: Bench) => Promise<number>,
): Promise<never> {
  const abandon = new AbortController();
  const machine = machineInfo();
  const log = (line = "") => process.stdout.write(`${line}\n`);
  const cleanups: (() => Promise<boolean>)[] = [];

  let cleaning: Promise<boolean> | null = null;
  /** Idempotent: abort, then every cleanup, latest first. */
  const cleanup = () => {
    cleaning ??= (async () => {
      abandon.abort();
      let clean = true;
      for (const stop of [...cleanups].reverse()) {
        const ok = await stop().catch((e: Error) => {
          process.stderr.write(`cleanup failed: ${e.message}\n`);
          return false;
        });
        if (!ok) clean = false;
      }
      return clean;
    })();
    return cleaning;
  };
  const abort = (why: string, code: number) => {
    process.stderr.write(`\n${why}: stopping ${options.stopping}\n`);
    void cleanup().finally(() => process.exit(code));
  };
  const watchdog = setTimeout(
    () => abort(`benchmark exceeded ${describeBudget(options.budgetMs)}`, 1),
    options.budgetMs,
  );
  watchdog.unref();
  process.once("SIGINT", () => abort("interrupted", 130));
  process.once("SIGTERM", () => abort("terminated", 143));

  const bench: Bench = {
    signal: abandon.signal,
    machine,
    log,
    onCleanup: (stop) => {
      cleanups.push(stop);
    },
    started: (starting, stop) => {
      cleanups.push(async () => {
        const started = await starting.catch(() => null);
        return started === null ? true : stop(started);
      });
      return starting;
    },
    report: (file, figures) =>
      writeArtifact(file, {
        benchmark: options.name,
        generatedAt: new Date().toISOString(),
        command: ["npm", "run", `bench:${options.name}`, "--", ...process.argv.slice(2)].join(" "),
        machine,
        ...figures,
      }),
  };

  let code = 1;
  try {
    log(`CityGraph ${options.name} benchmark — ${describeMachine(machine)}`);
    code = await run(bench);
  } catch (e) {
    // a signal or the watchdog: already reported
    if (!abandon.signal.aborted)
      process.stderr.write(`\nbenchmark failed: ${(e as Error).stack ?? (e as Error).message}\n`);
    code = 1;
  } finally {
    const clean = await cleanup();
    clearTimeout(watchdog);
    if (!clean) process.exitCode = 1;
  }
  process.exit(process.exitCode || code);
}

/** A child process the benchmark started (the hub, the sandbox): SIGTERM, wait, SIGKILL. */
interface StoppableProcess {
  output(): string[];
  stop(): Promise<{ exitCode: number | null; signal: NodeJS.Signals | null; forced: boolean }>;
}

/** Stop a child process; false (with its last output) when it had to be killed or did not exit 0. */
export const stopProcess =
  (label: string) =>
  async (child: StoppableProcess): Promise<boolean> => {
    const stopped = await child.stop();
    if (!stopped.forced && stopped.exitCode === 0) return true;
    process.stderr.write(
      `${label} did not stop cleanly: exit ${stopped.exitCode}, signal ${stopped.signal}, killed: ${stopped.forced}\n${child.output().slice(-20).join("\n")}\n`,
    );
    return false;
  };

/** Stop a throwaway PostgreSQL; false when it did not stop cleanly. */
export const stopPostgres = (pg: { stop(): Promise<void> }): Promise<boolean> =>
  pg.stop().then(
    () => true,
    (e: Error) => {
      process.stderr.write(`PostgreSQL did not stop cleanly: ${e.message}\n`);
      return false;
    },
  );
