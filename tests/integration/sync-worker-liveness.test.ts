// A hub killed in the middle of a connector's run does not stop that connector's schedule:
// graphile-worker would keep the dead worker's job and queue locked for four hours. A real hub
// process (`gateway/main.ts`) takes the run of a registered department system whose reply never
// comes, and is SIGKILLed; another hub starting on the same database frees the dead worker's
// locks (integration/sync/worker-liveness.ts: PostgreSQL dropped the dead session's advisory
// lock) and the connector runs to success. The sweep itself, on jobs locked by workers with and
// without a live session, is checked directly.
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { sweepDeadWorkers, WORKER_LOCK_CLASS } from "../../integration/sync/worker-liveness.js";
import { startTestHub, TEST_JWT_SECRET, type TestHub } from "../support/hub.js";
import { spawnHub } from "../support/hub-process.js";
import { freePort } from "../support/pg.js";
import { type HousingRentalSystem, rentals, startHousingRentalSystem } from "./declarative/support.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const EXAMPLE = JSON.parse(
  fs.readFileSync(path.join(ROOT, "connectors/declarative/examples/housing-rentals.json"), "utf8"),
) as { source: { endpoint: string }; manifest: { id: string } };
const CONNECTOR = EXAMPLE.manifest.id;

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function until<T>(
  what: string,
  probe: () => Promise<T>,
  ok: (v: T) => boolean,
  ms = 60_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const startHubProcess = (databaseUrl: string, port: number) =>
  spawnHub({ DATABASE_URL: databaseUrl, AUTH_JWT_SECRET: TEST_JWT_SECRET, SYNC_SCHEDULER: "true" }, port);

const lockedJobs = async (client: pg.Client) =>
  (
    await client.query<{ locked_by: string | null; queue_locked_by: string | null }>(
      `SELECT j.locked_by, q.locked_by AS queue_locked_by
         FROM graphile_worker._private_jobs j
         LEFT JOIN graphile_worker._private_job_queues q ON q.id = j.job_queue_id
        WHERE q.queue_name = $1`,
      [`sync:${CONNECTOR}`],
    )
  ).rows;

describe("a hub killed mid-run", () => {
  it("does not hold its connector's schedule: another hub frees the dead worker's locks and runs it", async () => {
    const system: HousingRentalSystem = await startHousingRentalSystem(rentals(8));
    cleanups.push(() => system.close());
    const definition = { ...EXAMPLE, source: { ...EXAMPLE.source, endpoint: `${system.url}/api/rentals` } };

    // Registered through the API of a hub that does not work the queue, then stopped.
    const registrar = await startTestHub();
    const admin = await registrar.token({
      roles: ["connector_admin", "city_commander"],
      areas: ["320600"],
      purpose: "EMERGENCY_RESPONSE",
    });
    const registered = await registrar.gql(
      `mutation($d: JSON!) { registerConnector(definition: $d) { id } }`,
      {
        token: admin,
        variables: { d: definition },
      },
    );
    expect(registered.errors).toBeUndefined();
    const databaseUrl = registrar.databaseUrl;
    const dropDatabase = () => registrar.dropDatabase();
    cleanups.push(dropDatabase);
    await registrar.stop({ keepDatabase: true });

    // A real hub process works the queue and takes the run; the system never answers.
    system.state.fault = "hang";
    const seen = system.state.requests.length;
    const doomed = startHubProcess(databaseUrl, await freePort());
    cleanups.push(() => doomed.child.kill("SIGKILL"));
    await until(
      "the hub process to call the department system",
      async () => {
        if (doomed.child.exitCode !== null) throw new Error(`hub exited:\n${doomed.output()}`);
        return system.state.requests.length;
      },
      (n) => n > seen,
      120_000,
    );
    const watcher = new pg.Client({ connectionString: databaseUrl });
    await watcher.connect();
    cleanups.push(() => watcher.end());
    const held = await watcher.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::int::oid AND objsubid = 2 AND granted`,
      [WORKER_LOCK_CLASS],
    );
    expect(held.rows[0]!.n, "the live hub holds its worker's liveness lock").toBeGreaterThan(0);

    const exited = new Promise((r) => doomed.child.once("exit", r));
    doomed.child.kill("SIGKILL");
    await exited;
    // The dead worker's job and queue stay locked (graphile-worker alone would wait four hours).
    const locked = await until(
      "the run's job to show locked",
      () => lockedJobs(watcher),
      (rows) => rows.some((r) => r.locked_by !== null),
    );
    const deadWorker = locked.find((r) => r.locked_by !== null)!.locked_by!;
    expect(locked.find((r) => r.locked_by === deadWorker)?.queue_locked_by).toBe(deadWorker);
    await until(
      "PostgreSQL to drop the killed session's liveness lock",
      async () =>
        (
          await watcher.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::int::oid AND objsubid = 2`,
            [WORKER_LOCK_CLASS],
          )
        ).rows[0]!.n,
      (n) => n === 0,
    );

    // Another hub starts on the same database: it frees the dead worker's locks and runs the connector.
    system.state.fault = "none";
    const survivor: TestHub = await startTestHub(
      { SYNC_SCHEDULER: "true", SYNC_WORKER_SWEEP_MS: "300" },
      [],
      { databaseUrl, dropDatabase },
    );
    cleanups.push(() => survivor.stop({ keepDatabase: true }));
    const connector = await until(
      "the connector to run to success",
      () => survivor.db.connector.findUniqueOrThrow({ where: { id: CONNECTOR } }),
      (c) => c.lastSuccessAt !== null,
    );
    expect(connector.recordsIngested).toBe(8);
    expect(
      (await lockedJobs(watcher)).some((r) => r.locked_by === deadWorker || r.queue_locked_by === deadWorker),
    ).toBe(false);
    expect(
      survivor.logs.some(
        (l) => l.includes("freed the jobs of queue workers that are gone") && l.includes(deadWorker),
      ),
    ).toBe(true);
  }, 240_000);
});

describe("sweepDeadWorkers", () => {
  it("frees only the locks of workers with no live session, and only once they are older than the grace", async () => {
    // A hub working the queue installs graphile-worker's schema; its own worker holds its lock (its
    // own sweep is set far off, so that only this test's sweep runs).
    const hub = await startTestHub({ SYNC_SCHEDULER: "true", SYNC_WORKER_SWEEP_MS: "3600000" });
    cleanups.push(() => hub.stop());
    const pool = new pg.Pool({ connectionString: hub.databaseUrl, max: 2 });
    cleanups.push(() => pool.end());
    const alive = new pg.Client({ connectionString: hub.databaseUrl });
    await alive.connect();
    cleanups.push(() => alive.end());
    await alive.query("SELECT pg_advisory_lock($1::int, hashtext('worker-alive'))", [WORKER_LOCK_CLASS]);

    // Jobs of a task no hub works, locked as a worker that took them would have.
    const lockAs = async (key: string, worker: string, age: string) => {
      await pool.query(
        `SELECT graphile_worker.add_job('citygraph_test_nobody', '{}'::json, queue_name => $1, job_key => $1, max_attempts => 1)`,
        [key],
      );
      await pool.query(
        `UPDATE graphile_worker._private_jobs SET locked_by = $2, locked_at = now() - $3::interval, attempts = 1
          WHERE key = $1`,
        [key, worker, age],
      );
      await pool.query(
        `UPDATE graphile_worker._private_job_queues SET locked_by = $2, locked_at = now() - $3::interval
          WHERE queue_name = $1`,
        [key, worker, age],
      );
    };
    await lockAs("test:dead", "worker-dead", "10 minutes");
    await lockAs("test:alive", "worker-alive", "10 minutes");
    await lockAs("test:young", "worker-young", "1 second");

    const result = await sweepDeadWorkers(pool, 60_000);
    expect(result).toEqual({ workers: ["worker-dead"], jobs: 1 });
    const rows = (
      await pool.query<{
        key: string;
        locked_by: string | null;
        attempts: number;
        due: boolean;
        queue: string | null;
      }>(
        `SELECT j.key, j.locked_by, j.attempts, j.run_at <= now() AS due, q.locked_by AS queue
           FROM graphile_worker._private_jobs j JOIN graphile_worker._private_job_queues q ON q.id = j.job_queue_id
          WHERE j.key LIKE 'test:%' ORDER BY j.key`,
      )
    ).rows;
    expect(rows).toEqual([
      { key: "test:alive", locked_by: "worker-alive", attempts: 1, due: true, queue: "worker-alive" },
      { key: "test:dead", locked_by: null, attempts: 0, due: true, queue: null },
      { key: "test:young", locked_by: "worker-young", attempts: 1, due: true, queue: "worker-young" },
    ]);
    // Nothing more to free: the hub's own worker is alive, the young lock is still in its grace.
    expect(await sweepDeadWorkers(pool, 60_000)).toEqual({ workers: [], jobs: 0 });
  });
});
