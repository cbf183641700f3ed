// 督办: the scheduled job that finds events past their time limit, marks them overdue and
// escalates each to the centre one level up (an EventStep on the event and an Alert to that
// area), in one transaction per run. It runs on the shared job queue (integration/sync/queue.ts)
// as a recurring job, so one hub instance runs it each time, whatever the number of instances;
// and it claims events with a conditional update, so a second run at once escalates nothing twice.
import type { Clock } from "../../domain/clock.js";
import { type AreaOnPath, escalationTarget } from "../../domain/workflow/escalation.js";
import { SUPERVISED_STATUSES } from "../../domain/workflow/transitions.js";
import type { Db } from "../../prisma/db.js";
import type { QueueTask } from "../sync/queue.js";
import { publishEventChange } from "./publish.js";

export const OVERDUE_TASK = "citygraph_overdue";
/** Every minute (graphile-worker crontab syntax). */
export const OVERDUE_CRON = "* * * * *";
/** The actor recorded on the escalation step. */
export const OVERDUE_ACTOR = "system:overdue";
const BATCH = 500;

export interface Escalation {
  eventId: string;
  /** The area whose centre is alerted. */
  areaCode: string;
}

/** Find, mark and escalate the events overdue at the clock's now. */
export async function escalateOverdue(db: Db, clock: Clock): Promise<Escalation[]> {
  const now = clock.now();
  return db.$transaction(async (tx) => {
    const claimed = await tx.$queryRaw<{ id: string; areaId: string; status: string; deadlineAt: Date }[]>`
      UPDATE "Event" SET "overdueAt" = ${now}
      WHERE id IN (
        SELECT id FROM "Event"
        WHERE "deadlineAt" < ${now} AND "overdueAt" IS NULL
          AND status::text = ANY(${[...SUPERVISED_STATUSES]}::text[])
        ORDER BY "deadlineAt" LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
      RETURNING id, "areaId", status::text AS status, "deadlineAt"`;
    const out: Escalation[] = [];
    for (const e of claimed) {
      const chain = await tx.$queryRaw<(AreaOnPath & { path: string })[]>`
        SELECT a.id, a.code, a.name, a.level::text AS level, a.path
        FROM "AreaClosure" c JOIN "Area" a ON a.id = c."ancestorId"
        WHERE c."descendantId" = ${e.areaId}::uuid ORDER BY a.depth`;
      const target = escalationTarget(chain);
      if (!target) continue;
      const reason = `超期督办: the time limit ${e.deadlineAt.toISOString()} passed at status ${e.status}; escalated to ${target.name} (${target.code})`;
      await tx.alert.create({
        data: {
          kind: "OVERDUE",
          level: "RED",
          areaId: target.id,
          eventId: e.id,
          reasons: [reason],
          raisedAt: now,
        },
      });
      await tx.eventStep.create({
        data: {
          eventId: e.id,
          fromStatus: e.status as never,
          toStatus: e.status as never,
          action: "escalate",
          actor: OVERDUE_ACTOR,
          note: reason,
          at: now,
        },
      });
      await publishEventChange(tx, { id: e.id, areaPath: chain.at(-1)!.path, kind: "UPDATED", at: now });
      out.push({ eventId: e.id, areaCode: target.code });
    }
    return out;
  });
}

/** The job, for the shared queue: recurring, run by one instance each time. */
export function overdueTask(
  db: Db,
  clock: Clock,
  log: (message: string, fields?: Record<string, unknown>) => void,
): QueueTask {
  return {
    name: OVERDUE_TASK,
    cron: OVERDUE_CRON,
    run: async () => {
      const escalated = await escalateOverdue(db, clock);
      if (escalated.length > 0) log("overdue events escalated", { count: escalated.length });
    },
  };
}
