// The owners' steps on an alert: acknowledge (OPEN → ACKNOWLEDGED) and close (→ CLOSED), each by a
// role that owns the alert's level, inside the jurisdiction covering its area (domain/warnings/
// owners.ts). The step is a conditional update, so two owners at once cannot both take it; the
// outbox trigger publishes the change in the same transaction.
import type { Clock } from "../../domain/clock.js";
import type { Principal } from "../../domain/principal.js";
import { ALERT_STEPS, type AlertStep, alertStepRefusal } from "../../domain/warnings/owners.js";
import type { WarningLevel } from "../../domain/warnings/rules.js";
import type { Db } from "../../prisma/db.js";
import { CommandError } from "../commands/errors.js";
import { type AlertRow, alertById } from "./alerts.js";

export interface AlertCommandDeps {
  db: Db;
  principal: Principal;
  clock: Clock;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function step(step: AlertStep, id: string, deps: AlertCommandDeps): Promise<AlertRow> {
  if (!UUID.test(id))
    throw new CommandError("BAD_USER_INPUT", `"${id.slice(0, 40)}" is not an alert id`, { field: "id" });
  return deps.db.$transaction(async (tx) => {
    const alert = await alertById(tx, id);
    if (!alert) throw new CommandError("NOT_FOUND", `alert "${id}" was not found`, { key: id });
    const refusal = alertStepRefusal(deps.principal, alert.level as WarningLevel, alert.areaPath);
    if (refusal)
      throw new CommandError("FORBIDDEN", `you may not ${step} this alert: ${refusal}`, { field: "id" });
    const { from, to } = ALERT_STEPS[step];
    const now = deps.clock.now();
    const who = deps.principal.subject;
    const changed =
      step === "acknowledge"
        ? await tx.$executeRaw`UPDATE "Alert" SET status = 'ACKNOWLEDGED', "acknowledgedBy" = ${who}, "acknowledgedAt" = ${now}
            WHERE id = ${id}::uuid AND status::text = ANY(${[...from]}::text[])`
        : // a closed alert frees its rule and scope: a later match raises a new one
          await tx.$executeRaw`UPDATE "Alert" SET status = 'CLOSED', "closedBy" = ${who}, "closedAt" = ${now}, "dedupeKey" = NULL
            WHERE id = ${id}::uuid AND status::text = ANY(${[...from]}::text[])`;
    if (changed === 0)
      throw new CommandError(
        "BAD_USER_INPUT",
        `the alert is ${alert.status}; ${step} needs ${from.join(" or ")} (→ ${to})`,
        {
          field: "id",
          status: alert.status,
        },
      );
    return (await alertById(tx, id)) as AlertRow;
  });
}

export const acknowledgeAlert = (input: { id: string }, deps: AlertCommandDeps) =>
  step("acknowledge", input.id, deps);
export const closeAlert = (input: { id: string }, deps: AlertCommandDeps) => step("close", input.id, deps);
