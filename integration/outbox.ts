// The transactional outbox behind subscriptions. Triggers (migration 20261204220000) write one row
// per change of an event, an alert or a connector's status in the changing transaction, carrying
// the state that change produced, and NOTIFY `citygraph_outbox`. Every hub process LISTENs; on
// each wake-up it reads the new rows once (one query per process, not per subscriber), builds one
// frozen entry per row and hands it to each matching subscriber's bounded queue.
//
// Order and gaps. bigserial ids are taken when a row is inserted, not when its transaction
// commits, so a reader that follows ids could pass a row that commits later. Each row therefore
// records its transaction id (xid8) and the reader reads only rows whose transaction id is below
// the oldest transaction still running (pg_snapshot_xmin of its snapshot): that set never grows
// again, so reading it in (txid, id) order and keeping (txid, id) as the cursor loses nothing and
// repeats nothing. A long transaction delays delivery (never loses it); when committed rows are
// held back that way the reader looks again shortly, without waiting for the next NOTIFY.
//
// Seam between replay and live. A subscriber with `after` first replays (after, P] from the table,
// P being this process's read position, page by page; when it has caught up with P it joins the
// live fan-out synchronously (no await between the check and the join), so the next row it gets
// live is the one after P. Live rows at or before its cursor are skipped (a cursor seen on another
// hub may be ahead of this one).
import pg from "pg";
import type { QueueTask } from "./sync/queue.js";

export const OUTBOX_CHANNEL = "citygraph_outbox";
export type OutboxTopic = "EVENT" | "ALERT" | "CONNECTOR";

/** One committed change, as every subscriber receives it: built once, frozen, shared. */
export interface OutboxEntry {
  /** `<txid>:<id>`: opaque to clients; resume with `after: cursor`. */
  readonly cursor: string;
  readonly topic: OutboxTopic;
  /** CREATED / UPDATED (events, connectors), RAISED / UPDATED (alerts). */
  readonly kind: string;
  readonly entityId: string;
  readonly areaPath: string | null;
  /** The changed row's state as the change left it (dates as Date). */
  readonly payload: Readonly<Record<string, unknown>>;
}

/** Handed to a subscriber in place of an entry when it fell too far behind; the last one it gets. */
export interface TooSlow {
  readonly tooSlow: true;
  /** The cursor of the last entry the subscriber received: reconnect with `after` set to it. */
  readonly after: string | null;
}

export type OutboxItem = OutboxEntry | TooSlow;
export const isTooSlow = (item: OutboxItem): item is TooSlow => "tooSlow" in item;

/** What the API layer asks of the outbox (the request context holds it). */
export interface OutboxSubscriptions {
  /** Matching entries after `after` (replayed from the table) and then live, until return(). */
  subscribe(options: {
    after?: string | null;
    filter: (entry: OutboxEntry) => boolean;
  }): AsyncIterableIterator<OutboxItem>;
}

interface Position {
  txid: bigint;
  id: bigint;
}

const CURSOR = /^(\d{1,20}):(\d{1,20})$/;

export class CursorError extends Error {}

export function parseCursor(cursor: string): Position {
  const m = CURSOR.exec(cursor);
  if (!m) throw new CursorError(`not an outbox cursor: ${cursor.slice(0, 40)}`);
  return { txid: BigInt(m[1]!), id: BigInt(m[2]!) };
}
const formatCursor = (p: Position) => `${p.txid}:${p.id}`;
const compare = (a: Position, b: Position) =>
  a.txid !== b.txid ? (a.txid < b.txid ? -1 : 1) : a.id === b.id ? 0 : a.id < b.id ? -1 : 1;

// Timestamps in the payload come from timestamp(3) columns, which hold UTC without a zone.
const DATE_KEYS = new Set([
  "occurredAt",
  "reportedAt",
  "deadlineAt",
  "overdueAt",
  "updatedAt",
  "raisedAt",
  "acknowledgedAt",
  "closedAt",
  "lastRunAt",
  "lastSuccessAt",
  "lastErrorAt",
  "circuitOpenUntil",
]);
function revive(payload: Record<string, unknown>): Readonly<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(payload))
    out[key] =
      DATE_KEYS.has(key) && typeof value === "string"
        ? new Date(/[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value}Z`)
        : value;
  return Object.freeze(out);
}

interface Row {
  txid: string;
  id: string;
  topic: OutboxTopic;
  kind: string;
  entityId: string;
  areaPath: string | null;
  payload: Record<string, unknown>;
}

function entryOf(row: Row): { position: Position; entry: OutboxEntry } {
  const position = { txid: BigInt(row.txid), id: BigInt(row.id) };
  return {
    position,
    entry: Object.freeze({
      cursor: formatCursor(position),
      topic: row.topic,
      kind: row.kind,
      entityId: row.entityId,
      areaPath: row.areaPath,
      payload: revive(row.payload),
    }),
  };
}

// The row as text for the client. Every ORDER BY names the table's columns (o.txid, o.id): a bare
// `txid` there would be this list's text alias, and "10000" sorts before "9999".
const COLUMNS = `o.txid::text AS txid, o.id::text AS id, topic, kind, "entityId", "areaPath", payload`;
/**
 * The oldest transaction still running, as an expression (stable within a statement, one snapshot)
 * rather than a CTE joined in: PostgreSQL can then use it as a bound of the (txid, id) index; joined
 * from a CTE it was a filter, and the `held` probe read the whole table on every poll. Every reader
 * of the outbox takes only rows below it (a lower txid may still commit).
 */
export const OUTBOX_XMIN = "pg_snapshot_xmin(pg_current_snapshot())";

export interface OutboxFeedOptions {
  databaseUrl: string;
  /** Entries a subscriber may have waiting; one more ends it (TooSlow). */
  queueLimit: number;
  /** Read without a notification this often (a safety net). */
  pollMs: number;
  /** Rows per read. */
  batch?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /** Called for each entry handed to a subscriber (a metrics counter). */
  onDelivered?: () => void;
}

/** This process's reader of the outbox and its subscribers. */
export class OutboxFeed implements OutboxSubscriptions {
  private readonly pool: pg.Pool;
  private listener: pg.Client | null = null;
  private position: Position = { txid: 0n, id: 0n };
  private readonly live = new Set<Subscription>();
  private reading: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private poll: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private deliveredCount = 0;
  private readonly advanced: (() => void)[] = [];
  private readonly batch: number;

  private constructor(private readonly options: OutboxFeedOptions) {
    this.pool = new pg.Pool({ connectionString: options.databaseUrl, max: 3 });
    this.pool.on("error", (e) => options.log?.("outbox pool error", { error: e.message }));
    this.batch = options.batch ?? 500;
  }

  static async start(options: OutboxFeedOptions): Promise<OutboxFeed> {
    const feed = new OutboxFeed(options);
    // Start at the tail: what committed before this process started is replayed only on request.
    const { rows } = await feed.pool.query<{ txid: string; id: string }>(
      `SELECT o.txid::text AS txid, o.id::text AS id FROM "Outbox" o
       WHERE o.txid < ${OUTBOX_XMIN} ORDER BY o.txid DESC, o.id DESC LIMIT 1`,
    );
    if (rows[0]) feed.position = { txid: BigInt(rows[0].txid), id: BigInt(rows[0].id) };
    await feed.listen();
    feed.poll = setInterval(() => feed.wake(), options.pollMs);
    feed.poll.unref();
    return feed;
  }

  /** Call `f` after each read that brought new rows (durable consumers: the warning rules). */
  onAdvance(f: () => void): void {
    this.advanced.push(f);
  }

  /** Subscriptions currently open in this process (a gauge). */
  get subscribers(): number {
    return this.live.size + Subscription.replaying.get(this);
  }

  /** Entries handed to subscribers since start. */
  get delivered(): number {
    return this.deliveredCount;
  }

  /** This process's read position (what its live subscribers have been offered). */
  get cursor(): string {
    return formatCursor(this.position);
  }

  get listening(): boolean {
    return this.listener !== null;
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.databaseUrl });
    client.on("notification", (msg) => {
      if (msg.channel === OUTBOX_CHANNEL) this.wake();
    });
    client.on("error", (e) => {
      if (this.listener !== client) return;
      this.listener = null;
      this.options.log?.("outbox listener lost; reconnecting", { error: e.message });
      void client.end().catch(() => {});
      void this.relisten();
    });
    await client.connect();
    await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    this.listener = client;
  }

  private async relisten(): Promise<void> {
    let delay = 250;
    while (!this.stopped) {
      await new Promise((r) => setTimeout(r, delay));
      try {
        await this.listen();
        // What committed while nobody listened is in the table: read from the last position.
        this.wake();
        this.options.log?.("outbox listener reconnected");
        return;
      } catch {
        delay = Math.min(delay * 2, 10_000);
      }
    }
  }

  /** Read new rows now (coalesced: one read at a time, one more if woken meanwhile). */
  wake(): void {
    if (this.stopped) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.readAll()
      .catch((e: Error) => this.options.log?.("outbox read failed", { error: e.message }))
      .finally(() => {
        this.reading = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Wait until what is committed now has been read and offered to subscribers (tests, shutdown). */
  async settle(): Promise<void> {
    this.wake();
    while (this.reading) await this.reading;
  }

  private async readAll(): Promise<void> {
    for (;;) {
      const { rows } = await this.pool.query<{ rows: Row[] | null; held: boolean }>(
        `WITH b AS (SELECT ${COLUMNS} FROM "Outbox" o
               WHERE (o.txid, o.id) > ($1::xid8, $2::bigint) AND o.txid < ${OUTBOX_XMIN}
               ORDER BY o.txid, o.id LIMIT $3)
         SELECT (SELECT json_agg(b ORDER BY b.txid::xid8, b.id::bigint) FROM b) AS rows,
                EXISTS (SELECT 1 FROM "Outbox" o WHERE o.txid >= ${OUTBOX_XMIN}) AS held`,
        [this.position.txid.toString(), this.position.id.toString(), this.batch],
      );
      const batch = rows[0]?.rows ?? [];
      // Synchronous from here to the end of the batch: a subscriber joining live sees either all
      // of it (as replay) or none of it.
      for (const row of batch) {
        const { position, entry } = entryOf(row);
        this.position = position;
        for (const sub of this.live) sub.offer(entry, position);
      }
      if (batch.length > 0) for (const f of this.advanced) f();
      if (batch.length < this.batch) {
        // Committed rows wait behind a running transaction: look again soon.
        if (rows[0]?.held && !this.retry && !this.stopped) {
          this.retry = setTimeout(() => {
            this.retry = null;
            this.wake();
          }, 50);
          this.retry.unref();
        }
        return;
      }
    }
  }

  /** Rows in (from, to], for a replay. */
  async range(
    from: Position,
    to: Position,
    limit: number,
  ): Promise<{ position: Position; entry: OutboxEntry }[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT ${COLUMNS} FROM "Outbox" o
       WHERE (o.txid, o.id) > ($1::xid8, $2::bigint) AND (o.txid, o.id) <= ($3::xid8, $4::bigint)
       ORDER BY o.txid, o.id LIMIT $5`,
      [from.txid.toString(), from.id.toString(), to.txid.toString(), to.id.toString(), limit],
    );
    return rows.map(entryOf);
  }

  /** Join live if `cursor` has caught up with this process's position (synchronous). */
  join(sub: Subscription, cursor: Position): boolean {
    if (compare(cursor, this.position) < 0) return false;
    this.live.add(sub);
    return true;
  }

  get readPosition(): Position {
    return this.position;
  }

  leave(sub: Subscription): void {
    this.live.delete(sub);
  }

  countDelivered(): void {
    this.deliveredCount++;
    this.options.onDelivered?.();
  }

  subscribe(options: {
    after?: string | null;
    filter: (entry: OutboxEntry) => boolean;
  }): AsyncIterableIterator<OutboxItem> {
    const after = options.after ? parseCursor(options.after) : null;
    return new Subscription(this, options.filter, after, this.options.queueLimit);
  }

  /** Delete rows older than `days` (retention); returns how many. */
  async prune(days: number, now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - days * 86_400_000);
    const result = await this.pool.query(`DELETE FROM "Outbox" WHERE "createdAt" < $1`, [cutoff]);
    return result.rowCount ?? 0;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poll) clearInterval(this.poll);
    if (this.retry) clearTimeout(this.retry);
    for (const sub of [...this.live]) void sub.return();
    await this.reading?.catch(() => {});
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => {});
    await this.pool.end().catch(() => {});
  }
}

const REPLAY_PAGE = 200;

/**
 * One subscriber: a bounded queue and at most one waiting next(). Not an async generator: its
 * return() frees it at once, even while a next() waits for a change that may never come.
 */
class Subscription implements AsyncIterableIterator<OutboxItem> {
  /** Subscriptions still replaying, per feed (they are not in the live set yet). */
  static readonly replaying = {
    counts: new WeakMap<OutboxFeed, number>(),
    get(feed: OutboxFeed): number {
      return this.counts.get(feed) ?? 0;
    },
    add(feed: OutboxFeed, n: number): void {
      this.counts.set(feed, this.get(feed) + n);
    },
  };

  private queue: OutboxItem[] = [];
  private waiting: ((result: IteratorResult<OutboxItem>) => void) | null = null;
  private done = false;
  private joined = false;
  /** Counted in the feed's gauge: replaying, live, or no longer. */
  private counted: "replay" | "live" | null;
  /** The last position queued (replay or live); live entries at or before it are skipped. */
  private cursor: Position;
  private lastHanded: string | null = null;
  private replaying: Promise<void> | null = null;

  constructor(
    private readonly feed: OutboxFeed,
    private readonly filter: (entry: OutboxEntry) => boolean,
    after: Position | null,
    private readonly limit: number,
  ) {
    if (after) {
      this.cursor = after;
      this.counted = "replay";
      Subscription.replaying.add(feed, 1);
    } else {
      this.cursor = feed.readPosition;
      this.joined = feed.join(this, this.cursor);
      this.counted = "live";
    }
  }

  /** A live entry (called by the reader, synchronously for a whole batch). */
  offer(entry: OutboxEntry, position: Position): void {
    if (this.done || compare(position, this.cursor) <= 0) return;
    this.cursor = position;
    if (!this.filter(entry)) return;
    this.enqueue(entry);
  }

  private enqueue(item: OutboxItem): void {
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      this.hand(item, resolve);
      return;
    }
    if (this.queue.length >= this.limit) {
      // Too far behind: drop what waits, tell it where to resume, and free it.
      this.queue = [{ tooSlow: true, after: this.lastHanded }];
      this.detach();
      return;
    }
    this.queue.push(item);
  }

  private hand(item: OutboxItem, resolve: (result: IteratorResult<OutboxItem>) => void): void {
    if (isTooSlow(item)) this.done = true;
    else {
      this.lastHanded = item.cursor;
      this.feed.countDelivered();
    }
    resolve({ value: item, done: false });
  }

  /** Replay one page (or join live once caught up); until something is queued or joined. */
  private async replay(): Promise<void> {
    while (!this.done && !this.joined && this.queue.length === 0) {
      // Synchronous check-and-join: no row can slip between the replay and the live fan-out.
      if (this.feed.join(this, this.cursor)) {
        this.joined = true;
        this.counted = "live";
        Subscription.replaying.add(this.feed, -1);
        return;
      }
      const page = await this.feed.range(this.cursor, this.feed.readPosition, REPLAY_PAGE);
      if (this.done) return;
      for (const { position, entry } of page) {
        this.cursor = position;
        if (this.filter(entry)) this.queue.push(entry);
      }
    }
  }

  async next(): Promise<IteratorResult<OutboxItem>> {
    if (this.done && this.queue.length === 0) return { value: undefined, done: true };
    if (!this.joined && this.queue.length === 0) {
      this.replaying ??= this.replay().finally(() => {
        this.replaying = null;
      });
      await this.replaying;
    }
    const item = this.queue.shift();
    if (item) {
      return new Promise((resolve) => this.hand(item, resolve));
    }
    if (this.done) return { value: undefined, done: true };
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  private detach(): void {
    if (this.counted === "live") this.feed.leave(this);
    else if (this.counted === "replay") Subscription.replaying.add(this.feed, -1);
    this.counted = null;
  }

  async return(): Promise<IteratorResult<OutboxItem>> {
    if (!this.done) {
      this.detach();
      this.done = true;
    }
    this.queue = [];
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.({ value: undefined, done: true });
    return { value: undefined, done: true };
  }

  async throw(error?: unknown): Promise<IteratorResult<OutboxItem>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<OutboxItem> {
    return this;
  }
}

export const OUTBOX_RETENTION_TASK = "citygraph_outbox_retention";

/** The retention job, for the shared queue: hourly, run by one instance each time. */
export function outboxRetentionTask(
  feed: OutboxFeed,
  days: number,
  now: () => Date,
  log: (message: string, fields?: Record<string, unknown>) => void,
): QueueTask {
  return {
    name: OUTBOX_RETENTION_TASK,
    cron: "23 * * * *",
    run: async () => {
      const deleted = await feed.prune(days, now());
      if (deleted > 0) log("outbox rows past retention deleted", { deleted, days });
    },
  };
}
