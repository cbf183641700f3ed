// One page of source records into the graph, inside the transaction that also moves the
// connector's cursor. Per page, not per record: a handful of statements whatever the page size.
//   1. unchanged records (same connector, key and payload hash) are no-ops;
//   2. records that cannot be mapped, or name an unknown area, are quarantined with every reason;
//   3. each element draft links to a canonical row: the row an earlier version of the same record
//      made (SAME_SOURCE), else the row with the same trustworthy key (EXACT_KEY: valid citizen ID,
//      valid USCC, standard-address key, area code), else, for persons, the best match above the
//      link threshold among those sharing a blocking key (PROBABILISTIC, integration/resolution),
//      else a new row (NEW; a pair for the review queue when the best match scored in between);
//   4. every value the record asserts is kept on its link (EntitySource.values: provenance), and
//      the canonical columns of persons that gained a source are chosen again from all claims;
//   5. every event created or changed is published to subscribers on commit.
import { createHash } from "node:crypto";
import type {
  AddressDraft,
  AreaDraft,
  ElementDraft,
  EventDraft,
  JsonValue,
  MappingOutcome,
  MappingProblem,
  OrganisationDraft,
  PersonDraft,
  SourceRecordInput,
} from "../connectors/contract.js";
import { AREA_LEVEL_RULES, checkAreaCode, pathCodes } from "../domain/area.js";
import { type CanonicalPerson, canonicalUscc, UNNAMED_PERSON } from "../domain/canonical.js";
import { type Location, PLATE_OMISSIONS, type PlateOmission, plateAgreement } from "../domain/gazetteer.js";
import { organisationNameKey } from "../domain/identifiers/org-name.js";
import { organisationStatusOf } from "../domain/organisation-status.js";
import {
  OUTSIDE_AREA_KINDS,
  type OutsideAreaKind,
  outsideAreaCode,
  placeUnknownCode,
} from "../domain/outside-areas.js";
import type { MatchReason } from "../domain/resolution/fellegi-sunter.js";
import { checkCitizenId, checkUscc } from "../domain/resolution/low-trust.js";
import { bestPersonMatch } from "../domain/resolution/person-match.js";
import { eventAfterSourceUpdate, eventDetails } from "../domain/workflow/transitions.js";
import type { Prisma } from "../generated/prisma/client.js";
import { arrayLiteral, bulkInsert, bulkInsertReturningIds, type Columns } from "../prisma/bulk.js";
import { type Db, type Tx, transaction } from "../prisma/db.js";
import { upsertAreaTreeIn } from "./area-registry.js";
import { CHANGE_CHANNEL, type Change } from "./change-bus.js";
import { errorSummary } from "./error-summary.js";
import { locateAll, storedDoorKey, unplacedTexts } from "./gazetteer.js";
import { cityCodes, ensureOutsideAreas } from "./outside-areas.js";
import { priceReadsAsInMemory } from "./planner.js";
import { recomputeOrganisations, recomputePersons } from "./resolution/canonical.js";
import { addressKeysOf, analysePerson, platePartsOf } from "./resolution/draft-keys.js";
import { PersonBlocks } from "./resolution/person-blocks.js";
import { newRowId } from "./row-id.js";
import { againIfKeyTaken } from "./savepoint.js";

const addressKeyOf = (text: string) => addressKeysOf(text).key;

/** The community (社区/村) an area path lies in, or null above that level (a street, 区划不明). */
const communityOfPath = (path: string): string | null =>
  pathCodes(path)[AREA_LEVEL_RULES.COMMUNITY.depth] ?? null;

/** Column types of the tables the ingest writes in bulk (prisma/bulk.ts). */
const TABLES = {
  SourceRecord: {
    id: "uuid",
    connectorId: "text",
    departmentCode: "text",
    sourceKey: "text",
    payload: "jsonText",
    payloadHash: "text",
  },
  Address: {
    id: "uuid",
    areaId: "uuid",
    fullText: "text",
    addressKey: "text",
    doorKey: "text",
    latitude: "float8",
    longitude: "float8",
    updatedAt: "timestamp",
  },
  Person: {
    id: "uuid",
    citizenId: "text",
    citizenIdValid: "bool",
    citizenIdLowTrust: "text",
    name: "text",
    namePinyin: "text",
    sex: { enum: "Sex" },
    birthDate: "date",
    ethnicity: "text",
    phone: "text",
    updatedAt: "timestamp",
  },
  Organisation: {
    id: "uuid",
    uscc: "text",
    usccValid: "bool",
    usccLowTrust: "text",
    name: "text",
    nameKey: "text",
    kind: { enum: "OrganisationKind" },
    areaId: "uuid",
    addressId: "uuid",
    registeredOn: "date",
    registeringAuthority: "text",
    status: { enum: "OrganisationStatus" },
    phone: "text",
    updatedAt: "timestamp",
  },
  Event: {
    id: "uuid",
    kind: { enum: "EventKind" },
    title: "text",
    description: "text",
    occurredAt: "timestamp",
    reportedAt: "timestamp",
    deadlineAt: "timestamp",
    areaId: "uuid",
    addressId: "uuid",
    sourceDepartmentCode: "text",
    status: { enum: "EventStatus" },
    warningLevel: { enum: "WarningLevel" },
    details: "jsonb",
    updatedAt: "timestamp",
  },
  EntitySource: {
    sourceRecordId: "uuid",
    ref: "text",
    entityType: { enum: "EntityType" },
    entityId: "uuid",
    method: "text",
    score: "float8",
    reasons: "jsonb",
    values: "jsonb",
  },
  MatchCandidate: {
    id: "uuid",
    entityType: { enum: "EntityType" },
    entityId: "uuid",
    candidateId: "uuid",
    score: "float8",
    reasons: "jsonb",
  },
  PersonAddress: { personId: "uuid", addressId: "uuid", kind: { enum: "PersonAddressKind" } },
  PersonPost: { personId: "uuid", areaId: "uuid", role: "text" },
  PersonOrganisation: { personId: "uuid", organisationId: "uuid", role: "text" },
  EventPerson: { eventId: "uuid", personId: "uuid", role: { enum: "EventPersonRole" } },
  EventOrganisation: { eventId: "uuid", organisationId: "uuid", role: "text" },
  DataQualityIssue: { connectorId: "text", sourceKey: "text", code: "text", ref: "text", message: "text" },
  EventStep: {
    id: "uuid",
    eventId: "uuid",
    fromStatus: { enum: "EventStatus" },
    toStatus: { enum: "EventStatus" },
    actor: "text",
    at: "timestamp",
  },
} satisfies Record<string, Columns>;

export interface IngestSource {
  connectorId: string;
  departmentCode: string;
  map(record: SourceRecordInput): MappingOutcome;
}

export interface PageOutcome {
  ingested: number;
  unchanged: number;
  quarantined: number;
  changes: Change[];
  /** Data-quality problems of the stored records, by code (INVALID_USCC, OUTSIDE_CITY …): kept, counted. */
  dataQuality: Record<string, number>;
  /**
   * Why the page's new addresses were created inside it instead of ahead of it (Linker.write):
   * no connection to spare, a key another page held past the lock timeout, another failure.
   */
  addressesInPage?: string;
}

/**
 * Problems of records that were stored anyway, counted per connector (DataQualityIssue). The
 * problems that stop a record are quarantine reasons instead (MappingProblemCode).
 */
export const DATA_QUALITY_CODES = {
  INVALID_CITIZEN_ID: "a citizen ID failed its check: kept as a low-trust key",
  INVALID_USCC: "a credit code failed its check: kept as a low-trust key",
  OUTSIDE_CITY: "a division code outside the city: placed in the city's 市外 area",
  UNKNOWN_AREA: "no known division: placed in the city's 区划不明 area",
  AREA_FROM_ADDRESS:
    "no division code: placed by the hub's gazetteer from the address text, at its standard address or in the area it names (with its confidence)",
  UNMATCHED_STANDARD_ADDRESS:
    "no division code, and the standard address alike is not sure enough (another area, several alike, low confidence): placed in the area the text names",
  UNRESOLVED_ADDRESS: "no division code and an address text the gazetteer cannot place: in 区划不明",
  ADDRESS_FROM_PERSON:
    "a person's address text that leaves out part of its door plate (the road and door, the unit, the compound): placed at the one address the graph already knows for that person that it agrees with",
} as const;
export type DataQualityCode = keyof typeof DATA_QUALITY_CODES;

type EntityType = "PERSON" | "ORGANISATION" | "ADDRESS" | "AREA" | "EVENT";
const ORDER: Record<ElementDraft["element"], number> = {
  AREA: 0,
  ADDRESS: 1,
  PERSON: 2,
  ORGANISATION: 3,
  EVENT: 4,
};

/**
 * The versions (sourceKey + NUL + payload hash) of these records' keys already stored, and, with
 * `quarantined`, already quarantined; and the keys with a stored version (what an earlier version
 * linked is looked up for those only: on a first load, for none). One statement, the keys as one
 * array parameter (a page's thousands of keys as an IN list cost the client more than the lookup
 * costs the database).
 */
export async function knownVersions(
  db: Pick<Tx, "$queryRawUnsafe">,
  connectorId: string,
  records: readonly SourceRecordInput[],
  { quarantined }: { quarantined: boolean },
): Promise<{ versions: Set<string>; storedKeys: Set<string> }> {
  const keys = [...new Set(records.map((r) => r.sourceKey))];
  if (keys.length === 0) return { versions: new Set(), storedKeys: new Set() };
  const rows = await db.$queryRawUnsafe<{ sourceKey: string; payloadHash: string; stored: boolean }[]>(
    `SELECT "sourceKey", "payloadHash", true AS stored FROM "SourceRecord"
     WHERE "connectorId" = $1 AND "sourceKey" = ANY($2::text[])${
       quarantined
         ? `
     UNION ALL SELECT "sourceKey", "payloadHash", false FROM "QuarantinedRecord"
     WHERE "connectorId" = $1 AND "sourceKey" = ANY($2::text[])`
         : ""
     }`,
    connectorId,
    arrayLiteral(keys),
  );
  return {
    versions: new Set(rows.map((r) => `${r.sourceKey}\u0000${r.payloadHash}`)),
    storedKeys: new Set(rows.filter((r) => r.stored).map((r) => r.sourceKey)),
  };
}

/** JSON with keys sorted, so the same content always hashes the same. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value ?? null);
}

export const payloadHash = (payload: JsonValue) => hashOf(stableJson(payload));

const hashOf = (text: string) => createHash("sha256").update(text).digest("hex");

/** A record's payload as canonical JSON (what is stored) and its hash. */
function hashRecord(input: SourceRecordInput): PreparedRecord {
  const text = stableJson(input.payload);
  return { input, hash: hashOf(text), text, mapped: null };
}

interface Prepared {
  input: SourceRecordInput;
  hash: string;
  /** The payload as JSON, when it was serialised for its hash (preparePage). */
  text: string | undefined;
  drafts: ElementDraft[];
  recordId: string;
}

/** A record hashed and mapped ahead of its transaction (see preparePage). */
export interface PreparedRecord {
  input: SourceRecordInput;
  hash: string;
  /** The payload as the JSON its hash was taken of (stored as is); absent: serialised when stored. */
  text?: string;
  mapped: MappingOutcome | null;
}

function mapSafely(source: IngestSource, input: SourceRecordInput): MappingOutcome {
  try {
    return source.map(input);
  } catch (e) {
    return {
      ok: false,
      problems: [{ code: "MALFORMED_RECORD", field: "", message: `mapping failed: ${(e as Error).message}` }],
    };
  }
}

/**
 * The CPU part of a page, which needs no database: hash every record, map the ones not known in
 * this version (`known`: sourceKey + NUL + hash), and compute their drafts' matching keys. The
 * sync engine runs it for the next page while the current one is being written.
 */
export function preparePage(
  source: IngestSource,
  records: readonly SourceRecordInput[],
  known: ReadonlySet<string> = new Set(),
): PreparedRecord[] {
  return records.map((input) => {
    const record = hashRecord(input);
    if (known.has(`${input.sourceKey}\u0000${record.hash}`)) return record;
    const mapped = mapSafely(source, input);
    if (mapped.ok) for (const d of mapped.drafts) warmKeys(d);
    return { ...record, mapped };
  });
}

function warmKeys(d: ElementDraft): void {
  if (d.element === "PERSON") {
    analysePerson(d);
    for (const a of d.addresses ?? []) addressKeysOf(a.text);
  } else if (d.element === "ADDRESS") addressKeysOf(d.text);
  else if ((d.element === "EVENT" || d.element === "ORGANISATION") && d.addressText)
    addressKeysOf(d.addressText);
}

export async function ingestPage(
  tx: Tx,
  source: IngestSource,
  records: readonly SourceRecordInput[],
  options: {
    /** Map versions that were quarantined before again (after the registry learnt new areas). */
    reconsiderQuarantined?: boolean;
    /** The same records, hashed and mapped ahead by preparePage. */
    prepared?: readonly PreparedRecord[];
    /**
     * A client outside the page's transaction: the canonical addresses the page creates are
     * committed through it ahead of the page (Linker.write says why). Without it, in the page.
     */
    ahead?: Db;
  } = {},
): Promise<PageOutcome> {
  const outcome: PageOutcome = { ingested: 0, unchanged: 0, quarantined: 0, changes: [], dataQuality: {} };
  if (records.length === 0) return outcome;
  await priceReadsAsInMemory(tx);

  // 1. Unchanged: already ingested or already quarantined in this very version.
  const hashed: readonly PreparedRecord[] = options.prepared ?? records.map((input) => hashRecord(input));
  const { versions: seen, storedKeys } = await knownVersions(tx, source.connectorId, records, {
    quarantined: !options.reconsiderQuarantined,
  });
  const fresh: PreparedRecord[] = [];
  for (const r of hashed) {
    const id = `${r.input.sourceKey}\u0000${r.hash}`;
    if (seen.has(id)) outcome.unchanged++;
    else {
      seen.add(id); // the same version twice in one page counts once
      fresh.push(r);
    }
  }

  // 2. Map, then check every area a draft names against the areas the page names (one query).
  const mappedRecords = fresh.map(({ input, hash, text, mapped }) => ({
    input,
    hash,
    text,
    mapped: mapped ?? mapSafely(source, input),
  }));
  const areas = await areaIndex(
    tx,
    mappedRecords.flatMap(({ mapped }) => (mapped.ok ? mapped.drafts.flatMap(areaCodesOf) : [])),
  );
  let cities = await cityCodes(tx);
  const prepared: Prepared[] = [];
  const quarantine: Prisma.QuarantinedRecordCreateManyInput[] = [];
  for (const { input, hash, text, mapped } of mappedRecords) {
    const problems = mapped.ok ? areaProblems(mapped.drafts, areas, cities) : mapped.problems;
    if (problems.length > 0 || !mapped.ok) {
      const first = problems[0]!;
      quarantine.push({
        connectorId: source.connectorId,
        sourceKey: input.sourceKey,
        payload: input.payload as Prisma.InputJsonValue,
        payloadHash: hash,
        reasonCode: first.code,
        field: first.field || null,
        message: first.message,
        problems: problems as unknown as Prisma.InputJsonValue,
      });
      continue;
    }
    prepared.push({
      input,
      hash,
      text,
      drafts: [...mapped.drafts].sort((a, b) => ORDER[a.element] - ORDER[b.element]),
      recordId: newRowId(),
    });
  }
  if (quarantine.length > 0) {
    // A key quarantined again (a new version, or a replay through another mapping) supersedes its
    // earlier open entry: one open entry per record, so the queue counts records, not attempts.
    await tx.quarantinedRecord.updateMany({
      where: {
        connectorId: source.connectorId,
        resolvedAt: null,
        OR: quarantine.map((q) => ({ sourceKey: q.sourceKey, payloadHash: { not: q.payloadHash } })),
      },
      data: { resolvedAt: new Date() },
    });
    await tx.quarantinedRecord.createMany({ data: quarantine, skipDuplicates: true });
    outcome.quarantined = quarantine.length;
  }
  if (prepared.length === 0) return outcome;

  await bulkInsert(
    tx,
    "SourceRecord",
    TABLES.SourceRecord,
    prepared.map((p) => ({
      id: p.recordId,
      connectorId: source.connectorId,
      departmentCode: source.departmentCode,
      sourceKey: p.input.sourceKey,
      payload: p.text ?? JSON.stringify(p.input.payload),
      payloadHash: p.hash,
    })),
  );
  // A record that was quarantined before and now arrives in a good version is resolved.
  await tx.$executeRawUnsafe(
    `UPDATE "QuarantinedRecord" SET "resolvedAt" = $3::timestamp(3)
     WHERE "connectorId" = $1 AND "sourceKey" = ANY($2::text[]) AND "resolvedAt" IS NULL`,
    source.connectorId,
    arrayLiteral(prepared.map((p) => p.input.sourceKey)),
    new Date().toISOString(),
  );

  // Areas first (grid registry): they are what every other element is placed in.
  const areaDrafts = prepared.flatMap((p) => p.drafts.filter((d): d is AreaDraft => d.element === "AREA"));
  if (areaDrafts.length > 0) {
    await upsertAreaTreeIn(tx, areaDrafts, "sync");
    cities = await cityCodes(tx);
    Object.assign(
      areas,
      await areaIndex(
        tx,
        prepared.flatMap((p) => p.drafts.flatMap(areaCodesOf)),
      ),
    );
  }

  // What comes with an address text and no division code is placed by the hub's gazetteer.
  const locations = await locateAll(
    tx,
    prepared.flatMap((p) => p.drafts.flatMap(unplacedTexts)),
  );
  Object.assign(
    areas,
    await areaIndex(
      tx,
      [...locations.values()].flatMap((l) => (l?.code ? [l.code] : [])),
    ),
  );
  // What lies outside the area tree goes to the city's 市外 or 区划不明 area, made when first needed.
  Object.assign(areas, await ensureOutsideAreas(tx, outsidePlacesOf(prepared, areas, cities, locations)));
  const linker = new Linker(
    tx,
    source.connectorId,
    source.departmentCode,
    areas,
    cities,
    locations,
    options.ahead ?? null,
  );
  await linker.load(prepared, storedKeys);
  for (const p of prepared) for (const draft of p.drafts) linker.resolve(p, draft);
  await linker.write();
  if (linker.addressesInPage) outcome.addressesInPage = linker.addressesInPage;
  outcome.changes = linker.changes;
  for (const issue of linker.issues)
    outcome.dataQuality[issue.code] = (outcome.dataQuality[issue.code] ?? 0) + 1;
  if (linker.changes.length > 0) {
    // One statement for the page's notifications; delivered on commit.
    await tx.$executeRawUnsafe(
      "SELECT pg_notify($1, c) FROM unnest($2::text[]) AS c",
      CHANGE_CHANNEL,
      arrayLiteral(linker.changes.map((c) => JSON.stringify(c))),
    );
  }
  outcome.ingested = prepared.length;
  return outcome;
}

type AreaIndex = Record<string, { id: string; path: string }>;

/** Every area code a draft names: where it is placed, its parent, its person's addresses. */
function areaCodesOf(d: ElementDraft): string[] {
  switch (d.element) {
    case "AREA":
      return d.parentCode ? [d.code, d.parentCode] : [d.code];
    case "EVENT":
    case "ADDRESS":
    case "ORGANISATION":
      return d.areaCode ? [d.areaCode] : [];
    case "PERSON":
      return [
        ...(d.addresses ?? []).flatMap((a) => (a.areaCode ? [a.areaCode] : [])),
        ...(d.posts ?? []).map((p) => p.areaCode),
      ];
  }
}

/** The areas of these codes (a city has tens of thousands; a page names a few hundred). */
async function areaIndex(tx: Tx, codes: readonly string[]): Promise<AreaIndex> {
  const unique = [...new Set(codes)];
  if (unique.length === 0) return {};
  const rows = await tx.$queryRawUnsafe<{ id: string; code: string; path: string }[]>(
    `SELECT id::text AS id, code, path FROM "Area" WHERE code = ANY($1::text[])`,
    arrayLiteral(unique),
  );
  return Object.fromEntries(rows.map((a) => [a.code, { id: a.id, path: a.path }]));
}

/** Where a division code that is not in the index belongs (市外 or 区划不明 of a city); null when known. */
function outsidePlace(code: string | null | undefined, areas: AreaIndex, cities: readonly string[]) {
  if (code && areas[code]) return null;
  return placeUnknownCode(code, cities);
}

/** The special area (市外, 区划不明) a text the gazetteer located lands in; null: a real area. */
function specialPlaceOf(location: Location | null | undefined, cities: readonly string[]) {
  const city = cities[0];
  if (!city || location?.code) return null;
  return { kind: location?.outside ? "OUTSIDE_CITY" : "UNKNOWN_AREA", cityCode: city } as const;
}

/**
 * The special areas a page's drafts will need: unknown codes of organisations and of persons'
 * addresses, codes outside the city of events and addresses, organisations with no place, and
 * address texts the gazetteer placed outside the city or nowhere.
 */
function outsidePlacesOf(
  prepared: readonly Prepared[],
  areas: AreaIndex,
  cities: readonly string[],
  locations: Locations,
) {
  const wanted: { kind: OutsideAreaKind; cityCode: string }[] = [];
  const want = (place: { kind: OutsideAreaKind; cityCode: string } | null) => {
    if (place) wanted.push(place);
  };
  for (const p of prepared)
    for (const d of p.drafts) {
      for (const text of unplacedTexts(d)) want(specialPlaceOf(locations.get(text), cities));
      if (d.element === "ORGANISATION" && (d.areaCode || !d.addressText))
        want(outsidePlace(d.areaCode, areas, cities));
      else if ((d.element === "EVENT" || d.element === "ADDRESS") && d.areaCode)
        want(outsidePlace(d.areaCode, areas, cities));
      else if (d.element === "PERSON")
        for (const a of d.addresses ?? []) if (a.areaCode) want(outsidePlace(a.areaCode, areas, cities));
    }
  return wanted;
}

/** Where the gazetteer located each address text of the page (null: nowhere it is sure of). */
type Locations = Map<string, Location | null>;

function areaProblems(
  drafts: readonly ElementDraft[],
  areas: AreaIndex,
  cities: readonly string[],
): MappingProblem[] {
  // the page's areas, and those the record's own area drafts add (a parent before its child)
  const added = new Set<string>();
  const known = { has: (code: string) => Object.hasOwn(areas, code) || added.has(code) };
  const problems: MappingProblem[] = [];
  for (const d of drafts) {
    if (d.element === "AREA") {
      const p = checkAreaCode(d.level, d.code, d.parentCode);
      if (p) problems.push({ code: "INVALID_VALUE", field: "code", message: `area ${d.code}: ${p.detail}` });
      else if (d.parentCode && !known.has(d.parentCode))
        problems.push({
          code: "UNKNOWN_AREA",
          field: "parentCode",
          message: `area ${d.code}: parent ${d.parentCode} is unknown`,
        });
      added.add(d.code);
    } else if (
      (d.element === "EVENT" || d.element === "ADDRESS") &&
      d.areaCode &&
      !known.has(d.areaCode) &&
      // a place outside the city is placed in its 市外 area; an unknown one inside waits for the registry
      placeUnknownCode(d.areaCode, cities)?.kind !== "OUTSIDE_CITY"
    ) {
      problems.push({
        code: "UNKNOWN_AREA",
        field: "areaCode",
        message: `${d.element.toLowerCase()} ${d.ref}: area ${d.areaCode} is unknown`,
      });
    }
  }
  return problems;
}

/** Resolves drafts to canonical rows for one page, then writes everything in batches. */
class Linker {
  /** Why the new addresses could not be committed ahead of the page, when they could not. */
  addressesInPage: string | undefined;
  private previous = new Map<string, { entityType: EntityType; entityId: string }>();
  private personsByCitizenId = new Map<string, string>();
  /** Persons by the exact low-trust key of a failed citizen ID (only keys held by one person). */
  private personsByLowTrust = new Map<string, string>();
  private orgsByUscc = new Map<string, string>();
  /** Organisations by the exact low-trust key of a failed credit code (only keys held by one). */
  private orgsByLowTrust = new Map<string, string>();
  /** Organisations by name key (organisationNameKey), with their credit code if valid. */
  private orgsByNameKey = new Map<string, { id: string; uscc: string | null }[]>();
  private cityNames: string[] = [];
  private addressesByKey = new Map<string, string>();
  /** The community each address the page knows lies in (null: placed above a community). */
  private addressCommunity = new Map<string, string | null>();
  /** The addresses the graph already knows for the persons the page names by ID or earlier version. */
  private knownAddresses = new Map<string, { addressId: string; fullText: string }[]>();
  /** The address each text of the record being resolved became: one text, one place, per record. */
  private recordAddresses = new Map<string, string>();
  private existingEvents = new Map<
    string,
    { status: string; areaId: string; deadlineAt: Date | null; details: unknown; hubHasActed: boolean }
  >();

  private newPersons: Prisma.PersonCreateManyInput[] = [];
  private newOrgs: Prisma.OrganisationCreateManyInput[] = [];
  private newAddresses: Prisma.AddressCreateManyInput[] = [];
  private newEvents: Prisma.EventCreateManyInput[] = [];
  /** Persons that gained a source this page: their canonical values are chosen again. */
  private touchedPersons = new Set<string>();
  /** Rows the page meant to create that another writer created first: tentative id → theirs. */
  private readonly taken = new Map<string, string>();
  private readonly blocks = new PersonBlocks();
  private reviews: { entityId: string; candidateId: string; score: number; reasons: MatchReason[] }[] = [];
  /** The valid credit code an organisation the page found is to hold. */
  private orgUpdates = new Map<string, string>();
  /** Organisations that gained a source this page: their registry facts are chosen again. */
  private touchedOrgs = new Set<string>();
  /** A real area for an organisation or address that had none, or a special one (市外, 区划不明). */
  private orgAreaFixes = new Map<string, string>();
  private addressAreaFixes = new Map<string, string>();
  /** Source keys of the page's stored records. */
  private readonly storedKeys = new Set<string>();
  /** Data-quality problems of the page's stored records. */
  readonly issues: { sourceKey: string; code: DataQualityCode; ref: string; message: string }[] = [];
  private eventUpdates = new Map<string, Prisma.EventUncheckedUpdateInput>();
  private links: Prisma.EntitySourceCreateManyInput[] = [];
  private personAddresses: Prisma.PersonAddressCreateManyInput[] = [];
  private personPosts: Prisma.PersonPostCreateManyInput[] = [];
  private personOrgs: Prisma.PersonOrganisationCreateManyInput[] = [];
  private eventPersons: Prisma.EventPersonCreateManyInput[] = [];
  private eventOrgs: Prisma.EventOrganisationCreateManyInput[] = [];
  private steps: Prisma.EventStepCreateManyInput[] = [];
  readonly changes: Change[] = [];
  /** ref → entity id, for the record being resolved. */
  private refs = new Map<string, string>();
  private currentRecord: string | null = null;

  constructor(
    private readonly tx: Tx,
    private readonly connectorId: string,
    private readonly departmentCode: string,
    private readonly areas: AreaIndex,
    private readonly cities: readonly string[],
    private readonly locations: Locations = new Map(),
    private readonly ahead: Db | null = null,
  ) {}

  private issue(p: Prepared, ref: string, code: DataQualityCode, message: string): void {
    this.issues.push({ sourceKey: p.input.sourceKey, code, ref, message });
  }

  /**
   * The area a division code places an element in: the code's own area, else the city's 市外 or
   * 区划不明 area (counted as a data-quality problem). Null only when there is no city at all.
   */
  private place(
    p: Prepared,
    ref: string,
    code: string | null | undefined,
  ): { id: string; path: string } | null {
    if (code && this.areas[code]) return this.areas[code];
    const place = placeUnknownCode(code, this.cities);
    if (!place) return null;
    this.issue(
      p,
      ref,
      place.kind,
      code
        ? place.kind === "OUTSIDE_CITY"
          ? `division ${code} lies outside the city`
          : `division ${code} is not in the area registry`
        : "no division code and no known standard address",
    );
    return this.areas[outsideAreaCode(place.kind, place.cityCode)] ?? null;
  }

  /** The codes of the special areas (市外, 区划不明), which a real place replaces. */
  private specialAreaCodes(): string[] {
    return this.cities.flatMap((city) =>
      (Object.keys(OUTSIDE_AREA_KINDS) as OutsideAreaKind[]).map((kind) => outsideAreaCode(kind, city)),
    );
  }

  /** The city's special area of this kind (市外, 区划不明), when there is a city. */
  private special(kind: OutsideAreaKind): { code: string; id: string; path: string } | null {
    const code = this.cities[0] ? outsideAreaCode(kind, this.cities[0]) : null;
    const area = code ? this.areas[code] : undefined;
    return code && area ? { code, ...area } : null;
  }

  /**
   * Where an address text that came without a division code lies, as the gazetteer located it,
   * reported with its confidence: its standard address and that address's area, else the area
   * the text names, else the city's 市外 or 区划不明 (`fallback` false: no area). `key`: the
   * address key a new address of this text is stored under (scoped by its area, so that a
   * look-alike elsewhere, which the gazetteer refused, is not joined by its key).
   */
  private located(
    p: Prepared,
    ref: string,
    text: string,
    fallback = true,
  ): { area: { id: string; path: string } | null; addressId: string | null; key: string | null } {
    const l = this.locations.get(text);
    const real = l?.code ? this.areas[l.code] : undefined;
    const scoped = (code: string | undefined) => (code ? `${addressKeyOf(text)}@${code}` : null);
    if (l?.code && real) {
      this.issue(
        p,
        ref,
        "AREA_FROM_ADDRESS",
        l.address
          ? `at the standard address ${l.address.fullText} in ${l.code} by its address text (${l.level}, confidence ${l.confidence})`
          : `placed in ${l.code} by its address text (${l.level}, confidence ${l.confidence})`,
      );
      if (l.doubt) this.issue(p, ref, "UNMATCHED_STANDARD_ADDRESS", l.doubt);
      return { area: real, addressId: l.address?.id ?? null, key: scoped(l.code) };
    }
    if (l?.outside) {
      this.issue(p, ref, "OUTSIDE_CITY", "its address text lies outside the city");
      const outside = this.special("OUTSIDE_CITY");
      return { area: outside, addressId: null, key: scoped(outside?.code) };
    }
    this.issue(p, ref, "UNRESOLVED_ADDRESS", "its address text names no area the registry knows");
    const unknown = fallback ? this.special("UNKNOWN_AREA") : null;
    return { area: unknown, addressId: null, key: scoped(unknown?.code) };
  }

  /** The address of this key, or a new one of this text in this area (kept for the page). */
  private addressIn(
    text: string,
    key: string,
    area: { id: string; path?: string },
    at?: AddressDraft,
  ): string {
    let id = this.addressesByKey.get(key);
    if (!id) {
      id = newRowId();
      this.addressesByKey.set(key, id);
      this.addressCommunity.set(id, area.path ? communityOfPath(area.path) : null);
      this.newAddresses.push({
        id,
        areaId: area.id,
        fullText: text,
        addressKey: key,
        doorKey: storedDoorKey(text),
        latitude: at?.latitude ?? null,
        longitude: at?.longitude ?? null,
      });
    }
    return id;
  }

  /** The keys a text with a division code may be kept under: its own, and its own in its community. */
  private codedKeys(text: string, areaCode: string | null | undefined, into: Set<string>): void {
    const key = addressKeyOf(text);
    into.add(key);
    const path = areaCode ? this.areas[areaCode]?.path : undefined;
    const community = path ? communityOfPath(path) : null;
    if (community) into.add(`${key}@${community}`);
  }

  /**
   * The address a text with a division code is by its key, and the key it is (or would be) kept
   * under. The same key in another community is another place (two compounds of one name at one
   * road's door number, in two communities of a district): the text's own is then kept under the
   * key and its community ("…@320602001001"). An address placed above a community (a street,
   * 区划不明) is the text's, which places it more precisely.
   */
  private codedAddress(
    text: string,
    area: { path: string } | undefined,
  ): { id: string | undefined; key: string } {
    const key = addressKeyOf(text);
    const id = this.addressesByKey.get(key);
    const community = area ? communityOfPath(area.path) : null;
    const at = id ? this.addressCommunity.get(id) : undefined;
    if (!id || !community || !at || at === community) return { id, key };
    const scoped = `${key}@${community}`;
    return { id: this.addressesByKey.get(scoped), key: scoped };
  }

  /** The known standard address a free-text place names, if any (never creates one). */
  private knownAddress(text: string | null | undefined): string | null {
    return text ? (this.addressesByKey.get(addressKeyOf(text)) ?? null) : null;
  }

  /**
   * Everything the page's drafts could link to, in one query per kind. `storedKeys`: the page's
   * keys with an earlier stored version (knownVersions), whose links the page's versions inherit.
   */
  async load(prepared: readonly Prepared[], storedKeys: ReadonlySet<string>): Promise<void> {
    // The page's own keys with earlier versions, and the records its drafts name as the same person.
    const keys = [
      ...new Set([
        ...prepared.flatMap((p) => (storedKeys.has(p.input.sourceKey) ? [p.input.sourceKey] : [])),
        ...prepared.flatMap((p) =>
          p.drafts.flatMap((d) => (d.element === "PERSON" && d.sameAs ? [d.sameAs.sourceKey] : [])),
        ),
      ]),
    ];
    const prev =
      keys.length === 0
        ? []
        : await this.tx.$queryRaw<
            { sourceKey: string; ref: string; entityType: EntityType; entityId: string }[]
          >`
      SELECT DISTINCT ON (sr."sourceKey", es.ref) sr."sourceKey", es.ref, es."entityType"::text AS "entityType", es."entityId"::text AS "entityId"
      FROM "EntitySource" es JOIN "SourceRecord" sr ON sr.id = es."sourceRecordId"
      WHERE sr."connectorId" = ${this.connectorId} AND sr."sourceKey" = ANY(${arrayLiteral(keys)}::text[])
      ORDER BY sr."sourceKey", es.ref, sr."fetchedAt" DESC`;
    for (const r of prev) this.previous.set(`${r.sourceKey}\u0000${r.ref}`, r);

    const drafts = prepared.flatMap((p) => p.drafts);
    const ids = new Set<string>();
    const usccs = new Set<string>();
    const lowIds = new Set<string>();
    const lowUsccs = new Set<string>();
    const addressKeys = new Set<string>();
    for (const d of drafts) {
      if (d.element === "PERSON") {
        const id = analysePerson(d).canonical.citizenId;
        if (id) ids.add(id);
        const low = checkCitizenId(d.citizenId).lowTrust;
        if (low) lowIds.add(low);
      } else if (d.element === "ORGANISATION") {
        const { uscc } = canonicalUscc(d.uscc);
        if (uscc) usccs.add(uscc);
        const low = checkUscc(d.uscc).lowTrust;
        if (low) lowUsccs.add(low);
      } else if (d.element === "ADDRESS") this.codedKeys(d.text, d.areaCode, addressKeys);
      // An event or organisation is placed at a standard address the graph already knows.
      if ((d.element === "EVENT" || d.element === "ORGANISATION") && d.addressText)
        addressKeys.add(addressKeyOf(d.addressText));
      if (d.element === "PERSON")
        for (const a of d.addresses ?? [])
          if (a.areaCode && this.areas[a.areaCode]) this.codedKeys(a.text, a.areaCode, addressKeys);
      // what the gazetteer placed in an area without a standard address is kept under its area
      for (const text of unplacedTexts(d)) {
        const l = this.locations.get(text);
        const code =
          l?.code ??
          (this.cities[0]
            ? outsideAreaCode(l?.outside ? "OUTSIDE_CITY" : "UNKNOWN_AREA", this.cities[0])
            : null);
        if (!l?.address && code) addressKeys.add(`${addressKeyOf(text)}@${code}`);
      }
    }
    for (const p of ids.size
      ? await this.tx.$queryRawUnsafe<{ id: string; citizenId: string }[]>(
          `SELECT id::text AS id, "citizenId" FROM "Person" WHERE "citizenId" = ANY($1::text[])`,
          arrayLiteral([...ids]),
        )
      : [])
      this.personsByCitizenId.set(p.citizenId, p.id);
    // A low-trust key links only when exactly one person holds it (an unmerged pair may share one).
    for (const r of lowIds.size
      ? await this.tx.$queryRawUnsafe<{ key: string; id: string }[]>(
          `SELECT "citizenIdLowTrust" AS key, min(id::text) AS id FROM "Person"
           WHERE "citizenIdLowTrust" = ANY($1::text[]) GROUP BY 1 HAVING count(*) = 1`,
          arrayLiteral([...lowIds]),
        )
      : [])
      this.personsByLowTrust.set(r.key, r.id);
    // Persons neither an earlier version nor a trustworthy key links: who could they be?
    const unlinked = prepared.flatMap((p) =>
      p.drafts.filter(
        (d): d is PersonDraft =>
          d.element === "PERSON" &&
          !this.previous.has(`${p.input.sourceKey}\u0000${d.ref}`) &&
          !this.sameAsOf(d) &&
          !this.personsByCitizenId.has(analysePerson(d).canonical.citizenId ?? "") &&
          !this.personsByLowTrust.has(checkCitizenId(d.citizenId).lowTrust ?? ""),
      ),
    );
    await this.blocks.load(
      this.tx,
      unlinked.map((d) => analysePerson(d).profile),
    );
    for (const o of usccs.size
      ? await this.tx.$queryRawUnsafe<{ id: string; uscc: string }[]>(
          `SELECT id::text AS id, uscc FROM "Organisation" WHERE uscc = ANY($1::text[])`,
          arrayLiteral([...usccs]),
        )
      : [])
      this.orgsByUscc.set(o.uscc, o.id);
    for (const r of lowUsccs.size
      ? await this.tx.$queryRawUnsafe<{ key: string; id: string }[]>(
          `SELECT "usccLowTrust" AS key, min(id::text) AS id FROM "Organisation"
           WHERE "usccLowTrust" = ANY($1::text[]) GROUP BY 1 HAVING count(*) = 1`,
          arrayLiteral([...lowUsccs]),
        )
      : [])
      this.orgsByLowTrust.set(r.key, r.id);
    // Organisations no earlier version and no credit code links: by the key of their name.
    const orgDrafts = prepared.flatMap((p) =>
      p.drafts.filter(
        (d): d is OrganisationDraft =>
          d.element === "ORGANISATION" &&
          !this.previous.has(`${p.input.sourceKey}\u0000${d.ref}`) &&
          !this.orgsByUscc.has(canonicalUscc(d.uscc).uscc ?? "") &&
          !this.orgsByLowTrust.has(checkUscc(d.uscc).lowTrust ?? ""),
      ),
    );
    if (orgDrafts.length > 0) {
      this.cityNames = (
        await this.tx.area.findMany({ where: { level: "CITY" }, select: { name: true } })
      ).map((a) => a.name);
      const keys = [...new Set(orgDrafts.map((d) => this.orgNameKey(d.name)))];
      for (const o of await this.tx.$queryRawUnsafe<{ id: string; uscc: string | null; nameKey: string }[]>(
        `SELECT id::text AS id, uscc, "nameKey" FROM "Organisation" WHERE "nameKey" = ANY($1::text[])`,
        arrayLiteral(keys),
      ))
        this.orgsByNameKey.set(o.nameKey, [
          ...(this.orgsByNameKey.get(o.nameKey) ?? []),
          { id: o.id, uscc: o.uscc },
        ]);
    }
    for (const a of addressKeys.size
      ? await this.tx.$queryRawUnsafe<{ id: string; addressKey: string; path: string }[]>(
          `SELECT a.id::text AS id, a."addressKey", ar.path FROM "Address" a JOIN "Area" ar ON ar.id = a."areaId"
           WHERE a."addressKey" = ANY($1::text[])`,
          arrayLiteral([...addressKeys]),
        )
      : []) {
      this.addressesByKey.set(a.addressKey, a.id);
      this.addressCommunity.set(a.id, communityOfPath(a.path));
    }
    // The homes the graph knows for the persons a draft with addresses names by ID or earlier version.
    const known = new Set<string>();
    for (const p of prepared)
      for (const d of p.drafts) {
        if (d.element !== "PERSON" || !d.addresses?.length) continue;
        const id =
          this.previous.get(`${p.input.sourceKey}\u0000${d.ref}`)?.entityId ??
          this.sameAsOf(d) ??
          this.personsByCitizenId.get(analysePerson(d).canonical.citizenId ?? "");
        if (id) known.add(id);
      }
    if (known.size > 0)
      for (const r of await this.tx.$queryRawUnsafe<
        { personId: string; addressId: string; fullText: string }[]
      >(
        `SELECT pa."personId"::text AS "personId", a.id::text AS "addressId", a."fullText"
         FROM "PersonAddress" pa JOIN "Address" a ON a.id = pa."addressId"
         WHERE pa."personId" = ANY($1::uuid[])
         ORDER BY pa."personId", a.id`,
        arrayLiteral([...known]),
      ))
        this.knownAddresses.set(r.personId, [...(this.knownAddresses.get(r.personId) ?? []), r]);
    const eventIds = prev.filter((r) => r.entityType === "EVENT").map((r) => r.entityId);
    if (eventIds.length === 0) return;
    for (const e of await this.tx.event.findMany({
      where: { id: { in: eventIds } },
      select: {
        id: true,
        status: true,
        areaId: true,
        deadlineAt: true,
        details: true,
        // a step by anyone but this connector: the hub has taken the event into its loop
        steps: { where: { actor: { not: this.connectorId } }, select: { id: true }, take: 1 },
      },
    }))
      this.existingEvents.set(e.id, { ...e, hubHasActed: e.steps.length > 0 });
  }

  /** The person a draft's silo-internal reference names, when that record is already in. */
  private sameAsOf(d: PersonDraft): string | undefined {
    if (!d.sameAs) return undefined;
    const target = this.previous.get(`${d.sameAs.sourceKey}\u0000${d.sameAs.ref}`);
    return target?.entityType === "PERSON" ? target.entityId : undefined;
  }

  resolve(p: Prepared, draft: ElementDraft): void {
    if (this.currentRecord !== p.recordId) {
      this.currentRecord = p.recordId;
      this.refs.clear();
      this.recordAddresses.clear();
      this.storedKeys.add(p.input.sourceKey);
    }
    const prev = this.previous.get(`${p.input.sourceKey}\u0000${draft.ref}`);
    switch (draft.element) {
      case "AREA":
        this.link(p, draft.ref, "AREA", this.areas[draft.code]!.id, prev ? "SAME_SOURCE" : "EXACT_KEY", {
          name: draft.name,
          level: draft.level,
        });
        return;
      case "ADDRESS":
        this.resolveAddress(p, draft, prev);
        return;
      case "PERSON":
        this.resolvePerson(p, draft, prev);
        return;
      case "ORGANISATION":
        this.resolveOrganisation(p, draft, prev);
        return;
      case "EVENT":
        this.resolveEvent(p, draft, prev);
        return;
    }
  }

  private link(
    p: Prepared,
    ref: string,
    entityType: EntityType,
    entityId: string,
    method: string,
    values: Record<string, JsonValue | undefined>,
    match?: { score: number; reasons: MatchReason[] },
  ): void {
    this.refs.set(ref, entityId);
    const asserted: Record<string, JsonValue> = {};
    for (const [attribute, value] of Object.entries(values))
      if (value !== undefined && value !== null && value !== "") asserted[attribute] = value;
    this.links.push({
      sourceRecordId: p.recordId,
      ref,
      entityType,
      entityId,
      method,
      score: match?.score ?? null,
      reasons: (match?.reasons ?? null) as unknown as Prisma.InputJsonValue,
      values: asserted,
    });
  }

  private resolveAddress(p: Prepared, d: AddressDraft, prev: { entityId: string } | undefined): void {
    let id: string | undefined;
    let method: string;
    if (d.areaCode) {
      const real = this.areas[d.areaCode];
      const { id: found, key } = this.codedAddress(d.text, real);
      id = prev?.entityId ?? found;
      method = prev ? "SAME_SOURCE" : id ? "EXACT_KEY" : "NEW";
      if (id && real) this.addressAreaFixes.set(id, real.id);
      id ??= this.addressIn(d.text, key, this.place(p, d.ref, d.areaCode)!, d);
    } else {
      // the standard address the gazetteer matched, else a new one where the text lies
      const at = this.located(p, d.ref, d.text);
      id = prev?.entityId ?? at.addressId ?? undefined;
      method = prev ? "SAME_SOURCE" : id ? "GAZETTEER" : "NEW";
      if (!id && at.area && at.key) id = this.addressIn(d.text, at.key, at.area, d);
      if (!id) return;
    }
    this.link(p, d.ref, "ADDRESS", id, method, { fullText: d.text, areaCode: d.areaCode ?? null });
  }

  private resolvePerson(p: Prepared, d: PersonDraft, prev: { entityId: string } | undefined): void {
    const { canonical: c, profile } = analysePerson(d);
    const idCheck = checkCitizenId(d.citizenId);
    const lowTrust = idCheck.lowTrust;
    if (idCheck.problem)
      this.issue(
        p,
        d.ref,
        "INVALID_CITIZEN_ID",
        `citizen ID failed its check (${idCheck.problem}): kept as a low-trust key`,
      );
    const referenced = prev ? undefined : this.sameAsOf(d);
    let id =
      prev?.entityId ?? referenced ?? (c.citizenId ? this.personsByCitizenId.get(c.citizenId) : undefined);
    let method = prev ? "SAME_SOURCE" : referenced ? "SOURCE_REFERENCE" : id ? "EXACT_KEY" : "NEW";
    // the same failed ID, character for character, from another record: the same person
    if (!id && !c.citizenId && lowTrust) {
      id = this.personsByLowTrust.get(lowTrust);
      if (id) method = "LOW_TRUST_KEY";
    }
    const match = id ? null : bestPersonMatch(profile, this.blocks.candidates(profile));
    if (match?.decision === "LINK") {
      id = match.candidateId;
      method = "PROBABILISTIC";
      if (c.citizenId) this.personsByCitizenId.set(c.citizenId, id);
    }
    if (!id) {
      id = newRowId();
      if (c.citizenId) this.personsByCitizenId.set(c.citizenId, id);
      if (lowTrust && !this.personsByLowTrust.has(lowTrust)) this.personsByLowTrust.set(lowTrust, id);
      this.newPersons.push({
        id,
        ...personColumns(c),
        citizenIdLowTrust: lowTrust,
        name: c.name ?? c.citizenId ?? c.citizenIdLowTrust ?? UNNAMED_PERSON,
      });
      if (match?.decision === "REVIEW")
        this.reviews.push({
          entityId: id,
          candidateId: match.candidateId,
          score: match.score,
          reasons: match.reasons,
        });
    } else {
      this.touchedPersons.add(id);
    }
    this.blocks.add(id, profile);
    this.link(
      p,
      d.ref,
      "PERSON",
      id,
      method,
      {
        citizenId: c.citizenId,
        citizenIdLowTrust: lowTrust,
        name: c.name,
        sex: c.sex,
        birthDate: c.birthDate,
        phone: c.phone,
        ethnicity: c.ethnicity,
        ...Object.fromEntries((d.addresses ?? []).map((a) => [`address.${a.kind}`, a.text])),
        ...Object.fromEntries((d.posts ?? []).map((p) => [`post.${p.role}`, p.areaCode])),
      },
      method === "PROBABILISTIC" ? match! : undefined,
    );
    for (const post of d.posts ?? []) {
      const area = this.areas[post.areaCode];
      if (area) this.personPosts.push({ personId: id, areaId: area.id, role: post.role });
    }
    for (const a of d.addresses ?? []) {
      // How the text became its address; null: by its own key (Address.addressKey), which needs no
      // link. Any other way is kept as a link of the record (ref "person.address.RESIDENT").
      let method: string | null = null;
      const linkRef = `${d.ref}.address.${a.kind}`;
      let addressId: string | null = this.recordAddresses.get(a.text) ?? null;
      // the text's own key naming an address the person is known at needs no comparing
      const coded = a.areaCode ? this.areas[a.areaCode] : undefined;
      const byKey = coded ? this.codedAddress(a.text, coded).id : undefined;
      const knownByKey =
        byKey !== undefined && this.knownAddresses.get(id)?.some((k) => k.addressId === byKey);
      const fromPerson = addressId || knownByKey ? null : this.knownAddressOf(id, a.text);
      if (addressId) method = "SAME_RECORD";
      else if (fromPerson) {
        addressId = fromPerson.addressId;
        // the text's own key naming the same address is the plain case
        if (fromPerson.omitted.length > 0 || this.addressesByKey.get(addressKeyOf(a.text)) !== addressId)
          method = "PERSON_ADDRESS";
        if (fromPerson.omitted.length > 0)
          this.issue(
            p,
            linkRef,
            "ADDRESS_FROM_PERSON",
            `${a.text}: at ${fromPerson.fullText}, the one address known for the person it agrees with (it leaves out ${fromPerson.omitted.map((o) => PLATE_OMISSIONS[o]).join("; ")})`,
          );
      } else if (a.areaCode) {
        // an unknown division goes to 市外 / 区划不明
        const area = this.place(p, d.ref, a.areaCode);
        if (!area) continue;
        const { id: known, key } = this.codedAddress(a.text, this.areas[a.areaCode]);
        if (known && this.areas[a.areaCode]) this.addressAreaFixes.set(known, area.id);
        addressId = known ?? this.addressIn(a.text, key, area);
        // kept under the key and its community: another place has the plain key
        if (key !== addressKeyOf(a.text)) method = "COMMUNITY_KEY";
      } else {
        // without a division the gazetteer places it: its standard address, else where it lies
        const at = this.located(p, d.ref, a.text);
        addressId = at.addressId ?? (at.area && at.key ? this.addressIn(a.text, at.key, at.area) : null);
        method = at.addressId ? "GAZETTEER" : "GAZETTEER_AREA";
      }
      if (!addressId) continue;
      this.recordAddresses.set(a.text, addressId);
      this.personAddresses.push({ personId: id, addressId, kind: a.kind });
      if (method)
        this.link(p, linkRef, "ADDRESS", addressId, method, {
          fullText: a.text,
          areaCode: a.areaCode ?? null,
        });
    }
  }

  /**
   * The one address the graph already knows for this person that an address text can be
   * (plateAgreement: every part the text gives agrees, and it leaves out no more than
   * PLATE_OMISSIONS allows): a 居住地址 "友谊社区阳光花园3幢501室" is the 人民路12号阳光花园3幢1单元501室
   * the population registry gives for the same citizen. Null when none agrees or several do.
   */
  private knownAddressOf(
    personId: string,
    text: string,
  ): { addressId: string; fullText: string; omitted: PlateOmission[] } | null {
    const known = this.knownAddresses.get(personId);
    const plate = known ? platePartsOf(text) : null;
    if (!known || !plate) return null;
    let found: { addressId: string; fullText: string; omitted: PlateOmission[] } | null = null;
    for (const k of known) {
      if (found?.addressId === k.addressId) continue;
      const standard = platePartsOf(k.fullText);
      const omitted = standard ? plateAgreement(plate, standard) : null;
      if (omitted === null) continue;
      if (found) return null;
      found = { ...k, omitted };
    }
    return found;
  }

  private orgNameKey(name: string): string {
    return organisationNameKey(name, this.cityNames);
  }

  /**
   * The one organisation a name names. Exactly one side may lack a credit code: a mention
   * ("恒通物业公司" in a work order) joins the registered organisation that has one, and a
   * registration with a code joins the one known by name only; two registrations without codes,
   * or two with the same key, stay apart.
   */
  private orgByName(nameKey: string, uscc: string | null): string | undefined {
    const fits = (this.orgsByNameKey.get(nameKey) ?? []).filter((o) => (uscc === null) !== (o.uscc === null));
    return fits.length === 1 && (this.orgsByNameKey.get(nameKey) ?? []).length === 1
      ? fits[0]!.id
      : undefined;
  }

  private resolveOrganisation(
    p: Prepared,
    d: OrganisationDraft,
    prev: { entityId: string } | undefined,
  ): void {
    const { uscc } = canonicalUscc(d.uscc);
    const usccCheck = checkUscc(d.uscc);
    const lowTrust = usccCheck.lowTrust;
    if (usccCheck.problem)
      this.issue(
        p,
        d.ref,
        "INVALID_USCC",
        `credit code failed its check (${usccCheck.problem}): kept as a low-trust key`,
      );
    const nameKey = this.orgNameKey(d.name);
    let id = prev?.entityId ?? (uscc ? this.orgsByUscc.get(uscc) : undefined);
    let method = prev ? "SAME_SOURCE" : id ? "EXACT_KEY" : "NEW";
    // the same failed code, character for character, from another record: the same organisation
    if (!id && !uscc && lowTrust) {
      id = this.orgsByLowTrust.get(lowTrust);
      if (id) method = "LOW_TRUST_KEY";
    }
    if (!id) {
      id = this.orgByName(nameKey, uscc);
      if (id) method = "NAME_KEY";
    }
    // Placed by its division, else by the gazetteer from its address text; an unknown one, or
    // none and no known address and no event to be seen through, places it in the city's 区划不明
    // (or 市外) area rather than nowhere.
    const seenThroughEvent = p.drafts.some(
      (e) => e.element === "EVENT" && e.organisations.some((o) => o.ref === d.ref),
    );
    let addressId: string | null;
    let area: { id: string; path: string } | null;
    if (!d.areaCode && d.addressText)
      ({ addressId, area } = this.located(p, d.ref, d.addressText, !seenThroughEvent));
    else {
      addressId = this.knownAddress(d.addressText);
      area = d.areaCode || (!addressId && !seenThroughEvent) ? this.place(p, d.ref, d.areaCode) : null;
    }
    if (!id) {
      id = newRowId();
      if (uscc) this.orgsByUscc.set(uscc, id);
      if (lowTrust && !this.orgsByLowTrust.has(lowTrust)) this.orgsByLowTrust.set(lowTrust, id);
      this.orgsByNameKey.set(nameKey, [...(this.orgsByNameKey.get(nameKey) ?? []), { id, uscc }]);
      this.newOrgs.push({
        id,
        uscc,
        usccValid: uscc !== null,
        usccLowTrust: lowTrust,
        name: d.name,
        nameKey,
        kind: d.kind,
        areaId: area?.id ?? null,
        addressId,
        registeredOn: d.registeredOn ?? null,
        registeringAuthority: d.registeringAuthority ?? null,
        status: organisationStatusOf(d.status),
        phone: d.phone ?? null,
      });
    } else {
      // registry facts are chosen again from every source's claim (NAME_KEY claims are weak)
      this.touchedOrgs.add(id);
      if (uscc) {
        this.orgsByUscc.set(uscc, id);
        this.orgUpdates.set(id, uscc);
      }
      if (area) this.orgAreaFixes.set(id, area.id);
    }
    this.link(p, d.ref, "ORGANISATION", id, method, {
      uscc,
      usccLowTrust: lowTrust,
      name: d.name,
      kind: d.kind,
      areaCode: d.areaCode ?? null,
      addressText: d.addressText ?? null,
      // as the source wrote it (a landline, a mobile); the column shows the newest claim
      phone: d.phone ?? null,
      registeredOn: d.registeredOn ?? null,
      registeringAuthority: d.registeringAuthority ?? null,
      status: organisationStatusOf(d.status),
    });
    for (const m of d.members ?? []) {
      const personId = this.refs.get(m.personRef);
      if (personId) this.personOrgs.push({ personId, organisationId: id, role: m.role });
    }
  }

  private resolveEvent(p: Prepared, d: EventDraft, prev: { entityId: string } | undefined): void {
    // by its division, else by the gazetteer from its address text (the schema asks for one of them)
    const at = d.areaCode
      ? { area: this.place(p, d.ref, d.areaCode), addressId: this.knownAddress(d.addressText) }
      : this.located(p, d.ref, d.addressText ?? "");
    const area = at.area!;
    const columns = {
      kind: d.kind,
      title: d.title,
      description: d.description ?? null,
      occurredAt: new Date(d.occurredAt),
      reportedAt: new Date(d.reportedAt),
      deadlineAt: d.deadlineAt ? new Date(d.deadlineAt) : null,
      areaId: area.id,
      addressId: at.addressId,
      sourceDepartmentCode: this.departmentCode,
      status: d.status,
      warningLevel: d.warningLevel ?? "NONE",
      details: (d.details ?? {}) as Prisma.InputJsonValue,
    };
    const existing = prev ? this.existingEvents.get(prev.entityId) : undefined;
    let id: string;
    if (prev && existing) {
      id = prev.entityId;
      // the source's word, unless it is behind a step the event has taken in the hub
      const { status, deadlineAt, details } = eventAfterSourceUpdate(
        {
          status: existing.status as EventDraft["status"],
          deadlineAt: existing.deadlineAt,
          details: eventDetails(existing.details),
        },
        { status: d.status, deadlineAt: columns.deadlineAt, details: eventDetails(columns.details) },
        existing.hubHasActed,
      );
      this.eventUpdates.set(id, {
        ...columns,
        status,
        deadlineAt,
        details: details as Prisma.InputJsonValue,
      });
      if (existing.status !== status)
        this.steps.push({
          eventId: id,
          fromStatus: existing.status as EventDraft["status"],
          toStatus: status,
          actor: this.connectorId,
        });
      this.changes.push({
        topic: "EVENT",
        kind: "UPDATED",
        id,
        areaPath: area.path,
        at: new Date().toISOString(),
      });
    } else {
      id = newRowId();
      this.newEvents.push({ id, ...columns });
      this.steps.push({
        eventId: id,
        fromStatus: null,
        toStatus: d.status,
        actor: this.connectorId,
        at: columns.reportedAt,
      });
      this.changes.push({
        topic: "EVENT",
        kind: "CREATED",
        id,
        areaPath: area.path,
        at: new Date().toISOString(),
      });
    }
    this.link(p, d.ref, "EVENT", id, prev ? "SAME_SOURCE" : "NEW", {
      title: d.title,
      status: d.status,
      occurredAt: d.occurredAt,
      areaCode: d.areaCode ?? null,
      handlingUnit: d.handlingUnit ?? null,
    });
    for (const person of d.persons) {
      const personId = this.refs.get(person.ref);
      if (personId) this.eventPersons.push({ eventId: id, personId, role: person.role });
    }
    for (const org of d.organisations) {
      const organisationId = this.refs.get(org.ref);
      if (organisationId) this.eventOrgs.push({ eventId: id, organisationId, role: org.role });
    }
  }

  /**
   * A real area replaces none or a special one (市外, 区划不明) on organisations and addresses; a
   * special one is given only to an organisation with no area and no address.
   */
  private async writePlaces(): Promise<void> {
    const special = this.specialAreaCodes();
    const fixes = (m: Map<string, string>) => JSON.stringify([...m].map(([id, area]) => ({ id, area })));
    if (this.orgAreaFixes.size > 0)
      await this.tx.$executeRawUnsafe(
        `UPDATE "Organisation" o SET "areaId" = f.area, "updatedAt" = now()
         FROM jsonb_to_recordset($1::jsonb) AS f(id uuid, area uuid)
         WHERE o.id = f.id AND o."areaId" IS DISTINCT FROM f.area
           AND (CASE WHEN f.area IN (SELECT id FROM "Area" WHERE code = ANY($2::text[]))
                     THEN o."areaId" IS NULL AND o."addressId" IS NULL
                     ELSE o."areaId" IS NULL OR o."areaId" IN (SELECT id FROM "Area" WHERE code = ANY($2::text[])) END)`,
        fixes(this.orgAreaFixes),
        special,
      );
    if (this.addressAreaFixes.size > 0 && special.length > 0)
      await this.tx.$executeRawUnsafe(
        `UPDATE "Address" a SET "areaId" = f.area, "updatedAt" = now()
         FROM jsonb_to_recordset($1::jsonb) AS f(id uuid, area uuid)
         WHERE a.id = f.id AND a."areaId" IN (SELECT id FROM "Area" WHERE code = ANY($2::text[]))
           AND f.area NOT IN (SELECT id FROM "Area" WHERE code = ANY($2::text[]))`,
        fixes(this.addressAreaFixes),
        special,
      );
  }

  /** The page's records' data-quality problems replace what their earlier versions had. */
  private async writeIssues(): Promise<void> {
    await this.tx.$executeRawUnsafe(
      `DELETE FROM "DataQualityIssue" WHERE "connectorId" = $1 AND "sourceKey" = ANY($2::text[])`,
      this.connectorId,
      arrayLiteral([...this.storedKeys]),
    );
    await bulkInsert(
      this.tx,
      "DataQualityIssue",
      TABLES.DataQualityIssue,
      this.issues.map((i) => ({ ...i, connectorId: this.connectorId })),
      { conflict: "ignore" },
    );
  }

  /**
   * Insert the page's new rows of a table with a natural key, in the key's order (two pages then
   * wait for each other's keys in one order and cannot deadlock), and take the row another writer
   * committed first for a key this page also meant to create: its id replaces the page's tentative
   * one (`taken`). The insert waits for that writer's commit, as any insert of the same key does.
   * Returns the rows that were taken.
   */
  private async createKeyed<R extends Record<string, unknown>>(
    table: "Address" | "Person" | "Organisation",
    key: "addressKey" | "citizenId" | "uscc",
    rows: readonly R[],
    now: Date,
    /** Where the rows are inserted: the page's transaction, or a client outside it. */
    into: Tx = this.tx,
  ): Promise<R[]> {
    const keyOf = (r: R) => (typeof r[key] === "string" ? (r[key] as string) : null);
    const sorted = rows
      .map((r) => ({ ...r, id: String(r.id), updatedAt: now }))
      .sort((a, b) => compareKeys(keyOf(a as unknown as R), keyOf(b as unknown as R)));
    const inserted = await bulkInsertReturningIds(into, table, TABLES[table], sorted);
    const lost = rows.filter((r) => !inserted.has(String(r.id)));
    if (lost.length === 0) return [];
    const existing = new Map(
      (
        await this.tx.$queryRawUnsafe<{ id: string; key: string }[]>(
          `SELECT id::text AS id, "${key}" AS key FROM "${table}" WHERE "${key}" = ANY($1::text[])`,
          arrayLiteral(lost.map(keyOf)),
        )
      ).map((r) => [r.key, r.id]),
    );
    for (const r of lost) {
      const id = existing.get(keyOf(r) ?? "");
      // committed by another writer and gone again (a merge) before this page looked: the page's
      // picture is stale, so it is taken again from the start (LOST_RACE_POLICY)
      if (!id)
        throw Object.assign(
          new Error(`${table} ${key} ${keyOf(r)}: created and removed by another writer during this page`),
          { code: "40001" },
        );
      this.taken.set(String(r.id), id);
    }
    return lost;
  }

  /** The page's pending rows name what they took (`taken`) instead of the rows not created. */
  private remapTaken(rows: readonly Record<string, unknown>[]): void {
    for (const row of rows)
      for (const [column, value] of Object.entries(row)) {
        const id = typeof value === "string" ? this.taken.get(value) : undefined;
        if (id === undefined) continue;
        row[column] = id;
        // a link to a row found by its key is how the page would have linked it, had it seen it
        if (column === "entityId" && row.method === "NEW") row.method = "EXACT_KEY";
      }
  }

  private remapTakenKeys<V>(map: Map<string, V>): void {
    for (const [id, value] of [...map])
      if (this.taken.has(id)) {
        map.delete(id);
        map.set(this.taken.get(id)!, value);
      }
  }

  async write(): Promise<void> {
    const tx = this.tx;
    const now = new Date();
    const stamped = <T extends object>(rows: T[]) => rows.map((r) => ({ ...r, updatedAt: now }));
    // Side by side with other writers (connectors run at once, several hub instances), a key this
    // page creates may be created by another page meanwhile: the page takes that row instead.
    // A new canonical address is a key every silo meets (the grid's standard addresses, the
    // registry's households): created inside the page, its key would stay held, uncommitted, for
    // the page's whole transaction, and a writer beside it that meets the same address waits that
    // long (the grid's pages waited on the registry's about a quarter of the time). So, given a
    // client outside the page, they are committed ahead of it, in one statement of their own. A
    // page that then fails leaves them unlinked until it is taken again (its cursor did not move),
    // and it finds them by their key.
    // The statement waits for a key another page holds at most AHEAD.lockTimeout (that page may
    // itself be waiting for this one, which the database cannot see), and for a connection at
    // most AHEAD.maxWaitMs (the pool may be as small as one); then, or on any other failure
    // (nothing of it is committed), the page creates them itself, as without a client outside it.
    const ahead = this.ahead;
    const created =
      ahead && this.newAddresses.length > 0
        ? await transaction(
            ahead,
            async (t) => {
              await t.$executeRawUnsafe(`SET LOCAL lock_timeout = '${AHEAD.lockTimeout}'`);
              return this.createKeyed("Address", "addressKey", this.newAddresses, now, t);
            },
            { maxWait: AHEAD.maxWaitMs, timeout: AHEAD.timeoutMs },
          ).then(
            () => true,
            (e: unknown) => {
              this.addressesInPage = errorSummary(e);
              return false;
            },
          )
        : false;
    if (!created) await this.createKeyed("Address", "addressKey", this.newAddresses, now);
    this.remapTaken(this.newOrgs);
    for (const p of await this.createKeyed("Person", "citizenId", this.newPersons, now))
      this.touchedPersons.add(this.taken.get(String(p.id))!);
    for (const o of await this.createKeyed("Organisation", "uscc", this.newOrgs, now)) {
      const id = this.taken.get(String(o.id))!;
      this.touchedOrgs.add(id);
      if (o.areaId && !this.orgAreaFixes.has(id)) this.orgAreaFixes.set(id, o.areaId);
    }
    if (this.taken.size > 0) {
      for (const rows of [
        this.newEvents,
        this.links,
        this.reviews,
        this.personAddresses,
        this.personPosts,
        this.personOrgs,
        this.eventPersons,
        this.eventOrgs,
      ])
        this.remapTaken(rows);
      this.reviews = this.reviews.filter((r) => r.entityId !== r.candidateId);
      this.touchedPersons = new Set([...this.touchedPersons].map((id) => this.taken.get(id) ?? id));
      this.remapTakenKeys(this.orgUpdates);
      this.remapTakenKeys(this.orgAreaFixes);
      this.remapTakenKeys(this.addressAreaFixes);
    }
    if (this.orgUpdates.size > 0)
      // a credit code another organisation holds (one a writer side by side created) stays with it
      await againIfKeyTaken(tx, "organisation_uscc", () =>
        tx.$executeRawUnsafe(
          `UPDATE "Organisation" t SET uscc = u.uscc, "usccValid" = true, "updatedAt" = now()
           FROM unnest($1::uuid[], $2::text[]) AS u(id, uscc)
           WHERE t.id = u.id
             AND NOT EXISTS (SELECT 1 FROM "Organisation" o WHERE o.uscc = u.uscc AND o.id <> u.id)`,
          arrayLiteral([...this.orgUpdates.keys()]),
          arrayLiteral([...this.orgUpdates.values()]),
        ),
      );
    await this.writePlaces();
    await bulkInsert(tx, "Event", TABLES.Event, stamped(this.newEvents));
    for (const [id, data] of this.eventUpdates) await tx.event.update({ where: { id }, data });
    await bulkInsert(tx, "EntitySource", TABLES.EntitySource, this.links, { conflict: "ignore" });
    await recomputePersons(tx, [...this.touchedPersons]);
    await recomputeOrganisations(tx, [...this.touchedOrgs]);
    await this.writeIssues();
    await bulkInsert(
      tx,
      "MatchCandidate",
      TABLES.MatchCandidate,
      this.reviews.map((r) => ({ ...r, id: newRowId(), entityType: "PERSON" })),
      { conflict: "ignore" },
    );
    await bulkInsert(tx, "PersonAddress", TABLES.PersonAddress, this.personAddresses, { conflict: "ignore" });
    await bulkInsert(tx, "PersonPost", TABLES.PersonPost, this.personPosts, { conflict: "ignore" });
    await bulkInsert(tx, "PersonOrganisation", TABLES.PersonOrganisation, this.personOrgs, {
      conflict: "ignore",
    });
    await bulkInsert(tx, "EventPerson", TABLES.EventPerson, this.eventPersons, { conflict: "ignore" });
    await bulkInsert(tx, "EventOrganisation", TABLES.EventOrganisation, this.eventOrgs, {
      conflict: "ignore",
    });
    await bulkInsert(
      tx,
      "EventStep",
      TABLES.EventStep,
      this.steps.map((st) => ({ ...st, id: newRowId(), at: st.at ?? now })),
    );
  }
}

/**
 * The addresses committed ahead of a page (Linker.write): how long they wait for a key another
 * page holds, for a connection of the pool, and in all.
 */
const AHEAD = { lockTimeout: "2s", maxWaitMs: 200, timeoutMs: 60_000 } as const;

/** Keys in one order (nulls last), the same for every page. */
function compareKeys(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

function personColumns(c: CanonicalPerson) {
  return {
    citizenId: c.citizenId,
    citizenIdValid: c.citizenId !== null,
    namePinyin: c.namePinyin,
    sex: c.sex ?? "UNKNOWN",
    birthDate: c.birthDate ? new Date(`${c.birthDate}T00:00:00Z`) : null,
    ethnicity: c.ethnicity,
    phone: c.phone,
    ...(c.name ? { name: c.name } : {}),
  } as const;
}
