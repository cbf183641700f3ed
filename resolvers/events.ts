// Data access for events: jurisdiction, filters and orderings in SQL, shared by every path that
// lists events (the root list, a person's, an organisation's, an address's and an area's events).
import type { Principal } from "../domain/principal.js";
import type { EventKind, EventStatus, Prisma, WarningLevel } from "../generated/prisma/client.js";
import { hasJurisdiction, inJurisdiction, NOTHING, underArea, underAreaId } from "./jurisdiction.js";

export interface EventFilter {
  /** Only events in this area's subtree (the area included). */
  under?: string | null;
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
  if (filter.under) and.push({ area: underArea(filter.under) });
  if (filter.kind) and.push({ kind: filter.kind });
  if (filter.kinds) and.push({ kind: { in: [...filter.kinds] } });
  if (filter.status) and.push({ status: filter.status });
  if (filter.statuses) and.push({ status: { in: [...filter.statuses] } });
  if (filter.warningLevels) and.push({ warningLevel: { in: [...filter.warningLevels] } });
  if (filter.occurredFrom) and.push({ occurredAt: { gte: filter.occurredFrom } });
  if (filter.occurredBefore) and.push({ occurredAt: { lt: filter.occurredBefore } });
  return and;
}

/** Events visible to the principal (in its jurisdiction) that match the filter. */
export function eventsWhere(
  principal: Principal,
  filter: EventFilter | null | undefined,
): Prisma.EventWhereInput {
  if (!hasJurisdiction(principal)) return NOTHING;
  return { AND: [{ area: inJurisdiction(principal) }, ...eventFilterWhere(filter)] };
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

/** Visible events in the area's subtree that match the filter. */
export function eventsUnderWhere(
  principal: Principal,
  areaId: string,
  filter: EventFilter | null | undefined,
): Prisma.EventWhereInput {
  if (!hasJurisdiction(principal)) return NOTHING;
  return { AND: [eventsWhere(principal, filter), { area: underAreaId(areaId) }] };
}
