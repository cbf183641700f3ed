// The sync engine: runs connectors on their schedule or on demand, page by page. Each page is
// committed in one transaction together with the cursor that follows it, so a crash at any point
// loses nothing and, on resume, the page is fetched again and found unchanged (no duplicates).
// A connector whose pages are written side by side (manifest.schedule.writers) moves its cursor
// after the commits instead, never past a page that has not committed (page-order.ts).
//
// - Schedule: a PostgreSQL job queue shared by every hub instance (queue.ts, graphile-worker): a
//   registered connector runs at once and then every manifest.schedule.intervalSeconds; pausing,
//   resuming, removing and re-registering take effect at once, in every instance.
// - One runner per connector across instances: the queue runs one job of a connector at a time,
//   and every run, queued or asked for (triggerSync), holds the connector's PostgreSQL advisory
//   lock, which the database releases by itself if the process dies.
// - Failing sources: retries with backoff per page, a timeout, and a circuit breaker per
//   connector (policies.ts, cockatiel).
// - Nothing lost: every run reconciles what the source served with what became of it:
//   served = stored (new or changed versions) + unchanged + quarantined + duplicates (served
//   again within the run), recorded in a SyncRun row, added to the connector's counters and
//   logged in one line.
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { BrokenCircuitError } from "cockatiel";
import pg from "pg";
import type {
  Connector,
  ConnectorContext,
  JsonValue,
  SourceRecordInput,
  SyncPage,
} from "../../connectors/contract.js";
import { createDeclarativeConnector } from "../../connectors/declarative/connector.js";
import { parseDefinition } from "../../connectors/declarative/definition.js";
import { manifestDisagreements } from "../../domain/access/manifest-check.js";
import type { ConnectorHealth } from "../../domain/resilience.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { type Db, transaction } from "../../prisma/db.js";
import { notifyStatement } from "../change-bus.js";
import { errorSummary } from "../error-summary.js";
import {
  ingestPage,
  knownVersions,
  type PageOutcome,
  type PreparedRecord,
  payloadHash,
  preparePage,
  stableJson,
} from "../ingest.js";
import { PageOrder } from "./page-order.js";
import { circuitOf, circuitRowOf, pagePolicy, racePolicy } from "./policies.js";
import { type QueueTask, SyncQueue, scheduleSync, unscheduleSync } from "./queue.js";
import { VersionSet } from "./version-set.js";

export type RunTrigger = "SCHEDULE" | "MANUAL" | "REPLAY";

export interface RunReport {
  connectorId: string;
  /** PARTIAL: pages were committed, then the run failed. */
  outcome: "SUCCEEDED" | "PARTIAL" | "FAILED" | "SKIPPED";
  /** Why a run was skipped: another run holds the connector, the circuit is open, or it is paused. */
  skipped?: "RUNNING_ELSEWHERE" | "CIRCUIT_OPEN" | "NOT_ACTIVE";
  pages: number;
  /** Records the source served (or, for a replay, the stored records replayed). */
  served: number;
  /** Record versions stored (new, or a changed version of a known record). */
  ingested: number;
  unchanged: number;
  quarantined: number;
  /** Served again within the run (same key, same content): counted once, stored once. */
  duplicates: number;
  error?: string;
}

/**
 * Runs and page fetches watched from outside (the gateway's metrics and traces), without this
 * layer knowing how: each call wraps the work and returns what it returns.
 */
export interface SyncObserver {
  run(connectorId: string, trigger: RunTrigger, work: () => Promise<RunReport>): Promise<RunReport>;
  fetch(connectorId: string, work: () => Promise<SyncPage>): Promise<SyncPage>;
}

export interface EngineOptions {
  /** Warnings (failures, retries); `level` "info" for the one line each run logs. */
  log?: (message: string, fields?: Record<string, unknown>, level?: "info" | "warn") => void;
  random?: () => number;
  /** The time runs are recorded at (the hub's clock). */
  now?: () => Date;
  /** Identifies this hub instance in run records. */
  instance?: string;
  /** Called after a run that ingested records (the resolution pass waits for it). */
  onIngested?: (report: RunReport) => void;
  observer?: SyncObserver;
  /**
   * The database for the job queue and the run locks. Without it the engine runs only on demand
   * and guards against runs of the same connector in this process only (tests, tools).
   */
  databaseUrl?: string;
  /** Connector runs at once in this instance (default 1: the area registry runs before the rest). */
  concurrency?: number;
  /** How often the queue looks for runs that became due (ms). */
  pollIntervalMs?: number;
  /** How often the queue frees the jobs of workers whose instance is gone (ms; queue.ts). */
  workerSweepMs?: number;
  /** Other jobs the queue works in this instance (queue.ts QueueTask). */
  tasks?: readonly QueueTask[];
}

interface Ahead {
  page: SyncPage;
  prepared: PreparedRecord[];
}

const ingestSourceOf = (connector: Connector) => ({
  connectorId: connector.manifest.id,
  departmentCode: connector.manifest.department.code,
  map: (r: Parameters<Connector["map"]>[0]) => connector.map(r),
});

type ConnectorRow = NonNullable<Awaited<ReturnType<Db["connector"]["findUnique"]>>>;

const emptyReport = (connectorId: string): RunReport => ({
  connectorId,
  outcome: "SKIPPED",
  pages: 0,
  served: 0,
  ingested: 0,
  unchanged: 0,
  quarantined: 0,
  duplicates: 0,
});

/** How long runs are kept (SyncRun rows): the connector's recent history, not an archive. */
const RUN_HISTORY_MS = 30 * 24 * 3600 * 1000;

/** Records in one replay transaction. */
const REPLAY_BATCH = 500;

export class SyncEngine {
  private readonly connectors = new Map<string, Connector>();
  /** The stored definition each declarative connector was built from (stable JSON). */
  private readonly definitions = new Map<string, string>();
  private readonly running = new Map<string, Promise<RunReport>>();
  private readonly stopping = new AbortController();
  private readonly instance: string;
  private readonly log: NonNullable<EngineOptions["log"]>;
  private readonly random: () => number;
  private readonly now: () => Date;
  private readonly onIngested: (report: RunReport) => void;
  private readonly locks: pg.Pool | null;
  private queue: SyncQueue | null = null;
  /** Runs and replays holding a connector in this instance. */
  private active = 0;

  constructor(
    private readonly db: Db,
    private readonly options: EngineOptions = {},
  ) {
    this.instance = options.instance ?? `${hostname()}:${process.pid}`;
    this.log = options.log ?? (() => {});
    this.random = options.random ?? Math.random;
    this.now = options.now ?? (() => new Date());
    this.onIngested = options.onIngested ?? (() => {});
    this.locks = options.databaseUrl
      ? new pg.Pool({ connectionString: options.databaseUrl, max: (options.concurrency ?? 1) + 4 })
      : null;
    this.locks?.on("error", (e) => this.log("run lock connection lost", { error: e.message }));
  }

  /**
   * Make a connector known (persisted: state, cursor and counters survive restarts). Once the
   * schedule runs, an active connector is due at once.
   */
  async register(
    connector: Connector,
    kind: "BUILTIN" | "DECLARATIVE",
    definition?: Prisma.InputJsonValue,
  ): Promise<void> {
    const m = connector.manifest;
    // A built-in whose manifest the field table would serve less strictly stops the hub here.
    const disagreements = manifestDisagreements(m);
    if (disagreements.length > 0)
      throw new Error(`connector ${m.id} disagrees with the access policy: ${disagreements.join("; ")}`);
    await this.db.department.upsert({
      where: { code: m.department.code },
      create: { code: m.department.code, name: m.department.name },
      update: {},
    });
    const manifest = m as unknown as Prisma.InputJsonValue;
    const row = await this.db.connector.upsert({
      where: { id: m.id },
      create: {
        id: m.id,
        kind,
        departmentCode: m.department.code,
        manifest,
        ...(definition ? { definition } : {}),
      },
      update: { kind, departmentCode: m.department.code, manifest, ...(definition ? { definition } : {}) },
      select: { definition: true, state: true },
    });
    this.connectors.set(m.id, connector);
    if (kind === "DECLARATIVE") this.definitions.set(m.id, stableJson(row.definition));
    if (row.state === "ACTIVE") await this.scheduleNow(m.id);
  }

  connector(id: string): Connector | undefined {
    return this.connectors.get(id);
  }

  /**
   * Work the shared schedule: every active connector is due at once (in registration order: the
   * area registry first), then on its interval. Needs `databaseUrl`.
   */
  async start(): Promise<void> {
    if (this.queue) return;
    const databaseUrl = this.options.databaseUrl;
    if (!databaseUrl) throw new Error("the sync schedule needs the engine's databaseUrl");
    this.queue = await SyncQueue.start(
      {
        databaseUrl,
        concurrency: this.options.concurrency ?? 1,
        pollIntervalMs: this.options.pollIntervalMs ?? 1_000,
        ...(this.options.workerSweepMs ? { workerSweepMs: this.options.workerSweepMs } : {}),
        log: (message, fields) => this.log(message, fields),
        ...(this.options.tasks ? { tasks: this.options.tasks } : {}),
      },
      (id) => this.scheduledRun(id),
    );
    const active = await this.db.connector.findMany({
      where: { id: { in: [...this.connectors.keys()] }, state: "ACTIVE" },
      select: { id: true },
    });
    const ids = new Set(active.map((r) => r.id));
    const now = Date.now();
    let i = 0;
    for (const id of this.connectors.keys())
      if (ids.has(id)) await this.scheduleAt(id, new Date(now + i++), "replace"); // run_at keeps the order
  }

  /** Pause, resume or retire a connector: its schedule follows at once, in every instance. */
  async setState(id: string, state: "ACTIVE" | "PAUSED" | "REMOVED"): Promise<void> {
    await this.db.connector.update({ where: { id }, data: { state } });
    if (state === "ACTIVE") await this.scheduleNow(id);
    else await this.unschedule(id);
  }

  private scheduleNow(id: string): Promise<void> {
    return this.scheduleAt(id, new Date(), "replace");
  }

  /** Onto the shared schedule, from any instance (see queue.ts); a no-op without a queue. */
  private async scheduleAt(id: string, at: Date, mode: "replace" | "keep-pending"): Promise<void> {
    if (!this.locks) return;
    const due = await scheduleSync(this.locks, id, at, mode);
    if (due) await this.db.connector.updateMany({ where: { id }, data: { nextRunAt: due } });
  }

  private async unschedule(id: string): Promise<void> {
    if (this.locks) await unscheduleSync(this.locks, id);
    await this.db.connector.update({ where: { id }, data: { nextRunAt: null } });
  }

  /** A job of the queue: run, then ask for the next run on the interval (if still active). */
  private async scheduledRun(id: string): Promise<void> {
    if (this.stopping.signal.aborted) return; // taken just as the hub stops: the next start runs it
    try {
      const report = await this.run(id, { trigger: "SCHEDULE" });
      if (report.outcome === "SKIPPED" && report.skipped !== "NOT_ACTIVE")
        this.log("scheduled sync skipped", { connector: id, reason: report.skipped }, "info");
    } catch (e) {
      this.log("scheduled sync crashed", { connector: id, error: errorSummary(e) });
    }
    if (this.stopping.signal.aborted) return; // the next instance to start schedules it
    const row = await this.db.connector.findUnique({
      where: { id },
      select: { state: true, manifest: true },
    });
    if (row?.state !== "ACTIVE") {
      await this.db.connector.updateMany({ where: { id }, data: { nextRunAt: null } });
      return;
    }
    const every = (row.manifest as { schedule: { intervalSeconds: number } }).schedule.intervalSeconds;
    await this.scheduleAt(id, new Date(Date.now() + every * 1000), "keep-pending");
  }

  /** No run in progress in this instance. */
  isIdle(): boolean {
    return this.running.size === 0 && this.active === 0;
  }

  /** Run a connector now; a run already in progress in this instance is joined, not doubled. */
  run(id: string, options: { maxPages?: number; trigger?: RunTrigger } = {}): Promise<RunReport> {
    const current = this.running.get(id);
    if (current) return current;
    const trigger = options.trigger ?? "MANUAL";
    const work = () =>
      this.exclusively(id, (connector, row) => this.runOnce(connector, row, trigger, options.maxPages));
    const run = (this.options.observer ? this.options.observer.run(id, trigger, work) : work())
      .then((report) => {
        if (report.ingested > 0) this.onIngested(report);
        return report;
      })
      .finally(() => this.running.delete(id));
    this.running.set(id, run);
    return run;
  }

  /**
   * Map what the connector already read again, with its current mapping (after a definition
   * changed): the latest stored version of every record, and every unresolved quarantined one,
   * go through ingest as a new version of the record, so a corrected mapping corrects the graph
   * and a record quarantined under the old mapping goes in. The circuit and the last error are
   * reset first: they described the old definition.
   */
  async replay(id: string): Promise<RunReport> {
    await this.db.connector.update({
      where: { id },
      data: {
        consecutiveFailures: 0,
        circuitOpenUntil: null,
        health: "UNKNOWN",
        lastError: null,
        lastErrorAt: null,
      },
    });
    // waits for a run in progress (anywhere) to finish rather than skipping
    const report = await this.exclusively(id, (connector) => this.replayOnce(connector), {
      anyState: true,
      wait: true,
    });
    if (report.ingested > 0) this.onIngested(report);
    return report;
  }

  /** The connector as registered, rebuilt first if another instance re-registered its definition. */
  private async current(id: string, row: { kind: string; definition: unknown }): Promise<Connector> {
    if (row.kind === "DECLARATIVE") {
      const stored = stableJson(row.definition);
      if (this.definitions.get(id) !== stored) {
        const parsed = parseDefinition(row.definition);
        if (!parsed.ok) throw new Error(`connector ${id}: its stored definition is no longer valid`);
        this.connectors.set(id, createDeclarativeConnector(parsed.definition));
        this.definitions.set(id, stored);
      }
    }
    const connector = this.connectors.get(id);
    if (!connector) throw new Error(`connector ${id} is not registered`);
    return connector;
  }

  /** Run `body` holding the connector: active (unless told otherwise), not running anywhere else. */
  private async exclusively(
    id: string,
    body: (connector: Connector, row: ConnectorRow) => Promise<RunReport>,
    options: { anyState?: boolean; wait?: boolean } = {},
  ): Promise<RunReport> {
    const report = emptyReport(id);
    const row = await this.db.connector.findUnique({ where: { id } });
    if (!row) throw new Error(`connector ${id} is not registered`);
    if (!options.anyState && row.state !== "ACTIVE") return { ...report, skipped: "NOT_ACTIVE" };
    const release = await this.lock(id, options.wait ?? false);
    if (!release) return { ...report, skipped: "RUNNING_ELSEWHERE" };
    this.active++;
    try {
      // read again under the lock: the run before this one moved the cursor and the circuit
      const locked = await this.db.connector.findUniqueOrThrow({ where: { id } });
      return await body(await this.current(id, locked), locked);
    } finally {
      this.active--;
      await release();
    }
  }

  /** The connector's run lock (a session advisory lock), or null when another run holds it. */
  private async lock(id: string, wait: boolean): Promise<(() => Promise<void>) | null> {
    if (!this.locks) return async () => {};
    const client = await this.locks.connect();
    // A client checked out of a pool has no error listener of the pool's: a session ended under the
    // run (a database restart, a terminated backend) would be an unhandled 'error' and stop the hub.
    // The lock went with the session; the run's own statements fail or finish on their own.
    const lost = (e: Error) => this.log("run lock connection lost", { connector: id, error: e.message });
    client.on("error", lost);
    const release = (e?: Error) => {
      client.removeListener("error", lost);
      client.release(e);
    };
    try {
      const key = `citygraph.sync:${id}`;
      if (wait) await client.query("SET lock_timeout = '10min'");
      const { rows } = await client.query<{ taken: boolean }>(
        wait
          ? "SELECT true AS taken FROM (SELECT pg_advisory_lock(hashtextextended($1, 0))) l"
          : "SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS taken",
        [key],
      );
      if (wait) await client.query("RESET lock_timeout");
      if (!rows[0]?.taken) {
        release();
        return null;
      }
      return async () => {
        try {
          await client.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [key]);
          release();
        } catch (e) {
          release(e as Error); // a broken connection: its session (and lock) is gone anyway
        }
      };
    } catch (e) {
      release(e as Error);
      throw e;
    }
  }

  private async runOnce(
    connector: Connector,
    row: ConnectorRow,
    trigger: RunTrigger,
    maxPages = Number.POSITIVE_INFINITY,
  ): Promise<RunReport> {
    const id = connector.manifest.id;
    const report = emptyReport(id);
    const breaker = circuitOf(row, this.stopping.signal);
    let runId: string | null = null;
    try {
      await breaker.execute(async () => {
        runId = await this.startRun(id, trigger);
        await this.pages(connector, row.cursor, maxPages, report);
      });
      report.outcome = "SUCCEEDED";
    } catch (e) {
      if (e instanceof BrokenCircuitError) return { ...report, skipped: "CIRCUIT_OPEN" };
      report.outcome = report.pages > 0 ? "PARTIAL" : "FAILED";
      report.error = this.stopping.signal.aborted
        ? `connector ${id}: stopped with the hub after ${report.pages} pages`
        : errorSummary(e);
    }
    await this.finish(id, runId, report, circuitRowOf(breaker));
    return report;
  }

  /** Fetch, reconcile and commit pages until the source says it has no more. */
  private async pages(
    connector: Connector,
    cursor: string | null,
    maxPages: number,
    report: RunReport,
  ): Promise<void> {
    const id = connector.manifest.id;
    const ctx: ConnectorContext = {
      signal: this.stopping.signal,
      log: (message, fields) => this.log(message, { connector: id, ...fields }),
    };
    const policy = pagePolicy(this.random, this.stopping.signal, (attempt, delayMs, error) =>
      ctx.log("sync page failed, retrying", { attempt, delayMs, error }),
    );
    const fetchPage = (at: string | null) =>
      policy.execute(({ signal }) => {
        const fetch = () =>
          connector.sync(at, connector.manifest.schedule.pageSize, {
            ...ctx,
            signal: AbortSignal.any([signal, this.stopping.signal]),
          });
        return this.options.observer ? this.options.observer.fetch(id, fetch) : fetch();
      }, this.stopping.signal);
    // Versions served earlier in this run: served again, they are duplicates, not new records.
    const seen = new VersionSet();
    // A connector with nothing stored yet (its first load) has no version to find ahead of the
    // page: the look-up is left to the page's transaction, which makes it anyway.
    const storedBefore = await this.db.sourceRecord.findFirst({
      where: { connectorId: id },
      select: { id: true },
    });
    // One page ahead: the next page is fetched, hashed and mapped while this one is written,
    // so the hub's CPU and the database's work overlap.
    const lookAhead = storedBefore !== null;
    // Pages written side by side (`schedule.writers`): a page's transaction starts before the one
    // before it has committed, and the cursor moves after their commits, never past a page that
    // has not (page-order.ts). One writer keeps each page's cursor in the page's own transaction.
    const writers = connector.manifest.schedule.writers ?? 1;
    const order = writers > 1 ? new PageOrder() : null;
    let cursorMoves = Promise.resolve();
    const writing: Promise<void>[] = [];
    let started = 0;
    let next: Promise<Ahead> | null = this.fetchAhead(connector, fetchPage, cursor, lookAhead);
    try {
      while (next && started < maxPages) {
        if (this.stopping.signal.aborted) throw new Error(`connector ${id}: stopped with the hub`);
        const { page, prepared }: Ahead = await next;
        started++;
        next =
          page.done || started >= maxPages
            ? null
            : this.fetchAhead(connector, fetchPage, page.nextCursor, lookAhead);
        next?.catch(() => {}); // a failure surfaces when it is awaited, after this page's commit
        const records: SourceRecordInput[] = [];
        const fresh: PreparedRecord[] = [];
        for (const p of prepared) {
          if (!seen.add(p.input.sourceKey, p.hash)) continue;
          records.push(p.input);
          fresh.push(p);
        }
        const counts = { served: page.records.length, duplicates: page.records.length - records.length };
        const number = order?.start(page.nextCursor);
        const written = this.commitPage(
          connector,
          order ? null : page.nextCursor,
          records,
          fresh,
          counts,
        ).then((outcome) => {
          report.pages++;
          report.served += counts.served;
          report.duplicates += counts.duplicates;
          report.ingested += outcome.ingested;
          report.unchanged += outcome.unchanged;
          report.quarantined += outcome.quarantined;
          const cursorNow = order && number !== undefined ? order.commit(number) : undefined;
          if (cursorNow !== undefined) cursorMoves = cursorMoves.then(() => this.moveCursor(id, cursorNow));
        });
        written.catch(() => {}); // surfaces when awaited, below
        writing.push(written);
        if (writing.length >= writers) await writing.shift();
        if (page.done) break;
      }
      // one at a time, so that a failure leaves the ones after it to the `finally` below
      while (writing.length > 0) await writing.shift();
    } finally {
      // a failed page leaves the others to finish (or fail) before the run ends and lets go of
      // the connector; the cursor stops before the first page that did not commit
      await Promise.allSettled(writing);
      await cursorMoves;
    }
  }

  private async moveCursor(id: string, cursor: string): Promise<void> {
    await this.db.connector.update({ where: { id }, data: { cursor } });
  }

  /** The next page, fetched and prepared (hashed, mapped, keyed) outside any transaction. */
  private async fetchAhead(
    connector: Connector,
    fetchPage: (cursor: string | null) => Promise<SyncPage>,
    cursor: string | null,
    lookAhead: boolean,
  ): Promise<Ahead> {
    const page = await fetchPage(cursor);
    // Versions already in (a re-sync) need no mapping; the transaction checks again.
    const { versions: known } = lookAhead
      ? await knownVersions(this.db, connector.manifest.id, page.records, { quarantined: false })
      : { versions: new Set<string>() };
    const prepared = preparePage(ingestSourceOf(connector), page.records, known);
    return { page, prepared };
  }

  /** The page's records and the cursor after them: all or nothing. */
  private commitPage(
    connector: Connector,
    nextCursor: string | null,
    records: readonly SourceRecordInput[],
    prepared: readonly PreparedRecord[],
    counts: { served: number; duplicates: number },
  ): Promise<PageOutcome> {
    const m = connector.manifest;
    // another connector's page (this instance's or another's) may create the same persons: the
    // page that loses the race is taken again and links what the other created
    const races = racePolicy(
      this.random,
      (attempt, delayMs, error) =>
        this.log("sync page lost a race with another writer, taking it again", {
          connector: m.id,
          attempt,
          delayMs,
          error,
        }),
      this.stopping.signal,
    );
    return races.execute(() =>
      transaction(
        this.db,
        async (tx) => {
          const outcome = await ingestPage(tx, ingestSourceOf(connector), records, {
            prepared,
            ahead: this.db,
          });
          if (outcome.addressesInPage)
            this.log("sync page created its new addresses inside its transaction", {
              connector: m.id,
              reason: outcome.addressesInPage,
            });
          await tx.connector.update({
            where: { id: m.id },
            data: {
              ...(nextCursor === null ? {} : { cursor: nextCursor }),
              recordsServed: { increment: counts.served },
              recordsDuplicate: { increment: counts.duplicates },
              recordsIngested: { increment: outcome.ingested },
              recordsUnchanged: { increment: outcome.unchanged },
              recordsQuarantined: { increment: outcome.quarantined },
            },
          });
          return outcome;
        },
        { timeout: 120_000, maxWait: 30_000 },
      ),
    );
  }

  private async replayOnce(connector: Connector): Promise<RunReport> {
    const id = connector.manifest.id;
    const report = emptyReport(id);
    const runId = await this.startRun(id, "REPLAY");
    // A replayed version is told apart from the version as read by the mapping it went through:
    // its hash covers the payload and the connector's definition, so a replay under the same
    // definition finds it unchanged, and the next sync, serving the same payload, finds the
    // version as read (unchanged too).
    const row = await this.db.connector.findUniqueOrThrow({
      where: { id },
      select: { definition: true, manifest: true },
    });
    const mappingDigest = createHash("sha256")
      .update(stableJson(row.definition ?? row.manifest))
      .digest("hex");
    try {
      let after = "";
      for (;;) {
        if (this.stopping.signal.aborted) throw new Error(`connector ${id}: stopped with the hub`);
        const batch = await this.db.$queryRaw<{ sourceKey: string; payload: JsonValue }[]>`
          SELECT DISTINCT ON ("sourceKey") "sourceKey", payload FROM (
            SELECT "sourceKey", payload, "fetchedAt" AS at FROM "SourceRecord" WHERE "connectorId" = ${id}
            UNION ALL
            SELECT "sourceKey", payload, "quarantinedAt" FROM "QuarantinedRecord"
              WHERE "connectorId" = ${id} AND "resolvedAt" IS NULL
          ) r
          WHERE "sourceKey" > ${after}
          ORDER BY "sourceKey", at DESC
          LIMIT ${REPLAY_BATCH}`;
        if (batch.length === 0) break;
        after = batch.at(-1)!.sourceKey;
        const records = batch.map((r) => ({ sourceKey: r.sourceKey, payload: r.payload }));
        const prepared = records.map((input) => ({
          input,
          hash: createHash("sha256")
            .update(`${payloadHash(input.payload)}\u0000${mappingDigest}`)
            .digest("hex"),
          mapped: null,
        }));
        const outcome = await this.commitPage(connector, null, records, prepared, {
          served: 0, // replayed, not served again
          duplicates: 0,
        });
        report.pages++;
        report.served += records.length;
        report.ingested += outcome.ingested;
        report.unchanged += outcome.unchanged;
        report.quarantined += outcome.quarantined;
      }
      report.outcome = "SUCCEEDED";
    } catch (e) {
      report.outcome = report.pages > 0 ? "PARTIAL" : "FAILED";
      report.error = errorSummary(e);
    }
    const current = await this.db.connector.findUniqueOrThrow({ where: { id } });
    await this.finish(id, runId, report, {
      consecutiveFailures: current.consecutiveFailures,
      circuitOpenUntil: current.circuitOpenUntil,
      health: current.health,
    });
    return report;
  }

  /**
   * Try a connector's unresolved quarantined records again, as they were received: a record that
   * named an area the registry did not have yet goes in once the area exists. Entries that still
   * fail stay quarantined; the ones that go in are marked resolved.
   */
  async retryQuarantined(id: string): Promise<PageOutcome & { retried: number }> {
    const connector = this.connectors.get(id);
    if (!connector) throw new Error(`connector ${id} is not registered`);
    const m = connector.manifest;
    const entries = await this.db.quarantinedRecord.findMany({
      where: { connectorId: id, resolvedAt: null },
      orderBy: { quarantinedAt: "asc" },
      take: 5_000,
    });
    const records = entries.map((e) => ({ sourceKey: e.sourceKey, payload: e.payload as JsonValue }));
    return transaction(
      this.db,
      async (tx) => {
        const outcome = await ingestPage(
          tx,
          { connectorId: id, departmentCode: m.department.code, map: (r) => connector.map(r) },
          records,
          { reconsiderQuarantined: true },
        );
        await tx.connector.update({
          where: { id },
          data: {
            recordsIngested: { increment: outcome.ingested },
            recordsQuarantined: { decrement: outcome.ingested },
          },
        });
        return { ...outcome, retried: entries.length };
      },
      { timeout: 120_000 },
    );
  }

  /** Records a source pushed (webhook): taken in once per delivery id, however often delivered. */
  async ingestPush(
    id: string,
    deliveryId: string,
    records: SourceRecordInput[],
  ): Promise<{ duplicate: boolean } & Partial<PageOutcome>> {
    const connector = this.connectors.get(id);
    if (!connector) throw new Error(`connector ${id} is not registered`);
    const m = connector.manifest;
    return transaction(
      this.db,
      async (tx) => {
        const taken = await tx.webhookDelivery.createMany({
          data: [{ connectorId: id, deliveryId, records: records.length }],
          skipDuplicates: true,
        });
        if (taken.count === 0) return { duplicate: true };
        const outcome = await ingestPage(
          tx,
          { connectorId: id, departmentCode: m.department.code, map: (r) => connector.map(r) },
          records,
        );
        await tx.connector.update({
          where: { id },
          data: {
            recordsServed: { increment: records.length },
            recordsIngested: { increment: outcome.ingested },
            recordsUnchanged: { increment: outcome.unchanged },
            recordsQuarantined: { increment: outcome.quarantined },
            recordsDuplicate: {
              increment: records.length - outcome.ingested - outcome.unchanged - outcome.quarantined,
            },
          },
        });
        return { duplicate: false, ...outcome };
      },
      { timeout: 60_000 },
    );
  }

  /** Record the run (the caller holds the connector's lock, so no other run of it is going on). */
  private async startRun(id: string, trigger: RunTrigger): Promise<string> {
    const now = this.now();
    const [, , run] = await this.db.$transaction([
      // a run still RUNNING was cut off with its process (killed, or the machine went down)
      this.db.syncRun.updateMany({
        where: { connectorId: id, finishedAt: null },
        data: { outcome: "FAILED", finishedAt: now, error: `connector ${id}: its hub stopped mid-run` },
      }),
      this.db.syncRun.deleteMany({
        where: { connectorId: id, startedAt: { lt: new Date(now.getTime() - RUN_HISTORY_MS) } },
      }),
      this.db.syncRun.create({
        data: { connectorId: id, trigger, instance: this.instance, outcome: "RUNNING", startedAt: now },
        select: { id: true },
      }),
      this.db.connector.update({ where: { id }, data: { lastRunAt: now }, select: { id: true } }),
    ]);
    return run.id;
  }

  private async finish(
    id: string,
    runId: string | null,
    report: RunReport,
    circuit: { consecutiveFailures: number; circuitOpenUntil: Date | null; health: ConnectorHealth },
  ): Promise<void> {
    const now = this.now();
    const failed = report.outcome === "FAILED" || report.outcome === "PARTIAL";
    this.log(
      "sync run",
      {
        connector: id,
        outcome: report.outcome,
        served: report.served,
        stored: report.ingested,
        unchanged: report.unchanged,
        quarantined: report.quarantined,
        duplicates: report.duplicates,
        pages: report.pages,
        ...(report.error ? { error: report.error } : {}),
      },
      failed ? "warn" : "info",
    );
    await this.db.$transaction(async (tx) => {
      if (runId)
        await tx.syncRun.update({
          where: { id: runId },
          data: {
            outcome: report.outcome,
            finishedAt: now,
            pages: report.pages,
            served: report.served,
            stored: report.ingested,
            unchanged: report.unchanged,
            quarantined: report.quarantined,
            duplicates: report.duplicates,
            error: report.error ?? null,
          },
        });
      await tx.connector.update({
        where: { id },
        data: {
          health: circuit.health,
          consecutiveFailures: circuit.consecutiveFailures,
          circuitOpenUntil: circuit.circuitOpenUntil,
          // a run cut short by the hub stopping says nothing about the source
          ...(failed && !this.stopping.signal.aborted
            ? { lastErrorAt: now, lastError: report.error ?? null }
            : failed
              ? {}
              : { lastSuccessAt: now }),
        },
      });
      const { sql, params } = notifyStatement({
        topic: "CONNECTOR",
        kind: "UPDATED",
        id,
        areaPath: null,
        at: now.toISOString(),
      });
      await tx.$executeRawUnsafe(sql, ...params);
    });
  }

  /** Stop the schedule, abort runs in progress (their current page rolls back) and wait for them. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([...this.running.values()]);
    await this.queue?.stop();
    this.queue = null;
    await this.locks?.end();
  }
}
