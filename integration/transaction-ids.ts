// The hub keeps positions that are transaction ids of the PostgreSQL cluster: the resolution
// pass's watermark, each person's `changedXid`, the outbox's order and its readers' cursors. A
// physical standby or pg_upgrade keeps the cluster's transaction counter; a logical copy (pg_dump
// and restore, logical replication into a new cluster) does not, and the new cluster counts from
// lower. Stored positions then lie in the future: the pass would take new changes for old ones
// and the outbox readers would wait behind old rows. At start, before anything reads them, the
// hub compares the highest stored position with the current transaction id; if a stored one is
// not below it, the database came from another cluster, and the positions are reset the one way
// that is correct: every person stamped anew (the next pass looks at all of them), no watermark
// (the next pass is a full one), the outbox and its cursors emptied (subscribers subscribe again
// without `after`). On a database that never moved, a stored position is always below the
// current transaction id, so nothing happens.
import type { Db } from "../prisma/db.js";

export interface TransactionIdCheck {
  /** The highest stored position (an xid8), or null when nothing is stored. */
  stored: bigint | null;
  /** The transaction id of the check itself. */
  current: bigint;
  /** The positions came from another cluster and were reset. */
  reset: boolean;
}

/** One instance at a time (several hubs may start together). */
const LOCK = "citygraph:transaction-id-check";

export async function reconcileTransactionIds(db: Db): Promise<TransactionIdCheck> {
  return db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${LOCK}))`;
      const [row] = await tx.$queryRaw<{ stored: bigint | null; current: bigint }[]>`
        SELECT greatest(
                 (SELECT max(position) FROM "ResolutionWatermark"),
                 (SELECT max("changedXid") FROM "Person"),
                 (SELECT max(txid)::text::bigint FROM "Outbox"),
                 (SELECT max(txid::bigint) FROM "OutboxConsumer")
               ) AS stored,
               pg_current_xact_id()::text::bigint AS current`;
      const { stored, current } = row!;
      if (stored === null || stored < current) return { stored, current, reset: false };
      // The trigger "Person_changed_xid" stamps each row with this transaction.
      await tx.$executeRaw`UPDATE "Person" SET "changedXid" = 0`;
      await tx.$executeRaw`DELETE FROM "ResolutionWatermark"`;
      await tx.$executeRaw`DELETE FROM "OutboxConsumer"`;
      await tx.$executeRaw`DELETE FROM "Outbox"`;
      return { stored, current, reset: true };
    },
    { timeout: 3_600_000, maxWait: 60_000 },
  );
}
