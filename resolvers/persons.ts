// Data access for persons, jurisdiction in SQL: a person is visible through an area it reaches
// (PersonReach, kept by the database: addresses, events, posts, organisations belonged to) inside
// the principal's jurisdiction; the person's ties are filtered by their own elements' rule.
import DataLoader from "dataloader";
import {
  type EventKind,
  type Person,
  type PersonAddressKind,
  Prisma,
  type Sex,
} from "../generated/prisma/client.js";
import type { Db } from "../prisma/db.js";
import { type EventFilter, eventsSql, eventsWhere } from "./events.js";
import {
  areaAncestorsInJurisdictionSql,
  elementVisibleSql,
  ensureJurisdiction,
  hasJurisdiction,
  NOTHING,
  oneOfIdsSql,
  personVisibleSql,
  type Scope,
  sourceRecordInJurisdictionSql,
  UUID,
  underArea,
  underAreaId,
  visibleWhere,
} from "./jurisdiction.js";
import { literalContains } from "./text.js";

// Event access moved to resolvers/events.ts; re-exported for the existing imports.
export { type EventFilter, eventsWhere };

/** Persons the principal may see: the reach table's rule (resolvers/jurisdiction.ts, ELEMENT_REACH). */
export function visiblePersonsWhere(scope: Scope): Prisma.PersonWhereInput {
  return visibleWhere(scope, "Person");
}

export interface PersonFilter {
  /** Only persons with an address in this area's subtree. */
  under?: string | null;
  /** Only names containing this text. */
  nameContains?: string | null;
  sex?: Sex | null;
  /** Only persons who take part in a visible event matching this filter. */
  inEvents?: EventFilter | null;
}

export function personFilterWhere(scope: Scope, filter: PersonFilter | null | undefined) {
  const and: Prisma.PersonWhereInput[] = [visiblePersonsWhere(scope)];
  if (filter?.under) and.push({ addresses: { some: { address: { area: underArea(filter.under) } } } });
  if (filter?.nameContains?.trim())
    and.push({ name: { contains: literalContains(filter.nameContains.trim()) } });
  if (filter?.sex) and.push({ sex: filter.sex });
  if (filter?.inEvents) and.push({ events: { some: { event: eventsWhere(scope, filter.inEvents) } } });
  return { AND: and } satisfies Prisma.PersonWhereInput;
}

/** A person's addresses that the principal may see (inside its jurisdiction). */
export function visiblePersonAddressesWhere(scope: Scope): Prisma.PersonAddressWhereInput {
  if (!hasJurisdiction(scope.principal)) return { personId: { in: [] } };
  return { address: visibleWhere(scope, "Address") };
}

/** One source record version asserting an element (schema/types/provenance.ts). */
export interface ProvenanceRow {
  connectorId: string;
  departmentCode: string;
  sourceKey: string;
  fetchedAt: Date;
  method: string;
}

export interface CoPartyRow {
  person: Person;
  sharedEvents: number;
  lastSharedAt: Date;
}

export const CO_PARTIES_MAX = 100;

const AREA_PATHS_MAX = 100_000;
const areaPaths = new WeakMap<Db, Map<string, string>>();

export function createPersonLoaders(db: Db) {
  /** An area's path: an area is never moved, so a path once read is kept (per database client). */
  const areaPathById = new DataLoader<string, string | null>(async (ids) => {
    let known = areaPaths.get(db);
    if (!known) {
      known = new Map();
      areaPaths.set(db, known);
    }
    const cache = known;
    const missing = ids.filter((id) => !cache.has(id));
    if (missing.length > 0) {
      const rows = await db.area.findMany({
        where: { id: { in: missing } },
        select: { id: true, path: true },
      });
      if (cache.size > AREA_PATHS_MAX) cache.clear();
      for (const r of rows) cache.set(r.id, r.path);
    }
    return ids.map((id) => cache.get(id) ?? null);
  });

  /** Provenance rows: which source record versions made an entity. */
  const sources = new DataLoader<
    string,
    { connectorId: string; departmentCode: string; sourceKey: string; fetchedAt: Date; method: string }[]
  >(async (entityIds) => {
    const links = await db.entitySource.findMany({
      where: { entityId: { in: [...entityIds] } },
      include: {
        sourceRecord: {
          select: { connectorId: true, departmentCode: true, sourceKey: true, fetchedAt: true },
        },
      },
      orderBy: { linkedAt: "asc" },
    });
    const byEntity = new Map<
      string,
      { connectorId: string; departmentCode: string; sourceKey: string; fetchedAt: Date; method: string }[]
    >();
    for (const l of links)
      byEntity.set(l.entityId, [
        ...(byEntity.get(l.entityId) ?? []),
        { ...l.sourceRecord, method: l.method },
      ]);
    return entityIds.map((id) => byEntity.get(id) ?? []);
  });

  /**
   * Provenance within jurisdiction: an element's source records that assert nothing the
   * principal may not see (sourceRecordInJurisdictionSql), the request's scope. One statement
   * for the elements of a tick: the links, their records and the jurisdiction test together; one
   * element as `= $1`, so that the named statement runs on its generic plan (planning it cost
   * four times its execution).
   */
  let sourcesInJurisdiction: DataLoader<string, ProvenanceRow[]> | undefined;
  function entitySourcesInJurisdiction(scope: Scope): DataLoader<string, ProvenanceRow[]> {
    sourcesInJurisdiction ??= new DataLoader<string, ProvenanceRow[]>(async (entityIds) => {
      const valid = entityIds.filter((id) => UUID.test(id));
      if (valid.length === 0 || !hasJurisdiction(scope.principal)) return entityIds.map(() => []);
      const rows = await provenanceOf(scope, oneOfIdsSql(Prisma.sql`es."entityId"`, valid));
      const byEntity = new Map<string, ProvenanceRow[]>();
      for (const { entityId, ...row } of rows) {
        const list = byEntity.get(entityId);
        if (list) list.push(row);
        else byEntity.set(entityId, [row]);
      }
      return entityIds.map((id) => byEntity.get(id) ?? []);
    });
    return sourcesInJurisdiction;
  }

  /** The provenance statement, for the elements `entity` (a condition on es."entityId") picks. */
  async function provenanceOf(scope: Scope, entity: Prisma.Sql) {
    await ensureJurisdiction(scope);
    return db.$queryRaw<(ProvenanceRow & { entityId: string })[]>(Prisma.sql`
      SELECT es."entityId"::text AS "entityId", r."connectorId", r."departmentCode", r."sourceKey",
             r."fetchedAt", es.method
      FROM "EntitySource" es JOIN "SourceRecord" r ON r.id = es."sourceRecordId"
      WHERE ${entity}
        AND ${sourceRecordInJurisdictionSql(scope, Prisma.sql`r.id`)}
      ORDER BY es."linkedAt", es."sourceRecordId", es.ref`);
  }

  /**
   * Co-parties: the other persons in the events a person takes part in, only through events
   * inside the principal's jurisdiction, most shared events first. One statement for the pairs
   * of every person in the tick, one for the persons. The principal is the request's (loaders
   * live for one request).
   */
  /**
   * How many parts the persons play in visible events matching a filter: one `GROUP BY` statement
   * for every person of a tick (the scope is the request's: loaders live for one request). One
   * person (person-360) as `= $1`, driven by its parts, each event's area tested from its side:
   * the named statement runs on its generic plan, not planned per call. Several persons (a list)
   * keep `= ANY` and the jurisdiction's subtree, planned for their values: a small jurisdiction
   * then drives the count from its areas (50 persons' 484 parts, a grid: 0.3 ms against 4).
   */
  const eventCountLoaders = new Map<string, DataLoader<string, number>>();
  function personEventCounts(
    scope: Scope,
    filter: EventFilter | null | undefined,
  ): DataLoader<string, number> {
    const key = JSON.stringify(filter ?? {});
    let loader = eventCountLoaders.get(key);
    if (!loader) {
      loader = new DataLoader<string, number>(async (ids) => {
        if (!hasJurisdiction(scope.principal)) return ids.map(() => 0);
        const rows = await eventCountsOf(
          scope,
          filter,
          oneOfIdsSql(Prisma.sql`ep."personId"`, ids),
          ids.length === 1,
        );
        const byPerson = new Map(rows.map((r) => [r.personId, r.n]));
        return ids.map((id) => byPerson.get(id) ?? 0);
      });
      eventCountLoaders.set(key, loader);
    }
    return loader;
  }

  /** The count statement, for the persons `person` (a condition on ep."personId") picks. */
  async function eventCountsOf(
    scope: Scope,
    filter: EventFilter | null | undefined,
    person: Prisma.Sql,
    single: boolean,
  ) {
    await ensureJurisdiction(scope);
    return db.$queryRaw<{ personId: string; n: number }[]>(Prisma.sql`
      SELECT ep."personId"::text AS "personId", count(*)::int AS n
      FROM "EventPerson" ep JOIN "Event" e ON e.id = ep."eventId"
      WHERE ${person}
        AND ${eventsSql(scope, filter, "e", single ? areaAncestorsInJurisdictionSql : undefined)}
      GROUP BY ep."personId"`);
  }

  /**
   * Person-360's second round trip, started with its first: a person by citizen ID is read in
   * one statement, and its provenance and its events' total, keyed by the person's id, would wait
   * for it. Here they are read by the citizen ID (a subquery on the unique key) beside it; once
   * the person is known, `prime` hands their rows to the loaders the fields read, so the fields
   * send nothing. The rows are those of whoever holds the ID: they are used only when that is the
   * person the request's own statement returned (visible to the caller), and dropped otherwise.
   * A read ahead that fails primes nothing: the field then asks by the person's id as before, and
   * reports its own error, so the person itself is never lost to it.
   */
  function startByCitizenId(
    scope: Scope,
    citizenId: string,
    wanted: { sources: boolean; eventCount: { filter: EventFilter | null | undefined } | null },
  ): (personId: string | null) => Promise<void> {
    if (!hasJurisdiction(scope.principal)) return async () => {};
    const holder = Prisma.sql`(SELECT id FROM "Person" WHERE "citizenId" = ${citizenId})`;
    const sources = wanted.sources ? provenanceOf(scope, Prisma.sql`es."entityId" = ${holder}`) : null;
    const count = wanted.eventCount
      ? eventCountsOf(scope, wanted.eventCount.filter, Prisma.sql`ep."personId" = ${holder}`, true)
      : null;
    // the person's own statement may fail first, and these then are never awaited
    for (const p of [sources, count]) p?.catch(() => {});
    return async (personId) => {
      const [sourcesRead, countRead] = await Promise.allSettled([sources, count]);
      if (personId === null) return;
      const sourceRows = sourcesRead.status === "fulfilled" ? sourcesRead.value : null;
      const countRows = countRead.status === "fulfilled" ? countRead.value : null;
      if (sourceRows?.every((r) => r.entityId === personId))
        entitySourcesInJurisdiction(scope).prime(
          personId,
          sourceRows.map(({ entityId: _entityId, ...row }) => row),
        );
      if (countRows && wanted.eventCount && countRows.every((r) => r.personId === personId))
        personEventCounts(scope, wanted.eventCount.filter).prime(personId, countRows[0]?.n ?? 0);
    };
  }

  const coPartyLoaders = new Map<string, DataLoader<string, CoPartyRow[]>>();
  /** `kinds`: only events of these kinds are shared (null: every kind). */
  function coParties(
    scope: Scope,
    limit: number,
    kinds: readonly EventKind[] | null = null,
  ): DataLoader<string, CoPartyRow[]> {
    const principal = scope.principal;
    const n = Math.min(Math.max(limit, 0), CO_PARTIES_MAX);
    const key = `${n}:${kinds?.join(",") ?? "*"}`;
    let loader = coPartyLoaders.get(key);
    if (!loader) {
      loader = new DataLoader<string, CoPartyRow[]>(async (ids) => {
        if (n === 0 || !hasJurisdiction(principal)) return ids.map(() => []);
        await ensureJurisdiction(scope);
        const pairs = await db.$queryRaw<
          { owner: string; other: string; shared: number; last: Date }[]
        >(Prisma.sql`
          WITH mine AS (
            SELECT DISTINCT ep."personId" AS owner, ep."eventId", e."occurredAt"
            FROM "EventPerson" ep JOIN "Event" e ON e.id = ep."eventId"
            WHERE ep."personId" = ANY(${[...ids]}::uuid[])
              AND ${elementVisibleSql(scope, "Event", "e")}
              AND ${kinds ? Prisma.sql`e.kind::text = ANY(${[...kinds]}::text[])` : Prisma.sql`TRUE`}
          ), pairs AS (
            SELECT m.owner, o."personId" AS other, count(DISTINCT m."eventId")::int AS shared,
                   max(m."occurredAt") AS last
            FROM mine m JOIN "EventPerson" o ON o."eventId" = m."eventId" AND o."personId" <> m.owner
            WHERE ${personVisibleSql(scope, Prisma.sql`o."personId"`)}
            GROUP BY 1, 2
          ), ranked AS (
            SELECT *, row_number() OVER (PARTITION BY owner ORDER BY shared DESC, last DESC, other) AS rn
            FROM pairs
          )
          SELECT owner::text AS owner, other::text AS other, shared, last FROM ranked WHERE rn <= ${n}
          ORDER BY owner, rn`);
        const persons = pairs.length
          ? await db.person.findMany({ where: { id: { in: [...new Set(pairs.map((p) => p.other))] } } })
          : [];
        const byId = new Map(persons.map((p) => [p.id, p]));
        const byOwner = new Map<string, CoPartyRow[]>();
        for (const p of pairs) {
          const person = byId.get(p.other);
          if (!person) continue;
          byOwner.set(p.owner, [
            ...(byOwner.get(p.owner) ?? []),
            { person, sharedEvents: p.shared, lastSharedAt: p.last },
          ]);
        }
        return ids.map((id) => byOwner.get(id) ?? []);
      });
      coPartyLoaders.set(key, loader);
    }
    return loader;
  }

  return {
    areaPathById,
    entitySources: sources,
    entitySourcesInJurisdiction,
    coParties,
    personEventCounts,
    startByCitizenId,
  };
}

/** Persons with an address (of this kind) in the area's subtree and inside the jurisdiction. */
export function residentsWhere(
  scope: Scope,
  areaId: string,
  kind?: PersonAddressKind | null,
): Prisma.PersonWhereInput {
  if (!hasJurisdiction(scope.principal)) return NOTHING;
  return {
    addresses: {
      some: {
        ...(kind ? { kind } : {}),
        address: { AND: [visibleWhere(scope, "Address"), { area: underAreaId(areaId) }] },
      },
    },
  };
}
