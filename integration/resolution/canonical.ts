// The canonical columns of a person, chosen from every source's current claim by the attribute
// rules (domain/resolution/source-priority.ts). Run for the persons a page, a merge or an
// unmerge touched; the claims themselves stay in EntitySource.values.
import { organisationNameKey } from "../../domain/identifiers/org-name.js";
import { honorificName, nameBlockingKey } from "../../domain/identifiers/person-name.js";
import {
  type Claim,
  chooseValues,
  ORGANISATION_ATTRIBUTE_RULES,
  PERSON_ATTRIBUTE_RULES,
} from "../../domain/resolution/source-priority.js";
import { arrayLiteral } from "../../prisma/bulk.js";
import type { Tx } from "../../prisma/db.js";
import { againIfKeyTaken } from "../savepoint.js";

export interface ClaimRow {
  entityId: string;
  values: Record<string, unknown>;
  departmentCode: string;
  connectorId: string;
  sourceKey: string;
  ref: string;
  fetchedAt: Date;
  method: string;
  score: number | null;
  reasons: unknown;
}

/** Each source element's latest version only: an older version of a record no longer claims. */
export async function currentClaims(
  tx: Tx,
  entityType: "PERSON" | "ORGANISATION",
  ids: readonly string[],
): Promise<ClaimRow[]> {
  if (ids.length === 0) return [];
  return tx.$queryRawUnsafe<ClaimRow[]>(
    `SELECT DISTINCT ON (es."entityId", sr."connectorId", sr."sourceKey", es.ref)
            es."entityId"::text AS "entityId", es.values, sr."departmentCode", sr."connectorId",
            sr."sourceKey", es.ref, sr."fetchedAt", es.method, es.score, es.reasons
     FROM "EntitySource" es JOIN "SourceRecord" sr ON sr.id = es."sourceRecordId"
     WHERE es."entityType" = $1::"EntityType" AND es."entityId" = ANY($2::uuid[])
     ORDER BY es."entityId", sr."connectorId", sr."sourceKey", es.ref, sr."fetchedAt" DESC`,
    entityType,
    arrayLiteral(ids),
  );
}

export interface SourcedClaim extends Claim<unknown> {
  row: ClaimRow;
}

/** attribute → claims, for one entity's claim rows. */
export function claimsByAttribute(rows: readonly ClaimRow[]): Map<string, SourcedClaim[]> {
  const out = new Map<string, SourcedClaim[]>();
  for (const r of rows)
    for (const [attribute, value] of Object.entries(r.values)) {
      if (value === null || value === undefined || value === "") continue;
      const claims = out.get(attribute) ?? [];
      claims.push({
        value,
        department: r.departmentCode,
        at: r.fetchedAt,
        source: `${r.connectorId}\u0000${r.sourceKey}\u0000${r.ref}`,
        row: r,
        weak:
          (attribute === "name" && typeof value === "string" && honorificName(value) !== null) ||
          // an organisation as someone named it ("恒通物业公司" in a work order) does not rename it;
          // a registration that joined by name brings its credit code, and its word counts
          (r.method === "NAME_KEY" && !r.values.uscc),
      });
      out.set(attribute, claims);
    }
  return out;
}

/**
 * Re-choose the canonical columns of these persons. A person keeps its citizen ID once it has
 * one (the ID is the key other records link by); unmerge is what takes an ID away. A person gains
 * one only while no other person holds it.
 */
export async function recomputePersons(tx: Tx, ids: readonly string[]): Promise<void> {
  const rows = await currentClaims(tx, "PERSON", ids);
  const byPerson = new Map<string, ClaimRow[]>();
  for (const r of rows) byPerson.set(r.entityId, [...(byPerson.get(r.entityId) ?? []), r]);
  const updates: { id: string; v: Record<string, unknown> }[] = [];
  for (const [id, claims] of byPerson)
    updates.push({ id, v: chooseValues(PERSON_ATTRIBUTE_RULES, claimsByAttribute(claims)) });
  if (updates.length === 0) return;
  const col = (name: string) =>
    updates.map((u) => (typeof u.v[name] === "string" ? (u.v[name] as string) : null));
  const update = () =>
    tx.$executeRawUnsafe(
      `UPDATE "Person" AS t SET
       "citizenId" = COALESCE(t."citizenId", u.cid),
       "citizenIdValid" = t."citizenIdValid" OR u.cid IS NOT NULL,
       "citizenIdLowTrust" = COALESCE(u.low, t."citizenIdLowTrust"),
       name = COALESCE(u.name, t.name),
       "namePinyin" = COALESCE(u.pinyin, t."namePinyin"),
       sex = COALESCE(u.sex::"Sex", t.sex),
       "birthDate" = COALESCE(u.birth::date, t."birthDate"),
       ethnicity = COALESCE(u.ethnicity, t.ethnicity),
       phone = COALESCE(u.phone, t.phone),
       "updatedAt" = now()
     FROM (SELECT v.id, v.name, v.pinyin, v.sex, v.birth, v.ethnicity, v.phone, v.low,
             CASE WHEN NOT EXISTS (SELECT 1 FROM "Person" o WHERE o."citizenId" = v.cid AND o.id <> v.id)
                  THEN v.cid END AS cid
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
             AS v(id, cid, name, pinyin, sex, birth, ethnicity, phone, low)) AS u
     WHERE t.id = u.id`,
      updates.map((u) => u.id),
      col("citizenId"),
      col("name"),
      col("name").map((n) => (n ? nameBlockingKey(n) || null : null)),
      col("sex"),
      col("birthDate"),
      col("ethnicity"),
      col("phone"),
      col("citizenIdLowTrust"),
    );
  // a citizen ID another person holds stays with that person (the resolution pass decides whether
  // the two are one); one a writer side by side is creating is waited for, then left to it
  await againIfKeyTaken(tx, "recompute_persons", update);
}

/**
 * Re-choose the registry facts of these organisations (name, kind, registration date, registering
 * authority, status, contact number, low-trust code) from every source's current claim. A valid
 * credit code, once held, stays (the ingest and merges set it); the area is the ingest's. A
 * low-trust code stays a matching key even after a valid one is known (another silo may copy it).
 */
export async function recomputeOrganisations(tx: Tx, ids: readonly string[]): Promise<void> {
  const rows = await currentClaims(tx, "ORGANISATION", ids);
  if (rows.length === 0) return;
  const byOrg = new Map<string, ClaimRow[]>();
  for (const r of rows) byOrg.set(r.entityId, [...(byOrg.get(r.entityId) ?? []), r]);
  const cityNames = (await tx.area.findMany({ where: { level: "CITY" }, select: { name: true } })).map(
    (a) => a.name,
  );
  const updates = [...byOrg].map(([id, claims]) => {
    const v = chooseValues(ORGANISATION_ATTRIBUTE_RULES, claimsByAttribute(claims));
    const text = (k: string) => (typeof v[k] === "string" ? (v[k] as string) : null);
    const name = text("name");
    return {
      id,
      name,
      nameKey: name ? organisationNameKey(name, cityNames) : null,
      kind: text("kind"),
      registeredOn: text("registeredOn"),
      registeringAuthority: text("registeringAuthority"),
      status: text("status"),
      phone: text("phone"),
      usccLowTrust: text("usccLowTrust"),
    };
  });
  await tx.$executeRawUnsafe(
    `UPDATE "Organisation" AS t SET
       name = COALESCE(u.name, t.name),
       "nameKey" = COALESCE(u."nameKey", t."nameKey"),
       kind = COALESCE(u.kind::"OrganisationKind", t.kind),
       "registeredOn" = COALESCE(u."registeredOn"::date, t."registeredOn"),
       "registeringAuthority" = COALESCE(u."registeringAuthority", t."registeringAuthority"),
       status = COALESCE(u.status::"OrganisationStatus", t.status),
       phone = COALESCE(u.phone, t.phone),
       "usccLowTrust" = COALESCE(u."usccLowTrust", t."usccLowTrust"),
       "updatedAt" = now()
     FROM jsonb_to_recordset($1::jsonb) AS u(id uuid, name text, "nameKey" text, kind text, "registeredOn" text,
       "registeringAuthority" text, status text, phone text, "usccLowTrust" text)
     WHERE t.id = u.id`,
    JSON.stringify(updates),
  );
}
