// HUB_WORKERS=N: several hub processes behind one port (node:cluster), so that a machine's cores
// all serve GraphQL; one Node process runs JavaScript on one core. The primary only forks and
// watches: each worker is a whole hub (gateway/main.ts) with its own pools against the one
// PostgreSQL, as separate instances behind a load balancer would be (subscriptions hear every
// change through LISTEN/NOTIFY, the job queue and connector locks are in PostgreSQL). The first
// worker boots alone (migrations, reference and demo data), the others once it listens. The
// primary hands connections to the workers in turn (round-robin, Node's default off Windows).
// SIGTERM / SIGINT to the primary stop every worker gracefully; a worker that dies otherwise
// stops the others and the primary exits 1, for the service manager to restart the whole.
import cluster, { type Worker } from "node:cluster";
import { envSchema } from "./config.js";

const log = (message: string) => process.stderr.write(`cluster: ${message}\n`);

/**
 * Called first by gateway/main.ts. true: this process is the cluster's primary (HUB_WORKERS > 1)
 * and main must not boot a hub here; false: boot the hub in this process (a worker, or one
 * process alone).
 */
export function startClusterPrimary(env: NodeJS.ProcessEnv = process.env): boolean {
  if (!cluster.isPrimary) return false;
  const parsed = envSchema.shape.HUB_WORKERS.safeParse(env.HUB_WORKERS);
  if (!parsed.success) {
    process.stderr.write(`invalid configuration:\n  HUB_WORKERS: ${parsed.error.issues[0]?.message}\n`);
    process.exit(2);
  }
  const workers = parsed.data;
  if (workers <= 1) return false;
  if (!env.DATABASE_URL) {
    // The embedded PostgreSQL belongs to one process; several hubs need a server of their own.
    process.stderr.write("invalid configuration:\n  HUB_WORKERS > 1 needs DATABASE_URL\n");
    process.exit(2);
  }

  const running = new Set<Worker>();
  let stopping = false;
  const stopAll = (signal: NodeJS.Signals) => {
    for (const w of running) if (!w.isDead()) w.process.kill(signal);
  };
  const fork = () => {
    const worker = cluster.fork();
    running.add(worker);
    worker.once("exit", (code, signal) => {
      running.delete(worker);
      if (!stopping) {
        stopping = true;
        process.exitCode = 1;
        log(`worker ${worker.process.pid} ended (${signal ?? `exit ${code}`}): stopping the others`);
        stopAll("SIGTERM");
      } else if (code !== 0 && signal !== "SIGTERM") {
        // (A worker still booting when asked to stop has no handler yet: it ends by the signal.)
        process.exitCode = 1;
      }
      if (running.size === 0) process.exit();
    });
    return worker;
  };
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping ${running.size} workers`);
    stopAll("SIGTERM");
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));

  fork().once("listening", () => {
    if (stopping) return;
    for (let i = 1; i < workers; i++) fork();
    log(`${workers} workers`);
  });
  return true;
}
