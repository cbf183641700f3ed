// Search across elements: by citizen ID (any legacy form), mobile, credit code, and by name or
// address text (pg_trgm similarity, which works on Chinese names; plus the pinyin key for
// homophone typos). Jurisdiction is part of every statement, before the limit. Persons and
// addresses are found by name, phone or address text only for callers who may see personal
// values: otherwise a search would unmask the masked values it returns.
import { normaliseCitizenId } from "../domain/identifiers/citizen-id.js";
import { nameBlockingKey } from "../domain/identifiers/person-name.js";
import { normaliseMobile } from "../domain/identifiers/phone.js";
import type { Principal } from "../domain/principal.js";
import { checkUscc } from "../domain/resolution/low-trust.js";
import { type Address, type Organisation, type Person, Prisma } from "../generated/prisma/client.js";
import { cancelOnAbort, type Db } from "../prisma/db.js";
import {
  elementVisibleSql,
  ensureJurisdiction,
  hasJurisdiction,
  organisationVisibleSql,
  personVisibleSql,
} from "./jurisdiction.js";
import { usccLookupKey } from "./organisations.js";

export const SEARCH_TYPES = ["PERSON", "ORGANISATION", "ADDRESS"] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];
export const SEARCH_KEYS = ["CITIZEN_ID", "PHONE", "USCC", "NAME", "ADDRESS"] as const;
export type SearchKey = (typeof SEARCH_KEYS)[number];
export const SEARCH_MAX = 100;

export type SearchHit =
  | { type: "PERSON"; element: Person; score: number; matchedOn: SearchKey }
  | { type: "ORGANISATION"; element: Organisation; score: number; matchedOn: SearchKey }
  | { type: "ADDRESS"; element: Address & { area: { path: string } }; score: number; matchedOn: SearchKey };

interface Scored {
  id: string;
  score: number;
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** What the text is, read as an identifier; null when it is none (then it is a name or address). */
function identifierOf(text: string): { key: SearchKey; value: string } | null {
  const mobile = normaliseMobile(text);
  if (mobile.ok) return { key: "PHONE", value: mobile.value };
  const id = normaliseCitizenId(text);
  const idKey = id.ok ? id.value : id.lowTrustKey;
  if (idKey) return { key: "CITIZEN_ID", value: idKey };
  if (/^[0-9A-Za-z\s-]{15,24}$/.test(text.trim())) {
    const uscc = usccLookupKey(text) ?? checkUscc(text).lowTrust;
    if (uscc) return { key: "USCC", value: uscc };
  }
  return null;
}

export async function searchElements(
  db: Db,
  principal: Principal,
  rawText: string,
  options: {
    types?: readonly SearchType[] | null;
    limit: number;
    /**
     * Which values the caller may search by: only those the access policy shows it in full (a
     * search by a value shown masked would recover it). Decided by the schema from the policy.
     */
    searchable: { citizenId: boolean; phone: boolean; name: boolean; address: boolean };
    /** Aborted when the client goes away: the costly statement is cancelled. */
    signal?: AbortSignal;
  },
): Promise<SearchHit[]> {
  const text = rawText.trim();
  const limit = Math.min(Math.max(options.limit, 1), SEARCH_MAX);
  const types = new Set<SearchType>(options.types?.length ? options.types : SEARCH_TYPES);
  if (text.length === 0 || !hasJurisdiction(principal)) return [];
  const scope = { db, principal };
  await ensureJurisdiction(scope);
  const by = options.searchable;

  const persons: (Scored & { key: SearchKey })[] = [];
  const orgs: (Scored & { key: SearchKey })[] = [];
  const addresses: (Scored & { key: SearchKey })[] = [];
  const identifier = identifierOf(text);

  if (identifier) {
    if (types.has("PERSON") && identifier.key === "CITIZEN_ID" && by.citizenId) {
      const rows = await db.$queryRaw<Scored[]>(Prisma.sql`
        SELECT p.id::text AS id, 1::float8 AS score FROM "Person" p
        WHERE (p."citizenId" = ${identifier.value} OR p."citizenIdLowTrust" = ${identifier.value})
          AND ${personVisibleSql(scope, Prisma.sql`p.id`)}
        LIMIT ${limit}`);
      persons.push(...rows.map((r) => ({ ...r, key: identifier.key })));
    }
    if (types.has("PERSON") && identifier.key === "PHONE" && by.phone) {
      const rows = await db.$queryRaw<Scored[]>(Prisma.sql`
        SELECT p.id::text AS id, 1::float8 AS score FROM "Person" p
        WHERE p.phone = ${identifier.value} AND ${personVisibleSql(scope, Prisma.sql`p.id`)}
        ORDER BY p.id LIMIT ${limit}`);
      persons.push(...rows.map((r) => ({ ...r, key: identifier.key })));
    }
    // a credit code that failed its check is kept as a low-trust key (an all-digit one reads as an ID too)
    const code = identifier.key === "USCC" ? identifier.value : checkUscc(text).lowTrust;
    if (types.has("ORGANISATION") && code && identifier.key !== "PHONE") {
      const rows = await db.$queryRaw<Scored[]>(Prisma.sql`
        SELECT o.id::text AS id, 1::float8 AS score FROM "Organisation" o
        WHERE (o.uscc = ${code} OR o."usccLowTrust" = ${code}) AND ${organisationVisibleSql(scope, "o")}
        LIMIT ${limit}`);
      orgs.push(...rows.map((r) => ({ ...r, key: "USCC" as const })));
    }
  } else {
    const like = likePattern(text);
    const pinyin = nameBlockingKey(text);
    // trigram and substring matching are the costly part: cancelled in PostgreSQL when the client
    // goes away (the statement timeout bounds it in any case)
    await cancelOnAbort(db, options.signal, async (q) => {
      if (types.has("PERSON") && by.name) {
        const rows = await q.$queryRaw<Scored[]>(Prisma.sql`
          SELECT p.id::text AS id,
            GREATEST(similarity(p.name, ${text}),
                     CASE WHEN p."namePinyin" = ${pinyin} THEN 0.5 ELSE 0 END)::float8 AS score
          FROM "Person" p
          WHERE (p.name % ${text} OR p.name LIKE ${like} ESCAPE '\\'
                 OR (${pinyin} <> '' AND p."namePinyin" = ${pinyin}))
            AND ${personVisibleSql(scope, Prisma.sql`p.id`)}
          ORDER BY score DESC, p.id LIMIT ${limit}`);
        persons.push(...rows.map((r) => ({ ...r, key: "NAME" as const })));
      }
      if (types.has("ORGANISATION")) {
        const rows = await q.$queryRaw<Scored[]>(Prisma.sql`
          SELECT o.id::text AS id, GREATEST(similarity(o.name, ${text}), word_similarity(${text}, o.name))::float8 AS score
          FROM "Organisation" o
          WHERE (o.name % ${text} OR ${text} <% o.name OR o.name LIKE ${like} ESCAPE '\\')
            AND ${organisationVisibleSql(scope, "o")}
          ORDER BY score DESC, o.id LIMIT ${limit}`);
        orgs.push(...rows.map((r) => ({ ...r, key: "NAME" as const })));
      }
      if (types.has("ADDRESS") && by.address) {
        const rows = await q.$queryRaw<Scored[]>(Prisma.sql`
          SELECT a.id::text AS id, word_similarity(${text}, a."fullText")::float8 AS score
          FROM "Address" a
          WHERE (${text} <% a."fullText" OR a."fullText" LIKE ${like} ESCAPE '\\')
            AND ${elementVisibleSql(scope, "Address", "a")}
          ORDER BY score DESC, a.id LIMIT ${limit}`);
        addresses.push(...rows.map((r) => ({ ...r, key: "ADDRESS" as const })));
      }
    });
  }

  options.signal?.throwIfAborted();
  const [personRows, orgRows, addressRows] = await Promise.all([
    persons.length ? db.person.findMany({ where: { id: { in: persons.map((p) => p.id) } } }) : [],
    orgs.length ? db.organisation.findMany({ where: { id: { in: orgs.map((o) => o.id) } } }) : [],
    addresses.length
      ? db.address.findMany({
          where: { id: { in: addresses.map((a) => a.id) } },
          include: { area: { select: { path: true } } },
        })
      : [],
  ]);
  const hits: SearchHit[] = [];
  const byId = <T extends { id: string }>(rows: T[]) => new Map(rows.map((r) => [r.id, r]));
  const p = byId(personRows);
  const o = byId(orgRows);
  const a = byId(addressRows);
  for (const s of persons) {
    const element = p.get(s.id);
    if (element) hits.push({ type: "PERSON", element, score: s.score, matchedOn: s.key });
  }
  for (const s of orgs) {
    const element = o.get(s.id);
    if (element) hits.push({ type: "ORGANISATION", element, score: s.score, matchedOn: s.key });
  }
  for (const s of addresses) {
    const element = a.get(s.id);
    if (element) hits.push({ type: "ADDRESS", element, score: s.score, matchedOn: s.key });
  }
  return hits.sort((x, y) => y.score - x.score).slice(0, limit);
}
