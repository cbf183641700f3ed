// Merge two organisations into one, and undo it: the same audit as persons (a Merge row with
// entityType ORGANISATION, who, when, why, and a snapshot of everything that moved), so unmerge
// restores the organisation with its id, columns, sources, members and events. The survivor takes
// the merged one's valid credit code, area and address when it had none, and gives them back.
import { z } from "zod";
import type { Tx } from "../../prisma/db.js";
import { CHANGE_CHANNEL, type Change } from "../change-bus.js";
import { recomputeOrganisations } from "./canonical.js";
import { ResolutionError } from "./merge.js";

/** The tables tying an organisation to other elements, keyed by "organisationId". */
const ORGANISATION_RELATIONS = ["PersonOrganisation", "EventOrganisation"] as const;
type Relation = (typeof ORGANISATION_RELATIONS)[number];

const rows = z.array(z.record(z.string(), z.unknown()));
const byRelation = z.object({ PersonOrganisation: rows, EventOrganisation: rows });

/** Columns of the survivor a merge may fill from the merged organisation. */
const TAKEN = ["uscc", "usccValid", "areaId", "addressId"] as const;

export const organisationMergeSnapshotSchema = z.object({
  /** The merged organisation's row, as to_jsonb wrote it. */
  organisation: z.record(z.string(), z.unknown()),
  sources: z.array(z.object({ sourceRecordId: z.string(), ref: z.string() })),
  relations: byRelation,
  /** Relation rows the survivor gained (it did not have them before). */
  gained: byRelation,
  /** The survivor's row as it was before (restored by unmerge, then its values chosen again). */
  survivorBefore: z.record(z.string(), z.unknown()),
});
export type OrganisationMergeSnapshot = z.infer<typeof organisationMergeSnapshotSchema>;

export interface OrganisationMergeInput {
  survivorId: string;
  mergedId: string;
  actor: string;
  reason: string;
  method: "MANUAL" | "REVIEW" | "AUTOMATIC";
  score?: number | null;
}

type Row = Record<string, unknown> & { id: string };

async function publish(tx: Tx, changes: Change[]): Promise<void> {
  await tx.$executeRawUnsafe(
    "SELECT pg_notify($1, c) FROM unnest($2::text[]) AS c",
    CHANGE_CHANNEL,
    changes.map((c) => JSON.stringify(c)),
  );
}

const change = (id: string, kind: Change["kind"]): Change => ({
  topic: "ORGANISATION",
  kind,
  id,
  areaPath: null,
  at: new Date().toISOString(),
});

async function insertRelationRows(tx: Tx, table: Relation, organisationId: string, list: readonly unknown[]) {
  if (list.length === 0) return [];
  return tx.$queryRawUnsafe<{ row: Record<string, unknown> }[]>(
    `INSERT INTO "${table}" SELECT (jsonb_populate_record(NULL::"${table}", r || jsonb_build_object('organisationId', $2::text))).*
     FROM jsonb_array_elements($1::jsonb) AS r
     ON CONFLICT DO NOTHING RETURNING to_jsonb("${table}") - 'organisationId' AS row`,
    JSON.stringify(list),
    organisationId,
  );
}

/** Fold `mergedId` into `survivorId`. Returns the Merge row's id. */
export async function mergeOrganisations(tx: Tx, input: OrganisationMergeInput): Promise<string> {
  const { survivorId, mergedId } = input;
  if (survivorId === mergedId)
    throw new ResolutionError("MERGE_CONFLICT", `organisation ${survivorId} cannot be merged into itself`);
  const locked = new Map(
    (
      await tx.$queryRawUnsafe<{ id: string; row: Row }[]>(
        `SELECT id::text, to_jsonb(o) AS row FROM "Organisation" o WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
        [survivorId, mergedId],
      )
    ).map((r) => [r.id, r.row]),
  );
  const survivor = locked.get(survivorId);
  const merged = locked.get(mergedId);
  if (!survivor)
    throw new ResolutionError("NOT_FOUND", `organisation ${survivorId} does not exist (merged away?)`);
  if (!merged)
    throw new ResolutionError("NOT_FOUND", `organisation ${mergedId} does not exist (merged away?)`);
  if (survivor.uscc && merged.uscc && survivor.uscc !== merged.uscc)
    throw new ResolutionError(
      "MERGE_CONFLICT",
      `organisations ${survivorId} and ${mergedId} have two different valid credit codes: they are two organisations`,
    );
  const sources = await tx.$queryRawUnsafe<{ sourceRecordId: string; ref: string }[]>(
    `SELECT "sourceRecordId"::text AS "sourceRecordId", ref FROM "EntitySource"
     WHERE "entityType" = 'ORGANISATION' AND "entityId" = $1::uuid ORDER BY 1, 2`,
    mergedId,
  );
  const relations = {
    PersonOrganisation: [],
    EventOrganisation: [],
  } as OrganisationMergeSnapshot["relations"];
  const gained = { PersonOrganisation: [], EventOrganisation: [] } as OrganisationMergeSnapshot["gained"];
  for (const table of ORGANISATION_RELATIONS) {
    relations[table] = (
      await tx.$queryRawUnsafe<{ row: Record<string, unknown> }[]>(
        `SELECT to_jsonb(t) - 'organisationId' AS row FROM "${table}" t WHERE t."organisationId" = $1::uuid ORDER BY 1`,
        mergedId,
      )
    ).map((r) => r.row);
    gained[table] = (await insertRelationRows(tx, table, survivorId, relations[table])).map((r) => r.row);
  }
  await tx.$executeRawUnsafe(
    `UPDATE "EntitySource" SET "entityId" = $1::uuid WHERE "entityType" = 'ORGANISATION' AND "entityId" = $2::uuid`,
    survivorId,
    mergedId,
  );
  // what the survivor lacks, it takes (the credit code after the merged row is gone: it is unique)
  const take = TAKEN.filter((c) => (survivor[c] === null || survivor[c] === false) && merged[c] !== null);
  const snapshot: OrganisationMergeSnapshot = {
    organisation: merged,
    sources,
    relations,
    gained,
    survivorBefore: survivor,
  };
  const [row] = await tx.$queryRawUnsafe<{ id: string }[]>(
    `INSERT INTO "Merge" (id, "entityType", "survivorId", "mergedId", method, score, reason, actor, snapshot)
     VALUES (gen_random_uuid(), 'ORGANISATION', $1::uuid, $2::uuid, $3, $4, $5, $6, $7::jsonb) RETURNING id::text`,
    survivorId,
    mergedId,
    input.method,
    input.score ?? null,
    input.reason,
    input.actor,
    JSON.stringify(snapshot),
  );
  // a review pair this merge settles is MERGED; the merged one's other open pairs are gone with it
  // (the resolution pass proposes the survivor's again if they still stand)
  await tx.$executeRawUnsafe(
    `UPDATE "MatchCandidate" SET status = 'MERGED', "decidedAt" = now(), "decidedBy" = $3, "mergeId" = $4::uuid
     WHERE "entityType" = 'ORGANISATION' AND status = 'OPEN'
       AND (("entityId" = $1::uuid AND "candidateId" = $2::uuid) OR ("entityId" = $2::uuid AND "candidateId" = $1::uuid))`,
    survivorId,
    mergedId,
    input.actor,
    row!.id,
  );
  await tx.$executeRawUnsafe(
    `DELETE FROM "MatchCandidate" WHERE "entityType" = 'ORGANISATION' AND status = 'OPEN'
       AND ("entityId" = $1::uuid OR "candidateId" = $1::uuid)`,
    mergedId,
  );
  await tx.$executeRawUnsafe(`DELETE FROM "Organisation" WHERE id = $1::uuid`, mergedId);
  if (take.length > 0)
    await tx.$executeRawUnsafe(
      `UPDATE "Organisation" t SET ${take.map((c) => `"${c}" = m."${c}"`).join(", ")}, "updatedAt" = now()
       FROM jsonb_populate_record(NULL::"Organisation", $2::jsonb) AS m WHERE t.id = $1::uuid`,
      survivorId,
      JSON.stringify(merged),
    );
  await recomputeOrganisations(tx, [survivorId]);
  await publish(tx, [change(survivorId, "UPDATED"), change(mergedId, "DELETED")]);
  return row!.id;
}

/** Undo an organisation merge: the merged organisation comes back with its id, sources and relations. */
export async function unmergeOrganisations(
  tx: Tx,
  input: { mergeId: string; actor: string; reason: string },
): Promise<{ survivorId: string; mergedId: string }> {
  const [merge] = await tx.$queryRawUnsafe<
    { survivorId: string; mergedId: string; snapshot: unknown; undoneAt: Date | null }[]
  >(
    `SELECT "survivorId"::text AS "survivorId", "mergedId"::text AS "mergedId", snapshot, "undoneAt"
     FROM "Merge" WHERE id = $1::uuid AND "entityType" = 'ORGANISATION' FOR UPDATE`,
    input.mergeId,
  );
  if (!merge) throw new ResolutionError("NOT_FOUND", `organisation merge ${input.mergeId} does not exist`);
  if (merge.undoneAt)
    throw new ResolutionError("NOT_REVERSIBLE", `merge ${input.mergeId} was already undone`);
  const [survivor] = await tx.$queryRawUnsafe<{ id: string }[]>(
    `SELECT id::text FROM "Organisation" WHERE id = $1::uuid FOR UPDATE`,
    merge.survivorId,
  );
  if (!survivor)
    throw new ResolutionError(
      "NOT_REVERSIBLE",
      `organisation ${merge.survivorId} was itself merged away after merge ${input.mergeId}: undo that merge first`,
    );
  const s = organisationMergeSnapshotSchema.parse(merge.snapshot);
  // the survivor is as it was: what it took given back (the credit code first: it is unique)
  const columns = Object.keys(s.survivorBefore).filter(
    (c) => /^[A-Za-z]+$/.test(c) && c !== "id" && c !== "createdAt" && c !== "updatedAt",
  );
  await tx.$executeRawUnsafe(
    `UPDATE "Organisation" t SET ${columns.map((c) => `"${c}" = b."${c}"`).join(", ")}, "updatedAt" = now()
     FROM jsonb_populate_record(NULL::"Organisation", $2::jsonb) AS b WHERE t.id = $1::uuid`,
    merge.survivorId,
    JSON.stringify(s.survivorBefore),
  );
  await tx.$executeRawUnsafe(
    `INSERT INTO "Organisation" SELECT (jsonb_populate_record(NULL::"Organisation", $1::jsonb)).*`,
    JSON.stringify(s.organisation),
  );
  // its sources come back, with later versions of the same source elements
  await tx.$executeRawUnsafe(
    `UPDATE "EntitySource" es SET "entityId" = $1::uuid FROM "SourceRecord" sr
     WHERE es."sourceRecordId" = sr.id AND es."entityType" = 'ORGANISATION' AND es."entityId" = $2::uuid
       AND (sr."connectorId", sr."sourceKey", es.ref) IN (
         SELECT s2."connectorId", s2."sourceKey", u.ref
         FROM unnest($3::uuid[], $4::text[]) AS u(rid, ref) JOIN "SourceRecord" s2 ON s2.id = u.rid)`,
    merge.mergedId,
    merge.survivorId,
    s.sources.map((x) => x.sourceRecordId),
    s.sources.map((x) => x.ref),
  );
  for (const table of ORGANISATION_RELATIONS) {
    await insertRelationRows(tx, table, merge.mergedId, s.relations[table]);
    if (s.gained[table].length > 0)
      await tx.$executeRawUnsafe(
        `DELETE FROM "${table}" t USING jsonb_array_elements($2::jsonb) AS r
         WHERE t."organisationId" = $1::uuid AND to_jsonb(t) - 'organisationId' = r`,
        merge.survivorId,
        JSON.stringify(s.gained[table]),
      );
  }
  await tx.$executeRawUnsafe(
    `UPDATE "Merge" SET "undoneAt" = now(), "undoneBy" = $2, "undoReason" = $3 WHERE id = $1::uuid`,
    input.mergeId,
    input.actor,
    input.reason,
  );
  // a review pair this merge settled is open again
  await tx.$executeRawUnsafe(
    `UPDATE "MatchCandidate" SET status = 'OPEN', "decidedAt" = NULL, "decidedBy" = NULL, "mergeId" = NULL
     WHERE "mergeId" = $1::uuid`,
    input.mergeId,
  );
  await recomputeOrganisations(tx, [merge.survivorId, merge.mergedId]);
  await publish(tx, [change(merge.survivorId, "UPDATED"), change(merge.mergedId, "CREATED")]);
  return { survivorId: merge.survivorId, mergedId: merge.mergedId };
}
