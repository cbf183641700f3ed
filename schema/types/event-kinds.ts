// The kinds of event, each its own type implementing Event, with the fields its department's
// system carries (read from Event.details, as each connector's map.ts writes them).
import type { Event } from "../../generated/prisma/client.js";
import { ownAreaVisible } from "../../resolvers/jurisdiction.js";
import { builder } from "../builder.js";
import type { Context } from "../context.js";
import { EVENT_BASE, EventRef } from "./event.js";

/** Kind-specific values, as the connectors map them (codes documented on each field). */
// Each field below reads `details`, and so selects it: a page that asks for none of them never
// reads the column.
const DETAILS = { details: true } as const;
type Details = Record<string, unknown>;
const detailsOf = (e: Pick<Event, "details">): Details =>
  e.details && typeof e.details === "object" && !Array.isArray(e.details) ? (e.details as Details) : {};
const str = (e: Pick<Event, "details">, key: string): string | null => {
  const v = detailsOf(e)[key];
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : null;
};
const int = (e: Pick<Event, "details">, key: string): number | null => {
  const v = detailsOf(e)[key];
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : Number.NaN;
  return Number.isInteger(n) ? n : null;
};
const bool = (e: Pick<Event, "details">, key: string): boolean | null => {
  const v = detailsOf(e)[key];
  return typeof v === "boolean" ? v : null;
};
const instant = (e: Pick<Event, "details">, key: string): Date | null => {
  const v = str(e, key);
  const d = v === null ? null : new Date(v);
  return d && !Number.isNaN(d.getTime()) ? d : null;
};

/** Second line of defence: whatever path reaches an event, it resolves only inside jurisdiction. */
const eventVisible = async (event: Pick<Event, "areaId">, ctx: Context): Promise<boolean> => {
  return ownAreaVisible(ctx.principal, "Event", await ctx.loaders.areaPathById.load(event.areaId));
};

builder.prismaNode("Event", {
  id: { field: "id" },
  interfaces: [EventRef],
  select: EVENT_BASE,
  authScopes: eventVisible,
  variant: "PoliceIncident",
  // a global ID names the kind: a PoliceIncident ID of a work order finds nothing
  findUnique: (id) => ({ id, kind: "POLICE_INCIDENT" }),
  description: "A 110 incident (警情) from public security, non-police calls (非警务警情) included.",
  fields: (t) => ({
    category: t.string({
      nullable: true,
      description:
        "警情类别: CRIMINAL, PUBLIC_ORDER, TRAFFIC, FIRE, DISPUTE, ASSISTANCE, NON_POLICE or OTHER.",
      select: DETAILS,
      resolve: (e) => str(e, "category"),
    }),
    categoryName: t.string({
      nullable: true,
      description: "警情类别 as the police system names it.",
      select: DETAILS,
      resolve: (e) => str(e, "categoryName"),
    }),
    reportMode: t.string({
      nullable: true,
      description: "报警方式: how it was reported (phone, in person, online …).",
      select: DETAILS,
      resolve: (e) => str(e, "reportMode"),
    }),
    outcome: t.string({
      nullable: true,
      description: "处警结果: what the police did, as recorded.",
      select: DETAILS,
      resolve: (e) => str(e, "outcome"),
    }),
  }),
});

builder.prismaNode("Event", {
  id: { field: "id" },
  interfaces: [EventRef],
  select: EVENT_BASE,
  authScopes: eventVisible,
  variant: "HotlineTicket",
  // a global ID names the kind: a PoliceIncident ID of a work order finds nothing
  findUnique: (id) => ({ id, kind: "HOTLINE_TICKET" }),
  description: "A 12345 hotline work order (工单): one caller's demand, dispatched to a unit, evaluated.",
  fields: (t) => ({
    category: t.string({
      nullable: true,
      description: "诉求类型: COMPLAINT, HELP, CONSULTATION, SUGGESTION or REPORT.",
      select: DETAILS,
      resolve: (e) => str(e, "category"),
    }),
    urgency: t.string({
      nullable: true,
      description: "紧急程度: NORMAL or URGENT.",
      select: DETAILS,
      resolve: (e) => str(e, "urgency"),
    }),
    satisfaction: t.string({
      nullable: true,
      description:
        "回访满意度 (feeds the 满意率 KPI): SATISFIED, FAIRLY_SATISFIED, DISSATISFIED or NOT_RATED.",
      select: DETAILS,
      resolve: (e) => str(e, "satisfaction"),
    }),
    channel: t.string({
      nullable: true,
      description: "How the demand came in (phone, app, web …).",
      select: DETAILS,
      resolve: (e) => str(e, "channel"),
    }),
    topic: t.string({
      nullable: true,
      description: "The ticket's topic.",
      select: DETAILS,
      resolve: (e) => str(e, "topic"),
    }),
    overdueInSource: t.boolean({
      nullable: true,
      description: "Whether the hotline system marks it 超期未办结 (overdue).",
      select: DETAILS,
      resolve: (e) => bool(e, "overdue"),
    }),
    closedAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When it was closed (办结).",
      select: DETAILS,
      resolve: (e) => instant(e, "closedAt"),
    }),
    transferredIncidentNo: t.string({
      nullable: true,
      description: "The 110 接警单编号 when the police transferred a non-police call to the hotline.",
      select: DETAILS,
      resolve: (e) => str(e, "sourceRef"),
    }),
  }),
});

builder.prismaNode("Event", {
  id: { field: "id" },
  interfaces: [EventRef],
  select: EVENT_BASE,
  authScopes: eventVisible,
  variant: "Petition",
  // a global ID names the kind: a PoliceIncident ID of a work order finds nothing
  findUnique: (id) => ({ id, kind: "PETITION" }),
  description:
    "A petition case (信访件): letters, visits and online petitions, with its petitioners. Petitioner status is sensitive personal information (PIPL art. 28).",
  fields: (t) => ({
    form: t.string({
      nullable: true,
      description: "信访形式: LETTER, VISIT, ONLINE, PHONE or FAX.",
      select: DETAILS,
      resolve: (e) => str(e, "form"),
    }),
    issueCategory: t.string({
      nullable: true,
      description: "问题类别, as the petition system names it.",
      select: DETAILS,
      resolve: (e) => str(e, "issueCategory"),
    }),
    locality: t.string({
      nullable: true,
      description: "问题属地, as written in the case.",
      select: DETAILS,
      resolve: (e) => str(e, "locality"),
    }),
    personCount: t.int({
      nullable: true,
      description: "How many people petitioned together.",
      select: DETAILS,
      resolve: (e) => int(e, "personCount"),
    }),
    collective: t.boolean({
      nullable: true,
      description: "Whether it is a collective petition (集体访, 5 or more people).",
      select: DETAILS,
      resolve: (e) => bool(e, "isCollective"),
    }),
    repeat: t.boolean({
      nullable: true,
      description: "Whether it repeats an earlier petition on the same matter (重复访).",
      select: DETAILS,
      resolve: (e) => bool(e, "isRepeat"),
    }),
    previousCaseNo: t.string({
      nullable: true,
      description: "The earlier case it repeats.",
      select: DETAILS,
      resolve: (e) => str(e, "previousCaseNo"),
    }),
    acceptedDate: t.string({
      nullable: true,
      description: "When it was accepted (YYYY-MM-DD).",
      select: DETAILS,
      resolve: (e) => str(e, "acceptedDate"),
    }),
    concludeBy: t.string({
      nullable: true,
      description: "Conclusion deadline, 60 days after acceptance (YYYY-MM-DD).",
      select: DETAILS,
      resolve: (e) => str(e, "deadline"),
    }),
    extendedConcludeBy: t.string({
      nullable: true,
      description: "Extended deadline (at most 30 more days, with approval) (YYYY-MM-DD).",
      select: DETAILS,
      resolve: (e) => str(e, "extendedDeadline"),
    }),
    reviewStage: t.string({
      nullable: true,
      description: "REVIEW (复查) or RE_REVIEW (复核) while under review; null otherwise.",
      select: DETAILS,
      resolve: (e) => str(e, "reviewStage"),
    }),
  }),
});

builder.prismaNode("Event", {
  id: { field: "id" },
  interfaces: [EventRef],
  select: EVENT_BASE,
  authScopes: eventVisible,
  variant: "Dispute",
  // a global ID names the kind: a PoliceIncident ID of a work order finds nothing
  findUnique: (id) => ({ id, kind: "DISPUTE" }),
  description: "A dispute (矛盾纠纷) registered by the grid, its mediation and its three-colour warning.",
  fields: (t) => ({
    disputeType: t.string({
      nullable: true,
      description:
        "纠纷类型: NEIGHBOURHOOD, MARRIAGE_FAMILY, LABOUR, PROPERTY_MANAGEMENT, LAND_CONTRACT, DAMAGES or HOUSING_HOMESTEAD.",
      select: DETAILS,
      resolve: (e) => str(e, "disputeType"),
    }),
    mediationOutcome: t.string({
      nullable: true,
      description: "调解: IN_PROGRESS, TRANSFERRED, AGREED or NOT_AGREED.",
      select: DETAILS,
      resolve: (e) => str(e, "mediationOutcome"),
    }),
    transferredIncidentNo: t.string({
      nullable: true,
      description: "The 110 接警单编号 when the police handed the dispute over (警调对接).",
      select: DETAILS,
      resolve: (e) => str(e, "sourceRef"),
    }),
  }),
});

builder.prismaNode("Event", {
  id: { field: "id" },
  interfaces: [EventRef],
  select: EVENT_BASE,
  authScopes: eventVisible,
  variant: "GridReport",
  // a global ID names the kind: a PoliceIncident ID of a work order finds nothing
  findUnique: (id) => ({ id, kind: "GRID_REPORT" }),
  description: "A grid worker's patrol report (网格巡查上报) or another grid registration.",
  fields: (t) => ({
    patrolType: t.string({
      nullable: true,
      description:
        "巡查类型: SAFETY_HAZARD, FIRE_HAZARD, SANITATION, STREET_OCCUPATION, DISPUTE_LEAD, SPECIAL_GROUP_VISIT or LONE_ELDERLY_VISIT.",
      select: DETAILS,
      resolve: (e) => str(e, "patrolType"),
    }),
    workerNo: t.string({
      nullable: true,
      description: "The reporting grid worker's number (网格员编号).",
      select: DETAILS,
      resolve: (e) => str(e, "workerNo"),
    }),
    handledAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When it was handled on the spot or by dispatch.",
      select: DETAILS,
      resolve: (e) => instant(e, "handledAt"),
    }),
  }),
});
