// The closed loop's commands: report a matter, and take each action of the transition table
// (domain/workflow/transitions.ts) on it. Each command checks the actor's role and jurisdiction
// (the table's rule, plus the read paths' visibility passed in by the API), then in one
// transaction writes the step (actor, the hub's time, note, attachment references), updates
// status, time limit and assignments, and publishes the change.
import { z } from "zod";
import type { Clock } from "../../domain/clock.js";
import { withinJurisdiction } from "../../domain/policies/area.js";
import { hasRole, type Principal } from "../../domain/principal.js";
import {
  deadlineAt,
  extensionProblem,
  limitFor,
  petitionAcceptable,
} from "../../domain/workflow/deadlines.js";
import { isCollective, repeatsOf } from "../../domain/workflow/petitions.js";
import {
  decide,
  type EventKind,
  type EventStatus,
  eventDetails,
  REPORT_ROLES,
  type Transition,
  type WorkflowAction,
} from "../../domain/workflow/transitions.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { Db, Tx } from "../../prisma/db.js";
import { CommandError } from "../commands/errors.js";
import { publishEventChange } from "./publish.js";
import { type WorkflowSettings, workflowSettings } from "./settings.js";

/** 回访满意度, as the hotline records it (feeds the 满意率 KPI). */
export const SATISFACTIONS = ["SATISFIED", "FAIRLY_SATISFIED", "DISSATISFIED", "NOT_RATED"] as const;
export type Satisfaction = (typeof SATISFACTIONS)[number];

/** A note: a reason, a result. Declared on the API's `note`. */
export const noteSchema = z.string().trim().min(2, "write a note of at least 2 characters").max(2000);
/** Attachments are references (file ids, URLs) kept as given. */
export const attachmentsSchema = z.array(z.string().trim().min(1).max(500)).max(20);
/** Handling departments, by code: one or several, each once. */
export const departmentsSchema = z
  .array(
    z
      .string()
      .trim()
      .regex(/^[a-z][a-z0-9_]{1,62}$/, "a department code, e.g. civil_affairs"),
  )
  .min(1, "dispatch to at least one department")
  .max(10)
  .refine((codes) => new Set(codes).size === codes.length, "name each department once");

export interface WorkflowDeps {
  db: Db;
  principal: Principal;
  clock: Clock;
  /** Is the event (by id) visible to the principal? The read paths' rule. */
  eventVisible(eventId: string): Promise<boolean>;
  settings?: WorkflowSettings;
}

export interface ActionInput {
  eventId: string;
  note?: string | null | undefined;
  attachments?: readonly string[] | null | undefined;
  departments?: readonly string[] | null | undefined;
  /** A dispatch's or reassignment's time limit; default: the event's own (from its kind). */
  deadlineAt?: Date | null | undefined;
  satisfaction?: Satisfaction | null | undefined;
  /** A petition extension's days (≤ 30). */
  days?: number | null | undefined;
}

const OPEN_ASSIGNMENT = new Set(["ASSIGNED", "RESPONDED"]);

const EVENT_FOR_ACTION = {
  id: true,
  kind: true,
  status: true,
  details: true,
  warningLevel: true,
  deadlineAt: true,
  reportedAt: true,
  title: true,
  area: { select: { path: true } },
  assignments: {
    select: { id: true, departmentCode: true, status: true, deadlineAt: true },
    orderBy: { assignedAt: "asc" },
  },
  persons: { select: { personId: true, role: true } },
} as const satisfies Prisma.EventSelect;
type LoadedEvent = Prisma.EventGetPayload<{ select: typeof EVENT_FOR_ACTION }>;

/** What an action's effect sees. */
interface Step {
  tx: Tx;
  event: LoadedEvent;
  transition: Transition;
  input: ActionInput;
  deps: WorkflowDeps;
  settings: WorkflowSettings;
  now: Date;
  details: Record<string, unknown>;
}

/** What an action changes on the event besides its step. */
interface Effect {
  status?: EventStatus;
  deadlineAt?: Date | null;
  handlingDeptCode?: string | null;
  details?: Record<string, unknown>;
}

const detailsOf = (e: { details: unknown }): Record<string, unknown> => eventDetails(e.details);

const facts = (e: LoadedEvent) => ({
  kind: e.kind as EventKind,
  details: detailsOf(e),
  warningLevel: e.warningLevel,
});

/** The limit of a step of this event, from `from`. */
const limit = (s: Step, step: Parameters<typeof limitFor>[0], from = s.now) =>
  deadlineAt(limitFor(step, facts(s.event)), from, s.settings.calendar);

const openAssignments = (e: LoadedEvent) => e.assignments.filter((a) => OPEN_ASSIGNMENT.has(a.status));

/** The principal's own open assignment (the table's ASSIGNED scope guarantees one). */
function ownAssignment(s: Step) {
  const own = openAssignments(s.event).find((a) => a.departmentCode === s.deps.principal.department);
  if (!own) throw new CommandError("FORBIDDEN", "your department holds no open assignment of this event");
  return own;
}

async function assign(s: Step, departments: readonly string[], deadline: Date): Promise<void> {
  const known = await s.tx.department.findMany({
    where: { code: { in: [...departments] } },
    select: { code: true },
  });
  const missing = departments.filter((d) => !known.some((k) => k.code === d));
  if (missing.length > 0)
    throw new CommandError("BAD_USER_INPUT", `unknown department: ${missing.join(", ")}`, {
      field: "departments",
      reason: "UNKNOWN_DEPARTMENT",
    });
  await s.tx.eventAssignment.createMany({
    data: departments.map((departmentCode) => ({
      eventId: s.event.id,
      departmentCode,
      deadlineAt: deadline,
      assignedAt: s.now,
    })),
  });
}

/** A dispatch's time limit: as given (not in the past), else the event's own, else its kind's. */
function dispatchDeadline(s: Step): Date {
  const given = s.input.deadlineAt;
  if (given) {
    if (given.getTime() <= s.now.getTime())
      throw new CommandError("BAD_USER_INPUT", "the time limit must lie in the future", {
        field: "deadlineAt",
      });
    return given;
  }
  return s.event.deadlineAt && s.event.deadlineAt > s.now ? s.event.deadlineAt : limit(s, "HANDLE");
}

/** Petitions at acceptance: refused after 复核; flagged repeat (same person and matter) or collective. */
async function petitionFlags(s: Step): Promise<Record<string, unknown>> {
  const petitioners = s.event.persons
    .filter((p) => p.role === "PETITIONER" || p.role === "REPORTER")
    .map((p) => p.personId);
  const since = new Date(s.event.reportedAt.getTime() - s.settings.repeatWindowDays * 86_400_000);
  // across forms and silos: any event of the same persons (a petition, a 12345 complaint …)
  const earlier = petitioners.length
    ? await s.tx.event.findMany({
        where: {
          id: { not: s.event.id },
          reportedAt: { gte: since, lte: s.event.reportedAt },
          persons: { some: { personId: { in: petitioners } } },
        },
        select: {
          id: true,
          title: true,
          details: true,
          reportedAt: true,
          persons: { select: { personId: true } },
        },
      })
    : [];
  const matter = (e: { title: string; details: unknown }) => {
    const d = detailsOf(e);
    return String(d.issueCategory ?? d.topic ?? e.title);
  };
  const repeats = repeatsOf(
    { id: s.event.id, personIds: petitioners, matter: matter(s.event), at: s.event.reportedAt },
    earlier.map((e) => ({
      id: e.id,
      personIds: e.persons.map((p) => p.personId),
      matter: matter(e),
      at: e.reportedAt,
    })),
    s.settings.repeatWindowDays,
  );
  const repeated = earlier.filter((e) => repeats.includes(e.id)).map((e) => detailsOf(e));
  if (!petitionAcceptable(s.details, repeated))
    throw new CommandError("BAD_USER_INPUT", "after 复核 the same matter is not accepted again", {
      reason: "PETITION_FINAL",
    });
  const count = typeof s.details.personCount === "number" ? s.details.personCount : null;
  return {
    ...(repeats.length > 0 ? { isRepeat: true, repeatOf: repeats } : {}),
    ...(isCollective(count, petitioners.length, s.settings.collectiveMinPeople)
      ? { isCollective: true }
      : {}),
  };
}

/** What each action does besides the step, one entry per action. */
const EFFECTS: Record<WorkflowAction, (s: Step) => Promise<Effect>> = {
  async accept(s) {
    const flags = s.event.kind === "PETITION" ? await petitionFlags(s) : {};
    return {
      deadlineAt: limit(s, "HANDLE"),
      details: { ...s.details, ...flags, acceptedAt: s.now.toISOString() },
    };
  },
  reject: async () => ({ deadlineAt: null }),
  async dispatch(s) {
    const departments = s.input.departments!;
    const deadline = dispatchDeadline(s);
    await assign(s, departments, deadline);
    return { deadlineAt: deadline, handlingDeptCode: departments[0]! };
  },
  async respond(s) {
    const own = ownAssignment(s);
    if (own.status === "RESPONDED")
      throw new CommandError("BAD_USER_INPUT", "your department has already responded", {
        reason: "ALREADY_RESPONDED",
      });
    await s.tx.eventAssignment.update({
      where: { id: own.id },
      data: { status: "RESPONDED", respondedAt: s.now },
    });
    return {};
  },
  async feedback(s) {
    const own = ownAssignment(s);
    await s.tx.eventAssignment.update({
      where: { id: own.id },
      data: { status: "FED_BACK", fedBackAt: s.now, feedback: s.input.note ?? null },
    });
    // the event moves on when every assigned department has fed back
    const stillOpen = openAssignments(s.event).filter((a) => a.id !== own.id);
    return stillOpen.length > 0 ? { status: s.event.status } : { deadlineAt: limit(s, "VERIFY") };
  },
  async return(s) {
    if (s.event.status === "HANDLED") {
      // 核实退回: every department that fed back works on it again, under the handling limit
      const fedBack = s.event.assignments.filter((a) => a.status === "FED_BACK");
      const deadline = dispatchDeadlineAfterReturn(s, fedBack);
      await s.tx.eventAssignment.updateMany({
        where: { id: { in: fedBack.map((a) => a.id) } },
        data: { status: "WITHDRAWN" },
      });
      await assign(s, [...new Set(fedBack.map((a) => a.departmentCode))], deadline);
      return { deadlineAt: deadline };
    }
    // a department sends back what is not its business; the centre dispatches again once none holds it
    const own = ownAssignment(s);
    await s.tx.eventAssignment.update({
      where: { id: own.id },
      data: { status: "RETURNED", feedback: s.input.note ?? null },
    });
    const stillOpen = openAssignments(s.event).filter((a) => a.id !== own.id);
    if (stillOpen.length > 0) return { status: s.event.status };
    return { handlingDeptCode: null };
  },
  async reassign(s) {
    const open = openAssignments(s.event);
    await s.tx.eventAssignment.updateMany({
      where: { id: { in: open.map((a) => a.id) } },
      data: { status: "WITHDRAWN" },
    });
    const deadline = dispatchDeadline(s);
    await assign(s, s.input.departments!, deadline);
    return { deadlineAt: deadline, handlingDeptCode: s.input.departments![0]! };
  },
  verify: async (s) => ({ deadlineAt: limit(s, "EVALUATE") }),
  async evaluate(s) {
    const satisfaction = s.input.satisfaction;
    return {
      deadlineAt: null,
      details: {
        ...s.details,
        closedAt: s.now.toISOString(),
        ...(satisfaction ? { satisfaction, returnVisitAt: s.now.toISOString() } : {}),
      },
    };
  },
  closeOnSpot: async (s) => ({
    deadlineAt: null,
    details: { ...s.details, closedAt: s.now.toISOString(), closedOnSpot: true },
  }),
  async extend(s) {
    const problem = extensionProblem(s.input.days ?? 0, s.details.extendedDeadline !== undefined);
    if (problem) throw new CommandError("BAD_USER_INPUT", problem, { field: "days" });
    const base = s.event.deadlineAt ?? limit(s, "HANDLE");
    const extended = new Date(base.getTime() + s.input.days! * 86_400_000);
    return { deadlineAt: extended, details: { ...s.details, extendedDeadline: extended.toISOString() } };
  },
};

function dispatchDeadlineAfterReturn(s: Step, fedBack: { deadlineAt: Date }[]): Date {
  const latest = Math.max(...fedBack.map((a) => a.deadlineAt.getTime()));
  return latest > s.now.getTime() ? new Date(latest) : limit(s, "HANDLE");
}

/** The table's needs, checked against the input before anything changes. */
function checkNeeds(t: Transition, kind: EventKind, input: ActionInput): void {
  if (t.needs.note && !input.note?.trim())
    throw new CommandError("BAD_USER_INPUT", `${t.action} (${t.label}) needs a note`, { field: "note" });
  if (t.needs.departments && !input.departments?.length)
    throw new CommandError("BAD_USER_INPUT", `${t.action} needs one or more departments`, {
      field: "departments",
    });
  if (t.needs.satisfaction?.includes(kind) && !input.satisfaction)
    throw new CommandError(
      "BAD_USER_INPUT",
      `${t.action} of a ${kind} needs the caller's satisfaction (回访)`,
      {
        field: "satisfaction",
      },
    );
  if (t.needs.days && !input.days)
    throw new CommandError("BAD_USER_INPUT", `${t.action} needs a number of days`, { field: "days" });
}

const REFUSAL_CODES = {
  NOT_ALLOWED_FROM_STATUS: "BAD_USER_INPUT",
  WRONG_KIND: "BAD_USER_INPUT",
  ROLE: "FORBIDDEN",
  JURISDICTION: "FORBIDDEN",
  NOT_ASSIGNED: "FORBIDDEN",
} as const;

const outsideJurisdiction = () =>
  new CommandError("FORBIDDEN", "the event is outside your jurisdiction (or does not exist)", {
    reason: "JURISDICTION",
  });

/** Take one action of the closed loop on an event. */
export async function takeAction(
  action: WorkflowAction,
  input: ActionInput,
  deps: WorkflowDeps,
): Promise<{ eventId: string; status: EventStatus }> {
  if (!(await deps.eventVisible(input.eventId))) throw outsideJurisdiction();
  const settings = deps.settings ?? workflowSettings();
  const now = deps.clock.now();
  return deps.db.$transaction(async (tx) => {
    // one action at a time per event: two departments feeding back at once see each other
    await tx.$queryRaw`SELECT 1 FROM "Event" WHERE id = ${input.eventId}::uuid FOR UPDATE`;
    const event = await tx.event.findUnique({ where: { id: input.eventId }, select: EVENT_FOR_ACTION });
    if (!event) throw outsideJurisdiction();
    const decision = decide(deps.principal, action, {
      kind: event.kind as EventKind,
      status: event.status,
      areaPath: event.area.path,
      openDepartments: openAssignments(event).map((a) => a.departmentCode),
    });
    if (!decision.ok) {
      const { code, message } = decision.refusal;
      throw new CommandError(REFUSAL_CODES[code], message, { reason: code, action });
    }
    const transition = decision.transition;
    checkNeeds(transition, event.kind as EventKind, input);
    const step: Step = { tx, event, transition, input, deps, settings, now, details: detailsOf(event) };
    const effect = await EFFECTS[action](step);
    const to = effect.status ?? (transition.to === "SAME" ? event.status : transition.to);
    await tx.event.update({
      where: { id: event.id },
      data: {
        status: to,
        ...(effect.deadlineAt !== undefined ? { deadlineAt: effect.deadlineAt, overdueAt: null } : {}),
        ...(effect.handlingDeptCode !== undefined ? { handlingDeptCode: effect.handlingDeptCode } : {}),
        ...(effect.details ? { details: effect.details as Prisma.InputJsonValue } : {}),
      },
    });
    await tx.eventStep.create({
      data: {
        eventId: event.id,
        fromStatus: event.status,
        toStatus: to,
        action,
        actor: deps.principal.subject,
        department: deps.principal.department,
        note: input.note?.trim() || null,
        attachments: [...(input.attachments ?? [])],
        at: now,
      },
    });
    await publishEventChange(tx, { id: event.id, areaPath: event.area.path, kind: "UPDATED", at: now });
    return { eventId: event.id, status: to };
  });
}

export interface ReportInput {
  kind: EventKind;
  title: string;
  description?: string | null | undefined;
  /** The area it happened in, by division code (a grid for a grid worker). */
  areaCode: string;
  occurredAt?: Date | null | undefined;
  /** Kind-specific facts: a ticket's category and urgency, a petition's issue category. */
  category?: string | null | undefined;
  urgency?: "NORMAL" | "URGENT" | null | undefined;
  note?: string | null | undefined;
  attachments?: readonly string[] | null | undefined;
}

/** 发现上报: a matter enters the loop, REPORTED, with its time limit to be accepted. */
export async function reportEvent(
  input: ReportInput,
  deps: Omit<WorkflowDeps, "eventVisible">,
): Promise<{ eventId: string }> {
  const { principal } = deps;
  if (!REPORT_ROLES.some((r) => hasRole(principal, r)))
    throw new CommandError("FORBIDDEN", `a matter is reported by ${REPORT_ROLES.join(", ")}`, {
      reason: "ROLE",
    });
  const area = await deps.db.area.findUnique({
    where: { code: input.areaCode },
    select: { id: true, path: true },
  });
  if (!area || !withinJurisdiction(principal, area.path))
    throw new CommandError(
      "FORBIDDEN",
      `area ${input.areaCode} is outside your jurisdiction (or does not exist)`,
      {
        field: "areaCode",
        reason: "JURISDICTION",
      },
    );
  const settings = deps.settings ?? workflowSettings();
  const now = deps.clock.now();
  // the reporting department, when it is one the hub knows
  const department = principal.department
    ? await deps.db.department.findUnique({ where: { code: principal.department }, select: { code: true } })
    : null;
  const details: Record<string, unknown> = {
    ...(input.category ? { category: input.category, issueCategory: input.category } : {}),
    ...(input.urgency ? { urgency: input.urgency } : {}),
  };
  const deadline = deadlineAt(
    limitFor("ACCEPT", { kind: input.kind, details, warningLevel: "NONE" }),
    now,
    settings.calendar,
  );
  return deps.db.$transaction(async (tx) => {
    const event = await tx.event.create({
      data: {
        kind: input.kind,
        title: input.title,
        description: input.description ?? null,
        occurredAt: input.occurredAt ?? now,
        reportedAt: now,
        deadlineAt: deadline,
        areaId: area.id,
        status: "REPORTED",
        sourceDepartmentCode: department?.code ?? null,
        details: details as Prisma.InputJsonValue,
      },
      select: { id: true },
    });
    await tx.eventStep.create({
      data: {
        eventId: event.id,
        fromStatus: null,
        toStatus: "REPORTED",
        action: "report",
        actor: principal.subject,
        department: principal.department,
        note: input.note?.trim() || null,
        attachments: [...(input.attachments ?? [])],
        at: now,
      },
    });
    await publishEventChange(tx, { id: event.id, areaPath: area.path, kind: "CREATED", at: now });
    return { eventId: event.id };
  });
}
