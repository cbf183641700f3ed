// Data access for persons and events, jurisdiction in SQL: an event is visible inside the
// principal's jurisdiction; a person through an address or an event there.
import DataLoader from "dataloader";
import { normaliseAreaCode } from "../domain/area.js";
import type { Principal } from "../domain/principal.js";
import type { EventKind, EventStatus, Prisma } from "../generated/prisma/client.js";
import type { Db } from "../prisma/db.js";

const inJurisdiction = (principal: Principal): Prisma.AreaWhereInput => ({
  ancestorLinks: { some: { ancestor: { code: { in: [...principal.jurisdiction] } } } },
});

export interface EventFilter {
  under?: string | null;
  kind?: EventKind | null;
  status?: EventStatus | null;
}

export function eventsWhere(principal: Principal, filter: EventFilter): Prisma.EventWhereInput {
  if (!principal.authenticated || principal.jurisdiction.length === 0) return { id: { in: [] } };
  const and: Prisma.EventWhereInput[] = [{ area: inJurisdiction(principal) }];
  if (filter.under)
    and.push({ area: { ancestorLinks: { some: { ancestor: { code: normaliseAreaCode(filter.under) } } } } });
  if (filter.kind) and.push({ kind: filter.kind });
  if (filter.status) and.push({ status: filter.status });
  return { AND: and };
}

export function visiblePersonsWhere(principal: Principal): Prisma.PersonWhereInput {
  if (!principal.authenticated || principal.jurisdiction.length === 0) return { id: { in: [] } };
  const area = inJurisdiction(principal);
  return {
    OR: [{ addresses: { some: { address: { area } } } }, { events: { some: { event: { area } } } }],
  };
}

export function createPersonLoaders(db: Db) {
  /** Paths of the areas a person is tied to (addresses and events), for the type-level check. */
  const personAreaPaths = new DataLoader<string, string[]>(async (ids) => {
    const rows = await db.$queryRaw<{ personId: string; path: string }[]>`
      SELECT pa."personId"::text AS "personId", a.path FROM "PersonAddress" pa
        JOIN "Address" ad ON ad.id = pa."addressId" JOIN "Area" a ON a.id = ad."areaId"
        WHERE pa."personId" = ANY(${[...ids]}::uuid[])
      UNION
      SELECT ep."personId"::text, a.path FROM "EventPerson" ep
        JOIN "Event" e ON e.id = ep."eventId" JOIN "Area" a ON a.id = e."areaId"
        WHERE ep."personId" = ANY(${[...ids]}::uuid[])`;
    const byPerson = new Map<string, string[]>();
    for (const r of rows) byPerson.set(r.personId, [...(byPerson.get(r.personId) ?? []), r.path]);
    return ids.map((id) => byPerson.get(id) ?? []);
  });

  const areaPathById = new DataLoader<string, string | null>(async (ids) => {
    const rows = await db.area.findMany({
      where: { id: { in: [...ids] } },
      select: { id: true, path: true },
    });
    const found = new Map(rows.map((r) => [r.id, r.path]));
    return ids.map((id) => found.get(id) ?? null);
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

  return { personAreaPaths, areaPathById, entitySources: sources };
}
