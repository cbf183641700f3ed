// Event (事): incidents, work orders, petitions, disputes and grid reports in one closed loop.
import { withinJurisdiction } from "../../domain/policies/area.js";
import { eventsWhere } from "../../resolvers/persons.js";
import { builder } from "../builder.js";

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

const Provenance = builder
  .objectRef<{ connectorId: string; sourceKey: string; fetchedAt: Date; method: string }>("Provenance")
  .implement({
    description: "A source record version that asserts (part of) an element: who says so.",
    fields: (t) => ({
      connector: t.exposeString("connectorId", { description: "The connector that fetched it." }),
      sourceKey: t.exposeString("sourceKey", { description: "The record's key in its source system." }),
      fetchedAt: t.expose("fetchedAt", {
        type: "DateTime",
        description: "When the hub fetched this version.",
      }),
      method: t.exposeString("method", { description: "How it was linked: SAME_SOURCE, EXACT_KEY, NEW …" }),
    }),
  });

export { Provenance };

builder.prismaObject("EventStep", {
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

builder.prismaNode("Event", {
  id: { field: "id" },
  description: "A matter in the closed loop, placed in an area. Visible inside the caller's jurisdiction.",
  authScopes: async (event, ctx) => {
    const path = await ctx.loaders.areaPathById.load(event.areaId);
    return path !== null && withinJurisdiction(ctx.principal, path);
  },
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
    area: t.relation("area", { description: "Where it happened." }),
    timeline: t.relation("steps", {
      description: "Every status change, oldest first.",
      query: () => ({ orderBy: { at: "asc" } }),
    }),
    sources: t.field({
      type: [Provenance],
      description: "The source records that assert this event.",
      resolve: (event, _args, ctx) => ctx.loaders.entitySources.load(event.id),
    }),
  }),
});

builder.queryFields((t) => ({
  events: t.prismaConnection({
    type: "Event",
    cursor: "id",
    authScopes: { authenticated: true },
    description: "Events in the caller's jurisdiction, newest first.",
    args: {
      under: t.arg.string({ description: "Only events in this area's subtree." }),
      kind: t.arg({ type: EventKindEnum, description: "Only this kind." }),
      status: t.arg({ type: EventStatusEnum, description: "Only this status." }),
    },
    totalCount: (_parent, args, ctx) => ctx.db.event.count({ where: eventsWhere(ctx.principal, args) }),
    resolve: (query, _root, args, ctx) =>
      ctx.db.event.findMany({
        ...query,
        where: eventsWhere(ctx.principal, args),
        orderBy: [{ occurredAt: "desc" }, { id: "asc" }],
      }),
  }),
}));
