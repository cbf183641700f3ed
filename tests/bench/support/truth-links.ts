// From the generator's ground truth to the graph's entities, for the resolve benchmark: for every
// reference a source record makes to a true person, organisation or standard address, the canonical
// row the hub linked it to (or that it is not linked at all, and why).
//
// Persons and organisations. A truth record (silo, dataset, sourceKey) is the hub's SourceRecord of
// the silo's built-in connector with sourceKey "<dataset>:<key>" (every source.ts of
// connectors/departments builds it so); its latest version's EntitySource rows name, per element
// draft ref ("caller", "petitioner:0", …), the canonical entity. Which draft ref a truth reference
// became is read off each dataset's map.ts (by role, and by list position for list fields), see
// PERSON_REFS / ORGANISATION_REFS; tests/unit/bench/truth-links.test.ts checks the table against the
// mappings themselves on a generated city. A truth reference whose record holds none of its fields
// (e.g. an involved person the police learned nothing about), or only their sex (an anonymous
// caller without a phone, whose sex the operator wrote down), names nobody: it is counted as
// "unnamed" and left out.
//
// Places. A place reference is a truth address reference that the hub receives as the address of a
// place element: the grid's standard-address records (their ADDRESS draft, via EntitySource) and
// the address texts of persons (population 户籍/现住址, assistance 户籍/居住地址, petitioners',
// dispute parties'). A person's address text is followed the way the ingest resolved it: to the
// address its record's link names ("person.address.RESIDENT": the ingest keeps one whenever the
// text became an address other than by its own key — the gazetteer, the person's known address),
// else by its key, canonicalAddressKey(text) → Address.addressKey. Event places (110 案发地点, 12345
// addresses, patrol / dispute address codes) and organisations' addresses are not place elements in
// the graph (no Address row is made for them): they are counted per category, not scored.
//
// The DB work is a handful of set-based statements on one connection: the truth is streamed into
// temporary tables while the file is read (batches of BATCH rows), joined with SourceRecord,
// EntitySource and Address in PostgreSQL, and the answer read back in item ranges as cluster
// numbers. In this process only typed arrays of a few ints per reference are kept.
import fs from "node:fs";
import readline from "node:readline";
import type pg from "pg";
import { BUILTIN_CONNECTORS } from "../../../connectors/departments/index.js";
import { canonicalAddressKey } from "../../../domain/canonical.js";
import {
  DATASETS,
  DIRT_KINDS,
  type DirtKind,
  type GroundTruthRecord,
  SILOS,
  type Silo,
} from "../../../sandbox/generator/index.js";
import type { TruthLine } from "./ground-truth.js";

// ---- the correspondence, per dataset ----

/** The connector that reads each silo. */
export const CONNECTOR_OF_SILO: Readonly<Record<Silo, string>> = Object.fromEntries(
  SILOS.map((s) => [s, BUILTIN_CONNECTORS[s].manifest.id]),
) as Record<Silo, string>;

/** The hub's source key of a silo record (connectors/departments/http.ts toSourceRecords). */
export const hubSourceKey = (dataset: string, key: string) => `${dataset}:${key}`;

/** Position in a list field of the reference's paths, e.g. 1 for "petitioners[1].name". */
function listIndex(paths: readonly (string | undefined)[], list: string): number | null {
  for (const p of paths) {
    const m = p === undefined ? null : new RegExp(`^${list}\\[(\\d+)\\]`).exec(p);
    if (m) return Number(m[1]);
  }
  return null;
}

type RefRule = (truth: GroundTruthRecord, i: number) => string | null;

/** "<dataset>/<role>" → the person draft ref the dataset's map.ts gives that reference. */
export const PERSON_REFS: Readonly<Record<string, RefRule>> = {
  "population/subject": () => "person",
  "incidents/reporter": () => "reporter",
  "incidents/involved": (t, i) => indexed("involved", listIndex(Object.values(t.persons[i]!.fields), "SJRY")),
  "assistance/recipient": () => "person",
  // the map names the head only when the recipient is someone else (与户主关系 not 户主 / 本人)
  "assistance/householdHead": (t, i) =>
    t.persons.some((p) => p.role === "recipient" && p.person === t.persons[i]!.person)
      ? "person"
      : "householdHead",
  "socialOrganisations/legalRepresentative": () => "legalRepresentative",
  "workOrders/caller": () => "caller",
  "cases/petitioner": (t, i) =>
    indexed("petitioner", listIndex(Object.values(t.persons[i]!.fields), "petitioners")),
  "gridWorkers/worker": () => "worker",
  "units/legalRepresentative": () => "legalRepresentative",
  "patrolReports/reporter": () => "reporter",
  "patrolReports/visited": () => "visited",
  "disputes/party": (t, i) => indexed("party", listIndex(Object.values(t.persons[i]!.fields), "parties")),
  "disputes/mediator": () => "mediator",
};

/** "<dataset>/<role>" → the organisation draft ref. */
export const ORGANISATION_REFS: Readonly<Record<string, RefRule>> = {
  "socialOrganisations/subject": () => "organisation",
  "units/subject": () => "unit",
  "workOrders/target": () => "target",
  "disputes/party": (t, i) => {
    const f = t.organisations[i]!.fields;
    return indexed("party", listIndex([f.name, f.code], "parties"));
  },
};

const indexed = (prefix: string, i: number | null) => (i === null ? null : `${prefix}:${i}`);

export type PlaceRoute =
  | { via: "draft"; ref: string }
  /** `ref`: the link the ingest keeps when the text did not become its address by its own key. */
  | { via: "text"; ref: string }
  | { via: "none"; category: "event place" | "organisation address" | "unmapped" };

/** The link of a person draft's address of this kind (integration/ingest.ts, resolvePerson). */
const addressLink = (personRef: string, kind: "REGISTERED" | "RESIDENT") => `${personRef}.address.${kind}`;

/** How a truth address reference reaches the graph (see the header). */
export function placeRoute(t: GroundTruthRecord, i: number): PlaceRoute {
  const field = t.addresses[i]!.field;
  const personAddress = t.persons.some((p) => p.fields.address === field);
  const listed = (list: string, prefix: string) => indexed(prefix, listIndex([field], list)) ?? `${prefix}:?`;
  switch (t.dataset) {
    case "addresses":
      return field === "addressCode"
        ? { via: "draft", ref: "address" }
        : { via: "none", category: "unmapped" };
    case "population":
    case "assistance":
      if (field === "HJDZ" || field === "户籍地址")
        return { via: "text", ref: addressLink("person", "REGISTERED") };
      if (field === "XZZ" || field === "居住地址")
        return { via: "text", ref: addressLink("person", "RESIDENT") };
      return { via: "none", category: "unmapped" };
    case "cases":
      return personAddress
        ? { via: "text", ref: addressLink(listed("petitioners", "petitioner"), "RESIDENT") }
        : { via: "none", category: "unmapped" };
    case "disputes":
      if (personAddress) return { via: "text", ref: addressLink(listed("parties", "party"), "RESIDENT") };
      if (/^parties\[\d+\]\.address$/.test(field)) return { via: "none", category: "organisation address" };
      return field === "addressCode"
        ? { via: "none", category: "event place" }
        : { via: "none", category: "unmapped" };
    case "incidents":
    case "workOrders":
    case "patrolReports":
      return { via: "none", category: "event place" };
    case "socialOrganisations":
    case "units":
      return { via: "none", category: "organisation address" };
    default:
      return { via: "none", category: "unmapped" };
  }
}

// ---- compact columns ----

/** A growable Int32 column. */
export class IntColumn {
  data = new Int32Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }

  get(i: number): number {
    return this.data[i]!;
  }

  /** The filled part (a view). */
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

/** Interned strings: index ↔ string. */
export class Labels {
  readonly names: string[] = [];
  private readonly ids = new Map<string, number>();

  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.ids.set(name, id);
    }
    return id;
  }
}

export const ENTITY_KINDS = ["person", "organisation", "place"] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];
const ENTITY_TYPE: Record<EntityKind, string> = {
  person: "PERSON",
  organisation: "ORGANISATION",
  place: "ADDRESS",
};

/**
 * Bits of the `fields` column: which attributes the record holds for the reference (a place: `id`
 * when it is an address record named by its code, `address` when it is an address text).
 */
export const FIELD_BITS = { id: 1, name: 2, phone: 4, address: 8, sex: 16, birthDate: 32 } as const;

/** Why a reference has no predicted entity (status column; LINKED when it has one). */
export const STATUS = {
  LINKED: 0,
  /** Its record was quarantined (no SourceRecord version). */
  QUARANTINED: 1,
  /** Its record is neither stored nor quarantined. */
  RECORD_MISSING: 2,
  /** The record is stored, but no EntitySource row for this ref and entity type. */
  NO_LINK: 3,
  /** A place text whose canonical key matches no Address row. */
  NO_ADDRESS_ROW: 4,
  /** The record holds no text at the truth's field. */
  NO_TEXT: 5,
} as const;
export const STATUS_NAMES = [
  "linked",
  "record quarantined",
  "record missing",
  "no EntitySource link",
  "no Address row",
  "no text",
] as const;

/** The references of one entity kind, one position per reference. */
export class RefColumns {
  /** True entity: person / organisation / address index from its truth key. */
  readonly truth = new IntColumn();
  /** Line of the ground-truth file (the record). */
  readonly record = new IntColumn();
  /** Index into TruthIndex.datasets. */
  readonly dataset = new IntColumn();
  /** Interned "<dataset>:<role>" (places: "<dataset>:<field>", list indices dropped). */
  readonly label = new IntColumn();
  /** Bit DIRT_KINDS.indexOf(kind) for each dirt on the reference's fields or on the whole record. */
  readonly dirt = new IntColumn();
  /** FIELD_BITS the record holds for the reference. */
  readonly fields = new IntColumn();
  /**
   * Persons: for a reference the data leaves undecided (support/undecided.ts), its group in
   * `undecidedGroups` (the references to one person that give the same evidence, which a resolver
   * may fold together); -1 for the others.
   */
  readonly undecided = new IntColumn();
  readonly undecidedGroups = new Labels();
  readonly labels = new Labels();
  /** Filled by linkTruthToGraph: cluster number of the linked entity, else -1. */
  predicted = new Int32Array(0);
  /** Filled by linkTruthToGraph: a STATUS value. */
  status = new Uint8Array(0);

  get length(): number {
    return this.truth.length;
  }
}

export interface RefCounts {
  /** Scored references. */
  refs: number;
  /** References whose record holds none of their fields (names nobody): not scored. */
  unnamed: number;
  /** References of a role / field the tables above do not know: not scored (a gap in this file). */
  unmapped: number;
  /** A second reference of the record to the same draft (a head of household who is the recipient): not scored twice. */
  sameDraft: number;
  /** Not place elements in the graph, by category (places only). */
  excluded: Record<string, number>;
  /** Scored references without a predicted entity, by STATUS_NAMES. */
  unlinked: Record<string, number>;
}

export interface DatasetCounts {
  silo: Silo;
  dataset: string;
  connector: string;
  records: number;
  /** Records with no stored version, of which quarantined. */
  recordsMissing: number;
  recordsQuarantined: number;
  refs: Record<EntityKind, RefCounts>;
}

const newRefCounts = (): RefCounts => ({
  refs: 0,
  unnamed: 0,
  unmapped: 0,
  sameDraft: 0,
  excluded: {},
  unlinked: {},
});
const bump = (o: Record<string, number>, k: string, n = 1) => {
  o[k] = (o[k] ?? 0) + n;
};

const DIRT_BIT = new Map<DirtKind, number>(DIRT_KINDS.map((k, i) => [k, 1 << i]));

/** The dirt bits of the record's dirt on these fields (field "" is the whole record's). */
function dirtBits(t: GroundTruthRecord, paths: readonly string[]): number {
  let bits = 0;
  for (const d of t.dirt) if (d.field === "" || paths.includes(d.field)) bits |= DIRT_BIT.get(d.kind) ?? 0;
  return bits;
}

export function dirtKindsOf(bits: number): DirtKind[] {
  return DIRT_KINDS.filter((_, i) => (bits & (1 << i)) !== 0);
}

const truthIndex = (key: string, prefix: string) => {
  const m = /^([A-Z])(\d+)$/.exec(key);
  if (!m || m[1] !== prefix) throw new Error(`not a ${prefix}… truth key: ${key}`);
  return Number(m[2]);
};

const dropIndices = (path: string) => path.replace(/\[\d+\]/g, "[]");

/** Everything read from the ground truth, in compact columns. */
export class TruthIndex {
  readonly datasets: DatasetCounts[] = [];
  private readonly datasetIds = new Map<string, number>();
  /** Dataset index per record (line). */
  readonly recordDataset = new IntColumn();
  readonly refs: Record<EntityKind, RefColumns> = {
    person: new RefColumns(),
    organisation: new RefColumns(),
    place: new RefColumns(),
  };

  get records(): number {
    return this.recordDataset.length;
  }

  datasetOf(t: GroundTruthRecord): number {
    const key = `${t.silo}/${t.dataset}`;
    let id = this.datasetIds.get(key);
    if (id === undefined) {
      if (!(DATASETS[t.silo] as readonly string[]).includes(t.dataset))
        throw new Error(`ground truth names an unknown dataset ${key}`);
      id = this.datasets.length;
      this.datasetIds.set(key, id);
      this.datasets.push({
        silo: t.silo,
        dataset: t.dataset,
        connector: CONNECTOR_OF_SILO[t.silo],
        records: 0,
        recordsMissing: 0,
        recordsQuarantined: 0,
        refs: { person: newRefCounts(), organisation: newRefCounts(), place: newRefCounts() },
      });
    }
    return id;
  }
}

/** Rows for the database, per record: the draft refs (persons, organisations, address drafts) and place keys. */
export interface RecordRows {
  refs: { kind: number; item: number; ref: string }[];
  placeKeys: { item: number; key: string }[];
}

/** Add one truth line to the index; returns what the database needs to know about it. */
export function indexTruthLine(index: TruthIndex, t: TruthLine): RecordRows {
  const rec = index.records;
  const ds = index.datasetOf(t);
  const counts = index.datasets[ds]!;
  counts.records++;
  index.recordDataset.push(ds);
  const rows: RecordRows = { refs: [], placeKeys: [] };

  const add = (kind: EntityKind, truth: number, label: string, dirt: number, fields: number): number => {
    const c = index.refs[kind];
    const item = c.length;
    c.truth.push(truth);
    c.record.push(rec);
    c.dataset.push(ds);
    c.label.push(c.labels.id(label));
    c.dirt.push(dirt);
    c.fields.push(fields);
    c.undecided.push(-1);
    counts.refs[kind].refs++;
    return item;
  };

  t.persons.forEach((p, i) => {
    const paths = Object.values(p.fields).filter((v): v is string => typeof v === "string");
    if (paths.length === 0 || Object.keys(p.fields).every((k) => k === "sex")) {
      counts.refs.person.unnamed++;
      return;
    }
    const ref = PERSON_REFS[`${t.dataset}/${p.role}`]?.(t, i) ?? null;
    if (ref === null) {
      counts.refs.person.unmapped++;
      return;
    }
    if (rows.refs.some((r) => r.kind === 0 && r.ref === ref)) {
      counts.refs.person.sameDraft++;
      return;
    }
    let fields = 0;
    for (const [k, bit] of Object.entries(FIELD_BITS))
      if (p.fields[k as keyof typeof p.fields] !== undefined) fields |= bit;
    const item = add(
      "person",
      truthIndex(p.person, "P"),
      `${t.dataset}:${p.role}`,
      dirtBits(t, paths),
      fields,
    );
    const undecided = t.undecided.find((u) => u.ref === i);
    if (undecided) {
      const c = index.refs.person;
      c.undecided.data[item] = c.undecidedGroups.id(`${p.person}|${undecided.evidence}`);
    }
    rows.refs.push({ kind: 0, item, ref });
  });

  t.organisations.forEach((o, i) => {
    const paths = Object.values(o.fields).filter((v): v is string => typeof v === "string");
    if (paths.length === 0) {
      counts.refs.organisation.unnamed++;
      return;
    }
    const ref = ORGANISATION_REFS[`${t.dataset}/${o.role}`]?.(t, i) ?? null;
    if (ref === null) {
      counts.refs.organisation.unmapped++;
      return;
    }
    const fields = (o.fields.code ? FIELD_BITS.id : 0) | (o.fields.name ? FIELD_BITS.name : 0);
    const item = add("organisation", truthIndex(o.organisation, "O"), `${t.dataset}:${o.role}`, 0, fields);
    rows.refs.push({ kind: 1, item, ref });
  });

  t.addresses.forEach((a, i) => {
    const route = placeRoute(t, i);
    const placeCounts = counts.refs.place;
    if (route.via === "none") {
      if (route.category === "unmapped") placeCounts.unmapped++;
      else bump(placeCounts.excluded, route.category);
      return;
    }
    const item = add(
      "place",
      truthIndex(a.address, "A"),
      `${t.dataset}:${dropIndices(a.field)}`,
      dirtBits(t, [a.field]),
      // the grid's own address records name the place by its code
      route.via === "draft" ? FIELD_BITS.id : FIELD_BITS.address,
    );
    rows.refs.push({ kind: 2, item, ref: route.ref });
    if (route.via === "text") {
      const text = t.addressTexts?.[i] ?? null;
      // an empty key can match nothing; the item stays unlinked with status NO_TEXT
      if (text !== null && text.trim() !== "") rows.placeKeys.push({ item, key: canonicalAddressKey(text) });
    }
  });
  return rows;
}

// ---- the database side ----

const BATCH = 20_000;

/** Statements run to build the link tables, and how long each took. */
export interface LinkTimings {
  loadMs: number;
  joinMs: number;
  readMs: number;
}

/**
 * Stream the ground-truth file into an index and the database's temporary tables, join it with
 * the graph and fill every kind's `predicted` (cluster numbers) and `status` columns. Runs on the
 * given connection (temporary tables are per session).
 */
export async function linkTruthToGraph(
  client: pg.Client,
  file: string,
  onProgress?: (records: number) => void,
): Promise<{ index: TruthIndex; timings: LinkTimings; dangling: Record<EntityKind, number> }> {
  const index = new TruthIndex();
  await client.query(`
    CREATE TEMP TABLE bench_record (rec int PRIMARY KEY, connector text NOT NULL, source_key text NOT NULL);
    CREATE TEMP TABLE bench_ref (kind smallint NOT NULL, item int NOT NULL, rec int NOT NULL, ref text NOT NULL, etype text NOT NULL);
    CREATE TEMP TABLE bench_place_key (item int NOT NULL, address_key text NOT NULL);`);

  const started = performance.now();
  let recBatch: { rec: number[]; connector: string[]; key: string[] } = { rec: [], connector: [], key: [] };
  let refBatch: { kind: number[]; item: number[]; rec: number[]; ref: string[]; etype: string[] } = {
    kind: [],
    item: [],
    rec: [],
    ref: [],
    etype: [],
  };
  let keyBatch: { item: number[]; key: string[] } = { item: [], key: [] };
  const flush = async (force: boolean) => {
    if (recBatch.rec.length >= BATCH || (force && recBatch.rec.length > 0)) {
      await client.query("INSERT INTO bench_record SELECT * FROM unnest($1::int[], $2::text[], $3::text[])", [
        recBatch.rec,
        recBatch.connector,
        recBatch.key,
      ]);
      recBatch = { rec: [], connector: [], key: [] };
    }
    if (refBatch.item.length >= BATCH || (force && refBatch.item.length > 0)) {
      await client.query(
        "INSERT INTO bench_ref SELECT * FROM unnest($1::smallint[], $2::int[], $3::int[], $4::text[], $5::text[])",
        [refBatch.kind, refBatch.item, refBatch.rec, refBatch.ref, refBatch.etype],
      );
      refBatch = { kind: [], item: [], rec: [], ref: [], etype: [] };
    }
    if (keyBatch.item.length >= BATCH || (force && keyBatch.item.length > 0)) {
      await client.query("INSERT INTO bench_place_key SELECT * FROM unnest($1::int[], $2::text[])", [
        keyBatch.item,
        keyBatch.key,
      ]);
      keyBatch = { item: [], key: [] };
    }
  };

  const lines = readline.createInterface({
    input: fs.createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20 }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of lines) {
    if (line === "") continue;
    const t = JSON.parse(line) as TruthLine;
    const rec = index.records;
    const rows = indexTruthLine(index, t);
    recBatch.rec.push(rec);
    recBatch.connector.push(CONNECTOR_OF_SILO[t.silo]);
    recBatch.key.push(hubSourceKey(t.dataset, t.sourceKey));
    for (const r of rows.refs) {
      refBatch.kind.push(r.kind);
      refBatch.item.push(r.item);
      refBatch.rec.push(rec);
      refBatch.ref.push(r.ref);
      refBatch.etype.push(ENTITY_TYPE[ENTITY_KINDS[r.kind]!]);
    }
    for (const k of rows.placeKeys) {
      keyBatch.item.push(k.item);
      keyBatch.key.push(k.key);
    }
    await flush(false);
    if (onProgress && index.records % 100_000 === 0) onProgress(index.records);
  }
  await flush(true);
  const loadMs = performance.now() - started;

  // Join in PostgreSQL: latest stored version per record, its links, the places' Address rows.
  const joinStarted = performance.now();
  await client.query(`
    ANALYZE bench_record; ANALYZE bench_ref; ANALYZE bench_place_key;
    CREATE TEMP TABLE bench_rec_link AS
      SELECT DISTINCT ON (r.rec) r.rec, sr.id
        FROM bench_record r
        JOIN "SourceRecord" sr ON sr."connectorId" = r.connector AND sr."sourceKey" = r.source_key
       ORDER BY r.rec, sr."fetchedAt" DESC;
    ANALYZE bench_rec_link;
    CREATE TEMP TABLE bench_linked AS
      SELECT t.kind, t.item, es."entityId" AS entity
        FROM bench_ref t
        JOIN bench_rec_link l ON l.rec = t.rec
        JOIN "EntitySource" es ON es."sourceRecordId" = l.id AND es.ref = t.ref AND es."entityType"::text = t.etype
      ;
    CREATE INDEX ON bench_linked (item) WHERE kind = 2;
    ANALYZE bench_linked;
    -- a place text without a link of its record became the address of its key
    INSERT INTO bench_linked
      SELECT 3::smallint, p.item, a.id FROM bench_place_key p JOIN "Address" a ON a."addressKey" = p.address_key
       WHERE NOT EXISTS (SELECT 1 FROM bench_linked l WHERE l.kind = 2 AND l.item = p.item);
    CREATE TEMP TABLE bench_cluster AS
      SELECT kind, item, (dense_rank() OVER (ORDER BY entity))::int - 1 AS cluster FROM bench_linked;
    CREATE INDEX ON bench_cluster (kind, item);
    ANALYZE bench_cluster;`);
  const joinMs = performance.now() - joinStarted;

  // Records without a stored version: quarantined or missing.
  const readStarted = performance.now();
  const recordStatus = new Uint8Array(index.records);
  const absent = await client.query<{ rec: number; quarantined: boolean }>(
    `SELECT r.rec, EXISTS (SELECT 1 FROM "QuarantinedRecord" q
                            WHERE q."connectorId" = r.connector AND q."sourceKey" = r.source_key) AS quarantined
       FROM bench_record r LEFT JOIN bench_rec_link l USING (rec) WHERE l.rec IS NULL`,
  );
  for (const row of absent.rows) {
    recordStatus[row.rec] = row.quarantined ? STATUS.QUARANTINED : STATUS.RECORD_MISSING;
    const ds = index.datasets[index.recordDataset.get(row.rec)]!;
    ds.recordsMissing++;
    if (row.quarantined) ds.recordsQuarantined++;
  }

  // Cluster numbers, read back in item ranges. kind 2 = address drafts, 3 = place texts (same items).
  const PAGE = 250_000;
  for (const [k, kind] of ENTITY_KINDS.entries()) {
    const c = index.refs[kind];
    c.predicted = new Int32Array(c.length).fill(-1);
    c.status = new Uint8Array(c.length);
    const kinds = kind === "place" ? [2, 3] : [k];
    for (let from = 0; from < c.length; from += PAGE) {
      const res = await client.query<[number, number]>({
        text: "SELECT item, cluster FROM bench_cluster WHERE kind = ANY($1::smallint[]) AND item >= $2 AND item < $3",
        values: [kinds, from, from + PAGE],
        rowMode: "array",
      });
      for (const [item, cluster] of res.rows) {
        if (c.predicted[item] !== -1 && c.predicted[item] !== cluster)
          throw new Error(`${kind} reference ${item} is linked to two entities`);
        c.predicted[item] = cluster;
      }
    }
  }
  // Why the others are unlinked: place texts whose key matches no Address row (few, read back);
  // place texts never keyed had no text; everything else follows its record.
  const noAddressRow = new Set<number>();
  {
    const res = await client.query<[number]>({
      text: `SELECT p.item FROM bench_place_key p
              WHERE NOT EXISTS (SELECT 1 FROM "Address" a WHERE a."addressKey" = p.address_key)
                AND NOT EXISTS (SELECT 1 FROM bench_linked l WHERE l.kind = 2 AND l.item = p.item)`,
      rowMode: "array",
    });
    for (const [item] of res.rows) noAddressRow.add(item);
  }
  // a place by code is an address draft (see indexTruthLine), a place by text is keyed
  const placeDraft = (item: number) => (index.refs.place.fields.get(item) & FIELD_BITS.id) !== 0;
  for (const kind of ENTITY_KINDS) {
    const c = index.refs[kind];
    for (let i = 0; i < c.length; i++) {
      if (c.predicted[i] !== -1) continue;
      const rs = recordStatus[c.record.get(i)]!;
      let status: number;
      if (kind === "place" && !placeDraft(i))
        status = noAddressRow.has(i) ? STATUS.NO_ADDRESS_ROW : STATUS.NO_TEXT;
      else status = rs !== STATUS.LINKED ? rs : STATUS.NO_LINK;
      c.status[i] = status;
      bump(index.datasets[c.dataset.get(i)]!.refs[kind].unlinked, STATUS_NAMES[status]!);
    }
  }

  // Links to rows that no longer exist (e.g. a merged-away entity whose links were not moved).
  const dangling = { person: 0, organisation: 0, place: 0 };
  const d = await client.query<{ kind: number; n: string }>(`
    SELECT l.kind, count(*)::bigint AS n FROM bench_linked l
     WHERE NOT CASE l.kind
       WHEN 0 THEN EXISTS (SELECT 1 FROM "Person" x WHERE x.id = l.entity)
       WHEN 1 THEN EXISTS (SELECT 1 FROM "Organisation" x WHERE x.id = l.entity)
       ELSE EXISTS (SELECT 1 FROM "Address" x WHERE x.id = l.entity) END
     GROUP BY l.kind`);
  for (const row of d.rows) dangling[ENTITY_KINDS[Math.min(row.kind, 2)]!] += Number(row.n);
  const readMs = performance.now() - readStarted;
  return { index, timings: { loadMs, joinMs, readMs }, dangling };
}

/** Predicted labels with every unlinked reference as a cluster of its own (numbers past the linked ones). */
export function withSingletons(predicted: Int32Array): Int32Array {
  let max = -1;
  for (const v of predicted) if (v > max) max = v;
  const out = new Int32Array(predicted.length);
  let next = max + 1;
  for (let i = 0; i < predicted.length; i++) out[i] = predicted[i]! >= 0 ? predicted[i]! : next++;
  return out;
}

/**
 * The ceiling's clusters (persons): each reference in its true person's cluster, but those the data
 * leaves undecided, which stay apart, in groups of one person's references that give the same
 * evidence. Scored against the truth, the best a resolver that never guesses can reach.
 */
export function ceilingClusters(c: RefColumns): Int32Array {
  const truth = c.truth.view();
  const undecided = c.undecided.view();
  let max = -1;
  for (const v of truth) if (v > max) max = v;
  const out = new Int32Array(truth.length);
  for (let i = 0; i < truth.length; i++) out[i] = undecided[i]! >= 0 ? max + 1 + undecided[i]! : truth[i]!;
  return out;
}

/** The entity ids (uuid) of a few linked references, for examples a human can look up. */
export async function entityIdsOf(
  client: pg.Client,
  kind: EntityKind,
  items: readonly number[],
): Promise<Map<number, string>> {
  if (items.length === 0) return new Map();
  const kinds = kind === "place" ? [2, 3] : [ENTITY_KINDS.indexOf(kind)];
  const res = await client.query<{ item: number; entity: string }>(
    "SELECT item, entity::text AS entity FROM bench_linked WHERE kind = ANY($1::smallint[]) AND item = ANY($2::int[])",
    [kinds, [...items]],
  );
  return new Map(res.rows.map((r) => [r.item, r.entity]));
}

/** Re-read the given lines of the ground-truth file (for examples). */
export async function truthLines(file: string, wanted: ReadonlySet<number>): Promise<Map<number, TruthLine>> {
  const out = new Map<number, TruthLine>();
  if (wanted.size === 0) return out;
  const lines = readline.createInterface({
    input: fs.createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20 }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let n = 0;
  for await (const line of lines) {
    if (line === "") continue;
    if (wanted.has(n)) out.set(n, JSON.parse(line) as TruthLine);
    n++;
    if (out.size === wanted.size) {
      lines.close();
      break;
    }
  }
  return out;
}
