// The resolution pass: after a load (and after every sync round that brought persons), each person
// the graph holds without a trustworthy key (a mention: a legal representative named by name, a
// caller who gave "王先生" and a phone) is compared with the registered persons it could be, now
// that the whole population is known (domain/resolution/mention-match.ts). A clear match is merged
// in, audited and reversible like a steward's merge (actor "resolution-pass", method AUTOMATIC);
// a likely one goes to the review queue; the rest wait for more data. Organisations known without
// a valid credit code are resolved first, the same way (./organisation-pass.ts). Deterministic: the
// same graph gives the same decisions, and a second run over an unchanged graph changes nothing. A
// pair a steward kept apart (a DISTINCT verdict, an unmerge) is never merged again.
//
// Incremental: the pass keeps a watermark (ResolutionWatermark) and looks only at the mentions
// changed since its last run and at those a changed registered person could now match (its name,
// pinyin, phone and household phones: the blocks below); the two folds look only at organisations
// whose members changed. A full pass (`full: true`, and the first pass of a database) looks at every
// mention. See watermark() below for why the watermark is a snapshot, not a time.
import { randomUUID } from "node:crypto";
import { UNNAMED_PERSON } from "../../domain/canonical.js";
import { normaliseMobile } from "../../domain/identifiers/phone.js";
import {
  ADULT_ROLES,
  calibratedPlaceModel,
  calibratedPrior,
  MENTION_POLICY,
  type Mention,
  type MentionMatch,
  type PlaceSample,
  type Population,
  type RegisteredPerson,
  resolveMention,
} from "../../domain/resolution/mention-match.js";
import { impliedSex, type PersonProfile } from "../../domain/resolution/person-match.js";
import { type RoleHolder, sameRoleMatch } from "../../domain/resolution/same-role.js";
import type { Db, Tx } from "../../prisma/db.js";
import { racePolicy } from "../sync/policies.js";
import { type MergeInput, mergePersonsMany } from "./merge.js";
import { resolveOrganisations } from "./organisation-pass.js";

export const PASS_ACTOR = "resolution-pass";

/** An address more people share than this is a building or an estate, not a household. */
const HOUSEHOLD_MAX_OCCUPANTS = 8;

/**
 * SQL: the address (an SQL expression) is a household's home, at most HOUSEHOLD_MAX_OCCUPANTS
 * persons. Persons, not links: a resident whose registered and current home are one address
 * has two links to it.
 */
const householdHome = (address: string) =>
  `(SELECT count(DISTINCT o."personId") FROM "PersonAddress" o WHERE o."addressId" = ${address}) <= ${HOUSEHOLD_MAX_OCCUPANTS}`;

export interface PassOutcome {
  /** Organisations without a valid credit code merged into the one their name key names. */
  organisationsMerged: number;
  /** Organisation pairs newly put in the review queue. */
  organisationReviews: number;
  /** How long the organisation step took, in milliseconds. */
  organisationsMs: number;
  /** Mentions of one organisation's representative by the same name, folded into one first. */
  sameRepresentative: number;
  /** Mentions folded into the registered person holding the same role at the same organisation. */
  sameRoleHolder: number;
  /** Persons without a trustworthy key that were looked at (the pass's candidates). */
  mentions: number;
  /** Whether it looked at every mention (else only those changed since the watermark). */
  full: boolean;
  /** Registered persons changed since the watermark, whose blocks' mentions were looked at. */
  registryChanged: number;
  /** Another pass (this or another hub instance) held the watermark: this one did nothing. */
  busy: boolean;
  /** … that had at least one registered candidate. */
  compared: number;
  merged: number;
  reviews: number;
  /** Mentions compared, by their best candidate's posterior: what the thresholds left where. */
  byPosterior: Record<string, number>;
  /** The prior the posteriors were taken with (calibratedPrior), null when no mention was looked at. */
  prior: number | null;
  ms: number;
}

export interface PassOptions {
  /** Mentions per transaction. */
  batchSize?: number;
  /** Look at every mention, not only what changed since the watermark (for operators). */
  full?: boolean;
  log?: (message: string, fields: Record<string, unknown>) => void;
}

interface MentionRow {
  id: string;
  name: string;
  namePinyin: string | null;
  sex: "MALE" | "FEMALE" | "UNKNOWN";
  birthDate: string | null;
  phone: string | null;
  updatedOn: string;
}

interface CandidateRow {
  id: string;
  citizenId: string;
  name: string;
  namePinyin: string | null;
  sex: "MALE" | "FEMALE" | "UNKNOWN";
  birthDate: string | null;
  phone: string | null;
}

const profileOf = (r: Omit<CandidateRow, "citizenId"> & { citizenId: string | null }): PersonProfile => {
  const named = r.name !== UNNAMED_PERSON && !/^[\dXx]{15,18}$/.test(r.name);
  const name = named ? r.name : null;
  return {
    citizenId: r.citizenId,
    citizenIdLowTrust: null,
    name,
    namePinyin: named ? r.namePinyin : null,
    sex: r.sex === "UNKNOWN" ? impliedSex(name) : r.sex,
    birthDate: r.birthDate,
    phone: r.phone,
    addressKeys: [],
  };
};

const push = <K, V>(m: Map<K, V[]>, k: K, v: V) => {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
};

type Base = Pick<Population, "persons" | "areas" | "placeModel" | "prior">;

/** SQL: an event party's strata (SeenPlace.strata), from its event `e` and its link `s` (a role). */
const STRATA = `ARRAY[e.kind::text || '/' || coalesce(e.details->>'category', '') || '/' || s.role::text,
                      e.kind::text || '/' || s.role::text]`;

/** Event parties whose homes calibrate the place feature; recent events whose parties calibrate the prior. */
const CALIBRATION_SAMPLE = 20_000;

/** The registered population's size and its areas per level (once per pass). */
async function populationBase(tx: Tx): Promise<Base> {
  const [count] = await tx.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM "Person" WHERE "citizenId" IS NOT NULL`,
  );
  const levels = await tx.$queryRawUnsafe<{ level: string; n: number }[]>(
    `SELECT level::text AS level, count(*)::int AS n FROM "Area" GROUP BY level`,
  );
  const areas = { DISTRICT: 0, STREET: 0, COMMUNITY: 0 };
  for (const l of levels) if (l.level in areas) areas[l.level as keyof typeof areas] = l.n;
  // how far from home the parties the registry knows by ID were (a sample, in a stable order)
  const samples = await tx.$queryRawUnsafe<PlaceSample[]>(
    `SELECT ar.path AS place, array_agg(DISTINCT hr.path) AS homes, ${STRATA} AS strata
     FROM (SELECT ep."eventId", ep."personId", ep.role FROM "EventPerson" ep JOIN "Person" p ON p.id = ep."personId"
           WHERE p."citizenId" IS NOT NULL ORDER BY ep."eventId", ep."personId", ep.role LIMIT ${CALIBRATION_SAMPLE}) s
     JOIN "Event" e ON e.id = s."eventId" LEFT JOIN "Address" ad ON ad.id = e."addressId"
     JOIN "Area" ar ON ar.id = coalesce(ad."areaId", e."areaId")
     JOIN "PersonAddress" pa ON pa."personId" = s."personId" JOIN "Address" a ON a.id = pa."addressId"
     JOIN "Area" hr ON hr.id = a."areaId"
     GROUP BY s."eventId", s."personId", s.role, e.kind, e.details, ar.path`,
  );
  // whether the ID-less parties to recent events are registered persons, as far as their mobiles tell:
  // event by event, each record's persons by the record's key (OFFSET 0 keeps each lookup per event,
  // and the cast keeps the entity-type index out of the persons' one: a freshly loaded database has
  // no statistics yet, and a join the planner picks blind took 25 s at demo scale instead of 0.1)
  const tallies = await tx.$queryRawUnsafe<{ withId: boolean; references: number; held: number }[]>(
    `WITH recent AS MATERIALIZED (SELECT id FROM "Event" ORDER BY "reportedAt" DESC, id LIMIT ${CALIBRATION_SAMPLE}),
     refs AS (
       SELECT p.values->>'phone' AS phone, p.values ? 'citizenId' AS "withId"
       FROM recent e
       CROSS JOIN LATERAL (SELECT ev."sourceRecordId" FROM "EntitySource" ev
                           WHERE ev."entityType" = 'EVENT' AND ev."entityId" = e.id OFFSET 0) ev
       CROSS JOIN LATERAL (SELECT p.values FROM "EntitySource" p
                           WHERE p."sourceRecordId" = ev."sourceRecordId" AND p."entityType"::text = 'PERSON'
                             AND p.values ? 'phone' OFFSET 0) p)
     SELECT "withId", count(*)::int AS "references",
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM "Person" h WHERE h.phone = refs.phone AND h."citizenId" IS NOT NULL))::int AS held
     FROM refs GROUP BY 1`,
  );
  const tally = (withId: boolean) => {
    const t = tallies.find((r) => r.withId === withId);
    return { references: t?.references ?? 0, held: t?.held ?? 0 };
  };
  return {
    persons: count?.n ?? 0,
    areas,
    placeModel: calibratedPlaceModel(samples),
    prior: calibratedPrior({ withId: tally(true), withoutId: tally(false) }),
  };
}

async function counts(tx: Tx, column: "name" | "namePinyin" | "phone", values: readonly string[]) {
  if (values.length === 0) return new Map<string, number>();
  const rows = await tx.$queryRawUnsafe<{ v: string; n: number }[]>(
    `SELECT "${column}" AS v, count(*)::int AS n FROM "Person"
     WHERE "citizenId" IS NOT NULL AND "${column}" = ANY($1::text[]) GROUP BY 1`,
    [...values],
  );
  return new Map(rows.map((r) => [r.v, r.n]));
}

/** The area paths of these persons' addresses. */
const homePaths = (tx: Tx, ids: readonly string[]) =>
  tx.$queryRawUnsafe<{ personId: string; path: string }[]>(
    `SELECT DISTINCT pa."personId"::text AS "personId", ar.path FROM "PersonAddress" pa
     JOIN "Address" a ON a.id = pa."addressId" JOIN "Area" ar ON ar.id = a."areaId"
     WHERE pa."personId" = ANY($1::uuid[]) ORDER BY 1, 2`,
    [...ids],
  );

/** Where each mention was seen: its own addresses' areas, its events' places, its roles. */
async function contexts(tx: Tx, ids: readonly string[]) {
  const homes = await homePaths(tx, ids);
  const events = await tx.$queryRawUnsafe<
    { personId: string; path: string; role: string; on: string; strata: string[] }[]
  >(
    `SELECT s."personId"::text AS "personId", ar.path, s.role::text AS role,
            to_char(e."reportedAt", 'YYYY-MM-DD') AS on, ${STRATA} AS strata
     FROM "EventPerson" s JOIN "Event" e ON e.id = s."eventId"
     LEFT JOIN "Address" ad ON ad.id = e."addressId" JOIN "Area" ar ON ar.id = coalesce(ad."areaId", e."areaId")
     WHERE s."personId" = ANY($1::uuid[]) ORDER BY 1, 2, 5`,
    ids,
  );
  const roles = await tx.$queryRawUnsafe<{ personId: string; role: string }[]>(
    `SELECT DISTINCT "personId"::text AS "personId", role FROM "PersonOrganisation" WHERE "personId" = ANY($1::uuid[])`,
    ids,
  );
  // the contact numbers its organisations' sources gave (claims on the organisation's links)
  const contacts = await tx.$queryRawUnsafe<{ personId: string; phone: string }[]>(
    `SELECT DISTINCT po."personId"::text AS "personId", es.values->>'phone' AS phone FROM "PersonOrganisation" po
     JOIN "EntitySource" es ON es."entityType" = 'ORGANISATION' AND es."entityId" = po."organisationId"
     WHERE po."personId" = ANY($1::uuid[]) AND po.role = ANY($2::text[]) AND es.values ? 'phone' ORDER BY 1, 2`,
    ids,
    [...ADULT_ROLES.organisation],
  );
  return { homes, events, roles, contacts };
}

/** Registered persons by name, pinyin, phone, or as housemates of a phone's holders. */
async function candidates(
  tx: Tx,
  keys: { names: string[]; pinyins: string[]; phones: string[] },
): Promise<Map<string, RegisteredPerson & { row: CandidateRow }>> {
  const rows = await tx.$queryRawUnsafe<CandidateRow[]>(
    `WITH holders AS (SELECT id FROM "Person" WHERE "citizenId" IS NOT NULL AND phone = ANY($3::text[])),
     households AS (
       SELECT pa."addressId" FROM "PersonAddress" pa WHERE pa."personId" IN (SELECT id FROM holders)
       AND ${householdHome('pa."addressId"')})
     SELECT p.id::text, p."citizenId", p.name, p."namePinyin", p.sex::text AS sex,
            to_char(p."birthDate", 'YYYY-MM-DD') AS "birthDate", p.phone
     FROM "Person" p WHERE p."citizenId" IS NOT NULL AND p.id IN (
       SELECT id FROM "Person" WHERE name = ANY($1::text[])
       UNION SELECT id FROM "Person" WHERE "namePinyin" = ANY($2::text[])
       UNION SELECT id FROM holders
       UNION SELECT pa."personId" FROM "PersonAddress" pa WHERE pa."addressId" IN (SELECT "addressId" FROM households))`,
    keys.names,
    keys.pinyins,
    keys.phones,
  );
  const ids = rows.map((r) => r.id);
  const homes = new Map<string, string[]>();
  const housePhones = new Map<string, string[]>();
  if (ids.length > 0) {
    for (const h of await homePaths(tx, ids)) push(homes, h.personId, h.path);
    for (const h of await tx.$queryRawUnsafe<{ personId: string; phone: string }[]>(
      `SELECT DISTINCT pa."personId"::text AS "personId", o.phone FROM "PersonAddress" pa
       JOIN "PersonAddress" pb ON pb."addressId" = pa."addressId" AND pb."personId" <> pa."personId"
       JOIN "Person" o ON o.id = pb."personId"
       WHERE pa."personId" = ANY($1::uuid[]) AND o.phone IS NOT NULL
         AND ${householdHome('pa."addressId"')}
       ORDER BY 1, 2`,
      ids,
    ))
      push(housePhones, h.personId, h.phone);
  }
  return new Map(
    rows.map((r) => [
      r.id,
      {
        row: r,
        profile: profileOf(r),
        homes: homes.get(r.id) ?? [],
        housePhones: housePhones.get(r.id) ?? [],
      },
    ]),
  );
}

/**
 * Pairs a steward kept apart: a DISTINCT verdict, or a merge they undid. A mention a steward has
 * ruled on is theirs from then on: the pass may queue it for review, never merge it.
 */
async function keptApart(
  tx: Tx,
  ids: readonly string[],
): Promise<{ pairs: Set<string>; ruled: Set<string> }> {
  const rows = await tx.$queryRawUnsafe<{ a: string; b: string }[]>(
    `SELECT "entityId"::text AS a, "candidateId"::text AS b FROM "MatchCandidate"
     WHERE "entityType" = 'PERSON' AND status = 'DISTINCT' AND ("entityId" = ANY($1::uuid[]) OR "candidateId" = ANY($1::uuid[]))
     UNION SELECT "mergedId"::text, "survivorId"::text FROM "Merge"
     WHERE "entityType" = 'PERSON' AND "undoneAt" IS NOT NULL AND "mergedId" = ANY($1::uuid[])`,
    ids,
  );
  const mentions = new Set(ids);
  return {
    pairs: new Set(rows.flatMap((r) => [`${r.a}|${r.b}`, `${r.b}|${r.a}`])),
    ruled: new Set(rows.flatMap((r) => [r.a, r.b]).filter((id) => mentions.has(id))),
  };
}

/** The reason a steward reads on the Merge row. */
function describe(match: MentionMatch<string>): string {
  const features = match.reasons.map((r) => `${r.feature} ${r.level} ${r.weight >= 0 ? "+" : ""}${r.weight}`);
  return `resolution pass: posterior ${match.posterior} over ${match.compared} candidate(s), prior ${match.prior}; ${features.join(", ")}`;
}

/**
 * Two sources naming the same organisation's legal representative by the same name name one
 * person: the civil-affairs register and the grid's unit record of a social organisation.
 */
async function foldSameRepresentative(tx: Tx, orgs: readonly string[] | null): Promise<number> {
  // one instance at a time (the pairs overlap); another that finds it taken skips this step
  const [lock] = await tx.$queryRawUnsafe<{ ok: boolean }[]>(
    `SELECT pg_try_advisory_xact_lock(hashtext('citygraph:resolution-pass:same-representative')) AS ok`,
  );
  if (!lock?.ok) return 0;
  if (orgs?.length === 0) return 0;
  await asPass(tx);
  const pairs = await tx.$queryRawUnsafe<{ a: string; b: string; organisation: string }[]>(
    `SELECT pa.id::text AS a, pb.id::text AS b, o.name AS organisation
     FROM "PersonOrganisation" x JOIN "PersonOrganisation" y
       ON y."organisationId" = x."organisationId" AND y.role = x.role AND y."personId" > x."personId"
     JOIN "Person" pa ON pa.id = x."personId" JOIN "Person" pb ON pb.id = y."personId"
     JOIN "Organisation" o ON o.id = x."organisationId"
     WHERE x.role = ANY($1::text[]) AND pa."citizenId" IS NULL AND pb."citizenId" IS NULL AND pa.name = pb.name
       AND pa.name <> $2${orgs ? ` AND x."organisationId" = ANY($3::uuid[])` : ""}
       -- a pair a steward kept apart stays apart
       AND NOT EXISTS (SELECT 1 FROM "Merge" m WHERE m."entityType" = 'PERSON' AND m."undoneAt" IS NOT NULL
             AND ((m."survivorId" = pa.id AND m."mergedId" = pb.id) OR (m."survivorId" = pb.id AND m."mergedId" = pa.id)))
       AND NOT EXISTS (SELECT 1 FROM "MatchCandidate" c WHERE c."entityType" = 'PERSON' AND c.status = 'DISTINCT'
             AND ((c."entityId" = pa.id AND c."candidateId" = pb.id) OR (c."entityId" = pb.id AND c."candidateId" = pa.id)))
     ORDER BY 1, 2`,
    [...ADULT_ROLES.organisation],
    UNNAMED_PERSON,
    ...(orgs ? [[...orgs]] : []),
  );
  // each group keeps its smallest id (pairs come sorted, so a group's first row names it)
  const keep = new Map<string, string>();
  const root = (id: string): string => {
    const k = keep.get(id);
    return k === undefined || k === id ? id : root(k);
  };
  const reasons = new Map<string, string>();
  for (const { a, b, organisation } of pairs) {
    const ra = root(a);
    const rb = root(b);
    if (ra === rb) continue;
    const [survivor, merged] = ra < rb ? [ra, rb] : [rb, ra];
    keep.set(merged, survivor);
    reasons.set(merged, organisation);
  }
  const merges: MergeInput[] = [...keep.keys()].sort().map((merged) => ({
    survivorId: root(merged),
    mergedId: merged,
    actor: PASS_ACTOR,
    reason: `resolution pass: the same name as legal representative of ${reasons.get(merged)}`,
    method: "AUTOMATIC",
    score: 1,
    link: {
      method: "RESOLUTION_PASS",
      score: 0,
      reasons: [{ feature: "sameRepresentative", level: "SAME_ORGANISATION_AND_NAME", weight: 0 }],
    },
  }));
  await mergePersonsMany(tx, merges);
  return merges.length;
}

/**
 * A mention holding a role at an organisation where a registered person (a valid ID) holds the
 * same role, by the same name: the same person (domain/resolution/same-role.ts). A near name or
 * an ambiguous one goes to the review queue; a mention a steward ruled on is only proposed, and a
 * pair a steward kept apart is left alone.
 */
async function foldIntoSameRoleHolder(
  tx: Tx,
  orgs: readonly string[] | null,
): Promise<{ merged: number; reviews: number }> {
  const [lock] = await tx.$queryRawUnsafe<{ ok: boolean }[]>(
    `SELECT pg_try_advisory_xact_lock(hashtext('citygraph:resolution-pass:same-role')) AS ok`,
  );
  if (!lock?.ok || orgs?.length === 0) return { merged: 0, reviews: 0 };
  await asPass(tx);
  const rows = await tx.$queryRawUnsafe<
    (MentionRow & { holder: string; holderRow: CandidateRow; organisation: string; role: string })[]
  >(
    `SELECT m.id::text, m.name, m."namePinyin", m.sex::text AS sex, to_char(m."birthDate", 'YYYY-MM-DD') AS "birthDate",
            m.phone, to_char(m."updatedAt", 'YYYY-MM-DD') AS "updatedOn", h.id::text AS holder,
            jsonb_build_object('id', h.id::text, 'citizenId', h."citizenId", 'name', h.name, 'namePinyin', h."namePinyin",
              'sex', h.sex::text, 'birthDate', to_char(h."birthDate", 'YYYY-MM-DD'), 'phone', h.phone) AS "holderRow",
            o.name AS organisation, x.role
     FROM "PersonOrganisation" x
     JOIN "PersonOrganisation" y ON y."organisationId" = x."organisationId" AND y.role = x.role AND y."personId" <> x."personId"
     JOIN "Person" m ON m.id = x."personId" AND m."citizenId" IS NULL AND m.name <> $1
     JOIN "Person" h ON h.id = y."personId" AND h."citizenId" IS NOT NULL
     JOIN "Organisation" o ON o.id = x."organisationId"
     ${orgs ? `WHERE x."organisationId" = ANY($2::uuid[])` : ""}
     ORDER BY m.id, h."citizenId"`,
    UNNAMED_PERSON,
    ...(orgs ? [[...orgs]] : []),
  );
  if (rows.length === 0) return { merged: 0, reviews: 0 };
  // the mentions still without an ID, locked (a sync writing one is waited for: passes take turns
  // by the watermark's lease, so skipping a locked one could leave it behind the watermark)
  const mine = new Set(
    (
      await tx.$queryRawUnsafe<{ id: string }[]>(
        `SELECT id::text FROM "Person" WHERE id = ANY($1::uuid[]) AND "citizenId" IS NULL ORDER BY id FOR UPDATE`,
        [...new Set(rows.map((r) => r.id))],
      )
    ).map((r) => r.id),
  );
  const byMention = new Map<string, typeof rows>();
  for (const r of rows) if (mine.has(r.id)) push(byMention, r.id, r);
  const apart = await keptApart(tx, [...byMention.keys()]);
  const merges: MergeInput[] = [];
  const reviews: { entityId: string; candidateId: string; score: number; reasons: string }[] = [];
  for (const [id, list] of byMention) {
    const holders: RoleHolder<string>[] = [
      ...new Map(
        list
          .filter((r) => !apart.pairs.has(`${id}|${r.holder}`))
          .map((r) => [r.holder, { id: r.holder, profile: profileOf(r.holderRow) }]),
      ).values(),
    ];
    const match = sameRoleMatch(profileOf({ ...list[0]!, citizenId: null }), holders);
    if (!match) continue;
    const at = list.find((r) => r.holder === match.candidateId)!;
    if (match.decision === "LINK" && !apart.ruled.has(id))
      merges.push({
        survivorId: match.candidateId,
        mergedId: id,
        actor: PASS_ACTOR,
        reason: `resolution pass: the same name, ${at.role} of ${at.organisation}`,
        method: "AUTOMATIC",
        score: 1,
        link: { method: "RESOLUTION_PASS", score: match.score, reasons: match.reasons },
      });
    else
      reviews.push({
        entityId: id,
        candidateId: match.candidateId,
        score: match.score,
        reasons: JSON.stringify(match.reasons),
      });
  }
  const reviewed = await queueReviews(tx, reviews);
  await mergePersonsMany(tx, merges);
  return { merged: merges.length, reviews: reviewed };
}

/** Pairs for the review queue (a pair already there, open or decided, stays as it is). */
async function queueReviews(
  tx: Tx,
  reviews: readonly { entityId: string; candidateId: string; score: number; reasons: string }[],
): Promise<number> {
  if (reviews.length === 0) return 0;
  return tx.$executeRawUnsafe(
    `INSERT INTO "MatchCandidate" (id, "entityType", "entityId", "candidateId", score, reasons)
     SELECT gen_random_uuid(), 'PERSON', r."entityId", r."candidateId", r.score, r.reasons::jsonb
     FROM jsonb_to_recordset($1::jsonb) AS r("entityId" uuid, "candidateId" uuid, score float8, reasons text)
     ON CONFLICT DO NOTHING`,
    JSON.stringify(reviews),
  );
}

const POSTERIOR_BANDS = [
  [0.9, "≥0.9"],
  [0.5, "0.5–0.9"],
  [0.2, "0.2–0.5"],
  [0, "<0.2"],
] as const;

/** One batch of mentions, in one transaction. */
async function resolveBatch(
  tx: Tx,
  batch: readonly MentionRow[],
  base: Base,
): Promise<{ compared: number; merged: number; reviews: number; byPosterior: Record<string, number> }> {
  await asPass(tx);
  // still without an ID (not merged since they were listed), locked
  const mine = new Set(
    (
      await tx.$queryRawUnsafe<{ id: string }[]>(
        `SELECT id::text FROM "Person" WHERE id = ANY($1::uuid[]) AND "citizenId" IS NULL ORDER BY id FOR UPDATE`,
        batch.map((r) => r.id),
      )
    ).map((r) => r.id),
  );
  const rows = batch.filter((r) => mine.has(r.id));
  const ids = rows.map((r) => r.id);
  const ctx = await contexts(tx, ids);
  const mentions = new Map<string, Mention>();
  const homesOf = new Map<string, string[]>();
  for (const h of ctx.homes) push(homesOf, h.personId, h.path);
  const eventsOf = new Map<string, typeof ctx.events>();
  for (const e of ctx.events) push(eventsOf, e.personId, e);
  const adults = new Set([
    ...ctx.roles
      .filter((r) => (ADULT_ROLES.organisation as readonly string[]).includes(r.role))
      .map((r) => r.personId),
    ...ctx.events
      .filter((e) => (ADULT_ROLES.event as readonly string[]).includes(e.role))
      .map((e) => e.personId),
  ]);
  const contactsOf = new Map<string, string[]>();
  for (const c of ctx.contacts) {
    const mobile = normaliseMobile(c.phone);
    if (mobile.ok) push(contactsOf, c.personId, mobile.value);
  }
  for (const r of rows) {
    const events = eventsOf.get(r.id) ?? [];
    mentions.set(r.id, {
      profile: profileOf({ ...r, citizenId: null }),
      places: [
        ...(homesOf.get(r.id) ?? []).map((path) => ({ context: "HOME" as const, path })),
        ...events.map((e) => ({ context: "EVENT" as const, path: e.path, strata: e.strata })),
      ],
      adultRole: adults.has(r.id),
      contactPhones: contactsOf.get(r.id) ?? [],
      seenOn: [r.updatedOn, ...events.map((e) => e.on)].sort().at(-1)!,
    });
  }
  const profiles = [...mentions.values()].map((m) => m.profile);
  const distinct = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => x !== null))];
  // one after the other: a transaction is one connection
  const names = await counts(tx, "name", distinct(profiles.map((p) => p.name)));
  const pinyins = await counts(tx, "namePinyin", distinct(profiles.map((p) => p.namePinyin)));
  const phones = await counts(
    tx,
    "phone",
    distinct([...mentions.values()].flatMap((m) => [m.profile.phone, ...(m.contactPhones ?? [])])),
  );
  const small = (m: Map<string, number>) =>
    [...m].filter(([, n]) => n <= MENTION_POLICY.blockLimit).map(([v]) => v);
  const pool = await candidates(tx, {
    names: small(names),
    pinyins: small(pinyins),
    phones: [...phones.keys()],
  });
  const population: Population = {
    ...base,
    nameHolders: (v) => names.get(v) ?? 0,
    pinyinHolders: (v) => pinyins.get(v) ?? 0,
    phoneHolders: (v) => phones.get(v) ?? 0,
  };
  // each mention's block: residents sharing its name or pinyin, holding its phone, or living with a holder
  const byName = new Map<string, string[]>();
  const byPinyin = new Map<string, string[]>();
  const byPhone = new Map<string, string[]>();
  for (const [id, c] of pool) {
    if (c.row.name) push(byName, c.row.name, id);
    if (c.row.namePinyin) push(byPinyin, c.row.namePinyin, id);
    for (const phone of new Set([c.row.phone, ...c.housePhones])) if (phone) push(byPhone, phone, id);
  }
  const apart = await keptApart(tx, ids);
  const merges: MergeInput[] = [];
  const reviews: { entityId: string; candidateId: string; score: number; reasons: string }[] = [];
  let compared = 0;
  const byPosterior: Record<string, number> = {};
  for (const [id, mention] of mentions) {
    const p = mention.profile;
    const block = new Set([
      ...(p.name && (names.get(p.name) ?? 0) <= MENTION_POLICY.blockLimit ? (byName.get(p.name) ?? []) : []),
      ...(p.namePinyin && (pinyins.get(p.namePinyin) ?? 0) <= MENTION_POLICY.blockLimit
        ? (byPinyin.get(p.namePinyin) ?? [])
        : []),
      ...[p.phone, ...(mention.contactPhones ?? [])].flatMap((phone) =>
        phone ? (byPhone.get(phone) ?? []) : [],
      ),
    ]);
    const list = [...block]
      .filter((c) => !apart.pairs.has(`${id}|${c}`))
      .map((c) => ({ id: c, person: pool.get(c)! }));
    if (list.length === 0) continue;
    compared++;
    const match = resolveMention(mention, list, population);
    if (!match) continue;
    const band = POSTERIOR_BANDS.find(([floor]) => match.posterior >= floor)![1];
    byPosterior[band] = (byPosterior[band] ?? 0) + 1;
    if (match.decision === "LINK" && !apart.ruled.has(id))
      merges.push({
        survivorId: match.candidateId,
        mergedId: id,
        actor: PASS_ACTOR,
        reason: describe(match),
        method: "AUTOMATIC",
        score: match.posterior,
        link: { method: "RESOLUTION_PASS", score: match.score, reasons: match.reasons },
      });
    else if (match.decision !== "NONE")
      reviews.push({
        entityId: id,
        candidateId: match.candidateId,
        score: match.score,
        reasons: JSON.stringify(match.reasons),
      });
  }
  const reviewed = await queueReviews(tx, reviews);
  await mergePersonsMany(tx, merges);
  return { compared, merged: merges.length, reviews: reviewed, byPosterior };
}

/** A batch that lost a race with a sync writing the same persons (a deadlock …): taken again. */
const races = racePolicy(Math.random, () => {});
const retrying = <T>(work: () => Promise<T>): Promise<T> => races.execute(work);

/** Mark the transaction as the pass's: its writes leave persons' changedXid as it was (the trigger). */
async function asPass(tx: Tx): Promise<void> {
  await tx.$queryRawUnsafe(`SELECT set_config('citygraph.resolution_pass', 'on', true)`);
}

const WATERMARK = "PERSON";
/** How long a pass holds the watermark without renewing (each batch renews it). */
const LEASE_SECONDS = 600;

/**
 * Take the watermark's lease: its position (null when no pass ever ran), or "busy" when another
 * pass holds it. One pass at a time advances the watermark, across hub instances: two passes side
 * by side could each see the other's mentions locked and both move past them.
 */
async function claimWatermark(db: Db, runner: string): Promise<Watermark | null | "busy"> {
  const rows = await db.$queryRawUnsafe<{ position: string; snapshot: string | null }[]>(
    `INSERT INTO "ResolutionWatermark" (id, position, runner, "leasedUntil")
     VALUES ($1, 0, $2, now() + make_interval(secs => ${LEASE_SECONDS}))
     ON CONFLICT (id) DO UPDATE SET runner = EXCLUDED.runner, "leasedUntil" = EXCLUDED."leasedUntil"
       WHERE "ResolutionWatermark".runner IS NULL OR "ResolutionWatermark"."leasedUntil" < now()
     RETURNING position::text, snapshot`,
    WATERMARK,
    runner,
  );
  const row = rows[0];
  if (!row) return "busy";
  if (row.position === "0") return null;
  // a watermark kept without its snapshot: everything from its position on is new
  return { position: row.position, snapshot: row.snapshot ?? `${row.position}:${row.position}:` };
}

const renewLease = (tx: Tx, runner: string) =>
  tx.$executeRawUnsafe(
    `UPDATE "ResolutionWatermark" SET "leasedUntil" = now() + make_interval(secs => ${LEASE_SECONDS})
     WHERE id = $1 AND runner = $2`,
    WATERMARK,
    runner,
  );

/** Advance the watermark to `to` and give the lease back (nothing if the lease was lost). */
const advanceWatermark = (tx: Tx, runner: string, to: Watermark) =>
  tx.$executeRawUnsafe(
    `UPDATE "ResolutionWatermark" SET position = $3::bigint, snapshot = $4, runner = NULL,
       "leasedUntil" = NULL, "advancedAt" = now()
     WHERE id = $1 AND runner = $2 AND position <= $3::bigint`,
    WATERMARK,
    runner,
    to.position,
    to.snapshot,
  );

const releaseWatermark = (db: Db, runner: string) =>
  db.$executeRawUnsafe(
    `UPDATE "ResolutionWatermark" SET runner = NULL, "leasedUntil" = NULL WHERE id = $1 AND runner = $2`,
    WATERMARK,
    runner,
  );

/**
 * Where the next pass starts: the snapshot taken now (pg_current_snapshot). Every transaction it
 * sees as committed wrote what the statements this pass runs next will read; anything written by a
 * transaction it does not see (still running now, one that started before this pass and commits
 * late included, or later) carries a changedXid the next pass finds not visible in this snapshot,
 * and is looked at then. A time ("updatedAt < now() - margin") would miss a sync transaction that
 * ran longer than the margin and committed after the pass; a snapshot cannot. Its xmin (`position`)
 * bounds the index scan; the snapshot itself keeps a transaction left open elsewhere on the server
 * (another database's included) from making every later pass look again at what this one saw.
 */
interface Watermark {
  /** pg_snapshot_xmin of the snapshot, an xid8 as decimal text. */
  position: string;
  /** The pg_snapshot, as text ("xmin:xmax:xip,…"). */
  snapshot: string;
}

async function watermark(db: Db): Promise<Watermark> {
  const [row] = await db.$queryRawUnsafe<Watermark[]>(
    `SELECT pg_snapshot_xmin(s)::text AS position, s::text AS snapshot FROM pg_current_snapshot() s`,
  );
  return row!;
}

/** SQL: the person row `p` was written by a transaction the watermark ($1 position, $2 snapshot) did not see. */
const changedSince = (p: string) =>
  `${p}."changedXid" >= $1::bigint AND NOT pg_visible_in_snapshot(${p}."changedXid"::text::xid8, $2::pg_snapshot)`;
const sinceParams = (since: Watermark) => [since.position, since.snapshot] as const;

/** Organisations whose members (mentions or registered) changed since `since`: the folds' scope. */
async function changedOrganisations(db: Db, since: Watermark): Promise<string[]> {
  const rows = await db.$queryRawUnsafe<{ id: string }[]>(
    `SELECT DISTINCT po."organisationId"::text AS id FROM "Person" p
     JOIN "PersonOrganisation" po ON po."personId" = p.id WHERE ${changedSince("p")} ORDER BY 1`,
    ...sinceParams(since),
  );
  return rows.map((r) => r.id);
}

/**
 * Of the names (or pinyins) of changed residents, those that were or are a block: a name more
 * residents bear than MENTION_POLICY.blockLimit finds no candidates in resolveBatch (only a phone
 * does), so a changed resident of that name changes no mention's candidates, unless the changed
 * residents bearing it brought it over the limit (its count without them is at most the limit).
 */
async function blocks(db: Db, column: "name" | "namePinyin", values: readonly (string | null)[]) {
  const changedWith = new Map<string, number>();
  for (const v of values) if (v !== null) changedWith.set(v, (changedWith.get(v) ?? 0) + 1);
  if (changedWith.size === 0) return [];
  const rows = await db.$queryRawUnsafe<{ v: string; n: number }[]>(
    `SELECT "${column}" AS v, count(*)::int AS n FROM "Person"
     WHERE "citizenId" IS NOT NULL AND "${column}" = ANY($1::text[]) GROUP BY 1`,
    [...changedWith.keys()],
  );
  const holders = new Map(rows.map((r) => [r.v, r.n]));
  return [...changedWith]
    .filter(([v, n]) => (holders.get(v) ?? 0) - n <= MENTION_POLICY.blockLimit)
    .map(([v]) => v);
}

/**
 * The mentions to look at: those changed since `since` (null: every one), and those a registered
 * person changed since could now match: sharing its name or pinyin (where that is a block: blocks()),
 * holding its phone or a phone of
 * its household (a household of at most HOUSEHOLD_MAX_OCCUPANTS, as candidates() blocks).
 */
async function mentionsToResolve(
  db: Db,
  since: Watermark | null,
): Promise<{ ids: string[]; registry: number }> {
  if (since === null) {
    const rows = await db.$queryRawUnsafe<{ id: string }[]>(
      `SELECT id::text FROM "Person" WHERE "citizenId" IS NULL ORDER BY id`,
    );
    return { ids: rows.map((r) => r.id), registry: 0 };
  }
  const changed = await db.$queryRawUnsafe<
    { id: string; name: string; pinyin: string | null; phone: string | null }[]
  >(
    `SELECT id::text, name, "namePinyin" AS pinyin, phone FROM "Person" p
     WHERE ${changedSince("p")} AND "citizenId" IS NOT NULL`,
    ...sinceParams(since),
  );
  const distinct = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => x !== null))];
  const households =
    changed.length === 0
      ? []
      : await db.$queryRawUnsafe<{ phone: string }[]>(
          `SELECT DISTINCT o.phone FROM "PersonAddress" pa
           JOIN "PersonAddress" pb ON pb."addressId" = pa."addressId" JOIN "Person" o ON o.id = pb."personId"
           WHERE pa."personId" = ANY($1::uuid[]) AND o.phone IS NOT NULL
             AND ${householdHome('pa."addressId"')}`,
          changed.map((c) => c.id),
        );
  const rows = await db.$queryRawUnsafe<{ id: string }[]>(
    `SELECT id::text FROM "Person" p WHERE "citizenId" IS NULL AND ${changedSince("p")}
     UNION SELECT id::text FROM "Person" WHERE "citizenId" IS NULL AND name = ANY($3::text[])
     UNION SELECT id::text FROM "Person" WHERE "citizenId" IS NULL AND "namePinyin" = ANY($4::text[])
     UNION SELECT id::text FROM "Person" WHERE "citizenId" IS NULL AND phone = ANY($5::text[])
     ORDER BY 1`,
    ...sinceParams(since),
    await blocks(
      db,
      "name",
      changed.map((c) => c.name).filter((n) => n !== UNNAMED_PERSON),
    ),
    await blocks(
      db,
      "namePinyin",
      changed.map((c) => c.pinyin),
    ),
    distinct([...changed.map((c) => c.phone), ...households.map((h) => h.phone)]),
  );
  return { ids: rows.map((r) => r.id), registry: changed.length };
}

/**
 * Run the pass over the persons without a trustworthy key changed since the watermark (every one
 * when `full`, or when no pass ran before), in batches (each its own transaction, so a long pass
 * holds no lock for long); the last batch advances the watermark. Returns what it did.
 */
export async function resolvePending(db: Db, options: PassOptions = {}): Promise<PassOutcome> {
  const started = Date.now();
  const batchSize = options.batchSize ?? 2000;
  const outcome: PassOutcome = {
    organisationsMerged: 0,
    organisationReviews: 0,
    organisationsMs: 0,
    sameRepresentative: 0,
    sameRoleHolder: 0,
    mentions: 0,
    full: true,
    registryChanged: 0,
    busy: false,
    compared: 0,
    merged: 0,
    reviews: 0,
    byPosterior: {},
    prior: null,
    ms: 0,
  };
  const runner = randomUUID();
  const claimed = await claimWatermark(db, runner);
  if (claimed === "busy") {
    outcome.busy = true;
    outcome.full = options.full ?? false;
    outcome.ms = Date.now() - started;
    options.log?.("resolution pass: another pass holds the watermark", { ...outcome });
    return outcome;
  }
  const since = options.full ? null : claimed;
  outcome.full = since === null;
  try {
    // taken before anything is read: what commits from here on is looked at next time
    const next = await watermark(db);
    // organisations first: a merge brings their representatives together for the folds
    const organisationsStarted = Date.now();
    const organisations = await retrying(() =>
      db.$transaction(
        async (tx) => {
          await asPass(tx);
          return resolveOrganisations(tx, PASS_ACTOR);
        },
        { timeout: 300_000 },
      ),
    );
    outcome.organisationsMerged = organisations.merged;
    outcome.organisationReviews = organisations.reviews;
    outcome.organisationsMs = Date.now() - organisationsStarted;
    const orgs =
      since === null ? null : [...(await changedOrganisations(db, since)), ...organisations.survivors];
    outcome.sameRepresentative = await retrying(() =>
      db.$transaction((tx) => foldSameRepresentative(tx, orgs), {
        timeout: 300_000,
      }),
    );
    const sameRole = await retrying(() =>
      db.$transaction((tx) => foldIntoSameRoleHolder(tx, orgs), {
        timeout: 300_000,
      }),
    );
    outcome.sameRoleHolder = sameRole.merged;
    outcome.reviews += sameRole.reviews;
    const pending = await mentionsToResolve(db, since);
    outcome.registryChanged = pending.registry;
    const base =
      pending.ids.length > 0
        ? await db.$transaction((tx) => populationBase(tx), { timeout: 300_000, maxWait: 30_000 })
        : null;
    outcome.prior = base?.prior ?? null;
    for (let at = 0; ; at += batchSize) {
      const ids = pending.ids.slice(at, at + batchSize);
      const last = at + batchSize >= pending.ids.length;
      const rows =
        ids.length === 0
          ? []
          : await db.$queryRawUnsafe<MentionRow[]>(
              `SELECT id::text, name, "namePinyin", sex::text AS sex, to_char("birthDate", 'YYYY-MM-DD') AS "birthDate",
                      phone, to_char("updatedAt", 'YYYY-MM-DD') AS "updatedOn"
               FROM "Person" WHERE "citizenId" IS NULL AND id = ANY($1::uuid[]) ORDER BY id`,
              ids,
            );
      // the last batch advances the watermark with its merges, in one transaction
      const done = await retrying(() =>
        db.$transaction(
          async (tx) => {
            const result =
              rows.length > 0 && base
                ? await resolveBatch(tx, rows, base)
                : { compared: 0, merged: 0, reviews: 0, byPosterior: {} };
            if (last) await advanceWatermark(tx, runner, next);
            else await renewLease(tx, runner);
            return result;
          },
          { timeout: 300_000, maxWait: 30_000 },
        ),
      );
      outcome.mentions += rows.length;
      outcome.compared += done.compared;
      outcome.merged += done.merged;
      outcome.reviews += done.reviews;
      for (const [band, n] of Object.entries(done.byPosterior))
        outcome.byPosterior[band] = (outcome.byPosterior[band] ?? 0) + n;
      if (last) break;
    }
  } finally {
    // a pass that failed gives the lease back without advancing (a no-op after advanceWatermark)
    await releaseWatermark(db, runner).catch(() => 0);
  }
  outcome.ms = Date.now() - started;
  options.log?.("resolution pass", { ...outcome });
  return outcome;
}
