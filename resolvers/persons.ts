// Data access for persons, jurisdiction in SQL: a person is visible through an address, an event,
// a post or an organisation they represent inside the principal's jurisdiction; so are the
// person's ties, filtered the same way.
import DataLoader from "dataloader";
import { type Person, type PersonAddressKind, Prisma, type Sex } from "../generated/prisma/client.js";
import type { Db } from "../prisma/db.js";
import { type EventFilter, eventsSql, eventsWhere } from "./events.js";
import {
  areaInJurisdictionSql,
  ensureJurisdiction,
  hasJurisdiction,
  inJurisdiction,
  NOTHING,
  type Scope,
  underArea,
  underAreaId,
} from "./jurisdiction.js";
import { literalContains } from "./text.js";

// Event access moved to resolvers/events.ts; re-exported for the existing imports.
export { type EventFilter, eventsWhere };

export function visiblePersonsWhere(scope: Scope): Prisma.PersonWhereInput {
  if (!hasJurisdiction(scope.principal)) return NOTHING;
  const area = inJurisdiction(scope);
  return {
    OR: [
      { addresses: { some: { address: { area } } } },
      { events: { some: { event: { area } } } },
      { posts: { some: { area } } },
      // a legal representative known by name only: through the organisation they represent
      { organisations: { some: { organisation: { OR: [{ area }, { address: { area } }] } } } },
    ],
  };
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
  return { address: { area: inJurisdiction(scope) } };
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
  /** Paths of the areas a person is tied to (addresses, events, posts, organisations), for the type-level check. */
  const personAreaPaths = new DataLoader<string, string[]>(async (ids) => {
    const rows = await db.$queryRaw<{ personId: string; path: string }[]>`
      SELECT pa."personId"::text AS "personId", a.path FROM "PersonAddress" pa
        JOIN "Address" ad ON ad.id = pa."addressId" JOIN "Area" a ON a.id = ad."areaId"
        WHERE pa."personId" = ANY(${[...ids]}::uuid[])
      UNION
      SELECT ep."personId"::text, a.path FROM "EventPerson" ep
        JOIN "Event" e ON e.id = ep."eventId" JOIN "Area" a ON a.id = e."areaId"
        WHERE ep."personId" = ANY(${[...ids]}::uuid[])
      UNION
      SELECT pp."personId"::text, a.path FROM "PersonPost" pp JOIN "Area" a ON a.id = pp."areaId"
        WHERE pp."personId" = ANY(${[...ids]}::uuid[])
      UNION
      SELECT po."personId"::text, a.path FROM "PersonOrganisation" po
        JOIN "Organisation" o ON o.id = po."organisationId" LEFT JOIN "Address" oa ON oa.id = o."addressId"
        JOIN "Area" a ON a.id = o."areaId" OR a.id = oa."areaId"
        WHERE po."personId" = ANY(${[...ids]}::uuid[])`;
    const byPerson = new Map<string, string[]>();
    for (const r of rows) byPerson.set(r.personId, [...(byPerson.get(r.personId) ?? []), r.path]);
    return ids.map((id) => byPerson.get(id) ?? []);
  });

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
    { connectorId: string; sourceKey: string; fetchedAt: Date; method: string }[]
  >(async (entityIds) => {
    const links = await db.entitySource.findMany({
      where: { entityId: { in: [...entityIds] } },
      include: { sourceRecord: { select: { connectorId: true, sourceKey: true, fetchedAt: true } } },
      orderBy: { linkedAt: "asc" },
    });
    const byEntity = new Map<
      string,
      { connectorId: string; sourceKey: string; fetchedAt: Date; method: string }[]
    >();
    for (const l of links)
      byEntity.set(l.entityId, [
        ...(byEntity.get(l.entityId) ?? []),
        { ...l.sourceRecord, method: l.method },
      ]);
    return entityIds.map((id) => byEntity.get(id) ?? []);
  });

  /**
   * Co-parties: the other persons in the events a person takes part in, only through events
   * inside the principal's jurisdiction, most shared events first. One statement for the pairs
   * of every person in the tick, one for the persons. The principal is the request's (loaders
   * live for one request).
   */
  /**
   * How many parts the persons play in visible events matching a filter: one `GROUP BY` statement
   * for every person of a tick (the scope is the request's: loaders live for one request).
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
        await ensureJurisdiction(scope);
        const rows = await db.$queryRaw<{ personId: string; n: number }[]>(Prisma.sql`
          SELECT ep."personId"::text AS "personId", count(*)::int AS n
          FROM "EventPerson" ep JOIN "Event" e ON e.id = ep."eventId"
          WHERE ep."personId" = ANY(${[...ids]}::uuid[]) AND ${eventsSql(scope, filter, "e")}
          GROUP BY ep."personId"`);
        const byPerson = new Map(rows.map((r) => [r.personId, r.n]));
        return ids.map((id) => byPerson.get(id) ?? 0);
      });
      eventCountLoaders.set(key, loader);
    }
    return loader;
  }

  const coPartyLoaders = new Map<number, DataLoader<string, CoPartyRow[]>>();
  function coParties(scope: Scope, limit: number): DataLoader<string, CoPartyRow[]> {
    const principal = scope.principal;
    const n = Math.min(Math.max(limit, 0), CO_PARTIES_MAX);
    let loader = coPartyLoaders.get(n);
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
              AND ${areaInJurisdictionSql(scope, Prisma.sql`e."areaId"`)}
          ), pairs AS (
            SELECT m.owner, o."personId" AS other, count(DISTINCT m."eventId")::int AS shared,
                   max(m."occurredAt") AS last
            FROM mine m JOIN "EventPerson" o ON o."eventId" = m."eventId" AND o."personId" <> m.owner
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
      coPartyLoaders.set(n, loader);
    }
    return loader;
  }

  return { personAreaPaths, areaPathById, entitySources: sources, coParties, personEventCounts };
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
        address: { area: { AND: [underAreaId(areaId), inJurisdiction(scope)] } },
      },
    },
  };
}
