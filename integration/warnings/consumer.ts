// The warning rules read the outbox as a durable consumer: its position is a row of
// OutboxConsumer, locked while a batch is evaluated and moved in the same transaction as the
// alerts the batch raised, so each event change is evaluated exactly once, by whichever hub holds
// the lock (the others skip it: FOR UPDATE SKIP LOCKED). It reads below the oldest running
// transaction, as the subscribers' reader does (integration/outbox.ts), so nothing is passed over.
import type { Clock } from "../../domain/clock.js";
import { Prisma } from "../../generated/prisma/client.js";
import type { Db } from "../../prisma/db.js";
import { OUTBOX_XMIN } from "../outbox.js";
import { evaluateEvent } from "./evaluate.js";

export const WARNINGS_CONSUMER = "warnings";
const BATCH = 200;

export class WarningsConsumer {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: (message: string, fields?: Record<string, unknown>) => void,
  ) {}

  /** Start at the outbox's tail (what was there before is history, not news). */
  async start(): Promise<void> {
    await this.db.$executeRaw`
      INSERT INTO "OutboxConsumer" (name, txid, "lastId", "updatedAt")
      SELECT ${WARNINGS_CONSUMER}, coalesce(t.txid::text, '0'), coalesce(t.id, 0), now()
      FROM (SELECT 1) one LEFT JOIN LATERAL (
        SELECT txid, id FROM "Outbox" WHERE txid < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY txid DESC, id DESC LIMIT 1) t ON true
      ON CONFLICT (name) DO NOTHING`;
  }

  /** Evaluate what is new (coalesced: one pass at a time, one more if woken meanwhile). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((e: Error) => this.log("warning rules failed; retried on the next change", { error: e.message }))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Wait for the pass in progress (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (!this.stopped && (await this.batch()) === BATCH) {}
  }

  /** One batch; returns how many rows it read (0 when another hub holds the consumer). */
  private async batch(): Promise<number> {
    return this.db.$transaction(async (tx) => {
      const [position] = await tx.$queryRaw<{ txid: string; lastId: bigint }[]>`
        SELECT txid, "lastId" FROM "OutboxConsumer" WHERE name = ${WARNINGS_CONSUMER} FOR UPDATE SKIP LOCKED`;
      if (!position) return 0;
      // ORDER BY o.txid: a bare `txid` would be the text alias, and "10000" sorts before "9999"
      const rows = await tx.$queryRaw<{ txid: string; id: bigint; topic: string; entityId: string }[]>`
        SELECT o.txid::text AS txid, o.id, topic, "entityId" FROM "Outbox" o
        WHERE (o.txid, o.id) > (${position.txid}::xid8, ${position.lastId})
          AND o.txid < ${Prisma.raw(OUTBOX_XMIN)}
        ORDER BY o.txid, o.id LIMIT ${BATCH}`;
      const last = rows.at(-1);
      if (!last) return 0;
      const now = this.clock.now();
      const events = new Set(rows.filter((r) => r.topic === "EVENT").map((r) => r.entityId));
      let raised = 0;
      for (const id of events) raised += (await evaluateEvent(tx, id, now)).length;
      await tx.$executeRaw`
        UPDATE "OutboxConsumer" SET txid = ${last.txid}, "lastId" = ${last.id}, "updatedAt" = now()
        WHERE name = ${WARNINGS_CONSUMER}`;
      if (raised > 0) this.log("warning rules matched", { events: events.size, warnings: raised });
      return rows.length;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.settle();
  }
}
