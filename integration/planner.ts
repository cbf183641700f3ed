// How a sync page asks PostgreSQL to plan its look-ups. A page probes a few thousand keys into
// tables of hundreds of thousands to millions of rows, which are in memory. Priced as reads from a
// spinning disk (PostgreSQL's default random_page_cost of 4), such a look-up is planned as a scan
// of a whole table, in parallel: at a million persons a page's addresses by key took 0.65 s in
// three processes against 0.28 s through the key's index (docs/benchmarks.md, "connectors side
// by side"). The resolution pass's batches, priced the same, took no less; they are left alone.
import type { Tx } from "../prisma/db.js";

/** random_page_cost for these transactions: reads cost little more at random than in order. */
export const IN_MEMORY_RANDOM_PAGE_COST = 1.1;

/** For the rest of this transaction only (SET LOCAL): other sessions keep the server's setting. */
export async function priceReadsAsInMemory(tx: Tx): Promise<void> {
  await tx.$executeRawUnsafe(`SET LOCAL random_page_cost = ${IN_MEMORY_RANDOM_PAGE_COST}`);
}
