// Alerts (预警, 督办) raised to an area's centre, and the owners' two steps: acknowledge, close.
// The mutations are thin adapters over integration/warnings/commands.ts.

import { encodeGlobalID } from "@pothos/plugin-relay";
import type { EventKind } from "../../generated/prisma/client.js";
import { type AlertRow, alertsVisible } from "../../integration/warnings/alerts.js";
import { acknowledgeAlert, closeAlert } from "../../integration/warnings/commands.js";
import { builder } from "../builder.js";
import { command } from "../command.js";
import { EVENT_TYPE_NAMES, WarningLevelEnum } from "./event.js";

/** An alert as the API shows it (from a row, or from an outbox payload). */
export interface AlertView {
  id: string;
  kind: string;
  rule: string | null;
  level: string;
  status: string;
  areaCode: string;
  areaName: string;
  reasons: string[];
  eventIds: string[];
  raisedAt: Date;
  acknowledgedBy: string | null;
  acknowledgedAt: Date | null;
  closedBy: string | null;
  closedAt: Date | null;
}

const reasonText = (r: unknown) => (typeof r === "string" ? r : JSON.stringify(r));

/** An event's API id (its kind's global ID, as `Event.id` gives it). */
export const eventGlobalId = (id: string, kind: string) =>
  encodeGlobalID(EVENT_TYPE_NAMES[kind as EventKind] ?? "Event", id);
const eventIdsOf = (events: unknown): string[] =>
  Array.isArray(events)
    ? events.map((e) =>
        eventGlobalId(String((e as { id: unknown }).id), String((e as { kind: unknown }).kind)),
      )
    : [];

/** From the outbox payload (integration/outbox.ts revives its dates). */
export function alertFromPayload(p: Readonly<Record<string, unknown>>): AlertView {
  return {
    id: String(p.id),
    kind: String(p.kind),
    rule: (p.rule as string | null) ?? null,
    level: String(p.level),
    status: String(p.status),
    areaCode: String(p.areaCode),
    areaName: String(p.areaName),
    reasons: Array.isArray(p.reasons) ? p.reasons.map(reasonText) : [],
    eventIds: eventIdsOf(p.events),
    raisedAt: p.raisedAt as Date,
    acknowledgedBy: (p.acknowledgedBy as string | null) ?? null,
    acknowledgedAt: (p.acknowledgedAt as Date | null) ?? null,
    closedBy: (p.closedBy as string | null) ?? null,
    closedAt: (p.closedAt as Date | null) ?? null,
  };
}

export function alertFromRow(row: AlertRow): AlertView {
  return {
    ...row,
    reasons: Array.isArray(row.reasons) ? row.reasons.map(reasonText) : [],
    eventIds: eventIdsOf(row.events),
  };
}

const AlertStatusEnum = builder.enumType("AlertStatus", {
  description: "Where an alert stands with the centre that owns it.",
  values: {
    OPEN: { description: "Raised, nobody has taken it up yet." },
    ACKNOWLEDGED: { description: "An owner has taken it up." },
    CLOSED: { description: "Dealt with." },
  },
});

export const AlertRef = builder.objectRef<AlertView>("Alert").implement({
  description:
    "An alert raised to an area's centre: a three-colour warning (三色预警) or an escalation (督办).",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The alert's id." }),
    kind: t.exposeString("kind", { description: "WARNING (a rule matched), OVERDUE (督办) or INDEX_DROP." }),
    rule: t.exposeString("rule", { nullable: true, description: "The warning rule that matched, if any." }),
    level: t.field({
      type: WarningLevelEnum,
      resolve: (a) => a.level as never,
      description: "BLUE, YELLOW or RED.",
    }),
    status: t.field({
      type: AlertStatusEnum,
      resolve: (a) => a.status as never,
      description: "Open, acknowledged, closed.",
    }),
    areaCode: t.exposeString("areaCode", { description: "The area whose centre must act." }),
    areaName: t.exposeString("areaName", { description: "Its name." }),
    reasons: t.exposeStringList("reasons", { description: "Why it was raised, one sentence each." }),
    eventIds: t.exposeIDList("eventIds", { description: "The events the reasons speak of (as `Event.id`)." }),
    raisedAt: t.expose("raisedAt", { type: "DateTime", description: "When it was raised." }),
    acknowledgedBy: t.exposeString("acknowledgedBy", { nullable: true, description: "Who acknowledged it." }),
    acknowledgedAt: t.expose("acknowledgedAt", { type: "DateTime", nullable: true, description: "When." }),
    closedBy: t.exposeString("closedBy", { nullable: true, description: "Who closed it." }),
    closedAt: t.expose("closedAt", { type: "DateTime", nullable: true, description: "When." }),
  }),
});

builder.queryFields((t) => ({
  alerts: t.field({
    type: [AlertRef],
    authScopes: { authenticated: true },
    description: "Alerts to centres inside the caller's jurisdiction, newest first (at most 200).",
    args: {
      status: t.arg({ type: AlertStatusEnum, description: "Only alerts in this status." }),
      under: t.arg.string({ description: "Only alerts to this area's subtree (an area code)." }),
    },
    resolve: async (_root, args, ctx) =>
      (
        await alertsVisible(ctx.db, ctx.principal, { status: args.status ?? null, under: args.under ?? null })
      ).map(alertFromRow),
  }),
}));

builder.mutationFields((t) => ({
  acknowledgeAlert: t.field({
    type: AlertRef,
    authScopes: { authenticated: true },
    description: "Take up an open alert: by a role that owns its level, inside the alert's area.",
    args: { id: t.arg.id({ required: true, description: "The alert." }) },
    resolve: async (_root, args, ctx) =>
      alertFromRow(
        await command(() =>
          acknowledgeAlert(
            { id: String(args.id) },
            { db: ctx.db, principal: ctx.principal, clock: ctx.clock },
          ),
        ),
      ),
  }),
  closeAlert: t.field({
    type: AlertRef,
    authScopes: { authenticated: true },
    description:
      "Close an open or acknowledged alert: by a role that owns its level, inside the alert's area.",
    args: { id: t.arg.id({ required: true, description: "The alert." }) },
    resolve: async (_root, args, ctx) =>
      alertFromRow(
        await command(() =>
          closeAlert({ id: String(args.id) }, { db: ctx.db, principal: ctx.principal, clock: ctx.clock }),
        ),
      ),
  }),
}));
