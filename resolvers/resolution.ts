// Data access for entity resolution: per-attribute provenance, the review queue within the
// steward's jurisdiction, and the merge trail.
import DataLoader from "dataloader";
import type { Principal } from "../domain/principal.js";
import {
  type AttributeExplanation,
  explainAttributes,
  ORGANISATION_ATTRIBUTE_RULES,
  PERSON_ATTRIBUTE_RULES,
} from "../domain/resolution/source-priority.js";
import type { Person } from "../generated/prisma/client.js";
import { claimsByAttribute, currentClaims, type SourcedClaim } from "../integration/resolution/canonical.js";
import type { Db } from "../prisma/db.js";

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
  return { personAttributes: explain("PERSON"), organisationAttributes: explain("ORGANISATION"), personById };
}

/** SQL: the person is tied (address or event) to an area inside one of the jurisdiction codes. */
const PERSON_IN_JURISDICTION = (person: string, codes: string) => `(
  EXISTS (SELECT 1 FROM "PersonAddress" pa JOIN "Address" ad ON ad.id = pa."addressId"
          JOIN "AreaClosure" c ON c."descendantId" = ad."areaId" JOIN "Area" j ON j.id = c."ancestorId"
          WHERE pa."personId" = ${person} AND j.code = ANY(${codes}))
  OR EXISTS (SELECT 1 FROM "EventPerson" ep JOIN "Event" e ON e.id = ep."eventId"
          JOIN "AreaClosure" c ON c."descendantId" = e."areaId" JOIN "Area" j ON j.id = c."ancestorId"
          WHERE ep."personId" = ${person} AND j.code = ANY(${codes}))
  OR EXISTS (SELECT 1 FROM "PersonPost" pp
          JOIN "AreaClosure" c ON c."descendantId" = pp."areaId" JOIN "Area" j ON j.id = c."ancestorId"
          WHERE pp."personId" = ${person} AND j.code = ANY(${codes})))`;

/** Review-queue pair ids the principal may work on (the new person is in its jurisdiction). */
export async function reviewQueueIds(
  db: Db,
  principal: Principal,
  status: "OPEN" | "MERGED" | "DISTINCT",
  offset: number,
  limit: number,
): Promise<{ ids: string[]; total: number }> {
  if (!principal.authenticated || principal.jurisdiction.length === 0) return { ids: [], total: 0 };
  const where = `m."entityType" = 'PERSON' AND m.status = $1::"MatchStatus" AND ${PERSON_IN_JURISDICTION('m."entityId"', "$2::text[]")}`;
  const [rows, count] = await Promise.all([
    db.$queryRawUnsafe<{ id: string }[]>(
      `SELECT m.id::text FROM "MatchCandidate" m WHERE ${where}
       ORDER BY m.score DESC, m."createdAt", m.id OFFSET $3 LIMIT $4`,
      status,
      [...principal.jurisdiction],
      offset,
      limit,
    ),
    db.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM "MatchCandidate" m WHERE ${where}`,
      status,
      [...principal.jurisdiction],
    ),
  ]);
  return { ids: rows.map((r) => r.id), total: Number(count[0]?.n ?? 0) };
}

/** Is the person (by id) tied to the principal's jurisdiction? */
export async function personInJurisdiction(db: Db, principal: Principal, personId: string): Promise<boolean> {
  if (!principal.authenticated || principal.jurisdiction.length === 0) return false;
  const rows = await db.$queryRawUnsafe<{ ok: boolean }[]>(
    `SELECT ${PERSON_IN_JURISDICTION("$1::uuid", "$2::text[]")} AS ok`,
    personId,
    [...principal.jurisdiction],
  );
  return rows[0]?.ok === true;
}
