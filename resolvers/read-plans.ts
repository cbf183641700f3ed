// Data access for the read plans (schema/read-plans.ts): a known operation's whole answer read in
// one statement, PostgreSQL building its tree as JSON. Every row is picked by the same jurisdiction
// SQL the graph path composes (resolvers/jurisdiction.ts, resolvers/events.ts), in the same order.
// The tree holds raw values under the GraphQL field names, the database ids the audit trail names,
// and each element's area path for the type-level checks; the schema layer decides every field
// of it with the access policy. Nothing here masks or refuses anything.
import { Prisma } from "../generated/prisma/client.js";
import { PLANNED_PER_CALL, queryText } from "../prisma/db.js";
import { confinedToJurisdiction, type EventFilter, eventsSql } from "./events.js";
import {
  areaAncestorsInJurisdictionSql,
  elementVisibleSql,
  ensureJurisdiction,
  hasJurisdiction,
  personVisibleSql,
  type Scope,
  sourceRecordInJurisdictionSql,
} from "./jurisdiction.js";

/** ISO 8601 with milliseconds in UTC, as GraphQL DateTime prints a timestamp(3). */
const iso = (column: string) => Prisma.raw(`to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/**
 * A visible event with its area, its parties and (when the operation asks for it) its place, as
 * the graph path reads them.
 */
function eventNodeSql(e: string, withAddress: boolean): Prisma.Sql {
  const c = (column: string) => Prisma.raw(`${e}."${column}"`);
  return Prisma.sql`json_build_object(
    'id', ${c("id")}, 'kind', ${c("kind")}, 'title', ${c("title")}, 'status', ${c("status")},
    'occurredAt', ${iso(`${e}."occurredAt"`)}, 'warningLevel', ${c("warningLevel")},
    'areaPath', ea.path,
    'area', json_build_object('code', ea.code, 'name', ea.name, 'path', ea.path),
    ${
      withAddress
        ? Prisma.sql`'address', (SELECT json_build_object('id', xa.id, 'fullText', xa."fullText", 'areaPath', xr.path)
                  FROM "Address" xa JOIN "Area" xr ON xr.id = xa."areaId" WHERE xa.id = ${c("addressId")}),`
        : Prisma.empty
    }
    'parties', (SELECT coalesce(json_agg(json_build_object(
          'role', ep.role, 'person', json_build_object('id', pp.id, 'name', pp.name))
          ORDER BY ep.role, ep."personId"), '[]'::json)
        FROM "EventPerson" ep JOIN "Person" pp ON pp.id = ep."personId" WHERE ep."eventId" = ${c("id")}))`;
}

/**
 * Person-360 (operations/person-360.graphql): the visible person holding the citizen ID, with
 * their visible addresses and organisations, their latest 20 parts in visible events (and the
 * total), and the provenance records within jurisdiction. null: no such person for this caller.
 */
export async function person360Tree(
  scope: Scope,
  citizenId: string,
): Promise<Record<string, unknown> | null> {
  if (!hasJurisdiction(scope.principal)) return null;
  await ensureJurisdiction(scope);
  const tree = await queryText(
    scope.db,
    Prisma.sql`
    SELECT json_build_object(
      'id', p.id, 'name', p.name, 'citizenId', p."citizenId", 'phone', p.phone, 'sex', p.sex,
      'birthDate', to_char(p."birthDate", 'YYYY-MM-DD'),
      'addresses', (SELECT coalesce(json_agg(json_build_object(
            'kind', pa.kind,
            'address', json_build_object('id', ad.id, 'fullText', ad."fullText", 'areaPath', ar.path,
              'area', json_build_object('code', ar.code, 'name', ar.name, 'path', ar.path)))
            ORDER BY pa.kind, pa."addressId"), '[]'::json)
          FROM "PersonAddress" pa JOIN "Address" ad ON ad.id = pa."addressId" JOIN "Area" ar ON ar.id = ad."areaId"
          WHERE pa."personId" = p.id AND ${elementVisibleSql(scope, "Address", "ad")}),
      'organisations', (SELECT coalesce(json_agg(json_build_object(
            'role', po.role,
            'organisation', json_build_object('id', o.id, 'name', o.name, 'uscc', o.uscc, 'kind', o.kind))
            ORDER BY po.role, po."organisationId"), '[]'::json)
          FROM "PersonOrganisation" po JOIN "Organisation" o ON o.id = po."organisationId"
          WHERE po."personId" = p.id AND ${elementVisibleSql(scope, "Organisation", "o")}),
      'events', json_build_object(
        'totalCount', (SELECT count(*)::int FROM "EventPerson" cp JOIN "Event" ce ON ce.id = cp."eventId"
          WHERE cp."personId" = p.id AND ${eventsSql(scope, null, "ce", areaAncestorsInJurisdictionSql)}),
        'edges', (SELECT coalesce(json_agg(json_build_object('role', x.role, 'node', ${eventNodeSql("e", true)})
            ORDER BY x."occurredAt" DESC, x."eventId", x.role), '[]'::json)
          FROM (SELECT ep.role, ep."eventId", ev."occurredAt" FROM "EventPerson" ep JOIN "Event" ev ON ev.id = ep."eventId"
                 WHERE ep."personId" = p.id AND ${eventsSql(scope, null, "ev")}
                 ORDER BY ev."occurredAt" DESC, ep."eventId", ep.role LIMIT 20) x
          JOIN "Event" e ON e.id = x."eventId" JOIN "Area" ea ON ea.id = e."areaId")),
      'sources', (SELECT coalesce(json_agg(json_build_object(
            'connectorId', r."connectorId", 'departmentCode', r."departmentCode", 'sourceKey', r."sourceKey",
            'fetchedAt', ${iso('r."fetchedAt"')}, 'method', es.method)
            ORDER BY es."linkedAt", es."sourceRecordId", es.ref), '[]'::json)
          FROM "EntitySource" es JOIN "SourceRecord" r ON r.id = es."sourceRecordId"
          WHERE es."entityId" = p.id AND ${sourceRecordInJurisdictionSql(scope, Prisma.sql`r.id`)})
    )::text
    FROM "Person" p WHERE p."citizenId" = ${citizenId} AND ${personVisibleSql(scope, Prisma.sql`p.id`)}`,
  );
  return tree ? (JSON.parse(tree) as Record<string, unknown>) : null;
}

/** Where a forward page starts: after this event in the (occurredAt desc, id) order. */
export interface EventKeyset {
  occurredAt: Date;
  id: string;
}

/**
 * Area-events (operations/area-events.graphql): one page of the visible events the filter (its
 * `under` resolved: resolveEventFilter) matches, newest first, the id breaking ties, after the
 * keyset; `take` rows at most (the page and one more), and the total over all pages.
 */
export async function eventPageTree(
  scope: Scope,
  filter: EventFilter,
  take: number,
  after: EventKeyset | null,
): Promise<{ totalCount: number; rows: Record<string, unknown>[] }> {
  if (!hasJurisdiction(scope.principal)) return { totalCount: 0, rows: [] };
  await ensureJurisdiction(scope);
  const keyset = after
    ? Prisma.sql`AND (e."occurredAt" < ${after.occurredAt} OR (e."occurredAt" = ${after.occurredAt} AND e.id > ${after.id}::uuid))`
    : Prisma.empty;
  const confined = confinedToJurisdiction(scope, filter);
  const subtree = filter.underSubtree;
  const onlyUnder = Object.entries(filter).every(
    ([key, value]) => value == null || ["under", "underId", "underPath", "underSubtree"].includes(key),
  );
  let page: Prisma.Sql;
  let count: Prisma.Sql;
  let perCall: boolean;
  if (confined && subtree && onlyUnder) {
    // A small subtree inside the jurisdiction (a street, a community, a grid: its areas listed):
    // each area's latest events from the (areaId, occurredAt) index, then the page from those.
    // The same plan is right for every such subtree, so the statement keeps its generic plan
    // (planning it for each call cost more than running it).
    page = Prisma.sql`SELECT x.* FROM unnest(${[...subtree]}::uuid[]) AS s(id) CROSS JOIN LATERAL (
        SELECT e.id, e.kind, e.title, e.status, e."occurredAt", e."warningLevel", e."areaId"
        FROM "Event" e WHERE e."areaId" = s.id ${keyset}
        ORDER BY e."occurredAt" DESC, e.id LIMIT ${take}) x
      ORDER BY x."occurredAt" DESC, x.id LIMIT ${take}`;
    count = Prisma.sql`SELECT count(*)::int FROM "Event" c WHERE c."areaId" = ANY(${[...subtree]}::uuid[])`;
    perCall = false;
  } else {
    page = Prisma.sql`SELECT e.id, e.kind, e.title, e.status, e."occurredAt", e."warningLevel", e."areaId"
      FROM "Event" e WHERE ${eventsSql(scope, filter, "e")} ${keyset}
      ORDER BY e."occurredAt" DESC, e.id LIMIT ${take}`;
    count = Prisma.sql`SELECT count(*)::int FROM "Event" c WHERE ${eventsSql(scope, filter, "c")}`;
    // A large subtree inside the jurisdiction (a district, the city): the time index is right for
    // all of them, and the generic plan is kept. Anything else (other filters, a jurisdiction
    // smaller than the subtree) depends on its values, which a generic plan does not know:
    // planned per call, as the graph path's pages are.
    perCall = !confined || !onlyUnder;
  }
  const tree = await queryText(
    scope.db,
    Prisma.sql`
    WITH page AS (${page})
    SELECT json_build_object(
      'totalCount', (${count}),
      'rows', (SELECT coalesce(json_agg(${eventNodeSql("e", false)} ORDER BY e."occurredAt" DESC, e.id), '[]'::json)
               FROM page e JOIN "Area" ea ON ea.id = e."areaId")
    )::text ${perCall ? Prisma.raw(PLANNED_PER_CALL) : Prisma.empty}`,
  );
  if (!tree) throw new Error("the event page statement returned no row");
  return JSON.parse(tree) as { totalCount: number; rows: Record<string, unknown>[] };
}
