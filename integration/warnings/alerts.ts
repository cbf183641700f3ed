// Reading alerts: the rows as the API shows them, inside the caller's jurisdiction.
import { isInSubtree, normaliseAreaCode } from "../../domain/area.js";
import { withinJurisdiction } from "../../domain/policies/area.js";
import type { Principal } from "../../domain/principal.js";
import type { Db, Tx } from "../../prisma/db.js";
import { CommandError } from "../commands/errors.js";

export interface AlertRow {
  id: string;
  kind: string;
  rule: string | null;
  level: string;
  status: string;
  areaCode: string;
  areaName: string;
  areaPath: string;
  reasons: unknown[];
  /** The events the reasons speak of, with their kinds (for their API ids). */
  events: { id: string; kind: string }[];
  raisedAt: Date;
  acknowledgedBy: string | null;
  acknowledgedAt: Date | null;
  closedBy: string | null;
  closedAt: Date | null;
}

const SELECT = `SELECT al.id::text, al.kind, al.rule, al.level::text AS level, al.status::text AS status,
  a.code AS "areaCode", a.name AS "areaName", a.path AS "areaPath", al.reasons,
  coalesce((SELECT jsonb_agg(jsonb_build_object('id', e.id, 'kind', e.kind) ORDER BY x.n)
    FROM unnest(CASE WHEN cardinality(al."eventIds") > 0 THEN al."eventIds"
                     WHEN al."eventId" IS NOT NULL THEN ARRAY[al."eventId"] ELSE ARRAY[]::uuid[] END)
      WITH ORDINALITY AS x(id, n) JOIN "Event" e ON e.id = x.id), '[]'::jsonb) AS events,
  al."raisedAt",
  al."acknowledgedBy", al."acknowledgedAt", al."closedBy", al."closedAt"
  FROM "Alert" al JOIN "Area" a ON a.id = al."areaId"`;

export async function alertById(db: Db | Tx, id: string): Promise<AlertRow | null> {
  const rows = await db.$queryRawUnsafe<AlertRow[]>(`${SELECT} WHERE al.id = $1::uuid`, id);
  return rows[0] ?? null;
}

/** Alerts to areas inside the principal's jurisdiction (and `under`), newest first. */
export async function alertsVisible(
  db: Db,
  principal: Principal,
  filter: { status: string | null; under: string | null },
): Promise<AlertRow[]> {
  let root: string | null = null;
  if (filter.under) {
    const area = await db.area.findUnique({ where: { code: normaliseAreaCode(filter.under) } });
    if (!area)
      throw new CommandError("NOT_FOUND", `area "${filter.under}" was not found`, { key: filter.under });
    root = area.path;
  }
  const roots = principal.jurisdictionPaths.filter(
    (p) => root === null || isInSubtree(root, p) || isInSubtree(p, root),
  );
  if (roots.length === 0) return [];
  // Candidates by path prefix in SQL; the domain rule decides.
  const rows = await db.$queryRawUnsafe<AlertRow[]>(
    `${SELECT} WHERE ($1::text IS NULL OR al.status::text = $1)
       AND a.path LIKE ANY ($2::text[]) ORDER BY al."raisedAt" DESC, al.id DESC LIMIT 200`,
    filter.status,
    (root ? [root] : roots).map((p) => `${p.replace(/[\\%_]/g, (c) => `\\${c}`)}%`),
  );
  return rows.filter(
    (r) => withinJurisdiction(principal, r.areaPath) && (root === null || isInSubtree(r.areaPath, root)),
  );
}
