// The safety-stability index (平安稳定指数) of an area's subtree for a month: the indicators' raw
// values in one SQL statement, scored by the configured weights (domain/index/indicators.ts), with
// last month's score for the trend. A monthly job computes it for every district and street and
// raises an alert where it fell by more than the threshold (one per area and month).

import type { Clock } from "../../domain/clock.js";
import {
  dropAlert,
  INDEX_DROP_ALERT_LEVEL,
  type IndexScore,
  type IndicatorValues,
  previousMonth,
  scoreIndex,
} from "../../domain/index/indicators.js";
import type { Db } from "../../prisma/db.js";
import type { QueueTask } from "../sync/queue.js";
import { monthBounds } from "../workflow/kpis.js";

export interface StabilityIndex {
  month: string;
  residents: number;
  current: IndexScore;
  previous: IndexScore;
  /** current − previous, one decimal; null when either is missing. */
  change: number | null;
}

interface Raw {
  residents: number;
  incidents: number;
  petitions: number;
  complaints: number;
  disputes: number;
  events: number;
  resolved: number;
  overdue: number;
  rated: number;
  satisfied: number;
  redAlerts: number;
}

async function rawValues(db: Db, areaId: string, month: string): Promise<Raw> {
  const { start, end } = monthBounds(month);
  const rows = await db.$queryRaw<Raw[]>`
    WITH sub AS (SELECT c."descendantId" AS id FROM "AreaClosure" c WHERE c."ancestorId" = ${areaId}::uuid),
    ev AS (SELECT e.kind, e.status, e."overdueAt", e.details FROM "Event" e
           WHERE e."areaId" IN (SELECT id FROM sub) AND e."occurredAt" >= ${start} AND e."occurredAt" < ${end})
    SELECT
      (SELECT count(DISTINCT pa."personId") FROM "PersonAddress" pa JOIN "Address" ad ON ad.id = pa."addressId"
        WHERE ad."areaId" IN (SELECT id FROM sub) AND pa.kind IN ('RESIDENT', 'REGISTERED') AND pa."until" IS NULL)::int AS residents,
      count(*) FILTER (WHERE kind = 'POLICE_INCIDENT')::int AS incidents,
      count(*) FILTER (WHERE kind = 'PETITION')::int AS petitions,
      count(*) FILTER (WHERE kind = 'HOTLINE_TICKET' AND details->>'category' = 'COMPLAINT')::int AS complaints,
      count(*) FILTER (WHERE kind = 'DISPUTE')::int AS disputes,
      count(*) FILTER (WHERE status <> 'REJECTED')::int AS events,
      count(*) FILTER (WHERE status IN ('HANDLED', 'VERIFIED', 'ARCHIVED'))::int AS resolved,
      count(*) FILTER (WHERE "overdueAt" IS NOT NULL)::int AS overdue,
      count(*) FILTER (WHERE kind = 'HOTLINE_TICKET'
        AND details->>'satisfaction' IN ('SATISFIED', 'FAIRLY_SATISFIED', 'DISSATISFIED'))::int AS rated,
      count(*) FILTER (WHERE kind = 'HOTLINE_TICKET'
        AND details->>'satisfaction' IN ('SATISFIED', 'FAIRLY_SATISFIED'))::int AS satisfied,
      (SELECT count(*) FROM "Alert" al WHERE al.level = 'RED' AND al."areaId" IN (SELECT id FROM sub)
        AND al."raisedAt" >= ${start} AND al."raisedAt" < ${end})::int AS "redAlerts"
    FROM ev`;
  return rows[0] as Raw;
}

function values(r: Raw): IndicatorValues {
  const per10k = (n: number) => (r.residents > 0 ? (n / r.residents) * 10_000 : null);
  const share = (n: number, d: number) => (d > 0 ? n / d : null);
  return {
    incidentRate: per10k(r.incidents),
    petitionRate: per10k(r.petitions),
    complaintRate: per10k(r.complaints),
    disputeRate: per10k(r.disputes),
    redAlerts: r.redAlerts,
    resolutionRate: share(r.resolved, r.events),
    overdueRate: share(r.overdue, r.events),
    satisfactionRate: share(r.satisfied, r.rated),
  };
}

export async function stabilityIndex(db: Db, areaId: string, month: string): Promise<StabilityIndex> {
  const [now, before] = await Promise.all([
    rawValues(db, areaId, month),
    rawValues(db, areaId, previousMonth(month)),
  ]);
  const current = scoreIndex(values(now));
  const previous = scoreIndex(values(before));
  const change =
    current.score === null || previous.score === null
      ? null
      : Math.round((current.score - previous.score) * 10) / 10;
  return { month, residents: now.residents, current, previous, change };
}

/** Raise the drop alert for the area and month if the index fell beyond the threshold (once). */
export async function raiseIndexDrop(db: Db, areaId: string, month: string, now: Date): Promise<boolean> {
  const index = await stabilityIndex(db, areaId, month);
  const reason = dropAlert(index.previous.score, index.current.score);
  if (!reason) return false;
  const worst = [...index.current.breakdown]
    .filter((b) => b.score !== null)
    .sort((a, b) => (a.score as number) - (b.score as number))
    .slice(0, 3)
    .map((b) => `${b.indicator.label}: ${b.score} points (${b.value?.toFixed(2)} ${b.indicator.unit})`);
  const inserted = await db.$executeRaw`
    INSERT INTO "Alert" (id, kind, level, "areaId", reasons, status, "raisedAt", rule, "dedupeKey")
    VALUES (gen_random_uuid(), 'INDEX_DROP', ${INDEX_DROP_ALERT_LEVEL}::"WarningLevel", ${areaId}::uuid,
      ${JSON.stringify([reason, ...worst])}::jsonb, 'OPEN', ${now}, 'stability-index-drop',
      ${`stability-index-drop:${areaId}:${month}`})
    ON CONFLICT ("dedupeKey") DO NOTHING`;
  return inserted > 0;
}

/** The month (China time) an instant falls in, as YYYY-MM. */
export function monthOf(at: Date): string {
  const china = new Date(at.getTime() + 8 * 3_600_000);
  return `${china.getUTCFullYear()}-${String(china.getUTCMonth() + 1).padStart(2, "0")}`;
}

export const STABILITY_INDEX_TASK = "citygraph_stability_index";

/** Monthly, on the 1st at 02:00: last month's index of every district and street; drops alerted. */
export function stabilityIndexTask(
  db: Db,
  clock: Clock,
  log: (m: string, f?: Record<string, unknown>) => void,
): QueueTask {
  return {
    name: STABILITY_INDEX_TASK,
    cron: "0 2 1 * *",
    run: async () => {
      const now = clock.now();
      const month = monthOf(new Date(now.getTime() - 86_400_000 * 2));
      const areas = await db.area.findMany({
        where: { level: { in: ["DISTRICT", "STREET"] } },
        select: { id: true },
      });
      let raised = 0;
      for (const a of areas) if (await raiseIndexDrop(db, a.id, month, now)) raised++;
      if (raised > 0) log("stability index drops alerted", { month, raised });
    },
  };
}
