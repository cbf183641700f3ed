// The closed loop (闭环) as one table: every action an event can take, from which statuses, to
// which, who may take it (roles, and where: the event inside the actor's jurisdiction, or the actor's
// department among the event's open assignments), and what it needs. Commands
// (integration/workflow/commands.ts) read it; nothing else decides who moves an event. Pure.
//
// 发现上报 REPORTED → 统一受理 ACCEPTED → 指挥派遣 DISPATCHED → 处置反馈 HANDLED → 任务核实 VERIFIED
// → 评价归档 ARCHIVED; 不予受理 REJECTED; 首问负责 closes a simple matter on the spot.
import { withinJurisdiction } from "../policies/area.js";
import { hasRole, type Principal } from "../principal.js";
import type { Role } from "../roles.js";

/** The loop's statuses (prisma/schema.prisma EventStatus: the same names). */
export const EVENT_STATUSES = [
  "REPORTED",
  "ACCEPTED",
  "DISPATCHED",
  "HANDLED",
  "VERIFIED",
  "ARCHIVED",
  "REJECTED",
] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];
export type EventKind = "POLICE_INCIDENT" | "HOTLINE_TICKET" | "PETITION" | "DISPUTE" | "GRID_REPORT";

export const WORKFLOW_ACTIONS = [
  "accept",
  "reject",
  "dispatch",
  "respond",
  "feedback",
  "return",
  "reassign",
  "verify",
  "evaluate",
  "closeOnSpot",
  "extend",
] as const;
export type WorkflowAction = (typeof WORKFLOW_ACTIONS)[number];

/** The command centres (综治中心 / 指挥中心) at street, district and city level. */
export const CENTRE_ROLES: readonly Role[] = ["street_operator", "district_commander", "city_commander"];
/** Those who report a matter (发现上报): the ground, the centres, and departments' own staff. */
export const REPORT_ROLES: readonly Role[] = [
  "grid_worker",
  "community_worker",
  "street_operator",
  "district_commander",
  "city_commander",
  "department_officer",
];
/** Those who verify on the ground (任务核实) and close simple matters on the spot (首问负责). */
export const GROUND_ROLES: readonly Role[] = ["grid_worker", "community_worker", "street_operator"];

/**
 * Where the actor must stand: JURISDICTION — the event's area inside the actor's jurisdiction (a
 * street centre takes matters of its street and below, a district centre of its district: the
 * event's level or above); ASSIGNED — the actor's department holds an open assignment of the
 * event (and the event is in the actor's jurisdiction).
 */
export type ActorScope = "JURISDICTION" | "ASSIGNED";

/** What an action needs besides the actor. */
export interface Needs {
  /** A note (reason, result) of at least a few characters. */
  note?: boolean;
  /** One or more handling departments (dispatch, reassign). */
  departments?: boolean;
  /** The caller's satisfaction rating (回访), for events of these kinds (the 12345 满意率). */
  satisfaction?: readonly EventKind[];
  /** A number of days (petition extension, ≤ 30). */
  days?: boolean;
}

export interface Transition {
  action: WorkflowAction;
  /** 中文 name, shown in the timeline and the docs. */
  label: string;
  from: readonly EventStatus[];
  /**
   * The status after; `from` keeps the status (a department responds, a petition is extended, a
   * matter reassigned). feedback moves to HANDLED only when every assigned department has fed back.
   */
  to: EventStatus | "SAME";
  roles: readonly Role[];
  scope: ActorScope;
  needs: Needs;
  /** Only events of these kinds; all when absent. */
  kinds?: readonly EventKind[];
}

const OPEN_BEFORE_DISPATCH: readonly EventStatus[] = ["REPORTED", "ACCEPTED"];

/** The table. One row per (action, from) pair; a row may list several `from` statuses. */
export const TRANSITIONS: readonly Transition[] = [
  {
    action: "accept",
    label: "统一受理",
    from: ["REPORTED"],
    to: "ACCEPTED",
    roles: CENTRE_ROLES,
    scope: "JURISDICTION",
    needs: {},
  },
  {
    action: "reject",
    label: "不予受理",
    from: ["REPORTED"],
    to: "REJECTED",
    roles: CENTRE_ROLES,
    scope: "JURISDICTION",
    needs: { note: true },
  },
  {
    action: "dispatch",
    label: "指挥派遣",
    from: ["ACCEPTED"],
    to: "DISPATCHED",
    roles: CENTRE_ROLES,
    scope: "JURISDICTION",
    needs: { departments: true },
  },
  // 部门报到: an assigned department takes the order (counts toward the 响应率 KPI)
  {
    action: "respond",
    label: "部门响应",
    from: ["DISPATCHED"],
    to: "SAME",
    roles: ["department_officer"],
    scope: "ASSIGNED",
    needs: {},
  },
  {
    action: "feedback",
    label: "处置反馈",
    from: ["DISPATCHED"],
    to: "HANDLED",
    roles: ["department_officer"],
    scope: "ASSIGNED",
    needs: { note: true },
  },
  // 退回: a department sends back what is not its business; the centre dispatches again
  {
    action: "return",
    label: "退回",
    from: ["DISPATCHED"],
    to: "ACCEPTED",
    roles: ["department_officer"],
    scope: "ASSIGNED",
    needs: { note: true },
  },
  // 核实不通过: the ground finds it not done; back to the departments
  {
    action: "return",
    label: "核实退回",
    from: ["HANDLED"],
    to: "DISPATCHED",
    roles: GROUND_ROLES,
    scope: "JURISDICTION",
    needs: { note: true },
  },
  {
    action: "reassign",
    label: "改派",
    from: ["DISPATCHED"],
    to: "SAME",
    roles: CENTRE_ROLES,
    scope: "JURISDICTION",
    needs: { departments: true, note: true },
  },
  {
    action: "verify",
    label: "任务核实",
    from: ["HANDLED"],
    to: "VERIFIED",
    roles: GROUND_ROLES,
    scope: "JURISDICTION",
    needs: {},
  },
  {
    action: "evaluate",
    label: "评价归档",
    from: ["VERIFIED"],
    to: "ARCHIVED",
    roles: CENTRE_ROLES,
    scope: "JURISDICTION",
    needs: { satisfaction: ["HOTLINE_TICKET"] },
  },
  // 首问负责: the first receiver closes a simple matter on the spot
  {
    action: "closeOnSpot",
    label: "首问负责·当场办结",
    from: OPEN_BEFORE_DISPATCH,
    to: "ARCHIVED",
    roles: [...GROUND_ROLES, ...CENTRE_ROLES.filter((r) => r !== "street_operator")],
    scope: "JURISDICTION",
    needs: { note: true },
  },
  // 延期: a petition's conclusion period, once, by at most 30 days, with the centre's approval
  {
    action: "extend",
    label: "延期",
    from: ["ACCEPTED", "DISPATCHED", "HANDLED"],
    to: "SAME",
    roles: CENTRE_ROLES,
    scope: "JURISDICTION",
    needs: { note: true, days: true },
    kinds: ["PETITION"],
  },
];

/** The order of the loop: an event never moves back past a step taken in the hub (ingest's guard). */
export const STATUS_ORDER: Readonly<Record<EventStatus, number>> = {
  REPORTED: 0,
  ACCEPTED: 1,
  DISPATCHED: 2,
  HANDLED: 3,
  VERIFIED: 4,
  ARCHIVED: 5,
  REJECTED: 5,
};

/** Supervised (督办) when past their limit: awaiting acceptance, dispatch or handling. */
export const SUPERVISED_STATUSES: readonly EventStatus[] = ["REPORTED", "ACCEPTED", "DISPATCHED"];

/** The loop's closed statuses: nothing moves them any more. */
export const CLOSED_STATUSES: readonly EventStatus[] = ["ARCHIVED", "REJECTED"];

/**
 * The status a source's update may set on an event the hub already holds: the source's when it
 * is not behind the hub's, else the hub's (a later source update never undoes a hub step).
 */
export function statusAfterSourceUpdate(current: EventStatus, reported: EventStatus): EventStatus {
  if (CLOSED_STATUSES.includes(current)) return current;
  return STATUS_ORDER[reported] >= STATUS_ORDER[current] ? reported : current;
}

/**
 * The facts of the loop the hub writes into an event's details (accept, evaluate, close on the
 * spot, extend, repeat and collective detection): once present, a source update keeps them.
 */
export const HUB_DETAIL_KEYS = [
  "acceptedAt",
  "closedAt",
  "closedOnSpot",
  "extendedDeadline",
  "satisfaction",
  "returnVisitAt",
  "isRepeat",
  "repeatOf",
  "isCollective",
] as const;

/** An event's details as an object (a JSON column may hold anything). */
export const eventDetails = (details: unknown): Record<string, unknown> =>
  details && typeof details === "object" && !Array.isArray(details)
    ? { ...(details as Record<string, unknown>) }
    : {};

/** What a source update may change on an event the hub holds. */
export interface SourceUpdatable {
  status: EventStatus;
  deadlineAt: Date | null;
  details: Record<string, unknown>;
}

/**
 * An event after its source's update. While only its source has moved it, the source's word is
 * the event. Once the hub has taken a step (accepted, dispatched, extended …), the source never
 * moves it backwards: its status only forward, the hub's time limit stands unless the source moves
 * the event past the hub's status, and the hub's facts of the loop stay in its details.
 */
export function eventAfterSourceUpdate(
  current: SourceUpdatable,
  reported: SourceUpdatable,
  hubHasActed: boolean,
): SourceUpdatable {
  const status = statusAfterSourceUpdate(current.status, reported.status);
  if (!hubHasActed) return { status, deadlineAt: reported.deadlineAt, details: reported.details };
  const ahead = STATUS_ORDER[status] > STATUS_ORDER[current.status];
  const kept = Object.fromEntries(
    HUB_DETAIL_KEYS.filter((k) => k in current.details).map((k) => [k, current.details[k]]),
  );
  return {
    status,
    deadlineAt: ahead ? reported.deadlineAt : current.deadlineAt,
    details: { ...reported.details, ...kept },
  };
}

/** The row for an action from a status, if the table has one. */
export function transitionFor(action: WorkflowAction, from: EventStatus): Transition | undefined {
  return TRANSITIONS.find((t) => t.action === action && t.from.includes(from));
}

/** The actions the table allows from a status (whoever takes them). */
export function actionsFrom(from: EventStatus): WorkflowAction[] {
  return [...new Set(TRANSITIONS.filter((t) => t.from.includes(from)).map((t) => t.action))];
}

/** What a rule sees of the event and its assignments. */
export interface EventFacts {
  kind: EventKind;
  status: EventStatus;
  areaPath: string;
  /** Departments whose assignment is still open (not fed back, not returned). */
  openDepartments: readonly string[];
}

export type Refusal =
  | { code: "NOT_ALLOWED_FROM_STATUS"; message: string }
  | { code: "WRONG_KIND"; message: string }
  | { code: "ROLE"; message: string }
  | { code: "JURISDICTION"; message: string }
  | { code: "NOT_ASSIGNED"; message: string };

export type Decision = { ok: true; transition: Transition } | { ok: false; refusal: Refusal };

/** May this principal take this action on this event now? One rule; each check in turn. */
export function decide(principal: Principal, action: WorkflowAction, event: EventFacts): Decision {
  const t = transitionFor(action, event.status);
  if (!t) {
    const allowed = TRANSITIONS.filter((r) => r.action === action).flatMap((r) => r.from);
    return refuse(
      "NOT_ALLOWED_FROM_STATUS",
      `${action} is taken from ${[...new Set(allowed)].join(" or ")}, not from ${event.status}`,
    );
  }
  if (t.kinds && !t.kinds.includes(event.kind))
    return refuse("WRONG_KIND", `${action} applies to ${t.kinds.join(", ")} only`);
  if (!t.roles.some((r) => hasRole(principal, r)))
    return refuse("ROLE", `${action} (${t.label}) is taken by ${t.roles.join(", ")}`);
  if (!withinJurisdiction(principal, event.areaPath))
    return refuse("JURISDICTION", "the event is outside your jurisdiction");
  if (
    t.scope === "ASSIGNED" &&
    !(principal.department && event.openDepartments.includes(principal.department))
  )
    return refuse(
      "NOT_ASSIGNED",
      `${action} is taken by a department the event is assigned to (open: ${event.openDepartments.join(", ") || "none"})`,
    );
  return { ok: true, transition: t };
}

const refuse = (code: Refusal["code"], message: string): Decision => ({
  ok: false,
  refusal: { code, message },
});
