// The closed loop in the API (闭环): report a matter, then one mutation per action of the
// transition table (domain/workflow/transitions.ts). Each is a thin adapter over one command
// (integration/workflow/commands.ts), which checks role and jurisdiction, writes the step and
// publishes the change in one transaction. Also the handling departments' assignments and the
// 12345 KPIs.
import { normaliseAreaCode } from "../../domain/area.js";
import { withinJurisdiction } from "../../domain/policies/area.js";
import type { WorkflowAction } from "../../domain/workflow/transitions.js";
import {
  type ActionInput,
  attachmentsSchema,
  departmentsSchema,
  noteSchema,
  reportEvent,
  SATISFACTIONS,
  takeAction,
  type WorkflowDeps,
} from "../../integration/workflow/commands.js";
import { hotlineKpis, type KpiRow } from "../../integration/workflow/kpis.js";
import { builder } from "../builder.js";
import { command } from "../command.js";
import type { Context } from "../context.js";
import { hubError, notFound } from "../errors.js";
import { EVENT_TYPE_NAMES, EventKindEnum, EventRef, EventStepRef } from "./event.js";

const AssignmentStatusEnum = builder.enumType("AssignmentStatus", {
  description: "Where a handling department's part in a dispatched event stands.",
  values: {
    ASSIGNED: { description: "已派遣: dispatched, not yet taken." },
    RESPONDED: { description: "已响应: the department reported for duty (报到)." },
    FED_BACK: { description: "已反馈: the department fed back its handling." },
    RETURNED: { description: "已退回: the department sent it back as not its business." },
    WITHDRAWN: { description: "Superseded by a reassignment (改派) or a failed verification." },
  },
});

const SatisfactionEnum = builder.enumType("Satisfaction", {
  description: "回访满意度: the caller's rating at the return visit (feeds the 满意率 KPI).",
  values: Object.fromEntries(
    SATISFACTIONS.map((s) => [s, { description: s.replaceAll("_", " ").toLowerCase() }]),
  ),
});

const UrgencyEnum = builder.enumType("Urgency", {
  description: "紧急程度 of a reported matter.",
  values: { NORMAL: { description: "Normal." }, URGENT: { description: "Urgent: the same day." } },
});

builder.prismaObject("EventAssignment", {
  description:
    "One handling department's part in a dispatched event (中心吹哨、部门报到): each responds and feeds back on its own.",
  fields: (t) => ({
    department: t.relation("department", { description: "The handling department (承办部门)." }),
    status: t.expose("status", { type: AssignmentStatusEnum, description: "Where its part stands." }),
    deadlineAt: t.expose("deadlineAt", { type: "DateTime", description: "Its time limit." }),
    assignedAt: t.expose("assignedAt", { type: "DateTime", description: "When it was dispatched." }),
    respondedAt: t.expose("respondedAt", {
      type: "DateTime",
      nullable: true,
      description: "When the department responded.",
    }),
    fedBackAt: t.expose("fedBackAt", { type: "DateTime", nullable: true, description: "When it fed back." }),
    feedback: t.exposeString("feedback", {
      nullable: true,
      description: "What the department reported doing (or why it sent the event back).",
    }),
  }),
});

builder.prismaInterfaceFields(EventRef, (t) => ({
  assignments: t.relation("assignments", {
    description: "The handling departments it was dispatched to, oldest first, superseded ones included.",
    query: () => ({ orderBy: [{ assignedAt: "asc" }, { id: "asc" }] }),
  }),
}));

builder.prismaObjectFields(EventStepRef, (t) => ({
  action: t.exposeString("action", {
    nullable: true,
    description:
      "The closed loop's action (report, accept, dispatch, respond, feedback, return, reassign, verify, evaluate, closeOnSpot, extend, escalate); null for a change its source system reported.",
  }),
  note: t.exposeString("note", { nullable: true, description: "The actor's note: reason, result." }),
  department: t.exposeString("department", { nullable: true, description: "The actor's department." }),
  attachments: t.exposeStringList("attachments", {
    description: "References to attached files (photos, documents), as given.",
  }),
}));

const ReportEventInput = builder.inputType("ReportEventInput", {
  description: "A matter found (发现上报): what, where, and what kind.",
  fields: (t) => ({
    areaCode: t.string({
      required: true,
      description: "Where: the grid, community or street, by division code.",
    }),
    kind: t.field({
      type: EventKindEnum,
      defaultValue: "GRID_REPORT",
      description: "What kind of matter (a grid worker's report by default).",
    }),
    title: t.string({ required: true, description: "Short title.", validate: noteSchema }),
    description: t.string({ description: "What was found." }),
    occurredAt: t.field({ type: "DateTime", description: "When it happened (default: now)." }),
    category: t.string({
      description:
        "诉求类型 of a 12345 ticket (COMPLAINT, HELP, CONSULTATION, SUGGESTION, REPORT) or a petition's issue category.",
    }),
    urgency: t.field({ type: UrgencyEnum, description: "紧急程度." }),
    note: t.string({ description: "A note on the report step.", validate: noteSchema }),
    attachments: t.stringList({
      description: "References to photos or documents.",
      validate: attachmentsSchema,
    }),
  }),
});

/** What a workflow command needs from this request: the read paths' jurisdiction rule. */
const workflowDeps = (ctx: Context): WorkflowDeps => ({
  db: ctx.db,
  principal: ctx.principal,
  clock: ctx.clock,
  eventVisible: async (id) => {
    const event = await ctx.db.event.findUnique({ where: { id }, select: { areaId: true } });
    const path = event ? await ctx.loaders.areaPathById.load(event.areaId) : null;
    return path !== null && withinJurisdiction(ctx.principal, path);
  },
});

const EVENT_TYPES = new Set(Object.values(EVENT_TYPE_NAMES));

/** The event's row id from its global ID (any kind's). */
function eventId(globalId: { typename: string; id: string }): string {
  if (!EVENT_TYPES.has(globalId.typename))
    throw hubError("BAD_USER_INPUT", `${globalId.typename} is not an event`, { field: "id" });
  return globalId.id;
}

type Extra = "note" | "departments" | "deadlineAt" | "satisfaction" | "days";

/** One mutation per action: its name, description and the inputs it takes (beside id and attachments). */
const MUTATIONS: Record<
  WorkflowAction,
  { name: string; description: string; takes: Partial<Record<Extra, boolean>> }
> = {
  accept: {
    name: "acceptEvent",
    description:
      "统一受理: accept a reported matter (command centres, in jurisdiction). A petition is checked for 复核 and flagged repeat or collective.",
    takes: { note: false },
  },
  reject: {
    name: "rejectEvent",
    description: "不予受理: decline a reported matter, with the reason (command centres).",
    takes: { note: true },
  },
  dispatch: {
    name: "dispatchEvent",
    description:
      "指挥派遣: dispatch to one or several handling departments with a time limit (command centres).",
    takes: { departments: true, deadlineAt: false, note: false },
  },
  respond: {
    name: "respondToEvent",
    description: "部门报到: an assigned department takes the order.",
    takes: { note: false },
  },
  feedback: {
    name: "feedBackEvent",
    description:
      "处置反馈: an assigned department reports its handling; the event is HANDLED once every assigned department has.",
    takes: { note: true },
  },
  return: {
    name: "returnEvent",
    description:
      "退回: an assigned department sends back what is not its business (to the centre), or the ground finds a handled matter not done (核实退回, back to the departments).",
    takes: { note: true },
  },
  reassign: {
    name: "reassignEvent",
    description: "改派: replace the open assignments with other departments (command centres).",
    takes: { departments: true, deadlineAt: false, note: true },
  },
  verify: {
    name: "verifyEvent",
    description: "任务核实: the ground confirms the handling (grid worker, community worker, street centre).",
    takes: { note: false },
  },
  evaluate: {
    name: "evaluateEvent",
    description:
      "评价归档: evaluate and archive (command centres); a 12345 ticket needs the caller's satisfaction (回访).",
    takes: { satisfaction: false, note: false },
  },
  closeOnSpot: {
    name: "closeEventOnSpot",
    description:
      "首问负责: the first receiver closes a simple matter on the spot, before dispatch, saying how.",
    takes: { note: true },
  },
  extend: {
    name: "extendEvent",
    description: "延期: extend a petition's conclusion period once, by at most 30 days (command centres).",
    takes: { days: true, note: true },
  },
};

builder.mutationFields((t) => {
  const fields = Object.fromEntries(
    (Object.entries(MUTATIONS) as [WorkflowAction, (typeof MUTATIONS)[WorkflowAction]][]).map(
      ([action, m]) => {
        const args = {
          id: t.arg.globalID({ required: true, description: "The event." }),
          attachments: t.arg.stringList({
            description: "References to photos or documents.",
            validate: attachmentsSchema,
          }),
          ...(m.takes.note !== undefined
            ? {
                // required by the transition table where it says so: the command refuses without it
                note: t.arg.string({
                  description: m.takes.note
                    ? "Note: reason or result (required)."
                    : "Note: reason or result.",
                  validate: noteSchema,
                }),
              }
            : {}),
          ...(m.takes.departments !== undefined
            ? {
                departments: t.arg.stringList({
                  required: true,
                  description: "Handling departments by code, e.g. civil_affairs.",
                  validate: departmentsSchema,
                }),
              }
            : {}),
          ...(m.takes.deadlineAt !== undefined
            ? {
                deadlineAt: t.arg({
                  type: "DateTime",
                  description: "Time limit (default: the event's, from its kind).",
                }),
              }
            : {}),
          ...(m.takes.satisfaction !== undefined
            ? {
                satisfaction: t.arg({
                  type: SatisfactionEnum,
                  description: "回访满意度 (required for a 12345 ticket).",
                }),
              }
            : {}),
          ...(m.takes.days !== undefined
            ? { days: t.arg.int({ required: true, description: "Days (1–30)." }) }
            : {}),
        };
        const field = t.prismaField({
          type: EventRef,
          authScopes: { authenticated: true },
          description: `${m.description} Records the step and publishes the change.`,
          args,
          resolve: async (query, _root, raw, ctx) => {
            const a = raw as Record<string, unknown> & { id: { typename: string; id: string } };
            const input: ActionInput = {
              eventId: eventId(a.id),
              note: a.note as string | null | undefined,
              attachments: a.attachments as string[] | null | undefined,
              departments: a.departments as string[] | null | undefined,
              deadlineAt: a.deadlineAt as Date | null | undefined,
              satisfaction: a.satisfaction as ActionInput["satisfaction"],
              days: a.days as number | null | undefined,
            };
            const { eventId: id } = await command(() => takeAction(action, input, workflowDeps(ctx)));
            return ctx.db.event.findUniqueOrThrow({ ...query, where: { id } });
          },
        });
        return [m.name, field];
      },
    ),
  );
  return {
    ...fields,
    reportEvent: t.prismaField({
      type: EventRef,
      authScopes: { authenticated: true },
      description:
        "发现上报: report a matter in an area of your jurisdiction (grid and community workers, centres, departments). It starts REPORTED, with its time limit to be accepted.",
      args: { input: t.arg({ type: ReportEventInput, required: true, description: "The matter." }) },
      resolve: async (query, _root, { input }, ctx) => {
        const { eventId: id } = await command(() =>
          reportEvent(
            {
              kind: input.kind ?? "GRID_REPORT",
              title: input.title.trim(),
              description: input.description,
              areaCode: normaliseAreaCode(input.areaCode),
              occurredAt: input.occurredAt,
              category: input.category,
              urgency: input.urgency,
              note: input.note,
              attachments: input.attachments,
            },
            { db: ctx.db, principal: ctx.principal, clock: ctx.clock },
          ),
        );
        return ctx.db.event.findUniqueOrThrow({ ...query, where: { id } });
      },
    }),
  };
});

const HotlineKpiRef = builder.objectRef<KpiRow>("HotlineKpi").implement({
  description: "12345 KPIs of one handling department (or the area's total) for a month.",
  fields: (t) => ({
    departmentCode: t.exposeString("departmentCode", {
      nullable: true,
      description: "The handling department; null on the area's total.",
    }),
    assigned: t.exposeInt("assigned", { description: "Work orders dispatched to it in the month." }),
    responded: t.exposeInt("responded", { description: "Of those, taken (responded or fed back)." }),
    resolved: t.exposeInt("resolved", { description: "Of those, fed back and verified." }),
    rated: t.exposeInt("rated", { description: "Archived work orders whose caller rated them." }),
    satisfied: t.exposeInt("satisfied", { description: "Of those, satisfied or fairly satisfied." }),
    responseRate: t.exposeFloat("responseRate", {
      nullable: true,
      description: "响应率: responded / assigned.",
    }),
    resolutionRate: t.exposeFloat("resolutionRate", {
      nullable: true,
      description: "解决率: resolved / assigned.",
    }),
    satisfactionRate: t.exposeFloat("satisfactionRate", {
      nullable: true,
      description: "满意率: satisfied / rated.",
    }),
  }),
});

builder.queryFields((t) => ({
  hotlineKpis: t.field({
    type: [HotlineKpiRef],
    authScopes: { authenticated: true },
    description:
      "12345 KPIs (响应率, 解决率, 满意率) per handling department for work orders in an area's subtree dispatched in a month (China time); the area's total comes last (departmentCode null). The area must lie in your jurisdiction.",
    args: {
      under: t.arg.string({ required: true, description: "The area, by division code." }),
      month: t.arg.string({ required: true, description: "The month, YYYY-MM." }),
    },
    resolve: async (_root, args, ctx) => {
      const area = await ctx.loaders.areaByCode.load(normaliseAreaCode(args.under));
      if (!area || !withinJurisdiction(ctx.principal, area.path)) throw notFound("area", args.under);
      return command(() => hotlineKpis(ctx.db, area.id, args.month));
    },
  }),
}));
