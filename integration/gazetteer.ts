// The gazetteer over the area registry (domain/gazetteer.ts), rebuilt when the registry changes,
// and over the standard-address registry (Address), read per batch of texts.
import type { ElementDraft } from "../connectors/contract.js";
import { doorPlate, Gazetteer, type Location, type StandardAddress } from "../domain/gazetteer.js";
import type { Tx } from "../prisma/db.js";

let cached: { signature: string; gazetteer: Gazetteer } | null = null;

/** The gazetteer of the areas the database holds now (one small query when nothing changed). */
export async function currentGazetteer(tx: Tx): Promise<Gazetteer> {
  const [sig] = await tx.$queryRawUnsafe<{ signature: string }[]>(
    `SELECT current_database() || ':' || count(*) || ':' || coalesce(max("updatedAt")::text, '') AS signature FROM "Area"`,
  );
  const signature = sig?.signature ?? "";
  if (cached?.signature !== signature) {
    const areas = await tx.$queryRawUnsafe<
      {
        code: string;
        name: string;
        level: "CITY" | "DISTRICT" | "STREET" | "COMMUNITY" | "GRID";
        parentCode: string | null;
      }[]
    >(
      `SELECT a.code, a.name, a.level::text AS level, p.code AS "parentCode"
       FROM "Area" a LEFT JOIN "Area" p ON p.id = a."parentId"`,
    );
    cached = { signature, gazetteer: new Gazetteer(areas) };
  }
  return cached.gazetteer;
}

/**
 * The address texts the hub's gazetteer places: those of organisations, events, addresses and
 * persons' addresses that come without a division code. One rule for every element.
 */
export function unplacedTexts(d: ElementDraft): string[] {
  switch (d.element) {
    case "ORGANISATION":
    case "EVENT":
      return !d.areaCode && d.addressText ? [d.addressText] : [];
    case "ADDRESS":
      return d.areaCode ? [] : [d.text];
    case "PERSON":
      return (d.addresses ?? []).flatMap((a) => (a.areaCode ? [] : [a.text]));
    case "AREA":
      return [];
  }
}

/** How many registry candidates one text's door plate may bring, shortest texts first (a door before its rooms). */
const CANDIDATES_PER_TEXT = 100;

/**
 * Where each address text lies and which standard address it is (domain/gazetteer.ts), null for
 * the unresolved: the area tree's names, and the registry's addresses whose text has the same door
 * plate, found in one statement for all the texts (the trigram index on Address.fullText).
 */
export async function locateAll(tx: Tx, texts: Iterable<string>): Promise<Map<string, Location | null>> {
  const unique = [...new Set(texts)];
  const out = new Map<string, Location | null>();
  if (unique.length === 0) return out;
  const gazetteer = await currentGazetteer(tx);
  const patterns = [...new Set(unique.flatMap((t) => doorPlate(t)?.pattern ?? []))];
  const rows = patterns.length
    ? await tx.$queryRawUnsafe<(StandardAddress & { pattern: string })[]>(
        `SELECT pat AS pattern, c.id::text AS id, c."fullText", c."areaCode"
         FROM unnest($1::text[]) AS pat
         CROSS JOIN LATERAL (
           SELECT a.id, a."fullText", ar.code AS "areaCode"
           FROM "Address" a JOIN "Area" ar ON ar.id = a."areaId"
           WHERE a."fullText" LIKE pat
           ORDER BY length(a."fullText") LIMIT ${CANDIDATES_PER_TEXT}) c`,
        patterns,
      )
    : [];
  const byPattern = new Map<string, StandardAddress[]>();
  for (const { pattern, ...address } of rows)
    byPattern.set(pattern, [...(byPattern.get(pattern) ?? []), address]);
  for (const text of unique) {
    const pattern = doorPlate(text)?.pattern;
    out.set(text, gazetteer.locate(text, pattern ? (byPattern.get(pattern) ?? []) : []));
  }
  return out;
}
