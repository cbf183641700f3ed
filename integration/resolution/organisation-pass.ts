// The resolution pass's organisation step: organisations without a valid credit code (a 12345
// target unit, a grid unit whose code was not noted, a dispute's party) against the others of
// their name key, now that every silo's records are in (domain/resolution/organisation-match.ts).
// A clear match is merged like a steward's mergeOrganisations (audited, reversible; actor the
// pass, method AUTOMATIC, the posterior and every feature's weight in the reason); a likely one
// goes to the review queue; a merge a steward undid, or a pair they kept apart, is never made again. It looks at every name key two organisations share, one at
// least without a valid code: a GROUP BY over the organisations, whatever changed.
import { organisationNameParts } from "../../domain/identifiers/org-name.js";
import { outsideAreaKindOf } from "../../domain/outside-areas.js";
import {
  type GroupDecision,
  type GroupMember,
  type OrganisationPopulation,
  resolveNameGroup,
} from "../../domain/resolution/organisation-match.js";
import type { Tx } from "../../prisma/db.js";
import { mergeOrganisationsMany, type OrganisationMergeInput } from "./merge-organisations.js";

export interface OrganisationStepOutcome {
  /** Name keys two or more organisations share, one at least without a valid code. */
  groups: number;
  merged: number;
  /** Pairs newly put in the review queue (a posterior between the review and the link threshold). */
  reviews: number;
  /** The organisations that took others in (their members are looked at by the folds). */
  survivors: string[];
}

interface MemberRow {
  id: string;
  name: string;
  key: string;
  uscc: string | null;
  usccLowTrust: string | null;
  path: string | null;
  areaCode: string | null;
  addressId: string | null;
  phone: string | null;
  tie: string | null;
}

const digits = (phone: string | null) => {
  const d = phone?.replace(/\D/g, "") ?? "";
  return d.length >= 7 ? d : null;
};

/** The reason a steward reads on the Merge row. */
function describe(d: GroupDecision<string>, name: string): string {
  const m = d.match;
  const features = m.reasons.map((r) => `${r.feature} ${r.level} ${r.weight >= 0 ? "+" : ""}${r.weight}`);
  return `resolution pass: "${name}", posterior ${m.posterior} over ${m.compared} candidate(s); ${features.join(", ")}`;
}

/** Resolve the organisations known without a valid code, in the caller's transaction. */
export async function resolveOrganisations(tx: Tx, actor: string): Promise<OrganisationStepOutcome> {
  const outcome: OrganisationStepOutcome = { groups: 0, merged: 0, reviews: 0, survivors: [] };
  // one instance at a time (groups overlap); another that finds it taken skips this step
  const [lock] = await tx.$queryRawUnsafe<{ ok: boolean }[]>(
    `SELECT pg_try_advisory_xact_lock(hashtext('citygraph:resolution-pass:organisations')) AS ok`,
  );
  if (!lock?.ok) return outcome;
  const rows = await tx.$queryRawUnsafe<MemberRow[]>(
    `WITH keys AS (SELECT "nameKey" FROM "Organisation" WHERE "nameKey" IS NOT NULL
                   GROUP BY 1 HAVING count(*) > 1 AND bool_or(uscc IS NULL OR NOT "usccValid"))
     SELECT o.id::text, o.name, o."nameKey" AS key, CASE WHEN o."usccValid" THEN o.uscc END AS uscc,
            o."usccLowTrust", coalesce(aa.path, ar.path) AS path, coalesce(aa.code, ar.code) AS "areaCode",
            o."addressId"::text AS "addressId", o.phone,
            (SELECT min(sr."connectorId" || '/' || sr."sourceKey" || '/' || es.ref) FROM "EntitySource" es
             JOIN "SourceRecord" sr ON sr.id = es."sourceRecordId"
             WHERE es."entityType" = 'ORGANISATION' AND es."entityId" = o.id) AS tie
     FROM "Organisation" o JOIN keys k ON k."nameKey" = o."nameKey"
     LEFT JOIN "Address" ad ON ad.id = o."addressId" LEFT JOIN "Area" aa ON aa.id = ad."areaId"
     LEFT JOIN "Area" ar ON ar.id = o."areaId"
     ORDER BY o."nameKey", o.id
     FOR UPDATE OF o`,
  );
  if (rows.length === 0) return outcome;
  const cityNames = (await tx.area.findMany({ where: { level: "CITY" }, select: { name: true } })).map(
    (a) => a.name,
  );
  const ids = rows.map((r) => r.id);
  // pairs a steward kept apart: a merge undone, a DISTINCT verdict
  const apartRows = await tx.$queryRawUnsafe<{ a: string; b: string }[]>(
    `SELECT "mergedId"::text AS a, "survivorId"::text AS b FROM "Merge"
     WHERE "entityType" = 'ORGANISATION' AND "undoneAt" IS NOT NULL
       AND ("mergedId" = ANY($1::uuid[]) OR "survivorId" = ANY($1::uuid[]))
     UNION SELECT "entityId"::text, "candidateId"::text FROM "MatchCandidate"
     WHERE "entityType" = 'ORGANISATION' AND status = 'DISTINCT'
       AND ("entityId" = ANY($1::uuid[]) OR "candidateId" = ANY($1::uuid[]))`,
    ids,
  );
  const apart = new Set(apartRows.flatMap((r) => [`${r.a}|${r.b}`, `${r.b}|${r.a}`]));
  const ruled = new Set(apartRows.flatMap((r) => [r.a, r.b]));
  const phones = [...new Set(rows.map((r) => digits(r.phone)).filter((p): p is string => p !== null))];
  const phoneCounts = new Map(
    (
      await tx.$queryRawUnsafe<{ p: string; n: number }[]>(
        `SELECT regexp_replace(phone, '\\D', '', 'g') AS p, count(DISTINCT coalesce("nameKey", id::text))::int AS n
         FROM "Organisation" WHERE phone IS NOT NULL AND regexp_replace(phone, '\\D', '', 'g') = ANY($1::text[])
         GROUP BY 1`,
        phones,
      )
    ).map((r) => [r.p, r.n]),
  );
  const [size] = await tx.$queryRawUnsafe<{ organisations: number; addresses: number }[]>(
    `SELECT (SELECT count(DISTINCT coalesce("nameKey", id::text)) FROM "Organisation")::int AS organisations,
            (SELECT count(*) FROM "Address")::int AS addresses`,
  );
  const levels = await tx.$queryRawUnsafe<{ level: string; n: number }[]>(
    `SELECT level::text AS level, count(*)::int AS n FROM "Area" GROUP BY level`,
  );
  const areas = { DISTRICT: 0, STREET: 0, COMMUNITY: 0 };
  for (const l of levels) if (l.level in areas) areas[l.level as keyof typeof areas] = l.n;

  const groups = new Map<string, GroupMember<string>[]>();
  const names = new Map<string, string>();
  for (const r of rows) {
    const parts = organisationNameParts(r.name, cityNames);
    const special = r.areaCode !== null && outsideAreaKindOf(r.areaCode) !== null;
    const member: GroupMember<string> = {
      id: r.id,
      profile: {
        spelled: parts.spelled,
        key: r.key,
        prefix: parts.prefix,
        uscc: r.uscc,
        usccLowTrust: r.usccLowTrust,
        place: r.path && !special ? { path: r.path, addressId: r.addressId } : null,
        phone: digits(r.phone),
      },
      tie: r.tie ?? r.name,
      ruled: ruled.has(r.id),
    };
    names.set(r.id, r.name);
    const list = groups.get(r.key);
    if (list) list.push(member);
    else groups.set(r.key, [member]);
  }
  outcome.groups = groups.size;
  const merges: OrganisationMergeInput[] = [];
  const reviews: { entityId: string; candidateId: string; score: number; reasons: string }[] = [];
  for (const [key, members] of groups) {
    const population: OrganisationPopulation = {
      organisations: size?.organisations ?? 0,
      keyHolders: (k) => (k === key ? members.filter((m) => m.profile.uscc !== null).length : 0),
      phoneHolders: (p) => phoneCounts.get(p) ?? 0,
      areas,
      addresses: size?.addresses ?? 0,
    };
    for (const d of resolveNameGroup(members, population, apart)) {
      if (d.match.decision !== "LINK") {
        reviews.push({
          entityId: d.mergedId,
          candidateId: d.survivorId,
          score: d.match.score,
          reasons: JSON.stringify(d.match.reasons),
        });
        continue;
      }
      merges.push({
        survivorId: d.survivorId,
        mergedId: d.mergedId,
        actor,
        reason: describe(d, names.get(d.mergedId)!),
        method: "AUTOMATIC",
        score: d.match.posterior,
      });
    }
  }
  await mergeOrganisationsMany(tx, merges);
  outcome.merged = merges.length;
  outcome.survivors = [...new Set(merges.map((m) => m.survivorId))].sort();
  // a pair already there, open or decided, stays as it is
  if (reviews.length > 0)
    outcome.reviews = await tx.$executeRawUnsafe(
      `INSERT INTO "MatchCandidate" (id, "entityType", "entityId", "candidateId", score, reasons)
       SELECT gen_random_uuid(), 'ORGANISATION', r."entityId", r."candidateId", r.score, r.reasons::jsonb
       FROM jsonb_to_recordset($1::jsonb) AS r("entityId" uuid, "candidateId" uuid, score float8, reasons text)
       ON CONFLICT DO NOTHING`,
      JSON.stringify(reviews),
    );
  return outcome;
}
