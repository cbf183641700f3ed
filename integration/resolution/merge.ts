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
  /** The merged person's source links, with how they were linked before (restored on unmerge). */
  sources: z.array(
    z.object({
      sourceRecordId: z.string(),
      ref: z.string(),
      method: z.string().optional(),
      score: z.number().nullable().optional(),
      reasons: z.unknown().optional(),
    }),
  ),
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
  /** MANUAL (a steward), REVIEW (a review pair accepted), AUTOMATIC (the resolution pass). */
  method: "MANUAL" | "REVIEW" | "AUTOMATIC";
  score?: number | null;
  /** How the merged person's source links count from now on (the pass records its own match). */
  link?: { method: string; score: number; reasons: unknown };
}

const PERSON_COLUMNS = `id::text, "citizenId", "citizenIdValid", name, "namePinyin", sex::text AS sex,
  to_char("birthDate", 'YYYY-MM-DD') AS "birthDate", ethnicity, phone,
  to_char("createdAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"`;

async function personRow(tx: Tx, id: string) {
  const rows = await tx.$queryRawUnsafe<unknown[]>(
    `SELECT ${PERSON_COLUMNS} FROM "Person" WHERE id = $1::uuid FOR UPDATE`,
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

type RelationRow = Record<string, unknown>;

/** Give persons relation rows ({ personId, row }); returns the ones each did not already have. */
async function insertRelationRows(
  tx: Tx,
  table: Relation,
  rows: readonly { personId: string; row: RelationRow }[],
): Promise<{ personId: string; row: RelationRow }[]> {
  if (rows.length === 0) return [];
  return tx.$queryRawUnsafe<{ personId: string; row: RelationRow }[]>(
    `INSERT INTO "${table}" SELECT (jsonb_populate_record(NULL::"${table}", r.row || jsonb_build_object('personId', r."personId"))).*
     FROM jsonb_to_recordset($1::jsonb) AS r("personId" text, row jsonb)
     ON CONFLICT DO NOTHING RETURNING "personId"::text AS "personId", to_jsonb("${table}") - 'personId' AS row`,
    JSON.stringify(rows),
  );
}

/** Take relation rows away from a person (the ones a merge gave it). */
async function deleteRelationRows(
  tx: Tx,
  table: Relation,
  personId: string,
  rows: readonly RelationRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await tx.$executeRawUnsafe(
    `DELETE FROM "${table}" t USING jsonb_array_elements($2::jsonb) AS r
     WHERE t."personId" = $1::uuid AND to_jsonb(t) - 'personId' = r`,
    personId,
    JSON.stringify(rows),
  );
}

const groupBy = <T>(rows: readonly T[], key: (r: T) => string) => {
  const out = new Map<string, T[]>();
  for (const r of rows) out.set(key(r), [...(out.get(key(r)) ?? []), r]);
  return out;
};

/** Fold `mergedId` into `survivorId`. Returns the Merge row's id. */
export async function mergePersons(tx: Tx, input: MergeInput): Promise<string> {
  return (await mergePersonsMany(tx, [input]))[0]!;
}

/**
 * Many merges in a handful of statements (the resolution pass makes thousands): every merged
 * person's links and relations move to its survivor, each merge audited with its own snapshot.
 * A survivor taking several persons takes them in successive rounds, so that each snapshot says
 * exactly what that merge gave it. Returns the Merge rows' ids, in the order of `inputs`.
 */
export async function mergePersonsMany(tx: Tx, inputs: readonly MergeInput[]): Promise<string[]> {
  const merged = new Set<string>();
  for (const { survivorId, mergedId } of inputs) {
    if (survivorId === mergedId)
      throw new ResolutionError("MERGE_CONFLICT", `person ${survivorId} cannot be merged into itself`);
    if (merged.has(mergedId))
      throw new ResolutionError("MERGE_CONFLICT", `person ${mergedId} is merged twice in one request`);
    merged.add(mergedId);
  }
  for (const { survivorId } of inputs)
    if (merged.has(survivorId))
      throw new ResolutionError("MERGE_CONFLICT", `person ${survivorId} is both merged away and a survivor`);
  // Lock in id order so that two stewards merging the same pair cannot deadlock.
  const ids = [...new Set(inputs.flatMap((i) => [i.survivorId, i.mergedId]))].sort();
  const locked = new Map(
    (
      await tx.$queryRawUnsafe<unknown[]>(
        `SELECT ${PERSON_COLUMNS} FROM "Person" WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
        ids,
      )
    ).map((r) => {
      const row = personRowSchema.parse(r);
      return [row.id, row] as const;
    }),
  );
  for (const { survivorId, mergedId } of inputs) {
    const survivor = locked.get(survivorId);
    const other = locked.get(mergedId);
    if (!survivor)
      throw new ResolutionError("NOT_FOUND", `person ${survivorId} does not exist (merged away?)`);
    if (!other) throw new ResolutionError("NOT_FOUND", `person ${mergedId} does not exist (merged away?)`);
    if (survivor.citizenId && other.citizenId && survivor.citizenId !== other.citizenId)
      throw new ResolutionError(
        "MERGE_CONFLICT",
        `persons ${survivorId} and ${mergedId} have two different valid citizen IDs: they are two people`,
      );
  }
  const mergeIds = new Map<string, string>();
  let pending = [...inputs];
  while (pending.length > 0) {
    const round: MergeInput[] = [];
    const later: MergeInput[] = [];
    const survivors = new Set<string>();
    for (const input of pending) {
      if (survivors.has(input.survivorId)) later.push(input);
      else {
        survivors.add(input.survivorId);
        round.push(input);
      }
    }
    for (const [mergedId, id] of await mergeRound(tx, round, locked)) mergeIds.set(mergedId, id);
    pending = later;
  }
  const survivors = [...new Set(inputs.map((i) => i.survivorId))];
  await recomputePersons(tx, survivors);
  await publish(tx, [
    ...survivors.map((id) => personChange(id, "UPDATED")),
    ...inputs.map((i) => personChange(i.mergedId, "DELETED")),
  ]);
  return inputs.map((i) => mergeIds.get(i.mergedId)!);
}

/** One round of merges, no survivor twice; returns merged id → Merge id. */
async function mergeRound(
  tx: Tx,
  round: readonly MergeInput[],
  locked: ReadonlyMap<string, z.infer<typeof personRowSchema>>,
): Promise<Map<string, string>> {
  const mergedIds = round.map((i) => i.mergedId);
  const survivorOf = new Map(round.map((i) => [i.mergedId, i.survivorId]));
  const sources = groupBy(
    await tx.$queryRawUnsafe<
      {
        entityId: string;
        sourceRecordId: string;
        ref: string;
        method: string;
        score: number | null;
        reasons: unknown;
      }[]
    >(
      `SELECT "entityId"::text AS "entityId", "sourceRecordId"::text AS "sourceRecordId", ref, method, score, reasons
       FROM "EntitySource" WHERE "entityType" = 'PERSON' AND "entityId" = ANY($1::uuid[]) ORDER BY 1, 2, 3`,
      mergedIds,
    ),
    (s) => s.entityId,
  );
  // The survivors take the relations they lack; RETURNING says which ones each gained.
  const relations = new Map<Relation, Map<string, { personId: string; row: RelationRow }[]>>();
  const gained = new Map<Relation, Map<string, { personId: string; row: RelationRow }[]>>();
  for (const table of PERSON_RELATIONS) {
    const rows = await tx.$queryRawUnsafe<{ personId: string; row: RelationRow }[]>(
      `SELECT "personId"::text AS "personId", to_jsonb(t) - 'personId' AS row FROM "${table}" t
       WHERE t."personId" = ANY($1::uuid[]) ORDER BY 1`,
      mergedIds,
    );
    relations.set(
      table,
      groupBy(rows, (r) => r.personId),
    );
    const added = await insertRelationRows(
      tx,
      table,
      rows.map((r) => ({ personId: survivorOf.get(r.personId)!, row: r.row })),
    );
    gained.set(
      table,
      groupBy(added, (r) => r.personId),
    );
  }
  const mapping = JSON.stringify(
    round.map((i) => ({
      survivor: i.survivorId,
      merged: i.mergedId,
      method: i.link?.method ?? null,
      score: i.link?.score ?? null,
      reasons: i.link?.reasons ?? null,
    })),
  );
  await tx.$executeRawUnsafe(
    `UPDATE "EntitySource" es SET "entityId" = m.survivor,
       method = coalesce(m.method, es.method),
       score = CASE WHEN m.method IS NULL THEN es.score ELSE m.score END,
       reasons = CASE WHEN m.method IS NULL THEN es.reasons ELSE m.reasons END
     FROM jsonb_to_recordset($1::jsonb) AS m(survivor uuid, merged uuid, method text, score float8, reasons jsonb)
     WHERE es."entityType" = 'PERSON' AND es."entityId" = m.merged`,
    mapping,
  );
  const perTable = (m: Map<Relation, Map<string, { row: RelationRow }[]>>, personId: string) =>
    Object.fromEntries(
      PERSON_RELATIONS.map((t) => [t, (m.get(t)!.get(personId) ?? []).map((r) => r.row)]),
    ) as MergeSnapshot["relations"];
  const merges = round.map((i) => {
    const snapshot: MergeSnapshot = {
      person: locked.get(i.mergedId)!,
      sources: (sources.get(i.mergedId) ?? []).map(({ sourceRecordId, ref, method, score, reasons }) => ({
        sourceRecordId,
        ref,
        method,
        score,
        reasons,
      })),
      relations: perTable(relations, i.mergedId),
      gained: perTable(gained, i.survivorId),
    };
    return {
      survivor: i.survivorId,
      merged: i.mergedId,
      method: i.method,
      score: i.score ?? null,
      reason: i.reason,
      actor: i.actor,
      snapshot,
    };
  });
  const rows = await tx.$queryRawUnsafe<{ id: string; mergedId: string }[]>(
    `INSERT INTO "Merge" (id, "entityType", "survivorId", "mergedId", method, score, reason, actor, snapshot)
     SELECT gen_random_uuid(), 'PERSON', m.survivor, m.merged, m.method, m.score, m.reason, m.actor, m.snapshot
     FROM jsonb_to_recordset($1::jsonb)
       AS m(survivor uuid, merged uuid, method text, score float8, reason text, actor text, snapshot jsonb)
     RETURNING id::text, "mergedId"::text AS "mergedId"`,
    JSON.stringify(merges),
  );
  const mergeIdOf = new Map(rows.map((r) => [r.mergedId, r.id]));
  const pairs = JSON.stringify(
    round.map((i) => ({
      survivor: i.survivorId,
      merged: i.mergedId,
      actor: i.actor,
      merge: mergeIdOf.get(i.mergedId),
    })),
  );
  // A review pair this merge settles is MERGED; other open pairs about a merged person now
  // concern its survivor, unless that pair exists already (or would pair the survivor with itself).
  await tx.$executeRawUnsafe(
    `UPDATE "MatchCandidate" c SET status = 'MERGED', "decidedAt" = now(), "decidedBy" = m.actor, "mergeId" = m.merge
     FROM jsonb_to_recordset($1::jsonb) AS m(survivor uuid, merged uuid, actor text, merge uuid)
     WHERE c."entityType" = 'PERSON' AND c.status = 'OPEN'
       AND ((c."entityId" = m.survivor AND c."candidateId" = m.merged) OR (c."entityId" = m.merged AND c."candidateId" = m.survivor))`,
    pairs,
  );
  await tx.$executeRawUnsafe(
    `WITH m AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS m(survivor uuid, merged uuid)),
     moved AS (
       SELECT c.id, coalesce(me.survivor, c."entityId") AS e, coalesce(mc.survivor, c."candidateId") AS k
       FROM "MatchCandidate" c LEFT JOIN m me ON me.merged = c."entityId" LEFT JOIN m mc ON mc.merged = c."candidateId"
       WHERE c."entityType" = 'PERSON' AND c.status = 'OPEN' AND (me.merged IS NOT NULL OR mc.merged IS NOT NULL)),
     ranked AS (SELECT moved.*, row_number() OVER (PARTITION BY e, k ORDER BY id) AS n FROM moved),
     dropped AS (
       DELETE FROM "MatchCandidate" c USING ranked r WHERE c.id = r.id AND (r.e = r.k OR r.n > 1 OR EXISTS (
         SELECT 1 FROM "MatchCandidate" o WHERE o."entityType" = 'PERSON' AND o."entityId" = r.e
           AND o."candidateId" = r.k AND o.id NOT IN (SELECT id FROM moved)))
       RETURNING c.id)
     UPDATE "MatchCandidate" c SET "entityId" = r.e, "candidateId" = r.k FROM ranked r
     WHERE c.id = r.id AND c.id NOT IN (SELECT id FROM dropped)`,
    pairs,
  );
  await tx.$executeRawUnsafe(`DELETE FROM "Person" WHERE id = ANY($1::uuid[])`, mergedIds);
  return mergeIdOf;
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
  // Links the merge re-described (the resolution pass's) are described as they were before.
  const described = s.sources.filter((x) => x.method !== undefined);
  if (described.length > 0)
    await tx.$executeRawUnsafe(
      `UPDATE "EntitySource" es SET method = u.method, score = u.score, reasons = u.reasons
       FROM jsonb_to_recordset($1::jsonb) AS u("sourceRecordId" uuid, ref text, method text, score float8, reasons jsonb)
       WHERE es."sourceRecordId" = u."sourceRecordId" AND es.ref = u.ref AND es."entityId" = $2::uuid`,
      JSON.stringify(described.map((x) => ({ ...x, reasons: x.reasons ?? null }))),
      p.id,
    );
  // Its relations come back; what the survivor had only through the merge goes back with it.
  for (const table of PERSON_RELATIONS) {
    await insertRelationRows(
      tx,
      table,
      s.relations[table].map((row) => ({ personId: p.id, row })),
    );
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
