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

/** What a merge moved, enough to put it all back. */
export const mergeSnapshotSchema = z.object({
  person: personRowSchema,
  sources: z.array(z.object({ sourceRecordId: z.string(), ref: z.string() })),
  addresses: z.array(
    z.object({
      addressId: z.string(),
      kind: z.string(),
      since: z.string().nullable(),
      until: z.string().nullable(),
    }),
  ),
  organisations: z.array(
    z.object({
      organisationId: z.string(),
      role: z.string(),
      since: z.string().nullable(),
      until: z.string().nullable(),
    }),
  ),
  events: z.array(z.object({ eventId: z.string(), role: z.string() })),
  posts: z.array(z.object({ areaId: z.string(), role: z.string() })).default([]),
  /** Relations the survivor gained through the merge (it did not have them before). */
  gained: z.object({
    posts: z.array(z.object({ areaId: z.string(), role: z.string() })).default([]),
    addresses: z.array(z.object({ addressId: z.string(), kind: z.string() })),
    organisations: z.array(z.object({ organisationId: z.string(), role: z.string() })),
    events: z.array(z.object({ eventId: z.string(), role: z.string() })),
  }),
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
  const addresses = await tx.$queryRawUnsafe<MergeSnapshot["addresses"]>(
    `SELECT "addressId"::text AS "addressId", kind::text AS kind, since::text AS since, until::text AS until
     FROM "PersonAddress" WHERE "personId" = $1::uuid`,
    mergedId,
  );
  const organisations = await tx.$queryRawUnsafe<MergeSnapshot["organisations"]>(
    `SELECT "organisationId"::text AS "organisationId", role, since::text AS since, until::text AS until
     FROM "PersonOrganisation" WHERE "personId" = $1::uuid`,
    mergedId,
  );
  const events = await tx.$queryRawUnsafe<MergeSnapshot["events"]>(
    `SELECT "eventId"::text AS "eventId", role::text AS role FROM "EventPerson" WHERE "personId" = $1::uuid`,
    mergedId,
  );

  const posts = await tx.$queryRawUnsafe<MergeSnapshot["posts"]>(
    `SELECT "areaId"::text AS "areaId", role FROM "PersonPost" WHERE "personId" = $1::uuid`,
    mergedId,
  );

  // The survivor takes the relations it lacks; RETURNING says which ones it gained.
  const gainedPosts = await tx.$queryRawUnsafe<{ areaId: string; role: string }[]>(
    `INSERT INTO "PersonPost" ("personId", "areaId", role, since)
     SELECT $1::uuid, "areaId", role, since FROM "PersonPost" WHERE "personId" = $2::uuid
     ON CONFLICT DO NOTHING RETURNING "areaId"::text AS "areaId", role`,
    survivorId,
    mergedId,
  );
  const gainedAddresses = await tx.$queryRawUnsafe<{ addressId: string; kind: string }[]>(
    `INSERT INTO "PersonAddress" ("personId", "addressId", kind, since, until)
     SELECT $1::uuid, "addressId", kind, since, until FROM "PersonAddress" WHERE "personId" = $2::uuid
     ON CONFLICT DO NOTHING RETURNING "addressId"::text AS "addressId", kind::text AS kind`,
    survivorId,
    mergedId,
  );
  const gainedOrganisations = await tx.$queryRawUnsafe<{ organisationId: string; role: string }[]>(
    `INSERT INTO "PersonOrganisation" ("personId", "organisationId", role, since, until)
     SELECT $1::uuid, "organisationId", role, since, until FROM "PersonOrganisation" WHERE "personId" = $2::uuid
     ON CONFLICT DO NOTHING RETURNING "organisationId"::text AS "organisationId", role`,
    survivorId,
    mergedId,
  );
  const gainedEvents = await tx.$queryRawUnsafe<{ eventId: string; role: string }[]>(
    `INSERT INTO "EventPerson" ("eventId", "personId", role)
     SELECT "eventId", $1::uuid, role FROM "EventPerson" WHERE "personId" = $2::uuid
     ON CONFLICT DO NOTHING RETURNING "eventId"::text AS "eventId", role::text AS role`,
    survivorId,
    mergedId,
  );
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
    addresses,
    organisations,
    events,
    posts,
    gained: {
      addresses: gainedAddresses,
      organisations: gainedOrganisations,
      events: gainedEvents,
      posts: gainedPosts,
    },
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
  await tx.$executeRawUnsafe(
    `INSERT INTO "PersonAddress" ("personId", "addressId", kind, since, until)
     SELECT $1::uuid, u.a, u.k::"PersonAddressKind", u.s::timestamp(3), u.t::timestamp(3)
     FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[]) AS u(a, k, s, t) ON CONFLICT DO NOTHING`,
    p.id,
    s.addresses.map((a) => a.addressId),
    s.addresses.map((a) => a.kind),
    s.addresses.map((a) => a.since),
    s.addresses.map((a) => a.until),
  );
  await tx.$executeRawUnsafe(
    `INSERT INTO "PersonOrganisation" ("personId", "organisationId", role, since, until)
     SELECT $1::uuid, u.o, u.r, u.s::timestamp(3), u.t::timestamp(3)
     FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[]) AS u(o, r, s, t) ON CONFLICT DO NOTHING`,
    p.id,
    s.organisations.map((o) => o.organisationId),
    s.organisations.map((o) => o.role),
    s.organisations.map((o) => o.since),
    s.organisations.map((o) => o.until),
  );
  await tx.$executeRawUnsafe(
    `INSERT INTO "EventPerson" ("eventId", "personId", role)
     SELECT u.e, $1::uuid, u.r::"EventPersonRole" FROM unnest($2::uuid[], $3::text[]) AS u(e, r) ON CONFLICT DO NOTHING`,
    p.id,
    s.events.map((e) => e.eventId),
    s.events.map((e) => e.role),
  );
  await tx.$executeRawUnsafe(
    `INSERT INTO "PersonPost" ("personId", "areaId", role)
     SELECT $1::uuid, u.a, u.r FROM unnest($2::uuid[], $3::text[]) AS u(a, r) ON CONFLICT DO NOTHING`,
    p.id,
    s.posts.map((x) => x.areaId),
    s.posts.map((x) => x.role),
  );
  // What the survivor had only through the merge goes back with it.
  await tx.$executeRawUnsafe(
    `DELETE FROM "PersonPost" pp USING unnest($2::uuid[], $3::text[]) AS u(a, r)
     WHERE pp."personId" = $1::uuid AND pp."areaId" = u.a AND pp.role = u.r`,
    merge.survivorId,
    s.gained.posts.map((x) => x.areaId),
    s.gained.posts.map((x) => x.role),
  );
  await tx.$executeRawUnsafe(
    `DELETE FROM "PersonAddress" pa USING unnest($2::uuid[], $3::text[]) AS u(a, k)
     WHERE pa."personId" = $1::uuid AND pa."addressId" = u.a AND pa.kind::text = u.k`,
    merge.survivorId,
    s.gained.addresses.map((a) => a.addressId),
    s.gained.addresses.map((a) => a.kind),
  );
  await tx.$executeRawUnsafe(
    `DELETE FROM "PersonOrganisation" po USING unnest($2::uuid[], $3::text[]) AS u(o, r)
     WHERE po."personId" = $1::uuid AND po."organisationId" = u.o AND po.role = u.r`,
    merge.survivorId,
    s.gained.organisations.map((o) => o.organisationId),
    s.gained.organisations.map((o) => o.role),
  );
  await tx.$executeRawUnsafe(
    `DELETE FROM "EventPerson" ep USING unnest($2::uuid[], $3::text[]) AS u(e, r)
     WHERE ep."personId" = $1::uuid AND ep."eventId" = u.e AND ep.role::text = u.r`,
    merge.survivorId,
    s.gained.events.map((e) => e.eventId),
    s.gained.events.map((e) => e.role),
  );
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
