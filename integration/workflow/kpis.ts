// 12345 KPIs (GB/T 33358: 响应率, 解决率, 满意率) per handling department, for an area's subtree and
// a month (China time), computed in one SQL statement over the work orders' assignments:
//   响应率 responded / assigned — the department took the order (responded or fed back);
//   解决率 resolved / assigned — it fed back and the ground verified it (VERIFIED or ARCHIVED);
//   满意率 satisfied / rated — callers SATISFIED or FAIRLY_SATISFIED among those who rated, at 回访.
// Assignments withdrawn by a reassignment or a failed verification do not count.
import { Prisma } from "../../generated/prisma/client.js";
import type { Db } from "../../prisma/db.js";
import { CommandError } from "../commands/errors.js";

export interface KpiRow {
  /** null: the area's total over every department. */
  departmentCode: string | null;
  assigned: number;
  responded: number;
  resolved: number;
  rated: number;
  satisfied: number;
  responseRate: number | null;
  resolutionRate: number | null;
  satisfactionRate: number | null;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The month's bounds as instants: China midnight of its first day to that of the next month's. */
export function monthBounds(month: string): { start: Date; end: Date } {
  const m = MONTH.exec(month);
  if (!m) throw new CommandError("BAD_USER_INPUT", `month "${month}" is not YYYY-MM`, { field: "month" });
  const year = Number(m[1]);
  const index = Number(m[2]) - 1;
  const at = (y: number, i: number) => new Date(Date.UTC(y, i, 1) - 8 * 3_600_000);
  return { start: at(year, index), end: at(index === 11 ? year + 1 : year, (index + 1) % 12) };
}

const rate = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 10_000) / 10_000);

export async function hotlineKpis(db: Db, areaId: string, month: string): Promise<KpiRow[]> {
  const { start, end } = monthBounds(month);
  const rows = await db.$queryRaw<
    {
      department: string | null;
      total: boolean;
      assigned: bigint;
      responded: bigint;
      resolved: bigint;
      rated: bigint;
      satisfied: bigint;
    }[]
  >(Prisma.sql`
    SELECT a."departmentCode" AS department, GROUPING(a."departmentCode") = 1 AS total,
      count(*) AS assigned,
      count(*) FILTER (WHERE a."respondedAt" IS NOT NULL OR a."fedBackAt" IS NOT NULL) AS responded,
      count(*) FILTER (WHERE a.status = 'FED_BACK' AND e.status IN ('VERIFIED', 'ARCHIVED')) AS resolved,
      count(DISTINCT e.id) FILTER (WHERE a.status = 'FED_BACK' AND e.status = 'ARCHIVED'
        AND e.details->>'satisfaction' IN ('SATISFIED', 'FAIRLY_SATISFIED', 'DISSATISFIED')) AS rated,
      count(DISTINCT e.id) FILTER (WHERE a.status = 'FED_BACK' AND e.status = 'ARCHIVED'
        AND e.details->>'satisfaction' IN ('SATISFIED', 'FAIRLY_SATISFIED')) AS satisfied
    FROM "EventAssignment" a JOIN "Event" e ON e.id = a."eventId"
    WHERE e.kind = 'HOTLINE_TICKET' AND a.status <> 'WITHDRAWN'
      AND a."assignedAt" >= ${start} AND a."assignedAt" < ${end}
      AND e."areaId" IN (SELECT c."descendantId" FROM "AreaClosure" c WHERE c."ancestorId" = ${areaId}::uuid)
    GROUP BY GROUPING SETS ((a."departmentCode"), ())
    ORDER BY total, department`);
  const out = rows.map((r) => {
    const [assigned, responded, resolved, rated, satisfied] = [
      r.assigned,
      r.responded,
      r.resolved,
      r.rated,
      r.satisfied,
    ].map(Number) as [number, number, number, number, number];
    return {
      departmentCode: r.total ? null : r.department,
      assigned,
      responded,
      resolved,
      rated,
      satisfied,
      responseRate: rate(responded, assigned),
      resolutionRate: rate(resolved, assigned),
      satisfactionRate: rate(satisfied, rated),
    };
  });
  return out;
}
