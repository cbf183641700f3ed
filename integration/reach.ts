// The reach sweep: the jurisdiction tables (PersonReach, OrganisationReach) made what their path
// views say, for every element at once. The triggers keep them per statement; two transactions
// changing one person's links at the same moment can still leave a row no path justifies (each
// refreshes from its own snapshot), which would show that person in an area they left. The sweep
// removes such rows and adds missing ones, on the shared job queue (one instance a run); a count
// other than zero in its log line means such a race happened.
import type { Db } from "../prisma/db.js";
import type { QueueTask } from "./sync/queue.js";

export const REACH_SWEEP_TASK = "citygraph_reach_sweep";
/** Every hour at :41 (graphile-worker crontab syntax): the longest a stale reach row can last. */
export const REACH_SWEEP_CRON = "41 * * * *";

export interface ReachSweep {
  persons: { removed: number; added: number };
  organisations: { removed: number; added: number };
}

/** Sweep both reach tables (one statement, so one transaction, each). */
export async function sweepReach(db: Db): Promise<ReachSweep> {
  const run = async (fn: "person_reach_sweep" | "organisation_reach_sweep") => {
    const [row] = await db.$queryRawUnsafe<{ removed: number; added: number }[]>(
      `SELECT removed, added FROM ${fn}()`,
    );
    return { removed: row?.removed ?? 0, added: row?.added ?? 0 };
  };
  return { persons: await run("person_reach_sweep"), organisations: await run("organisation_reach_sweep") };
}

export function reachSweepTask(
  db: Db,
  log: (message: string, fields?: Record<string, unknown>) => void,
): QueueTask {
  return {
    name: REACH_SWEEP_TASK,
    cron: REACH_SWEEP_CRON,
    run: async () => {
      const swept = await sweepReach(db);
      const changed =
        swept.persons.removed + swept.persons.added + swept.organisations.removed + swept.organisations.added;
      log(changed > 0 ? "reach sweep corrected rows" : "reach sweep found nothing to correct", { ...swept });
    },
  };
}
