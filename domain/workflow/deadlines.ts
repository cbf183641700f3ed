// Time limits (时限) of the closed loop, declared as data: which limit applies to an event at
// which step, by kind and category. Local SLAs differ; change them here. Periods start the next
// day (信访工作条例: 期间自次日起算); working days follow the calendar (./calendar.ts). Pure.
import type { WorkCalendar } from "./calendar.js";
import type { EventKind } from "./transitions.js";

export type Limit = { unit: "SAME_DAY" } | { unit: "DAYS"; n: number } | { unit: "WORKING_DAYS"; n: number };

/** 12345 hotline (local SLA): by 诉求类型, urgent tickets the same day whatever their type. */
export const HOTLINE_LIMITS = {
  URGENT: { unit: "SAME_DAY" },
  CONSULTATION: { unit: "WORKING_DAYS", n: 3 },
  HELP: { unit: "WORKING_DAYS", n: 3 },
  COMPLAINT: { unit: "WORKING_DAYS", n: 13 },
  SUGGESTION: { unit: "WORKING_DAYS", n: 13 },
  REPORT: { unit: "WORKING_DAYS", n: 13 },
  /** 回访: the day after closure. */
  RETURN_VISIT: { unit: "DAYS", n: 1 },
} as const satisfies Record<string, Limit>;

/** 信访工作条例 (2022). */
export const PETITION_LIMITS = {
  /** Decide in writing whether to accept: 15 days from receipt. */
  ACCEPT: { unit: "DAYS", n: 15 },
  /** Conclude: 60 days from acceptance. */
  CONCLUDE: { unit: "DAYS", n: 60 },
  /** Answer a review (复查) or re-review (复核) request: 30 days. */
  REVIEW: { unit: "DAYS", n: 30 },
} as const satisfies Record<string, Limit>;

/** One extension of the conclusion period, with approval, of at most this many days. */
export const PETITION_MAX_EXTENSION_DAYS = 30;
/** After 复核 the same matter is not accepted again. */
export const PETITION_FINAL_STAGE = "RE_REVIEW";

/** Disputes (矛盾纠纷) by their warning level: the more serious, the shorter (local policy). */
export const DISPUTE_LIMITS = {
  RED: { unit: "DAYS", n: 3 },
  YELLOW: { unit: "DAYS", n: 7 },
  BLUE: { unit: "DAYS", n: 15 },
  NONE: { unit: "DAYS", n: 30 },
} as const satisfies Record<string, Limit>;

/** Other kinds: accept the same day, handle in 3 working days. */
export const DEFAULT_HANDLE_LIMIT: Limit = { unit: "WORKING_DAYS", n: 3 };
export const DEFAULT_ACCEPT_LIMIT: Limit = { unit: "SAME_DAY" };
/** Every kind: verify on the ground (任务核实) within 2 working days of the last feedback. */
export const VERIFY_LIMIT: Limit = { unit: "WORKING_DAYS", n: 2 };
/** Evaluate and archive within 3 working days of verification (the hotline: its return visit). */
export const DEFAULT_EVALUATE_LIMIT: Limit = { unit: "WORKING_DAYS", n: 3 };

/**
 * The step whose limit is asked for: ACCEPT (from report), HANDLE (from acceptance or dispatch),
 * VERIFY (from the last feedback), EVALUATE (from verification).
 */
export type DeadlineStep = "ACCEPT" | "HANDLE" | "VERIFY" | "EVALUATE";

export interface DeadlineFacts {
  kind: EventKind;
  /** Event.details: category, urgency (hotline), reviewStage (petition). */
  details: Readonly<Record<string, unknown>>;
  warningLevel: string;
}

/** The limit of a step for an event (data above, chosen by kind and category). */
export function limitFor(step: DeadlineStep, e: DeadlineFacts): Limit {
  if (step === "VERIFY") return VERIFY_LIMIT;
  if (step === "EVALUATE")
    return e.kind === "HOTLINE_TICKET" ? HOTLINE_LIMITS.RETURN_VISIT : DEFAULT_EVALUATE_LIMIT;
  switch (e.kind) {
    case "HOTLINE_TICKET": {
      if (step === "ACCEPT") return DEFAULT_ACCEPT_LIMIT;
      if (e.details.urgency === "URGENT") return HOTLINE_LIMITS.URGENT;
      const category = String(e.details.category ?? "");
      return category in HOTLINE_LIMITS && category !== "RETURN_VISIT"
        ? HOTLINE_LIMITS[category as keyof typeof HOTLINE_LIMITS]
        : HOTLINE_LIMITS.COMPLAINT;
    }
    case "PETITION":
      if (step === "ACCEPT") return PETITION_LIMITS.ACCEPT;
      return e.details.reviewStage ? PETITION_LIMITS.REVIEW : PETITION_LIMITS.CONCLUDE;
    case "DISPUTE":
      if (step === "ACCEPT") return DEFAULT_ACCEPT_LIMIT;
      return DISPUTE_LIMITS[e.warningLevel as keyof typeof DISPUTE_LIMITS] ?? DISPUTE_LIMITS.NONE;
    default:
      return step === "ACCEPT" ? DEFAULT_ACCEPT_LIMIT : DEFAULT_HANDLE_LIMIT;
  }
}

/** When a limit that starts at `from` ends (the last millisecond of its last day, China time). */
export function deadlineAt(limit: Limit, from: Date, calendar: WorkCalendar): Date {
  switch (limit.unit) {
    case "SAME_DAY":
      return calendar.addDays(from, 0);
    case "DAYS":
      return calendar.addDays(from, limit.n);
    case "WORKING_DAYS":
      return calendar.addWorkingDays(from, limit.n);
  }
}

/**
 * A petition may be accepted unless its matter already went through 复核: a new petition (no review
 * stage of its own) repeating a matter an earlier petition took to 复核 is not accepted again.
 */
export function petitionAcceptable(
  details: Readonly<Record<string, unknown>>,
  repeated: readonly Readonly<Record<string, unknown>>[],
): boolean {
  if (details.reviewStage) return true;
  return !repeated.some((d) => d.reviewStage === PETITION_FINAL_STAGE);
}

/** A petition extension: once, by 1 to 30 days. */
export function extensionProblem(days: number, alreadyExtended: boolean): string | null {
  if (alreadyExtended) return "a petition's conclusion period is extended once only";
  if (!Number.isInteger(days) || days < 1 || days > PETITION_MAX_EXTENSION_DAYS)
    return `an extension is 1 to ${PETITION_MAX_EXTENSION_DAYS} days`;
  return null;
}
