// The schedule, on graphile-worker (a PostgreSQL job queue shared by every hub instance on the
// database; it keeps its tables in the `graphile_worker` schema, which Prisma's schema does not
// declare and so never migrates or diffs). Each connector has at most one pending job, keyed
// `sync:<id>`, in a queue of its own, `sync:<id>`, so the queue runs one job of a connector at a
// time across all instances. A run schedules the next one itself (run_at = now + interval);
// registering or resuming a connector replaces its pending job with one due now; pausing or
// removing it deletes the job. Any instance can schedule (scheduleSync, unscheduleSync: plain SQL
// on graphile-worker's functions), also one that does not work the queue (SYNC_SCHEDULER=false);
// until some instance has worked it once, its schema does not exist and there is nothing to do.
import { EventEmitter } from "node:events";
import { Logger, parseCronItems, type Runner, run, type TaskList, type WorkerEvents } from "graphile-worker";
import pg from "pg";
import { WorkerLiveness } from "./worker-liveness.js";

export const SYNC_TASK = "citygraph_sync";
const jobKey = (connectorId: string) => `sync:${connectorId}`;

export interface QueueOptions {
  databaseUrl: string;
  /** Connector runs at once in this instance (jobs of one connector never run together anyway). */
  concurrency: number;
  /** How often to look for jobs that became due (new jobs due now are announced by NOTIFY). */
  pollIntervalMs: number;
  log: (message: string, fields?: Record<string, unknown>) => void;
  /** How often to free the jobs of workers whose instance is gone (worker-liveness.ts); default 30 s. */
  workerSweepMs?: number;
  /** Other jobs this instance works besides connector runs (the overdue scan …). */
  tasks?: readonly QueueTask[];
}

/**
 * A job of the shared queue besides connector runs. With `cron` it recurs (graphile-worker's
 * crontab: one job per tick across all instances, whichever instance takes it).
 */
export interface QueueTask {
  name: string;
  /** A crontab schedule, e.g. "* * * * *" (every minute). */
  cron?: string;
  run: (payload: unknown) => Promise<void>;
}

const NO_QUEUE = new Set(["3F000", "42883"]); // no graphile_worker schema, or no add_job yet

/**
 * Make the connector's one pending job due at `at`. `replace` moves a pending job (registration,
 * resume: now); `keep-pending` leaves a pending job as it is (the next run a finished run asks for
 * must not postpone a run someone asked for meanwhile). Returns when the pending job is due, or
 * null when no instance has set the queue up.
 */
export async function scheduleSync(
  pool: pg.Pool,
  connectorId: string,
  at: Date,
  mode: "replace" | "keep-pending",
): Promise<Date | null> {
  try {
    const { rows } = await pool.query<{ run_at: Date }>(
      `SELECT run_at FROM graphile_worker.add_job($1, json_build_object('connectorId', $2::text),
         queue_name => $3, run_at => $4, max_attempts => 1, job_key => $3, job_key_mode => $5)`,
      // max_attempts 1: a failed run is the circuit breaker's business; the next run is scheduled anyway
      [SYNC_TASK, connectorId, jobKey(connectorId), at, mode === "replace" ? "replace" : "preserve_run_at"],
    );
    return rows[0]?.run_at ?? at;
  } catch (e) {
    if (NO_QUEUE.has((e as { code?: string }).code ?? "")) return null;
    throw e;
  }
}

/** Drop the connector's pending job (a running one finishes and schedules nothing more). */
export async function unscheduleSync(pool: pg.Pool, connectorId: string): Promise<void> {
  try {
    await pool.query("SELECT graphile_worker.remove_job($1)", [jobKey(connectorId)]);
  } catch (e) {
    if (!NO_QUEUE.has((e as { code?: string }).code ?? "")) throw e;
  }
}

export class SyncQueue {
  private constructor(
    private readonly runner: Runner,
    private readonly pool: pg.Pool,
    private readonly liveness: WorkerLiveness,
  ) {}

  /** Start working the queue (installing or upgrading its schema first). */
  static async start(
    options: QueueOptions,
    handle: (connectorId: string) => Promise<void>,
  ): Promise<SyncQueue> {
    const logger = new Logger(() => (level, message, meta) => {
      if (level === "error" || level === "warning") options.log(`job queue: ${message}`, meta);
    });
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.concurrency + 3 });
    pool.on("error", (e) => options.log("job queue connection lost", { error: e.message }));
    const tasks = options.tasks ?? [];
    const taskList: TaskList = {
      [SYNC_TASK]: async (payload) => {
        const { connectorId } = payload as { connectorId: string };
        await handle(connectorId);
      },
    };
    for (const task of tasks) taskList[task.name] = (payload) => task.run(payload);
    const cron = tasks.flatMap((t) => (t.cron ? [{ task: t.name, match: t.cron, identifier: t.name }] : []));
    // Liveness first: it must see the runner's `worker:create` to hold a lock for each worker.
    const events = new EventEmitter() as WorkerEvents;
    const liveness = await WorkerLiveness.start({
      databaseUrl: options.databaseUrl,
      pool,
      events,
      sweepMs: options.workerSweepMs ?? 30_000,
      log: options.log,
      connect: async (url) => {
        const client = new pg.Client({
          connectionString: url,
          application_name: "citygraph worker liveness",
        });
        await client.connect();
        return client;
      },
    });
    let runner: Runner;
    try {
      runner = await run({
        events,
        pgPool: pool,
        concurrency: options.concurrency,
        pollInterval: options.pollIntervalMs,
        noHandleSignals: true, // gateway/main.ts owns shutdown
        logger,
        taskList,
        parsedCronItems: parseCronItems(cron),
      });
    } catch (e) {
      await liveness.stop();
      throw e;
    }
    return new SyncQueue(runner, pool, liveness);
  }

  /** Stop taking jobs and wait for the running ones. */
  async stop(): Promise<void> {
    await this.runner.stop();
    await this.liveness.stop();
    await this.pool.end();
  }
}
