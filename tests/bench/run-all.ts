// `npm run bench`: every benchmark in tests/bench/ (each `*.ts` file there, except this one;
// helpers live in tests/bench/support/), one after the other, each in its own process. Arguments
// are passed on to every benchmark (`npm run bench -- --duration 5`). Exits non-zero if any failed.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BENCH_LIMIT_MS } from "./support/harness.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, "../..");
const TSX = path.join(REPO_ROOT, "node_modules/.bin/tsx");
/** One benchmark may run this long before it is stopped (each bounds itself below this: support/harness.ts). */
const PER_BENCH_LIMIT_MS = BENCH_LIMIT_MS;

const benches = fs
  .readdirSync(HERE, { withFileTypes: true })
  .filter((d) => d.isFile() && d.name.endsWith(".ts") && !d.name.endsWith(".d.ts") && d.name !== "run-all.ts")
  .map((d) => d.name)
  .sort();

let current: ChildProcess | null = null;
let interrupted: NodeJS.Signals | null = null;
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => {
    interrupted = signal;
    current?.kill(signal); // the benchmark stops its hub and database, then exits
  });

function run(file: string, args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    const child = spawn(TSX, [path.join(HERE, file), ...args], { cwd: REPO_ROOT, stdio: "inherit" });
    current = child;
    const limit = setTimeout(() => {
      process.stderr.write(`\n${file} exceeded ${PER_BENCH_LIMIT_MS / 60_000} min: stopping it\n`);
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 60_000).unref();
    }, PER_BENCH_LIMIT_MS);
    child.on("error", (e) => {
      process.stderr.write(`${file}: ${e.message}\n`);
    });
    child.on("close", (code, signal) => {
      clearTimeout(limit);
      current = null;
      resolve({ code, signal });
    });
  });
}

const args = process.argv.slice(2);
const outcomes: { file: string; ok: boolean; detail: string; seconds: number }[] = [];
if (benches.length === 0) process.stderr.write(`no benchmarks in ${HERE}\n`);
for (const file of benches) {
  if (interrupted) break;
  process.stdout.write(`\n=== ${file} ${args.join(" ")}\n`);
  const started = performance.now();
  const { code, signal } = await run(file, args);
  const seconds = (performance.now() - started) / 1000;
  outcomes.push({ file, ok: code === 0, detail: signal ? `signal ${signal}` : `exit ${code}`, seconds });
}

process.stdout.write("\n=== summary\n");
for (const o of outcomes)
  process.stdout.write(`${o.ok ? "ok    " : "FAILED"} ${o.file} (${o.detail}, ${o.seconds.toFixed(0)} s)\n`);
const failed = outcomes.filter((o) => !o.ok).length;
if (interrupted) process.stdout.write(`interrupted (${interrupted}) before all benchmarks ran\n`);
process.exit(failed > 0 || interrupted || benches.length === 0 ? 1 : 0);
