// The cities' 市外 and 区划不明 areas (domain/outside-areas.ts), made when a page first needs them,
// inside the page's transaction. Concurrent pages of two connectors may both make them: the insert
// ignores the one that lost.
import { AREA_LEVEL_RULES } from "../domain/area.js";
import { OUTSIDE_AREA_KINDS, type OutsideAreaKind, outsideAreaCode } from "../domain/outside-areas.js";
import type { Tx } from "../prisma/db.js";

/** The city codes the registry holds, sorted (the first is the default city). */
export async function cityCodes(tx: Tx): Promise<string[]> {
  return (
    await tx.area.findMany({ where: { level: "CITY" }, select: { code: true }, orderBy: { code: "asc" } })
  ).map((a) => a.code);
}

/** Make the special areas of these cities that are missing; returns code → { id, path } of all asked for. */
export async function ensureOutsideAreas(
  tx: Tx,
  wanted: readonly { kind: OutsideAreaKind; cityCode: string }[],
): Promise<Record<string, { id: string; path: string }>> {
  const codes = [...new Set(wanted.map((w) => outsideAreaCode(w.kind, w.cityCode)))];
  if (codes.length === 0) return {};
  const found = await tx.area.findMany({
    where: { code: { in: codes } },
    select: { id: true, code: true, path: true },
  });
  const missing = wanted.filter((w) => !found.some((f) => f.code === outsideAreaCode(w.kind, w.cityCode)));
  if (missing.length > 0) {
    const rows = [...new Map(missing.map((w) => [outsideAreaCode(w.kind, w.cityCode), w])).values()];
    await tx.$executeRawUnsafe(
      `WITH input AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(code text, name text, city text)),
       made AS (
         INSERT INTO "Area" (id, code, name, level, "parentId", path, depth, "updatedAt")
         SELECT gen_random_uuid(), i.code, i.name, 'DISTRICT', c.id, c.path || i.code || '/', $2, now()
         FROM input i JOIN "Area" c ON c.code = i.city
         ON CONFLICT (code) DO NOTHING RETURNING id, "parentId")
       INSERT INTO "AreaClosure" ("ancestorId", "descendantId", distance)
       SELECT id, id, 0 FROM made
       UNION ALL SELECT ac."ancestorId", m.id, ac.distance + 1 FROM made m JOIN "AreaClosure" ac ON ac."descendantId" = m."parentId"
       ON CONFLICT DO NOTHING`,
      JSON.stringify(
        rows.map((w) => ({
          code: outsideAreaCode(w.kind, w.cityCode),
          name: OUTSIDE_AREA_KINDS[w.kind].name,
          city: w.cityCode,
        })),
      ),
      AREA_LEVEL_RULES.DISTRICT.depth,
    );
    found.push(
      ...(await tx.area.findMany({
        where: { code: { in: rows.map((w) => outsideAreaCode(w.kind, w.cityCode)) } },
        select: { id: true, code: true, path: true },
      })),
    );
  }
  return Object.fromEntries(found.map((a) => [a.code, { id: a.id, path: a.path }]));
}
