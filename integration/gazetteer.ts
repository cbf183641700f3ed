// The gazetteer over the area registry (domain/gazetteer.ts), rebuilt when the registry changes,
// and over the standard-address registry (Address), read per batch of texts by door plate.
import type { ElementDraft } from "../connectors/contract.js";
import { doorPlate, Gazetteer, type Location, type StandardAddress } from "../domain/gazetteer.js";
import type { Db, Tx } from "../prisma/db.js";

/**
 * Which version of doorPlate()'s key Address.doorKey holds: raise it whenever doorPlate() would key
 * an address text differently, and the hub re-keys the registry at its next start
 * (rekeyStandardAddresses). A key of another version is never looked up, so a stale one cannot
 * match wrongly; until the re-keying has run, an address of the old version is only not found.
 */
export const DOOR_KEY_VERSION = 2;

/**
 * What Address.doorKey holds for a standard address's text: the version and doorPlate()'s key
 * ("1:青年路12号3栋501室"), or the version alone for a text without a door plate.
 */
export function storedDoorKey(fullText: string): string {
  return `${DOOR_KEY_VERSION}:${doorPlate(fullText)?.key ?? ""}`;
}

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

/** How many registry addresses one door plate may bring (two alike already make it doubtful). */
const CANDIDATES_PER_TEXT = 100;

/**
 * Where each address text lies and which standard address it is (domain/gazetteer.ts), null for
 * the unresolved: the area tree's names, and the registry's addresses whose text has the same door
 * plate, found in one statement for all the texts by their stored key (Address.doorKey, a b-tree:
 * an equality per text, however large the registry; a LIKE over the text's trigram index cost
 * milliseconds a text at 24 k addresses and grew with the registry).
 */
export async function locateAll(tx: Tx, texts: Iterable<string>): Promise<Map<string, Location | null>> {
  const unique = [...new Set(texts)];
  const out = new Map<string, Location | null>();
  if (unique.length === 0) return out;
  const gazetteer = await currentGazetteer(tx);
  const keyOf = new Map(unique.map((t) => [t, doorPlate(t)?.key]));
  const keys = [...new Set([...keyOf.values()].flatMap((k) => (k ? [`${DOOR_KEY_VERSION}:${k}`] : [])))];
  const rows = keys.length
    ? await tx.$queryRawUnsafe<(StandardAddress & { doorKey: string })[]>(
        `SELECT k AS "doorKey", c.id::text AS id, c."fullText", c."areaCode"
         FROM unnest($1::text[]) AS k
         CROSS JOIN LATERAL (
           SELECT a.id, a."fullText", ar.code AS "areaCode"
           FROM "Address" a JOIN "Area" ar ON ar.id = a."areaId"
           WHERE a."doorKey" = k
           ORDER BY length(a."fullText"), a.id LIMIT ${CANDIDATES_PER_TEXT}) c`,
        keys,
      )
    : [];
  const byKey = new Map<string, StandardAddress[]>();
  for (const { doorKey, ...address } of rows) byKey.set(doorKey, [...(byKey.get(doorKey) ?? []), address]);
  for (const text of unique) {
    const key = keyOf.get(text);
    out.set(text, gazetteer.locate(text, key ? (byKey.get(`${DOOR_KEY_VERSION}:${key}`) ?? []) : []));
  }
  return out;
}

/**
 * Key the standard addresses whose Address.doorKey is missing or of another version (a registry
 * from before the column, or from before DOOR_KEY_VERSION was raised), a batch at a time. Run at
 * start; idempotent, so instances starting together only repeat each other's work. Returns how
 * many were keyed.
 */
export async function rekeyStandardAddresses(db: Db, batchSize = 5000): Promise<number> {
  let keyed = 0;
  for (;;) {
    const rows = await db.$queryRawUnsafe<{ id: string; fullText: string }[]>(
      `SELECT id::text, "fullText" FROM "Address"
       WHERE "doorKey" IS NULL OR NOT starts_with("doorKey", $1) ORDER BY id LIMIT ${batchSize}`,
      `${DOOR_KEY_VERSION}:`,
    );
    if (rows.length === 0) return keyed;
    await db.$executeRawUnsafe(
      `UPDATE "Address" a SET "doorKey" = k.key FROM unnest($1::uuid[], $2::text[]) AS k(id, key) WHERE a.id = k.id`,
      rows.map((r) => r.id),
      rows.map((r) => storedDoorKey(r.fullText)),
    );
    keyed += rows.length;
  }
}
