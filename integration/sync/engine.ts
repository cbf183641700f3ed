// The sync engine: runs connectors on their schedule or on demand, page by page. Each page is
// committed in one transaction together with the cursor that follows it, so a crash at any point
// loses nothing and, on resume, the page is fetched again and found unchanged (no duplicates).
// Failing sources are retried with backoff and jitter, then shut off by a circuit breaker; one
// runner per connector across all hub instances, through a lease on the connector's row.
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import type {
  Connector,
  ConnectorContext,
  JsonValue,
  SourceRecordInput,
  SyncPage,
} from "../../connectors/contract.js";
import { afterRun, backoffDelayMs, circuitAllows, RETRY_POLICY } from "../../domain/resilience.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { Db } from "../../prisma/db.js";
import { notifyStatement } from "../change-bus.js";
import { ingestPage, type PageOutcome, type PreparedRecord, preparePage } from "../ingest.js";

const LEASE_MS = 120_000;

export interface RunReport {
  connectorId: string;
  outcome: "SUCCEEDED" | "FAILED" | "SKIPPED";
  /** Why a run was skipped: someone else holds the lease, the circuit is open, or it is paused. */
  skipped?: "RUNNING_ELSEWHERE" | "CIRCUIT_OPEN" | "NOT_ACTIVE";
  pages: number;
  ingested: number;
  unchanged: number;
  quarantined: number;
  error?: string;
}

export interface EngineOptions {
  log?: (message: string, fields?: Record<string, unknown>) => void;
  random?: () => number;
  now?: () => Date;
  /** Identifies this hub instance in leases. */
  instance?: string;
  /** Called after a run that ingested records (the resolution pass waits for it). */
  onIngested?: (report: RunReport) => void;
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

export class SyncEngine {
  private readonly connectors = new Map<string, Connector>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<RunReport>>();
  private readonly stopping = new AbortController();
  private readonly instance: string;
  private readonly log: NonNullable<EngineOptions["log"]>;
  private readonly random: () => number;
  private readonly now: () => Date;
  private readonly onIngested: (report: RunReport) => void;

  constructor(
    private readonly db: Db,
    options: EngineOptions = {},
  ) {
    this.instance = options.instance ?? `${hostname()}:${process.pid}`;
    this.log = options.log ?? (() => {});
    this.random = options.random ?? Math.random;
    this.now = options.now ?? (() => new Date());
    this.onIngested = options.onIngested ?? (() => {});
  }

  /** Make a connector known (persisted: state, cursor and counters survive restarts). */
  async register(
    connector: Connector,
    kind: "BUILTIN" | "DECLARATIVE",
    definition?: Prisma.InputJsonValue,
  ): Promise<void> {
    const m = connector.manifest;
    await this.db.department.upsert({
      where: { code: m.department.code },
      create: { code: m.department.code, name: m.department.name },
      update: {},
    });
    const manifest = m as unknown as Prisma.InputJsonValue;
    await this.db.connector.upsert({
      where: { id: m.id },
      create: {
        id: m.id,
        kind,
        departmentCode: m.department.code,
        manifest,
        ...(definition ? { definition } : {}),
      },
      update: { kind, departmentCode: m.department.code, manifest, ...(definition ? { definition } : {}) },
    });
    this.connectors.set(m.id, connector);
  }

  connector(id: string): Connector | undefined {
    return this.connectors.get(id);
  }

  /**
   * Run every connector once, in registration order (the area registry first), then each on its
   * manifest's interval until stop().
   */
  start(): void {
    void (async () => {
      for (const id of this.connectors.keys()) {
        if (this.stopping.signal.aborted) return;
        await this.run(id).catch((e: Error) =>
          this.log("initial sync crashed", { connector: id, error: e.message }),
        );
      }
      for (const [id, connector] of this.connectors) {
        const every = connector.manifest.schedule.intervalSeconds * 1000;
        if (!this.stopping.signal.aborted) this.schedule(id, every, every);
      }
    })();
  }

  private schedule(id: string, everyMs: number, firstInMs: number): void {
    const timer = setTimeout(async () => {
      await this.run(id).catch((e: Error) =>
        this.log("scheduled sync crashed", { connector: id, error: e.message }),
      );
      if (!this.stopping.signal.aborted) this.schedule(id, everyMs, everyMs);
    }, firstInMs);
    timer.unref();
    this.timers.set(id, timer);
  }

  /** No run in progress in this instance. */
  isIdle(): boolean {
    return this.running.size === 0;
  }

  /** Run a connector now; a run already in progress in this instance is joined, not doubled. */
  run(id: string, options: { maxPages?: number } = {}): Promise<RunReport> {
    const current = this.running.get(id);
    if (current) return current;
    const run = this.runOnce(id, options)
      .then((report) => {
        if (report.ingested > 0) this.onIngested(report);
        return report;
      })
      .finally(() => this.running.delete(id));
    this.running.set(id, run);
    return run;
  }

  private async runOnce(
    id: string,
    { maxPages = Number.POSITIVE_INFINITY }: { maxPages?: number },
  ): Promise<RunReport> {
    const connector = this.connectors.get(id);
    if (!connector) throw new Error(`connector ${id} is not registered`);
    const report: RunReport = {
      connectorId: id,
      outcome: "SKIPPED",
      pages: 0,
      ingested: 0,
      unchanged: 0,
      quarantined: 0,
    };

    const row = await this.db.connector.findUniqueOrThrow({ where: { id } });
    if (row.state !== "ACTIVE") return { ...report, skipped: "NOT_ACTIVE" };
    if (!circuitAllows(row, this.now())) return { ...report, skipped: "CIRCUIT_OPEN" };
    if (!(await this.acquireLease(id))) return { ...report, skipped: "RUNNING_ELSEWHERE" };

    const ctx: ConnectorContext = {
      signal: this.stopping.signal,
      log: (message, fields) => this.log(message, { connector: id, ...fields }),
    };
    let cursor = row.cursor;
    try {
      // One page ahead: the next page is fetched, hashed and mapped while this one is written,
      // so the hub's CPU and the database's work overlap. Commits stay in order.
      let next: Promise<Ahead> | null = this.fetchAhead(connector, cursor, ctx);
      while (next && report.pages < maxPages && !this.stopping.signal.aborted) {
        const { page, prepared }: Ahead = await next;
        next =
          page.done || report.pages + 1 >= maxPages ? null : this.fetchAhead(connector, page.nextCursor, ctx);
        next?.catch(() => {}); // a failure surfaces when it is awaited, after this page's commit
        const outcome = await this.commitPage(connector, page, prepared);
        report.pages++;
        report.ingested += outcome.ingested;
        report.unchanged += outcome.unchanged;
        report.quarantined += outcome.quarantined;
        cursor = page.nextCursor;
        if (page.done) break;
      }
      report.outcome = "SUCCEEDED";
      await this.finish(id, row, "success", null);
    } catch (e) {
      report.outcome = "FAILED";
      report.error = errorSummary(e);
      this.log("sync failed", { connector: id, error: report.error });
      await this.finish(id, row, "failure", report.error);
    }
    return report;
  }

  private async fetchWithRetry(
    connector: Connector,
    cursor: string | null,
    ctx: ConnectorContext,
  ): Promise<SyncPage> {
    const pageSize = connector.manifest.schedule.pageSize;
    for (let attempt = 0; ; attempt++) {
      try {
        return await connector.sync(cursor, pageSize, ctx);
      } catch (e) {
        if (attempt + 1 >= RETRY_POLICY.maxAttempts || ctx.signal.aborted) throw e;
        const delay = backoffDelayMs(attempt, this.random);
        ctx.log("sync page failed, retrying", {
          attempt: attempt + 1,
          delayMs: delay,
          error: (e as Error).message,
        });
        await sleep(delay, undefined, { signal: ctx.signal }).catch(() => {});
      }
    }
  }

  /** The next page, fetched and prepared (hashed, mapped, keyed) outside any transaction. */
  private async fetchAhead(
    connector: Connector,
    cursor: string | null,
    ctx: ConnectorContext,
  ): Promise<Ahead> {
    const page = await this.fetchWithRetry(connector, cursor, ctx);
    // Versions already in (a re-sync) need no mapping; the transaction checks again.
    const known = await this.db.sourceRecord.findMany({
      where: { connectorId: connector.manifest.id, sourceKey: { in: page.records.map((r) => r.sourceKey) } },
      select: { sourceKey: true, payloadHash: true },
    });
    const prepared = preparePage(
      ingestSourceOf(connector),
      page.records,
      new Set(known.map((k) => `${k.sourceKey}\u0000${k.payloadHash}`)),
    );
    return { page, prepared };
  }

  /** The page's records and the cursor after them: all or nothing. */
  private commitPage(
    connector: Connector,
    page: SyncPage,
    prepared?: readonly PreparedRecord[],
  ): Promise<PageOutcome> {
    const m = connector.manifest;
    return this.db.$transaction(
      async (tx) => {
        const outcome = await ingestPage(tx, ingestSourceOf(connector), page.records, { prepared });
        await tx.connector.update({
          where: { id: m.id },
          data: {
            cursor: page.nextCursor,
            leaseUntil: new Date(this.now().getTime() + LEASE_MS),
            recordsIngested: { increment: outcome.ingested },
            recordsUnchanged: { increment: outcome.unchanged },
            recordsQuarantined: { increment: outcome.quarantined },
          },
        });
        return outcome;
      },
      { timeout: 120_000, maxWait: 30_000 },
    );
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
    return this.db.$transaction(
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
    return this.db.$transaction(
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
            recordsIngested: { increment: outcome.ingested },
            recordsUnchanged: { increment: outcome.unchanged },
            recordsQuarantined: { increment: outcome.quarantined },
          },
        });
        return { duplicate: false, ...outcome };
      },
      { timeout: 60_000 },
    );
  }

  private async acquireLease(id: string): Promise<boolean> {
    const now = this.now();
    const taken = await this.db.connector.updateMany({
      where: { id, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }, { leaseOwner: this.instance }] },
      data: { leaseOwner: this.instance, leaseUntil: new Date(now.getTime() + LEASE_MS), lastRunAt: now },
    });
    return taken.count === 1;
  }

  private async finish(
    id: string,
    before: { consecutiveFailures: number; circuitOpenUntil: Date | null },
    outcome: "success" | "failure",
    error: string | null,
  ): Promise<void> {
    const now = this.now();
    const next = afterRun(before, outcome, now);
    await this.db.$transaction(async (tx) => {
      await tx.connector.update({
        where: { id },
        data: {
          health: next.health,
          consecutiveFailures: next.consecutiveFailures,
          circuitOpenUntil: next.circuitOpenUntil,
          leaseOwner: null,
          leaseUntil: null,
          ...(outcome === "success" ? { lastSuccessAt: now } : { lastErrorAt: now, lastError: error }),
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

  /** Stop scheduling, abort runs in progress (their current page rolls back) and wait for them. */
  async stop(): Promise<void> {
    this.stopping.abort();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.running.values()]);
  }
}

/** The line of an error that says what went wrong (Prisma's messages start with a code frame). */
export function errorSummary(e: unknown): string {
  const lines = String((e as Error)?.message ?? e)
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return (lines.at(-1) ?? "unknown error").slice(0, 500);
}
