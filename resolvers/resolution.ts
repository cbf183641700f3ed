// Data access for entity resolution: per-attribute provenance, the review queue within the
// steward's jurisdiction, and the merge trail.
import DataLoader from "dataloader";
import {
  type AttributeExplanation,
  explainAttributes,
  ORGANISATION_ATTRIBUTE_RULES,
  PERSON_ATTRIBUTE_RULES,
} from "../domain/resolution/source-priority.js";
import { type Person, Prisma } from "../generated/prisma/client.js";
import { claimsByAttribute, currentClaims, type SourcedClaim } from "../integration/resolution/canonical.js";
import type { Db } from "../prisma/db.js";
import {
  ensureJurisdiction,
  hasJurisdiction,
  oneOfIdsSql,
  organisationVisibleSql,
  personVisibleSql,
  type Scope,
  sourceRecordInJurisdictionSql,
} from "./jurisdiction.js";

export type AttributeProvenanceShape = AttributeExplanation<SourcedClaim>;

export function createResolutionLoaders(db: Db) {
  const explain = (entityType: "PERSON" | "ORGANISATION") =>
    new DataLoader<string, AttributeProvenanceShape[]>(async (ids) => {
      const rows = await currentClaims(db, entityType, ids);
      const rules = entityType === "PERSON" ? PERSON_ATTRIBUTE_RULES : ORGANISATION_ATTRIBUTE_RULES;
      return ids.map((id) =>
        explainAttributes(rules, claimsByAttribute(rows.filter((r) => r.entityId === id))),
      );
    });
  /** Whole person rows by id (review pairs and merges point at persons by id). */
  const personById = new DataLoader<string, Person | null>(async (ids) => {
    const rows = await db.person.findMany({ where: { id: { in: [...ids] } } });
    const found = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => found.get(id) ?? null);
  });
  /**
   * The same, from the source records within the principal's jurisdiction only (a record that also
   * names an event or a home address outside it is left out, its claims with it): the request's scope.
   */
  const scoped = new Map<string, DataLoader<string, AttributeProvenanceShape[]>>();
  function attributesInJurisdiction(scope: Scope, entityType: "PERSON" | "ORGANISATION") {
    let loader = scoped.get(entityType);
    if (!loader) {
      loader = new DataLoader<string, AttributeProvenanceShape[]>(async (ids) => {
        if (!hasJurisdiction(scope.principal)) return ids.map(() => []);
        const [rows, hidden] = await Promise.all([
          currentClaims(db, entityType, ids),
          recordsOutsideJurisdiction(scope, ids),
        ]);
        const rules = entityType === "PERSON" ? PERSON_ATTRIBUTE_RULES : ORGANISATION_ATTRIBUTE_RULES;
        const shown = rows.filter((r) => !hidden.has(`${r.connectorId}\u0000${r.sourceKey}`));
        return ids.map((id) =>
          explainAttributes(rules, claimsByAttribute(shown.filter((r) => r.entityId === id))),
        );
      });
      scoped.set(entityType, loader);
    }
    return loader;
  }
  return {
    personAttributes: explain("PERSON"),
    organisationAttributes: explain("ORGANISATION"),
    attributesInJurisdiction,
    personById,
  };
}

/**
 * connectorId + NUL + sourceKey of the elements' source records outside jurisdiction (one element
 * as `= $1`: the named statement keeps a generic plan, see entitySourcesInJurisdiction).
 */
async function recordsOutsideJurisdiction(scope: Scope, ids: readonly string[]): Promise<Set<string>> {
  await ensureJurisdiction(scope);
  const rows = await scope.db.$queryRaw<{ connectorId: string; sourceKey: string }[]>(Prisma.sql`
    SELECT DISTINCT sr."connectorId", sr."sourceKey"
    FROM "EntitySource" es JOIN "SourceRecord" sr ON sr.id = es."sourceRecordId"
    WHERE ${oneOfIdsSql(Prisma.sql`es."entityId"`, ids)}
      AND NOT ${sourceRecordInJurisdictionSql(scope, Prisma.sql`sr.id`)}`);
  return new Set(rows.map((r) => `${r.connectorId}\u0000${r.sourceKey}`));
}

/** Review-queue pair ids the principal may work on (the new person is in its jurisdiction). */
export async function reviewQueueIds(
  scope: Scope,
  status: "OPEN" | "MERGED" | "DISTINCT",
  offset: number,
  limit: number,
): Promise<{ ids: string[]; total: number }> {
  if (!hasJurisdiction(scope.principal)) return { ids: [], total: 0 };
  // a person pair by its new person, an organisation pair by its organisation
  const where = Prisma.sql`m.status = ${status}::"MatchStatus" AND (
    (m."entityType" = 'PERSON' AND ${personVisibleSql(scope, Prisma.sql`m."entityId"`)})
    OR (m."entityType" = 'ORGANISATION' AND EXISTS (SELECT 1 FROM "Organisation" o
          WHERE o.id = m."entityId" AND ${organisationVisibleSql(scope, "o")})))`;
  const [rows, count] = await Promise.all([
    scope.db.$queryRaw<{ id: string }[]>`SELECT m.id::text FROM "MatchCandidate" m WHERE ${where}
      ORDER BY m.score DESC, m."createdAt", m.id OFFSET ${offset} LIMIT ${limit}`,
    scope.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "MatchCandidate" m WHERE ${where}`,
  ]);
  return { ids: rows.map((r) => r.id), total: Number(count[0]?.n ?? 0) };
}

/** Is the person (by id) tied to the principal's jurisdiction? The same rule as every read path. */
export async function personInJurisdiction(scope: Scope, personId: string): Promise<boolean> {
  if (!hasJurisdiction(scope.principal)) return false;
  const rows = await scope.db.$queryRaw<{ ok: boolean }[]>`
    SELECT ${personVisibleSql(scope, Prisma.sql`${personId}::uuid`)} AS ok`;
  return rows[0]?.ok === true;
}
