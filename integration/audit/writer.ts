// The audit writer: records leave the request path in a queue and reach the database in batches,
// one statement per batch, every `flushMs` and on a clean shutdown (nothing queued is lost then).
// A failed batch stays queued and is tried again at the next flush. The queue is bounded: at
// `maxPending` records it is saturated, and the gateway refuses operations (AUDIT_UNAVAILABLE)
// until batches are written again — reads are not served unaudited, and the hub does not grow
// without limit while the database refuses or stalls its inserts. Records older than the
// configured retention (never less than the legal 180 days) are purged daily.
import type { AuditEntry } from "../../domain/access/request.js";
import { Prisma } from "../../generated/prisma/client.js";
import { type Db, executeDirect } from "../../prisma/db.js";

/** Who asked and what: the request's side of an audit record. */
export interface AuditRequest {
  subject: string;
  roles: readonly string[];
  department: string | null;
  purpose: string | null;
  purposeRef: string | null;
  operationName: string | null;
  documentHash: string | null;
  requestId: string;
}

export interface AuditWriterOptions {
  flushMs: number;
  retentionDays: number;
  /** Queued records at which the writer is saturated (see `saturated`). */
  maxPending: number;
  /** Told of a failed batch (it stays queued). */
  onError?: (error: Error) => void;
}

const MAX_BATCH = 5_000;
const DAY_MS = 86_400_000;

export class AuditWriter {
  private queue: { at: Date; request: AuditRequest; entry: AuditEntry }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private purgeTimer: NodeJS.Timeout | null = null;
  /** The batch being written: true once written, false when it failed (it is queued again). */
  private flushing: Promise<boolean> | null = null;
  /** Records of the batch being written (out of the queue, not yet in the database). */
  private inFlight = 0;
  /** Rows written since start (benchmarks print the rate). */
  written = 0;

  constructor(
    private readonly db: Db,
    private readonly options: AuditWriterOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.options.flushMs);
    this.timer.unref();
    void this.purge();
    this.purgeTimer = setInterval(() => void this.purge(), DAY_MS);
    this.purgeTimer.unref();
  }

  /** Queue what one request read or was refused; returns at once. */
  record(request: AuditRequest, entries: readonly AuditEntry[]): void {
    const at = new Date();
    for (const entry of entries) this.queue.push({ at, request, entry });
    if (this.queue.length >= MAX_BATCH) void this.flush();
  }

  /** Records not yet written: queued, or in the batch being written. */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  /**
   * As many records wait as the queue may hold: the gateway serves no operation until a batch is
   * written. What is already queued is kept (those reads happened); nothing new is read.
   */
  get saturated(): boolean {
    return this.pending >= this.options.maxPending;
  }

  get maxPending(): number {
    return this.options.maxPending;
  }

  /**
   * Write what is queued, batch after batch until the queue is empty or a batch fails (one batch
   * in flight at a time; concurrent callers wait for it, then go on with what is left). A caller
   * that has just queued records finds them written when this resolves.
   */
  flush(): Promise<void> {
    // Another caller may have started the next batch already: wait for it too.
    const next = (written: boolean) =>
      written && (this.queue.length > 0 || this.flushing) ? this.flush() : undefined;
    if (this.flushing) return this.flushing.then(next);
    if (this.queue.length === 0) return Promise.resolve();
    const batch = this.queue.splice(0, MAX_BATCH);
    this.inFlight = batch.length;
    this.flushing = this.write(batch)
      .then(() => {
        this.inFlight = 0;
        this.written += batch.length;
        return true;
      })
      .catch((e: Error) => {
        this.inFlight = 0;
        this.queue.unshift(...batch);
        this.options.onError?.(e);
        return false;
      })
      .finally(() => {
        this.flushing = null;
      });
    return this.flushing.then(next);
  }

  /** Stop the timers and write everything queued. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    this.timer = null;
    this.purgeTimer = null;
    for (let attempt = 0; this.queue.length > 0 && attempt < 3; attempt++) await this.flush();
  }

  private async write(batch: { at: Date; request: AuditRequest; entry: AuditEntry }[]): Promise<void> {
    const rows = batch.map(({ at, request: r, entry: e }) => ({
      at: at.toISOString(),
      subject: r.subject,
      roles: r.roles,
      department: r.department,
      purpose: r.purpose,
      purposeRef: r.purposeRef,
      operationName: r.operationName,
      documentHash: r.documentHash,
      requestId: r.requestId,
      entityIds: e.entityIds,
      fields: e.fields,
      outcome: e.outcome,
    }));
    await executeDirect(
      this.db,
      Prisma.sql`
      INSERT INTO "AuditRecord" ("at", "subject", "roles", "department", "purpose", "purposeRef",
        "operationName", "documentHash", "requestId", "entityIds", "fields", "outcome")
      SELECT r."at", r."subject", r."roles", r."department", r."purpose", r."purposeRef",
        r."operationName", r."documentHash", r."requestId", r."entityIds", r."fields", r."outcome"::"AuditOutcome"
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r("at" timestamp, "subject" text,
        "roles" text[], "department" text, "purpose" text, "purposeRef" text, "operationName" text,
        "documentHash" text, "requestId" text, "entityIds" text[], "fields" text[], "outcome" text)`,
    );
  }

  private async purge(): Promise<void> {
    const days = Math.max(this.options.retentionDays, 180);
    await this.db
      .$executeRaw(
        Prisma.sql`DELETE FROM "AuditRecord" WHERE "at" < now() - make_interval(days => ${days}::int)`,
      )
      .catch((e: Error) => this.options.onError?.(e));
  }
}
