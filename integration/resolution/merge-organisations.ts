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
  return (await mergeOrganisationsMany(tx, [input]))[0]!;
}

/**
 * Many merges in a handful of statements (the resolution pass makes thousands): every merged
 * organisation's sources and relations move to its survivor, each merge audited with its own
 * snapshot. A survivor taking several organisations takes them in successive rounds, so that each
 * snapshot says exactly what that merge gave it. An organisation merged here is no survivor here.
 * Returns the Merge rows' ids, in the order of `inputs`.
 */
export async function mergeOrganisationsMany(
  tx: Tx,
  inputs: readonly OrganisationMergeInput[],
): Promise<string[]> {
  if (inputs.length === 0) return [];
  const merged = new Set<string>();
  for (const { survivorId, mergedId } of inputs) {
    if (survivorId === mergedId)
      throw new ResolutionError("MERGE_CONFLICT", `organisation ${survivorId} cannot be merged into itself`);
    if (merged.has(mergedId))
      throw new ResolutionError("MERGE_CONFLICT", `organisation ${mergedId} is merged twice`);
    merged.add(mergedId);
  }
  for (const { survivorId } of inputs)
    if (merged.has(survivorId))
      throw new ResolutionError(
        "MERGE_CONFLICT",
        `organisation ${survivorId} is merged away in the same step`,
      );
  const ids = [...new Set(inputs.flatMap((i) => [i.survivorId, i.mergedId]))].sort();
  const present = new Set(
    (
      await tx.$queryRawUnsafe<{ id: string }[]>(
        `SELECT id::text FROM "Organisation" WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
        ids,
      )
    ).map((r) => r.id),
  );
  for (const { survivorId, mergedId } of inputs) {
    if (!present.has(survivorId))
      throw new ResolutionError("NOT_FOUND", `organisation ${survivorId} does not exist (merged away?)`);
    if (!present.has(mergedId))
      throw new ResolutionError("NOT_FOUND", `organisation ${mergedId} does not exist (merged away?)`);
  }
  // each survivor at most once a round
  const rounds: OrganisationMergeInput[][] = [];
  const taken = new Map<string, number>();
  for (const input of inputs) {
    const n = taken.get(input.survivorId) ?? 0;
    taken.set(input.survivorId, n + 1);
    const list = rounds[n] ?? [];
    if (n === rounds.length) rounds.push(list);
    list.push(input);
  }
  const mergeIds = new Map<string, string>();
  for (const round of rounds) for (const [k, v] of await mergeRound(tx, round)) mergeIds.set(k, v);
  const survivors = [...new Set(inputs.map((i) => i.survivorId))];
  await recomputeOrganisations(tx, survivors);
  await publish(tx, [
    ...survivors.map((id) => change(id, "UPDATED")),
    ...inputs.map((i) => change(i.mergedId, "DELETED")),
  ]);
  return inputs.map((i) => mergeIds.get(i.mergedId)!);
}

/** One round: every survivor takes one merged organisation. Returns merged id → Merge id. */
async function mergeRound(tx: Tx, round: readonly OrganisationMergeInput[]): Promise<Map<string, string>> {
  const mergedIds = round.map((i) => i.mergedId);
  const rowOf = new Map(
    (
      await tx.$queryRawUnsafe<{ id: string; row: Row }[]>(
        `SELECT id::text, to_jsonb(o) AS row FROM "Organisation" o WHERE id = ANY($1::uuid[])`,
        round.flatMap((i) => [i.survivorId, i.mergedId]),
      )
    ).map((r) => [r.id, r.row]),
  );
  for (const { survivorId, mergedId } of round) {
    const survivor = rowOf.get(survivorId)!;
    const merged = rowOf.get(mergedId)!;
    if (survivor.uscc && merged.uscc && survivor.uscc !== merged.uscc)
      throw new ResolutionError(
        "MERGE_CONFLICT",
        `organisations ${survivorId} and ${mergedId} have two different valid credit codes: they are two organisations`,
      );
  }
  const survivorOf = new Map(round.map((i) => [i.mergedId, i.survivorId]));
  const mergedOf = new Map(round.map((i) => [i.survivorId, i.mergedId]));
  const sources = new Map<string, { sourceRecordId: string; ref: string }[]>(mergedIds.map((id) => [id, []]));
  for (const s of await tx.$queryRawUnsafe<{ org: string; sourceRecordId: string; ref: string }[]>(
    `SELECT "entityId"::text AS org, "sourceRecordId"::text AS "sourceRecordId", ref FROM "EntitySource"
     WHERE "entityType" = 'ORGANISATION' AND "entityId" = ANY($1::uuid[]) ORDER BY 1, 2, 3`,
    mergedIds,
  ))
    sources.get(s.org)!.push({ sourceRecordId: s.sourceRecordId, ref: s.ref });
  const empty = () =>
    ({ PersonOrganisation: [], EventOrganisation: [] }) as OrganisationMergeSnapshot["relations"];
  const relations = new Map(mergedIds.map((id) => [id, empty()]));
  const gained = new Map(mergedIds.map((id) => [id, empty()]));
  for (const table of ORGANISATION_RELATIONS) {
    const rows = await tx.$queryRawUnsafe<{ org: string; row: Record<string, unknown> }[]>(
      `SELECT "organisationId"::text AS org, to_jsonb(t) - 'organisationId' AS row FROM "${table}" t
       WHERE t."organisationId" = ANY($1::uuid[]) ORDER BY 1, 2`,
      mergedIds,
    );
    for (const r of rows) relations.get(r.org)![table].push(r.row);
    if (rows.length === 0) continue;
    for (const r of await tx.$queryRawUnsafe<{ org: string; row: Record<string, unknown> }[]>(
      `INSERT INTO "${table}"
       SELECT (jsonb_populate_record(NULL::"${table}", r.row || jsonb_build_object('organisationId', r.survivor))).*
       FROM jsonb_to_recordset($1::jsonb) AS r("row" jsonb, survivor text)
       ON CONFLICT DO NOTHING RETURNING "organisationId"::text AS org, to_jsonb("${table}") - 'organisationId' AS row`,
      JSON.stringify(rows.map((r) => ({ row: r.row, survivor: survivorOf.get(r.org) }))),
    ))
      gained.get(mergedOf.get(r.org)!)![table].push(r.row);
  }
  const pairs = round.map((i) => ({ survivor: i.survivorId, merged: i.mergedId }));
  await tx.$executeRawUnsafe(
    `UPDATE "EntitySource" es SET "entityId" = m.survivor FROM jsonb_to_recordset($1::jsonb) AS m(survivor uuid, merged uuid)
     WHERE es."entityType" = 'ORGANISATION' AND es."entityId" = m.merged`,
    JSON.stringify(pairs),
  );
  const audit = round.map((i) => {
    const snapshot: OrganisationMergeSnapshot = {
      organisation: rowOf.get(i.mergedId)!,
      sources: sources.get(i.mergedId)!,
      relations: relations.get(i.mergedId)!,
      gained: gained.get(i.mergedId)!,
      survivorBefore: rowOf.get(i.survivorId)!,
    };
    return {
      ...pairs.find((p) => p.merged === i.mergedId)!,
      method: i.method,
      score: i.score ?? null,
      reason: i.reason,
      actor: i.actor,
      snapshot,
    };
  });
  const mergeIds = new Map(
    (
      await tx.$queryRawUnsafe<{ id: string; merged: string }[]>(
        `INSERT INTO "Merge" (id, "entityType", "survivorId", "mergedId", method, score, reason, actor, snapshot)
         SELECT gen_random_uuid(), 'ORGANISATION', m.survivor, m.merged, m.method, m.score, m.reason, m.actor, m.snapshot
         FROM jsonb_to_recordset($1::jsonb)
           AS m(survivor uuid, merged uuid, method text, score float8, reason text, actor text, snapshot jsonb)
         RETURNING id::text, "mergedId"::text AS merged`,
        JSON.stringify(audit),
      )
    ).map((r) => [r.merged, r.id]),
  );
  // a review pair a merge settles is MERGED; the merged ones' other open pairs are gone with them
  // (the resolution pass proposes the survivor's again if they still stand)
  await tx.$executeRawUnsafe(
    `UPDATE "MatchCandidate" c SET status = 'MERGED', "decidedAt" = now(), "decidedBy" = m.actor, "mergeId" = m.merge
     FROM jsonb_to_recordset($1::jsonb) AS m(survivor uuid, merged uuid, actor text, merge uuid)
     WHERE c."entityType" = 'ORGANISATION' AND c.status = 'OPEN'
       AND ((c."entityId" = m.survivor AND c."candidateId" = m.merged) OR (c."entityId" = m.merged AND c."candidateId" = m.survivor))`,
    JSON.stringify(
      round.map((i) => ({
        survivor: i.survivorId,
        merged: i.mergedId,
        actor: i.actor,
        merge: mergeIds.get(i.mergedId),
      })),
    ),
  );
  await tx.$executeRawUnsafe(
    `DELETE FROM "MatchCandidate" WHERE "entityType" = 'ORGANISATION' AND status = 'OPEN'
       AND ("entityId" = ANY($1::uuid[]) OR "candidateId" = ANY($1::uuid[]))`,
    mergedIds,
  );
  await tx.$executeRawUnsafe(`DELETE FROM "Organisation" WHERE id = ANY($1::uuid[])`, mergedIds);
  // what a survivor lacks, it takes (the credit code after the merged row is gone: it is unique)
  const takes = round.flatMap((i) => {
    const survivor = rowOf.get(i.survivorId)!;
    const m = rowOf.get(i.mergedId)!;
    const take = TAKEN.filter((c) => (survivor[c] === null || survivor[c] === false) && m[c] !== null);
    return take.length > 0 ? [{ survivor: i.survivorId, take, row: m }] : [];
  });
  if (takes.length > 0)
    await tx.$executeRawUnsafe(
      `UPDATE "Organisation" t SET ${TAKEN.map((c) => `"${c}" = CASE WHEN x.take ? '${c}' THEN m."${c}" ELSE t."${c}" END`).join(", ")},
         "updatedAt" = now()
       FROM jsonb_to_recordset($1::jsonb) AS x(survivor uuid, take jsonb, "row" jsonb),
         LATERAL jsonb_populate_record(NULL::"Organisation", x.row) AS m
       WHERE t.id = x.survivor`,
      JSON.stringify(takes),
    );
  return mergeIds;
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
