// Event (事): incidents, work orders, petitions, disputes and grid reports in one closed loop. The
// Event interface carries what every kind shares; each kind is its own type (event-kinds.ts).
import type { EventKind, Prisma } from "../../generated/prisma/client.js";
import {
  countEvents,
  EVENT_CURSOR,
  type EVENT_ORDERS,
  type EventFilter,
  eventsWhere,
  findEventPage,
  resolveEventFilter,
} from "../../resolvers/events.js";
import { builder } from "../builder.js";
import { totalBeside } from "../connection-total.js";
import type { Context } from "../context.js";
import { Provenance } from "./provenance.js";

// Declared here for the files that imported it from event.ts.
export { Provenance };

export const EventKindEnum = builder.enumType("EventKind", {
  description: "What kind of matter an event is.",
  values: {
    POLICE_INCIDENT: { description: "110 警情, non-police calls included." },
    HOTLINE_TICKET: { description: "12345 工单." },
    PETITION: { description: "信访件." },
    DISPUTE: { description: "矛盾纠纷." },
    GRID_REPORT: { description: "网格巡查上报 and other grid registrations." },
  },
});

/** The GraphQL type of each kind of event. */
export const EVENT_TYPE_NAMES: Record<EventKind, string> = {
  POLICE_INCIDENT: "PoliceIncident",
  HOTLINE_TICKET: "HotlineTicket",
  PETITION: "Petition",
  DISPUTE: "Dispute",
  GRID_REPORT: "GridReport",
};

export const EventStatusEnum = builder.enumType("EventStatus", {
  description:
    "Where an event stands in the closed loop 发现上报 → 统一受理 → 指挥派遣 → 处置反馈 → 任务核实 → 评价归档.",
  values: {
    REPORTED: { description: "发现上报: reported." },
    ACCEPTED: { description: "统一受理: accepted." },
    DISPATCHED: { description: "指挥派遣: dispatched to a handling unit." },
    HANDLED: { description: "处置反馈: handled, feedback given." },
    VERIFIED: { description: "任务核实: verified." },
    ARCHIVED: { description: "评价归档: evaluated and archived." },
    REJECTED: { description: "不予受理: not accepted." },
  },
});

export const WarningLevelEnum = builder.enumType("WarningLevel", {
  description: "Three-colour early warning (三色预警).",
  values: {
    NONE: { description: "No warning." },
    BLUE: { description: "蓝色: limited scope." },
    YELLOW: { description: "黄色: serious." },
    RED: { description: "红色: major; escalate." },
  },
});

export const EventOrderEnum = builder.enumType("EventOrder", {
  description: "How an event list is ordered (ties broken by id, so cursors are stable).",
  values: {
    OCCURRED_AT_DESC: { description: "Newest first (the default)." },
    OCCURRED_AT_ASC: { description: "Oldest first." },
    REPORTED_AT_DESC: { description: "Most recently reported first." },
    WARNING_LEVEL_DESC: { description: "Red first, then yellow, blue, none; newest first within a level." },
  } satisfies Record<(typeof EVENT_ORDERS)[number], { description: string }>,
});

export const EventFilterInput = builder.inputType("EventFilter", {
  description: "Which events to list. Every condition given must hold; jurisdiction always applies.",
  fields: (t) => ({
    under: t.string({
      description: "Only events in this area's subtree (the area itself included), by division code.",
    }),
    kinds: t.field({ type: [EventKindEnum], description: "Only these kinds." }),
    statuses: t.field({ type: [EventStatusEnum], description: "Only these statuses." }),
    warningLevels: t.field({ type: [WarningLevelEnum], description: "Only these warning levels." }),
    occurredFrom: t.field({ type: "DateTime", description: "Only events that occurred at or after this." }),
    occurredBefore: t.field({ type: "DateTime", description: "Only events that occurred before this." }),
  }),
});

/** The arguments every event list takes. */
export const eventListArgs = {
  filter: { type: EventFilterInput, description: "Which events." },
  orderBy: { type: EventOrderEnum, description: "Order; newest first when omitted." },
} as const;

export const EventStepRef = builder.prismaObject("EventStep", {
  description: "One step of an event's timeline.",
  fields: (t) => ({
    fromStatus: t.expose("fromStatus", {
      type: EventStatusEnum,
      nullable: true,
      description: "Status before.",
    }),
    toStatus: t.expose("toStatus", { type: EventStatusEnum, description: "Status after." }),
    actor: t.exposeString("actor", { description: "Who made the change (principal or connector)." }),
    at: t.expose("at", { type: "DateTime", description: "When." }),
  }),
});

/**
 * The columns every Event row carries whatever fields are asked for (select mode: the others are
 * read only when a field asks for them): its id, its kind (resolveType) and its area (the kinds'
 * jurisdiction check). Join-row connections start their node's selection from it.
 */
export const EVENT_BASE = { id: true, kind: true, areaId: true } as const satisfies Prisma.EventSelect;

const CLOSED = new Set(["HANDLED", "VERIFIED", "ARCHIVED", "REJECTED"]);

export const EventRef = builder.prismaInterface("Event", {
  name: "Event",
  interfaces: [builder.nodeInterfaceRef()],
  description:
    "A matter in the closed loop, placed in an area: a 110 incident, a 12345 work order, a petition, a dispute or a grid report. Visible inside the caller's jurisdiction. Each kind is its own type with its own fields.",
  select: EVENT_BASE,
  resolveType: (event) => EVENT_TYPE_NAMES[event.kind],
  fields: (t) => ({
    kind: t.expose("kind", { type: EventKindEnum, description: "What kind of matter." }),
    title: t.exposeString("title", { description: "Short title, e.g. the work order's subject." }),
    description: t.exposeString("description", { nullable: true, description: "What was reported." }),
    status: t.expose("status", { type: EventStatusEnum, description: "Where it stands in the closed loop." }),
    warningLevel: t.expose("warningLevel", {
      type: WarningLevelEnum,
      description: "Three-colour warning level.",
    }),
    occurredAt: t.expose("occurredAt", { type: "DateTime", description: "When it happened." }),
    reportedAt: t.expose("reportedAt", { type: "DateTime", description: "When it was reported." }),
    deadlineAt: t.expose("deadlineAt", {
      type: "DateTime",
      nullable: true,
      description: "The current step's time limit.",
    }),
    overdue: t.boolean({
      description: "Whether the time limit has passed while the event is still open (督办).",
      select: { deadlineAt: true, status: true, overdueAt: true },
      // marked by the overdue job (督办), or past its limit on the hub's clock
      resolve: (e, _args, ctx) =>
        !CLOSED.has(e.status) &&
        (e.overdueAt !== null ||
          (e.deadlineAt !== null && e.deadlineAt.getTime() < ctx.clock.now().getTime())),
    }),
    area: t.relation("area", { description: "Where it happened: the grid, community or street." }),
    address: t.relation("address", {
      nullable: true,
      description: "The standard address where it happened, when known.",
    }),
    handlingDepartment: t.relation("handlingDepartment", {
      nullable: true,
      description: "The department handling it (承办部门), when assigned.",
    }),
    reportingDepartment: t.relation("sourceDepartment", {
      nullable: true,
      description: "The department whose system reported it, when recorded.",
    }),
    timeline: t.relation("steps", {
      description: "Every status change, oldest first.",
      query: () => ({ orderBy: [{ at: "asc" }, { id: "asc" }] }),
    }),
    sources: t.field({
      type: [Provenance],
      description: "The source records that assert this event.",
      resolve: (event, _args, ctx) => ctx.loaders.entitySourcesInJurisdiction(ctx).load(event.id),
    }),
  }),
});

builder.queryFields((t) => ({
  events: t.prismaConnection({
    type: EventRef,
    cursor: EVENT_CURSOR,
    authScopes: { authenticated: true },
    description: "Events in the caller's jurisdiction, filtered and ordered (newest first by default).",
    args: {
      filter: t.arg(eventListArgs.filter),
      orderBy: t.arg(eventListArgs.orderBy),
      under: t.arg.string({
        description: "Only events in this area's subtree.",
        deprecationReason: "Use filter.under.",
      }),
      kind: t.arg({
        type: EventKindEnum,
        description: "Only this kind.",
        deprecationReason: "Use filter.kinds.",
      }),
      status: t.arg({
        type: EventStatusEnum,
        description: "Only this status.",
        deprecationReason: "Use filter.statuses.",
      }),
    },
    totalCount: eventsTotal.totalCount,
    resolve: (query, root, args, ctx, info) => {
      eventsTotal.start(root, args, ctx, info);
      return findEventPage(
        ctx.db,
        query,
        args.orderBy,
        eventFilterOf(ctx, { ...args.filter, ...legacy(args) }).then((f) => eventsWhere(ctx, f)),
      );
    },
  }),
}));

/** How many events the root list's arguments match (one statement), counted beside the page. */
const eventsTotal = totalBeside(
  async (
    _root: unknown,
    args: { filter?: EventFilter | null } & Pick<EventFilter, "under" | "kind" | "status">,
    ctx: Context,
  ) => countEvents(ctx, await eventFilterOf(ctx, { ...args.filter, ...legacy(args) })),
);

/** A request's event filter with its jurisdiction and `under` area resolved to ids. */
export function eventFilterOf(ctx: Context, filter: EventFilter | null | undefined): Promise<EventFilter> {
  return resolveEventFilter(ctx, filter, (code) => ctx.loaders.areaKeyByCode.load(code));
}

/** The deprecated top-level arguments, as a filter (only those given). */
function legacy(args: Pick<EventFilter, "under" | "kind" | "status">): EventFilter {
  return {
    ...(args.under ? { under: args.under } : {}),
    ...(args.kind ? { kind: args.kind } : {}),
    ...(args.status ? { status: args.status } : {}),
  };
}
