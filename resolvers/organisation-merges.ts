// The jurisdiction check of a steward's organisation merge: the read paths' own rule, in SQL.
import { ensureJurisdiction, hasJurisdiction, organisationVisibleSql, type Scope } from "./jurisdiction.js";

export async function organisationInJurisdiction(scope: Scope, organisationId: string): Promise<boolean> {
  if (!hasJurisdiction(scope.principal)) return false;
  await ensureJurisdiction(scope);
  const rows = await scope.db.$queryRaw<{ ok: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM "Organisation" o
      WHERE o.id = ${organisationId}::uuid AND ${organisationVisibleSql(scope, "o")}) AS ok`;
  return rows[0]?.ok === true;
}
