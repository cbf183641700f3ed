// Data access for events: jurisdiction, filters and orderings in SQL, shared by every path that
// lists events (the root list, a person's, an organisation's, an address's and an area's events).
import { GraphQLError } from "graphql";
import { normaliseAreaCode } from "../domain/area.js";
import { type EventKind, type EventStatus, Prisma, type WarningLevel } from "../generated/prisma/client.js";
import type { AreaKey } from "./areas.js";
import {
  type AreaTest,
  areaUnderSql,
  elementVisibleSql,
  ensureJurisdiction,
  hasJurisdiction,
  NOTHING,
  ownAreaVisible,
  type Scope,
  UUID,
  underArea,
  underAreaId,
  visibleWhere,
} from "./jurisdiction.js";

export interface EventFilter {
  /** Only events in this area's subtree (the area included). */
  under?: string | null;
  /**
   * The id of the `under` area once resolved (resolveEventFilter): the subtree is then one index
   * probe per row instead of a join on Area.code. An unknown code resolves to an id of no area.
   */
  underId?: string | null;
  /** The path of that area, resolved with its id: whether the jurisdiction holds the subtree. */
  underPath?: string | null;
  /** The ids of that subtree's areas, when it is small (AreaKey.subtree). */
  underSubtree?: readonly string[] | null;
  kind?: EventKind | null;
  kinds?: readonly EventKind[] | null;
  status?: EventStatus | null;
  statuses?: readonly EventStatus[] | null;
  warningLevels?: readonly WarningLevel[] | null;
  /** occurredAt ≥ this instant. */
  occurredFrom?: Date | null;
  /** occurredAt < this instant. */
  occurredBefore?: Date | null;
}

export const EVENT_ORDERS = [
  "OCCURRED_AT_DESC",
  "OCCURRED_AT_ASC",
  "REPORTED_AT_DESC",
  "WARNING_LEVEL_DESC",
] as const;
export type EventOrder = (typeof EVENT_ORDERS)[number];

/** The filter on events, without jurisdiction (for nesting under an already visible event). */
export function eventFilterWhere(filter: EventFilter | null | undefined): Prisma.EventWhereInput[] {
  const and: Prisma.EventWhereInput[] = [];
  if (!filter) return and;
  if (filter.underId) and.push(subtreeWhere({ id: filter.underId, subtree: filter.underSubtree }));
  else if (filter.under) and.push({ area: underArea(filter.under) });
  if (filter.kind) and.push({ kind: filter.kind });
  if (filter.kinds) and.push({ kind: { in: [...filter.kinds] } });
  if (filter.status) and.push({ status: filter.status });
  if (filter.statuses) and.push({ status: { in: [...filter.statuses] } });
  if (filter.warningLevels) and.push({ warningLevel: { in: [...filter.warningLevels] } });
  if (filter.occurredFrom) and.push({ occurredAt: { gte: filter.occurredFrom } });
  if (filter.occurredBefore) and.push({ occurredAt: { lt: filter.occurredBefore } });
  return and;
}

/**
 * Whether the list is confined to a subtree that lies inside the jurisdiction (the filter's
 * resolved `under`, or the area whose events are listed): every event it can match is then
 * visible, an event being reached through its own area alone (ELEMENT_REACH, the same rule as the
 * type-level check's ownAreaVisible). The jurisdiction's test is then left out of the statement:
 * it walked the closure a second time for every candidate row and cost the page more to plan
 * than to run. A subtree that is not inside (an ancestor of the jurisdiction, a sibling) keeps it.
 */
export function confinedToJurisdiction(
  scope: Scope,
  filter: EventFilter | null | undefined,
  area?: AreaKey,
): boolean {
  const under = filter?.underId && filter.underPath ? filter.underPath : null;
  return [under, area?.path].some((path) => path != null && ownAreaVisible(scope.principal, "Event", path));
}

/** Events visible to the principal (in its jurisdiction) that match the filter. */
export function eventsWhere(
  scope: Scope,
  filter: EventFilter | null | undefined,
  /** The area whose subtree the list is also confined to (an area's events). */
  area?: AreaKey,
): Prisma.EventWhereInput {
  if (!hasJurisdiction(scope.principal)) return NOTHING;
  const visible = confinedToJurisdiction(scope, filter, area) ? [] : [visibleWhere(scope, "Event")];
  return {
    AND: [...visible, ...eventFilterWhere(filter), ...(area ? [subtreeWhere(area)] : [])],
  };
}

/** An id that names no area: what an unknown `under` code resolves to (matches nothing). */
const NO_AREA = "00000000-0000-0000-0000-000000000000";

/** The event lies in the area's subtree: by its areas' ids when the key lists them (SUBTREE_LIST_MAX). */
function subtreeWhere(area: Pick<AreaKey, "id" | "subtree">): Prisma.EventWhereInput {
  return area.subtree ? { areaId: { in: [...area.subtree] } } : { area: underAreaId(area.id) };
}

/** SQL of the same: `areaId` lies in the area's subtree. */
function subtreeSql(area: Pick<AreaKey, "id" | "subtree">, areaId: Prisma.Sql): Prisma.Sql {
  return area.subtree
    ? Prisma.sql`${areaId} = ANY(${[...area.subtree]}::uuid[])`
    : areaUnderSql(area.id, areaId);
}

/**
 * Before building a request's event SQL: the jurisdiction resolved to area ids and the filter's
 * `under` code to its area's id (batched and cached for the request by `areaId`).
 */
export async function resolveEventFilter(
  scope: Scope,
  filter: EventFilter | null | undefined,
  areaKey: (code: string) => Promise<AreaKey | null>,
): Promise<EventFilter> {
  await ensureJurisdiction(scope);
  if (!filter?.under || filter.underId) return { ...filter };
  const area = await areaKey(normaliseAreaCode(filter.under));
  return {
    ...filter,
    underId: area?.id ?? NO_AREA,
    underPath: area?.path ?? null,
    underSubtree: area?.subtree ?? null,
  };
}

/** SQL: the event (alias `e`) matches the filter; jurisdiction not included. */
export function eventFilterSql(filter: EventFilter | null | undefined, e: string): Prisma.Sql {
  const t = (column: string) => Prisma.raw(`${e}."${column}"`);
  const and: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (!filter) return and[0]!;
  if (filter.underId) and.push(subtreeSql({ id: filter.underId, subtree: filter.underSubtree }, t("areaId")));
  else if (filter.under)
    and.push(Prisma.sql`${t("areaId")} IN (SELECT fc."descendantId" FROM "AreaClosure" fc
      JOIN "Area" fa ON fa.id = fc."ancestorId" WHERE fa.code = ${normaliseAreaCode(filter.under)})`);
  if (filter.kind) and.push(Prisma.sql`${t("kind")}::text = ${filter.kind}`);
  if (filter.kinds) and.push(Prisma.sql`${t("kind")}::text = ANY(${[...filter.kinds]}::text[])`);
  if (filter.status) and.push(Prisma.sql`${t("status")}::text = ${filter.status}`);
  if (filter.statuses) and.push(Prisma.sql`${t("status")}::text = ANY(${[...filter.statuses]}::text[])`);
  if (filter.warningLevels)
    and.push(Prisma.sql`${t("warningLevel")}::text = ANY(${[...filter.warningLevels]}::text[])`);
  if (filter.occurredFrom) and.push(Prisma.sql`${t("occurredAt")} >= ${filter.occurredFrom}`);
  if (filter.occurredBefore) and.push(Prisma.sql`${t("occurredAt")} < ${filter.occurredBefore}`);
  return Prisma.join(and, " AND ");
}

/** How many visible events match the filter (optionally only in an area's subtree): one statement. */
export async function countEvents(
  scope: Scope,
  filter: EventFilter | null | undefined,
  area?: AreaKey,
): Promise<number> {
  if (!hasJurisdiction(scope.principal)) return 0;
  await ensureJurisdiction(scope);
  const [row] = await scope.db.$queryRaw<{ n: number }[]>(Prisma.sql`
    SELECT count(*)::int AS n FROM "Event" e
    WHERE ${eventsSql(scope, filter, "e", undefined, area)}`);
  return row?.n ?? 0;
}

/** SQL: the event (alias `e`) is visible to the principal and matches the filter. */
export function eventsSql(
  scope: Scope,
  filter: EventFilter | null | undefined,
  e: string,
  /** How the event's area is tested (elementVisibleSql): from its side for rows found by key. */
  areaTest?: AreaTest,
  /** The area whose subtree the events are also confined to (an area's events). */
  area?: AreaKey,
): Prisma.Sql {
  if (!hasJurisdiction(scope.principal)) return Prisma.sql`FALSE`;
  const and = [eventFilterSql(filter, e)];
  if (area) and.push(subtreeSql(area, Prisma.raw(`${e}."areaId"`)));
  if (!confinedToJurisdiction(scope, filter, area))
    and.unshift(elementVisibleSql(scope, "Event", e, areaTest));
  return Prisma.join(and, " AND ");
}

/** Ordering of an event list; the id breaks ties so that cursors are stable. */
export function eventOrderBy(order: EventOrder | null | undefined): Prisma.EventOrderByWithRelationInput[] {
  switch (order ?? "OCCURRED_AT_DESC") {
    case "OCCURRED_AT_ASC":
      return [{ occurredAt: "asc" }, { id: "asc" }];
    case "REPORTED_AT_DESC":
      return [{ reportedAt: "desc" }, { id: "asc" }];
    case "WARNING_LEVEL_DESC":
      return [{ warningLevel: "desc" }, { occurredAt: "desc" }, { id: "asc" }];
    default:
      return [{ occurredAt: "desc" }, { id: "asc" }];
  }
}

/** The orderings whose columns a keyset condition can compare (an enum has no `lt` in Prisma). */
const KEYSET_COLUMNS: Partial<Record<EventOrder, readonly ("occurredAt" | "reportedAt")[]>> = {
  OCCURRED_AT_DESC: ["occurredAt"],
  OCCURRED_AT_ASC: ["occurredAt"],
  REPORTED_AT_DESC: ["reportedAt"],
};

/**
 * The cursor of every event list that pages through findEventPage: the row's place in the default
 * order (occurredAt, id), the unique key `Event_occurredAt_id_key`. The cursor so carries what the
 * keyset condition compares, and a page after it needs no read of the cursor's row. occurredAt is
 * a field of the id's own class (domain/access/fields.ts), so the cursor tells nothing the edge's
 * node does not.
 */
export const EVENT_CURSOR = "occurredAt_id";

/** A cursor as plugin-prisma hands it over (EVENT_CURSOR's compound key). */
type EventCursor = { occurredAt_id?: { occurredAt: Date | string; id: string } };

/**
 * A cursor argument the list never gave out (edited by hand, or not a cursor at all), as the
 * caller's mistake naming the argument: refused here before any SQL, and by the gateway when
 * Pothos cannot read the cursor (gateway/plugins/masked-errors.ts).
 */
export function cursorRefused(field: string, at?: Pick<GraphQLError, "nodes" | "path">): GraphQLError {
  return new GraphQLError(`${field}: not a cursor this list gave out`, {
    ...(at ? { nodes: at.nodes, path: at.path } : {}),
    extensions: { code: "BAD_USER_INPUT", field },
  });
}

/**
 * A forward page after a cursor, as a keyset condition in place of Prisma's `cursor`: given a
 * cursor, Prisma reads each relation level with a statement of its own (relationJoins is off for
 * that query), so a second page cost twice the first. With the condition the page and its
 * relations stay one statement. Rows strictly after the cursor's in the list's order
 * (eventOrderBy, the id last), which is what `skip: 1` meant. The cursor carries occurredAt; an
 * ordering on another column (reportedAt) reads it off the cursor's row first. A backward page,
 * an ordering on an enum or a cursor whose row is gone keep Prisma's cursor.
 */
export async function keysetAfter<Q extends { cursor?: EventCursor; skip?: number; take?: number }>(
  db: Scope["db"],
  query: Q,
  order: EventOrder | null | undefined,
): Promise<{ query: Q; after: Prisma.EventWhereInput | null }> {
  const columns = KEYSET_COLUMNS[order ?? "OCCURRED_AT_DESC"];
  const key = query.cursor?.occurredAt_id;
  const occurredAt = key ? new Date(key.occurredAt) : null;
  // a cursor of the list's shape that no page gave out (edited by hand): refused, never sent on
  if (key && (Number.isNaN(occurredAt!.getTime()) || typeof key.id !== "string" || !UUID.test(key.id))) {
    throw cursorRefused((query.take ?? 0) < 0 ? "before" : "after");
  }
  if (!columns || !key || (query.take ?? 0) <= 0 || query.skip !== 1) return { query, after: null };
  const id = key.id;
  const row = columns.every((c) => c === "occurredAt")
    ? { occurredAt, reportedAt: null }
    : await db.event.findUnique({ where: { id }, select: { occurredAt: true, reportedAt: true } });
  if (!row) return { query, after: null };
  const { cursor: _cursor, skip: _skip, ...rest } = query;
  const ordering = eventOrderBy(order);
  // (a, id) after (a₀, id₀): a beyond a₀, or a = a₀ and id beyond id₀, in each column's direction
  const or: Prisma.EventWhereInput[] = [];
  const equal: Prisma.EventWhereInput[] = [];
  for (const entry of ordering) {
    const [column, direction] = Object.entries(entry)[0] as [string, "asc" | "desc"];
    const value = column === "id" ? id : row[column as (typeof columns)[number]];
    const op = direction === "desc" ? "lt" : "gt";
    or.push({ AND: [...equal, { [column]: { [op]: value } }] });
    equal.push({ [column]: value });
  }
  return { query: rest as Q, after: { OR: or } };
}

/**
 * One page of an event list (the root list, an area's): its `where` (resolved meanwhile) and the
 * keyset after the cursor, in the list's order. Every event connection that pages by `id` reads
 * through here, so a later page stays one statement wherever the list is reached from.
 */
export async function findEventPage<
  Q extends Pick<Prisma.EventFindManyArgs, "include" | "select" | "cursor" | "skip" | "take">,
>(db: Scope["db"], query: Q, order: EventOrder | null | undefined, where: Promise<Prisma.EventWhereInput>) {
  const [resolved, page] = await Promise.all([where, keysetAfter(db, query, order)]);
  return db.event.findMany({
    ...page.query,
    where: page.after ? { AND: [resolved, page.after] } : resolved,
    orderBy: eventOrderBy(order),
  });
}

/**
 * The same ordering for a list of join rows (EventPerson, EventOrganisation) that point at an
 * event; the caller appends its own columns to break the remaining ties.
 */
export function eventOrderByVia(
  order: EventOrder | null | undefined,
): ({ event: Prisma.EventOrderByWithRelationInput } | { eventId: "asc" })[] {
  return [
    ...eventOrderBy(order)
      .filter((o) => !("id" in o))
      .map((o) => ({ event: o })),
    { eventId: "asc" as const },
  ];
}
