// A hub instance that dies mid-run (killed, out of memory, its machine gone) must not hold its
// connectors' jobs: graphile-worker frees a dead worker's job and queue locks only after four
// hours, and a connector's queue runs one job at a time, so its whole schedule would stop that
// long. Liveness is told by PostgreSQL itself: each instance holds a session-level advisory lock
// per queue worker, (WORKER_LOCK_CLASS, hashtext(workerId)), on one connection for as long as it
// lives; PostgreSQL drops it when that session ends, whatever ended the process. Every instance
// that works the queue sweeps every SYNC_WORKER_SWEEP_MS: a worker that has held a job lock for
// longer than that (time enough to take its advisory lock after starting) and has no advisory lock
// in pg_locks is gone. Its jobs and queues are unlocked (graphile_worker.force_unlock_workers) and
// its interrupted jobs made due now with their attempts reset, so the run starts over at once.
//
// Reads graphile-worker's `_private_jobs` / `_private_job_queues` tables (schema version of the
// pinned graphile-worker, 0.16). A worker of a hub without this sweep holds no advisory lock and
// would be taken for dead: stop such instances before starting this version beside them.
import type { EventEmitter } from "node:events";
import type pg from "pg";

/** The first key of the two-key advisory locks; the second is hashtext(workerId). */
export const WORKER_LOCK_CLASS = 0x43_47_57_4c; // "CGWL"

export interface LivenessOptions {
  /** Connection string of the queue's database (one dedicated session holds the locks). */
  databaseUrl: string;
  /** The pool the sweep runs on. */
  pool: pg.Pool;
  /** graphile-worker's events of this instance's runner (`worker:create`). */
  events: EventEmitter;
  /**
   * How often to look for dead workers' locks, in ms; a job lock younger than this is not judged
   * (its worker may not hold its advisory lock yet).
   */
  sweepMs: number;
  log: (message: string, fields?: Record<string, unknown>) => void;
  /** Opens the session that holds this instance's worker locks. */
  connect: (databaseUrl: string) => Promise<pg.Client>;
}

/** What one sweep found and freed. */
export interface SweepResult {
  workers: string[];
  jobs: number;
}

/** One sweep: unlock the jobs and queues of workers holding locks with no live session. */
export async function sweepDeadWorkers(pool: pg.Pool, graceMs: number): Promise<SweepResult> {
  const { rows } = await pool.query<{ worker: string }>(
    `WITH held AS (
       SELECT locked_by AS worker FROM graphile_worker._private_jobs
        WHERE locked_by IS NOT NULL AND locked_at < now() - make_interval(secs => $2::float8 / 1000)
       UNION
       SELECT locked_by FROM graphile_worker._private_job_queues
        WHERE locked_by IS NOT NULL AND locked_at < now() - make_interval(secs => $2::float8 / 1000)
     )
     SELECT worker FROM held h
      WHERE NOT EXISTS (
        SELECT 1 FROM pg_locks l
         WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND l.classid = $1::int::oid AND l.objid = hashtext(h.worker)::oid)`,
    [WORKER_LOCK_CLASS, graceMs],
  );
  const workers = rows.map((r) => r.worker);
  if (workers.length === 0) return { workers, jobs: 0 };
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const jobs = await client.query<{ id: string }>(
      "SELECT id::text AS id FROM graphile_worker._private_jobs WHERE locked_by = ANY($1::text[])",
      [workers],
    );
    await client.query("SELECT graphile_worker.force_unlock_workers($1::text[])", [workers]);
    // The interrupted runs start over now (their one attempt was spent by the dead worker).
    if (jobs.rows.length > 0)
      await client.query(
        "SELECT FROM graphile_worker.reschedule_jobs($1::bigint[], run_at => now(), attempts => 0)",
        [jobs.rows.map((j) => j.id)],
      );
    await client.query("COMMIT");
    return { workers, jobs: jobs.rows.length };
  } catch (e) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

export class WorkerLiveness {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<unknown> | null = null;
  private readonly locking: Promise<unknown>[] = [];

  private constructor(
    private readonly session: pg.Client,
    private readonly options: LivenessOptions,
  ) {}

  /** Hold a lock for every worker the runner creates, and sweep every `sweepMs`. */
  static async start(options: LivenessOptions): Promise<WorkerLiveness> {
    const session = await options.connect(options.databaseUrl);
    session.on("error", (e) => options.log("worker liveness session lost", { error: e.message }));
    const liveness = new WorkerLiveness(session, options);
    options.events.on("worker:create", ({ worker }: { worker: { workerId: string } }) =>
      liveness.hold(worker.workerId),
    );
    liveness.timer = setInterval(() => liveness.sweep(), options.sweepMs);
    liveness.timer.unref();
    return liveness;
  }

  /** Workers created before `start` resolved (the runner creates them at once). */
  hold(workerId: string): void {
    this.locking.push(
      this.session
        .query("SELECT pg_advisory_lock($1::int, hashtext($2))", [WORKER_LOCK_CLASS, workerId])
        .catch((e: Error) =>
          this.options.log("worker liveness lock not taken", { workerId, error: e.message }),
        ),
    );
  }

  private sweep(): void {
    if (this.sweeping) return;
    this.sweeping = sweepDeadWorkers(this.options.pool, this.options.sweepMs)
      .then((r) => {
        if (r.workers.length > 0)
          this.options.log("freed the jobs of queue workers that are gone", {
            workers: r.workers,
            jobs: r.jobs,
          });
      })
      .catch((e: Error) => {
        // No queue schema yet (3F000) or a passing connection problem: the next sweep tries again.
        if ((e as { code?: string }).code !== "3F000")
          this.options.log("worker liveness sweep failed", { error: e.message });
      })
      .finally(() => {
        this.sweeping = null;
      });
  }

  /** Stop sweeping and release the locks (the runner has stopped its workers). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([this.sweeping, ...this.locking]);
    await this.session.end().catch(() => undefined);
  }
}
