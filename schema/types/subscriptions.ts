// Live changes from the outbox (integration/outbox.ts): each payload is the state the change
// produced, built once per change and shared by every subscriber; no payload reads the database.
// Jurisdiction is checked per change on the change's area path; the access plugin checks each
// payload field. Every payload carries its cursor: subscribe again with `after` to catch up.
import { isInSubtree, normaliseAreaCode } from "../../domain/area.js";
import { withinJurisdiction } from "../../domain/policies/area.js";
import {
  CursorError,
  isTooSlow,
  type OutboxEntry,
  type OutboxItem,
  parseCursor,
} from "../../integration/outbox.js";
import { ownAreaVisible } from "../../resolvers/jurisdiction.js";
import { builder } from "../builder.js";
import type { Context } from "../context.js";
import { badInput, hubError, notFound } from "../errors.js";
import { AlertRef, type AlertView, alertFromPayload, eventGlobalId } from "./alerts.js";
import { EVENT_TYPE_NAMES, EventKindEnum, EventStatusEnum, WarningLevelEnum } from "./event.js";

/** An event's state as one change left it (the outbox payload). */
interface EventState {
  id: string;
  kind: string;
  title: string;
  status: string;
  warningLevel: string;
  areaCode: string;
  areaName: string;
  occurredAt: Date;
  reportedAt: Date;
  deadlineAt: Date | null;
  overdueAt: Date | null;
  handlingDepartmentCode: string | null;
  updatedAt: Date;
}

interface Change<T> {
  cursor: string;
  change: string;
  state: T;
}

const EventChangeKindEnum = builder.enumType("EventChangeKind", {
  description: "What happened to the event.",
  values: {
    CREATED: { description: "Reported (发现上报), by a connector or over the API." },
    UPDATED: { description: "Its status, warning level, time limit, area or handling unit changed." },
  },
});

const AlertChangeKindEnum = builder.enumType("AlertChangeKind", {
  description: "What happened to the alert.",
  values: {
    RAISED: { description: "Raised." },
    UPDATED: { description: "Acknowledged, closed or given more reasons." },
  },
});

const EventStateRef = builder.objectRef<EventState>("EventState").implement({
  description: "An event as one change left it: the values at that moment, not as they are now.",
  fields: (t) => ({
    id: t.id({ resolve: (e) => eventGlobalId(e.id, e.kind), description: "The event's id (as `Event.id`)." }),
    kind: t.field({ type: EventKindEnum, resolve: (e) => e.kind as never, description: "Kind of matter." }),
    title: t.exposeString("title", { description: "Short title." }),
    status: t.field({
      type: EventStatusEnum,
      resolve: (e) => e.status as never,
      description: "Loop status.",
    }),
    warningLevel: t.field({
      type: WarningLevelEnum,
      resolve: (e) => e.warningLevel as never,
      description: "Three-colour warning level.",
    }),
    areaCode: t.exposeString("areaCode", { description: "Code of the area it happened in." }),
    areaName: t.exposeString("areaName", { description: "Name of that area." }),
    occurredAt: t.expose("occurredAt", { type: "DateTime", description: "When it happened." }),
    reportedAt: t.expose("reportedAt", { type: "DateTime", description: "When it was reported." }),
    deadlineAt: t.expose("deadlineAt", {
      type: "DateTime",
      nullable: true,
      description: "The current step's time limit.",
    }),
    overdue: t.boolean({
      description: "Found past its time limit and escalated (督办).",
      resolve: (e) => e.overdueAt !== null,
    }),
    handlingDepartmentCode: t.exposeString("handlingDepartmentCode", {
      nullable: true,
      description: "Code of the handling department, once dispatched.",
    }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When the change was made." }),
  }),
});

const EventChangeRef = builder.objectRef<Change<EventState>>("EventChange").implement({
  description: "A committed change of an event.",
  fields: (t) => ({
    cursor: t.exposeString("cursor", { description: "Resume after this change with `after`." }),
    change: t.field({
      type: EventChangeKindEnum,
      resolve: (c) => c.change as never,
      description: "What happened.",
    }),
    event: t.field({
      type: EventStateRef,
      resolve: (c) => c.state,
      description: "The event as the change left it.",
    }),
  }),
});

const AlertChangeRef = builder.objectRef<Change<AlertView>>("AlertChange").implement({
  description: "A committed change of an alert.",
  fields: (t) => ({
    cursor: t.exposeString("cursor", { description: "Resume after this change with `after`." }),
    change: t.field({
      type: AlertChangeKindEnum,
      resolve: (c) => c.change as never,
      description: "What happened.",
    }),
    alert: t.field({
      type: AlertRef,
      resolve: (c) => c.state,
      description: "The alert as the change left it.",
    }),
  }),
});

interface ConnectorState {
  id: string;
  departmentCode: string;
  state: string;
  health: string;
  lastRunAt: Date | null;
  lastSuccessAt: Date | null;
  lastErrorAt: Date | null;
  lastError: string | null;
  circuitOpenUntil: Date | null;
}

const ConnectorStatusChangeRef = builder
  .objectRef<Change<ConnectorState>>("ConnectorStatusChange")
  .implement({
    description: "A connector's run state or health as one change left it.",
    fields: (t) => ({
      cursor: t.exposeString("cursor", { description: "Resume after this change with `after`." }),
      connectorId: t.string({ resolve: (c) => c.state.id, description: "The connector." }),
      department: t.string({ resolve: (c) => c.state.departmentCode, description: "Its department's code." }),
      state: t.string({ resolve: (c) => c.state.state, description: "ACTIVE, PAUSED or REMOVED." }),
      health: t.string({
        resolve: (c) => c.state.health,
        description: "UNKNOWN, HEALTHY, DEGRADED or DOWN.",
      }),
      lastRunAt: t.field({
        type: "DateTime",
        nullable: true,
        resolve: (c) => c.state.lastRunAt,
        description: "Last run.",
      }),
      lastSuccessAt: t.field({
        type: "DateTime",
        nullable: true,
        resolve: (c) => c.state.lastSuccessAt,
        description: "Last successful run.",
      }),
      lastErrorAt: t.field({
        type: "DateTime",
        nullable: true,
        resolve: (c) => c.state.lastErrorAt,
        description: "Last failed run.",
      }),
      lastError: t.string({ nullable: true, resolve: (c) => c.state.lastError, description: "Its error." }),
      circuitOpenUntil: t.field({
        type: "DateTime",
        nullable: true,
        resolve: (c) => c.state.circuitOpenUntil,
        description: "Runs are skipped until then (circuit open).",
      }),
    }),
  });

const EventFeedFilter = builder.inputType("EventFeedFilter", {
  description: "Which events' changes to receive.",
  fields: (t) => ({
    kinds: t.field({ type: [EventKindEnum], description: "Only these kinds." }),
    warningLevels: t.field({ type: [WarningLevelEnum], description: "Only at these warning levels." }),
    under: t.string({ description: "Only in this area's subtree (an area code)." }),
  }),
});

const AlertFeedFilter = builder.inputType("AlertFeedFilter", {
  description: "Which alerts to receive.",
  fields: (t) => ({
    levels: t.field({ type: [WarningLevelEnum], description: "Only these levels." }),
    under: t.string({ description: "Only alerts to this area's subtree (an area code)." }),
  }),
});

const AFTER = "The last cursor received: changes after it are replayed first, in order, then live ones.";

function checkedAfter(after: string | null | undefined): string | null {
  if (!after) return null;
  try {
    parseCursor(after);
    return after;
  } catch (e) {
    if (e instanceof CursorError) throw badInput("after", e.message);
    throw e;
  }
}

async function subtreePath(
  ctx: Context,
  code: string | null | undefined,
  field: string,
): Promise<string | null> {
  if (!code) return null;
  const area = await ctx.loaders.areaByCode.load(normaliseAreaCode(code));
  if (!area) throw notFound("area", code);
  void field;
  return area.path;
}

/** What makes an entry visible: an event by the one element rule (resolvers/jurisdiction.ts), an alert by its centre's area. */
const VISIBLE = {
  EVENT: (ctx: Context, entry: OutboxEntry) => ownAreaVisible(ctx.principal, "Event", entry.areaPath),
  ALERT: (ctx: Context, entry: OutboxEntry) =>
    entry.areaPath !== null && withinJurisdiction(ctx.principal, entry.areaPath),
} as const;

/** Entries the caller may receive: visible to it (VISIBLE[topic]) and inside the filter. */
function feed(
  ctx: Context,
  topic: keyof typeof VISIBLE,
  after: string | null,
  filter: (entry: OutboxEntry) => boolean,
): AsyncIterableIterator<OutboxItem> {
  const visible = VISIBLE[topic];
  return ctx.outbox.subscribe({
    after,
    filter: (entry) => entry.topic === topic && visible(ctx, entry) && filter(entry),
  });
}

function unwrap(item: OutboxItem): OutboxEntry {
  if (isTooSlow(item))
    throw hubError(
      "SUBSCRIBER_TOO_SLOW",
      "this subscription fell too far behind and was ended; subscribe again with `after`",
      { after: item.after },
    );
  return item;
}

// One payload object per outbox entry (the entry is shared by every subscriber of this process).
const eventChanges = new WeakMap<OutboxEntry, Change<EventState>>();
const alertChanges = new WeakMap<OutboxEntry, Change<AlertView>>();
const connectorChanges = new WeakMap<OutboxEntry, Change<ConnectorState>>();
function shared<T>(cache: WeakMap<OutboxEntry, Change<T>>, entry: OutboxEntry, build: () => T): Change<T> {
  let change = cache.get(entry);
  if (!change) {
    change = Object.freeze({ cursor: entry.cursor, change: entry.kind, state: build() });
    cache.set(entry, change);
  }
  return change;
}
const eventChange = (item: OutboxItem) => {
  const entry = unwrap(item);
  return shared(eventChanges, entry, () => entry.payload as unknown as EventState);
};

const EVENT_KINDS = new Set(Object.values(EVENT_TYPE_NAMES));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

builder.subscriptionFields((t) => ({
  eventReported: t.field({
    type: EventChangeRef,
    authScopes: { authenticated: true },
    description: "Events reported inside the caller's jurisdiction (and the filter), as reported.",
    args: {
      filter: t.arg({ type: EventFeedFilter, description: "Which events." }),
      after: t.arg.string({ description: AFTER }),
    },
    subscribe: async (_root, args, ctx) => {
      const after = checkedAfter(args.after);
      const root = await subtreePath(ctx, args.filter?.under, "filter.under");
      const kinds = args.filter?.kinds ? new Set<string>(args.filter.kinds) : null;
      const levels = args.filter?.warningLevels ? new Set<string>(args.filter.warningLevels) : null;
      return feed(
        ctx,
        "EVENT",
        after,
        (e) =>
          e.topic === "EVENT" &&
          e.kind === "CREATED" &&
          (root === null || isInSubtree(e.areaPath ?? "", root)) &&
          (kinds === null || kinds.has(String(e.payload.kind))) &&
          (levels === null || levels.has(String(e.payload.warningLevel))),
      );
    },
    resolve: (item) => eventChange(item),
  }),
  eventChanged: t.field({
    type: EventChangeRef,
    authScopes: { authenticated: true },
    description: "Every committed change of one event, with the state each change left it in.",
    args: {
      id: t.arg.globalID({ required: true, description: "The event's id (as `Event.id`)." }),
      after: t.arg.string({ description: AFTER }),
    },
    subscribe: async (_root, args, ctx) => {
      const after = checkedAfter(args.after);
      const { typename, id } = args.id;
      if (!UUID.test(id) || !(typename === "Event" || EVENT_KINDS.has(typename)))
        throw badInput("id", "not an event id this hub gives out");
      return feed(ctx, "EVENT", after, (e) => e.entityId === id);
    },
    resolve: (item) => eventChange(item),
  }),
  alertRaised: t.field({
    type: AlertChangeRef,
    authScopes: { authenticated: true },
    description: "Alerts raised to centres inside the caller's jurisdiction (and the filter).",
    args: {
      filter: t.arg({ type: AlertFeedFilter, description: "Which alerts." }),
      after: t.arg.string({ description: AFTER }),
    },
    subscribe: async (_root, args, ctx) => {
      const after = checkedAfter(args.after);
      const root = await subtreePath(ctx, args.filter?.under, "filter.under");
      const levels = args.filter?.levels ? new Set<string>(args.filter.levels) : null;
      return feed(
        ctx,
        "ALERT",
        after,
        (e) =>
          e.topic === "ALERT" &&
          e.kind === "RAISED" &&
          (root === null || isInSubtree(e.areaPath ?? "", root)) &&
          (levels === null || levels.has(String(e.payload.level))),
      );
    },
    resolve: (item) => {
      const entry = unwrap(item);
      return shared(alertChanges, entry, () => alertFromPayload(entry.payload));
    },
  }),
  connectorStatusChanged: t.field({
    type: ConnectorStatusChangeRef,
    authScopes: { authenticated: true },
    description: "Connectors' run state and health as each run or operator leaves them.",
    args: { after: t.arg.string({ description: AFTER }) },
    subscribe: async (_root, args, ctx) =>
      ctx.outbox.subscribe({
        after: checkedAfter(args.after),
        filter: (e) => e.topic === "CONNECTOR",
      }),
    resolve: (item) => {
      const entry = unwrap(item);
      return shared(connectorChanges, entry, () => entry.payload as unknown as ConnectorState);
    },
  }),
}));
