// Merge two persons into one, and undo it. A merge moves every source link and relation of the
// merged person to the survivor and records exactly what it moved (Merge.snapshot), so unmerge
// puts back the same person with the same id, its sources and its relations; both are audited
// with who, when and why. Canonical values are chosen again afterwards for both.
import { z } from "zod";
import type { Tx } from "../../prisma/db.js";
import { CHANGE_CHANNEL, type Change } from "../change-bus.js";
import { recomputePersons } from "./canonical.js";

/** Why a merge or unmerge cannot be done: stable codes, the message names the record. */
export class ResolutionError extends Error {
  constructor(
    readonly code: "NOT_FOUND" | "MERGE_CONFLICT" | "NOT_REVERSIBLE",
    message: string,
  ) {
    super(message);
  }
}

const personRowSchema = z.object({
  id: z.string(),
  citizenId: z.string().nullable(),
  citizenIdValid: z.boolean(),
  name: z.string(),
  namePinyin: z.string().nullable(),
  sex: z.enum(["MALE", "FEMALE", "UNKNOWN"]),
  birthDate: z.string().nullable(),
  ethnicity: z.string().nullable(),
  phone: z.string().nullable(),
  createdAt: z.string(),
});

/**
 * The tables that tie a person to other elements, each keyed by "personId" and the columns that
 * name the other side. A merge moves their rows to the survivor, and unmerge moves them back;
 * a table added here is carried along with no other change.
 */
const PERSON_RELATIONS = ["PersonAddress", "PersonOrganisation", "EventPerson", "PersonPost"] as const;
type Relation = (typeof PERSON_RELATIONS)[number];

/** A relation row without its "personId", as PostgreSQL's to_jsonb writes it. */
const relationRows = z.array(z.record(z.string(), z.unknown()));
const byRelation = z.object(
  Object.fromEntries(PERSON_RELATIONS.map((r) => [r, relationRows])) as Record<Relation, typeof relationRows>,
);

/** What a merge moved, enough to put it all back. */
export const mergeSnapshotSchema = z.object({
  person: personRowSchema,
  sources: z.array(z.object({ sourceRecordId: z.string(), ref: z.string() })),
  /** The merged person's relation rows. */
  relations: byRelation,
  /** Relation rows the survivor gained through the merge (it did not have them before). */
  gained: byRelation,
});
export type MergeSnapshot = z.infer<typeof mergeSnapshotSchema>;

export interface MergeInput {
  survivorId: string;
  mergedId: string;
  actor: string;
  reason: string;
  method: "MANUAL" | "REVIEW";
  score?: number | null;
}

async function personRow(tx: Tx, id: string) {
  const rows = await tx.$queryRawUnsafe<unknown[]>(
    `SELECT id::text, "citizenId", "citizenIdValid", name, "namePinyin", sex::text AS sex,
            to_char("birthDate", 'YYYY-MM-DD') AS "birthDate", ethnicity, phone,
            to_char("createdAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"
     FROM "Person" WHERE id = $1::uuid FOR UPDATE`,
    id,
  );
  return rows[0] ? personRowSchema.parse(rows[0]) : null;
}

async function publish(tx: Tx, changes: Change[]): Promise<void> {
  await tx.$executeRawUnsafe(
    "SELECT pg_notify($1, c) FROM unnest($2::text[]) AS c",
    CHANGE_CHANNEL,
    changes.map((c) => JSON.stringify(c)),
  );
}

const personChange = (id: string, kind: Change["kind"]): Change => ({
  topic: "PERSON",
  kind,
  id,
  areaPath: null,
  at: new Date().toISOString(),
});

/** A person's rows of one relation table, without "personId". */
function relationRowsOf(tx: Tx, table: Relation, personId: string) {
  return tx
    .$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT to_jsonb(t) - 'personId' AS row FROM "${table}" t WHERE t."personId" = $1::uuid`,
      personId,
    )
    .then((rows) => rows.map((r) => r.row as Record<string, unknown>));
}

/** Give a person these relation rows; returns the ones it did not already have. */
async function insertRelationRows(
  tx: Tx,
  table: Relation,
  personId: string,
  rows: readonly Record<string, unknown>[],
): Promise<Record<string, unknown>[]> {
  if (rows.length === 0) return [];
  const added = await tx.$queryRawUnsafe<{ row: Record<string, unknown> }[]>(
    `INSERT INTO "${table}" SELECT (jsonb_populate_record(NULL::"${table}", r || jsonb_build_object('personId', $1::text))).*
     FROM jsonb_array_elements($2::jsonb) AS r ON CONFLICT DO NOTHING RETURNING to_jsonb("${table}") - 'personId' AS row`,
    personId,
    JSON.stringify(rows),
  );
  return added.map((a) => a.row);
}

/** Take relation rows away from a person (the ones a merge gave it). */
async function deleteRelationRows(
  tx: Tx,
  table: Relation,
  personId: string,
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) return;
  await tx.$executeRawUnsafe(
    `DELETE FROM "${table}" t USING jsonb_array_elements($2::jsonb) AS r
     WHERE t."personId" = $1::uuid AND to_jsonb(t) - 'personId' = r`,
    personId,
    JSON.stringify(rows),
  );
}

/** Fold `mergedId` into `survivorId`. Returns the Merge row's id. */
export async function mergePersons(tx: Tx, input: MergeInput): Promise<string> {
  const { survivorId, mergedId } = input;
  if (survivorId === mergedId)
    throw new ResolutionError("MERGE_CONFLICT", `person ${survivorId} cannot be merged into itself`);
  // Lock in id order so two stewards merging the same pair cannot deadlock.
  const [first, second] = [survivorId, mergedId].sort();
  const locked = new Map([
    [first!, await personRow(tx, first!)],
    [second!, await personRow(tx, second!)],
  ]);
  const survivor = locked.get(survivorId);
  const merged = locked.get(mergedId);
  if (!survivor) throw new ResolutionError("NOT_FOUND", `person ${survivorId} does not exist (merged away?)`);
  if (!merged) throw new ResolutionError("NOT_FOUND", `person ${mergedId} does not exist (merged away?)`);
  if (survivor.citizenId && merged.citizenId && survivor.citizenId !== merged.citizenId)
    throw new ResolutionError(
      "MERGE_CONFLICT",
      `persons ${survivorId} and ${mergedId} have two different valid citizen IDs: they are two people`,
    );

  const sources = await tx.$queryRawUnsafe<{ sourceRecordId: string; ref: string }[]>(
    `SELECT "sourceRecordId"::text AS "sourceRecordId", ref FROM "EntitySource"
     WHERE "entityType" = 'PERSON' AND "entityId" = $1::uuid ORDER BY 1, 2`,
    mergedId,
  );
  // The survivor takes the relations it lacks; RETURNING says which ones it gained.
  const relations = {} as MergeSnapshot["relations"];
  const gained = {} as MergeSnapshot["gained"];
  for (const table of PERSON_RELATIONS) {
    relations[table] = await relationRowsOf(tx, table, mergedId);
    gained[table] = await insertRelationRows(tx, table, survivorId, relations[table]);
  }
  await tx.$executeRawUnsafe(
    `UPDATE "EntitySource" SET "entityId" = $1::uuid WHERE "entityType" = 'PERSON' AND "entityId" = $2::uuid`,
    survivorId,
    mergedId,
  );
  // Review pairs about the merged person now concern the survivor (or are settled by this merge).
  await tx.$executeRawUnsafe(
    `DELETE FROM "MatchCandidate" m WHERE m."entityType" = 'PERSON' AND m.status = 'OPEN'
       AND ((m."entityId" = $2::uuid AND m."candidateId" <> $1::uuid) OR (m."candidateId" = $2::uuid AND m."entityId" <> $1::uuid))
       AND EXISTS (SELECT 1 FROM "MatchCandidate" o WHERE o."entityType" = 'PERSON'
         AND o."entityId" = CASE WHEN m."entityId" = $2::uuid THEN $1::uuid ELSE m."entityId" END
         AND o."candidateId" = CASE WHEN m."candidateId" = $2::uuid THEN $1::uuid ELSE m."candidateId" END)`,
    survivorId,
    mergedId,
  );
  await tx.$executeRawUnsafe(`DELETE FROM "Person" WHERE id = $1::uuid`, mergedId);

  const snapshot: MergeSnapshot = {
    person: merged,
    sources,
    relations,
    gained,
  };
  const [row] = await tx.$queryRawUnsafe<{ id: string }[]>(
    `INSERT INTO "Merge" (id, "entityType", "survivorId", "mergedId", method, score, reason, actor, snapshot)
     VALUES (gen_random_uuid(), 'PERSON', $1::uuid, $2::uuid, $3, $4, $5, $6, $7::jsonb) RETURNING id::text`,
    survivorId,
    mergedId,
    input.method,
    input.score ?? null,
    input.reason,
    input.actor,
    JSON.stringify(snapshot),
  );
  await tx.$executeRawUnsafe(
    `UPDATE "MatchCandidate" SET status = 'MERGED', "decidedAt" = now(), "decidedBy" = $3, "mergeId" = $4::uuid
     WHERE "entityType" = 'PERSON' AND status = 'OPEN'
       AND (("entityId" = $1::uuid AND "candidateId" = $2::uuid) OR ("entityId" = $2::uuid AND "candidateId" = $1::uuid))`,
    survivorId,
    mergedId,
    input.actor,
    row!.id,
  );
  await tx.$executeRawUnsafe(
    `UPDATE "MatchCandidate" SET "entityId" = CASE WHEN "entityId" = $2::uuid THEN $1::uuid ELSE "entityId" END,
       "candidateId" = CASE WHEN "candidateId" = $2::uuid THEN $1::uuid ELSE "candidateId" END
     WHERE "entityType" = 'PERSON' AND status = 'OPEN' AND ("entityId" = $2::uuid OR "candidateId" = $2::uuid)`,
    survivorId,
    mergedId,
  );
  await recomputePersons(tx, [survivorId]);
  await publish(tx, [personChange(survivorId, "UPDATED"), personChange(mergedId, "DELETED")]);
  return row!.id;
}

/** Undo a merge: the merged person comes back with its id, sources and relations. */
export async function unmergePersons(
  tx: Tx,
  input: { mergeId: string; actor: string; reason: string },
): Promise<{ survivorId: string; mergedId: string }> {
  const merges = await tx.$queryRawUnsafe<
    { survivorId: string; mergedId: string; snapshot: unknown; undoneAt: Date | null }[]
  >(
    `SELECT "survivorId"::text AS "survivorId", "mergedId"::text AS "mergedId", snapshot, "undoneAt"
     FROM "Merge" WHERE id = $1::uuid FOR UPDATE`,
    input.mergeId,
  );
  const merge = merges[0];
  if (!merge) throw new ResolutionError("NOT_FOUND", `merge ${input.mergeId} does not exist`);
  if (merge.undoneAt)
    throw new ResolutionError("NOT_REVERSIBLE", `merge ${input.mergeId} was already undone`);
  if (!(await personRow(tx, merge.survivorId)))
    throw new ResolutionError(
      "NOT_REVERSIBLE",
      `person ${merge.survivorId} was itself merged away after merge ${input.mergeId}: undo that merge first`,
    );
  const s = mergeSnapshotSchema.parse(merge.snapshot);
  const p = s.person;
  await tx.$executeRawUnsafe(
    `INSERT INTO "Person" (id, "citizenId", "citizenIdValid", name, "namePinyin", sex, "birthDate", ethnicity, phone, "createdAt", "updatedAt")
     VALUES ($1::uuid, $2, $3, $4, $5, $6::"Sex", $7::date, $8, $9, $10::timestamp(3), now())`,
    p.id,
    null, // the ID comes back after the survivor gives it up (unique), below
    p.citizenIdValid,
    p.name,
    p.namePinyin,
    p.sex,
    p.birthDate,
    p.ethnicity,
    p.phone,
    p.createdAt,
  );
  if (p.citizenId) {
    await tx.$executeRawUnsafe(
      `UPDATE "Person" SET "citizenId" = NULL, "citizenIdValid" = false WHERE id = $1::uuid AND "citizenId" = $2`,
      merge.survivorId,
      p.citizenId,
    );
    await tx.$executeRawUnsafe(`UPDATE "Person" SET "citizenId" = $2 WHERE id = $1::uuid`, p.id, p.citizenId);
  }
  // Its sources come back, with any later versions of the same source elements.
  await tx.$executeRawUnsafe(
    `UPDATE "EntitySource" es SET "entityId" = $1::uuid FROM "SourceRecord" sr
     WHERE es."sourceRecordId" = sr.id AND es."entityType" = 'PERSON' AND es."entityId" = $2::uuid
       AND (sr."connectorId", sr."sourceKey", es.ref) IN (
         SELECT s2."connectorId", s2."sourceKey", u.ref
         FROM unnest($3::uuid[], $4::text[]) AS u(rid, ref) JOIN "SourceRecord" s2 ON s2.id = u.rid)`,
    p.id,
    merge.survivorId,
    s.sources.map((x) => x.sourceRecordId),
    s.sources.map((x) => x.ref),
  );
  // Its relations come back; what the survivor had only through the merge goes back with it.
  for (const table of PERSON_RELATIONS) {
    await insertRelationRows(tx, table, p.id, s.relations[table]);
    await deleteRelationRows(tx, table, merge.survivorId, s.gained[table]);
  }
  await tx.$executeRawUnsafe(
    `UPDATE "Merge" SET "undoneAt" = now(), "undoneBy" = $2, "undoReason" = $3 WHERE id = $1::uuid`,
    input.mergeId,
    input.actor,
    input.reason,
  );
  // A review pair settled by this merge is open again.
  await tx.$executeRawUnsafe(
    `UPDATE "MatchCandidate" SET status = 'OPEN', "decidedAt" = NULL, "decidedBy" = NULL, "mergeId" = NULL
     WHERE "mergeId" = $1::uuid`,
    input.mergeId,
  );
  await recomputePersons(tx, [merge.survivorId, p.id]);
  await publish(tx, [personChange(merge.survivorId, "UPDATED"), personChange(p.id, "CREATED")]);
  return { survivorId: merge.survivorId, mergedId: p.id };
}

/** A steward's verdict that a review pair are two people: kept apart, not proposed again. */
export async function markDistinct(tx: Tx, input: { candidateId: string; actor: string }): Promise<void> {
  const n = await tx.$executeRawUnsafe(
    `UPDATE "MatchCandidate" SET status = 'DISTINCT', "decidedAt" = now(), "decidedBy" = $2
     WHERE id = $1::uuid AND status = 'OPEN'`,
    input.candidateId,
    input.actor,
  );
  if (n === 0) throw new ResolutionError("NOT_FOUND", `review pair ${input.candidateId} is not open`);
}
