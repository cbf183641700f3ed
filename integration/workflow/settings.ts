// The closed loop's configuration: the working-day calendar and the petition rules' window and
// threshold. The composition root sets it from the hub's configuration (gateway/boot.ts); until
// then, and in tools, the built-in calendar and defaults apply. One per process: every hub of a
// process reads the same configuration.
import { type WorkCalendar, workCalendar } from "../../domain/workflow/calendar.js";

export interface WorkflowSettings {
  calendar: WorkCalendar;
  /** Petitions of one person on one matter within this many days are repeats (重复访). */
  repeatWindowDays: number;
  /** A petition of at least this many people is collective (集体访). */
  collectiveMinPeople: number;
}

export const DEFAULT_WORKFLOW_SETTINGS: WorkflowSettings = {
  calendar: workCalendar(),
  repeatWindowDays: 180,
  collectiveMinPeople: 5,
};

let current: WorkflowSettings = DEFAULT_WORKFLOW_SETTINGS;

export function configureWorkflow(settings: WorkflowSettings): void {
  current = settings;
}

export function workflowSettings(): WorkflowSettings {
  return current;
}
