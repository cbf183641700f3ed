// Connectors (数据接入): the department systems feeding the graph, their health, and the records
// they could not deliver.
import type { ConnectorManifest } from "../../connectors/contract.js";
import {
  PREVIEW_MAX_RECORDS,
  type PreviewPlacement,
  previewDefinition,
  previewLimitSchema,
  registerConnector,
  replayConnector,
  retryQuarantined,
  setConnectorState,
  triggerSync,
} from "../../integration/commands/connectors.js";
import { builder } from "../builder.js";
import { command } from "../command.js";

const ConnectorHealthEnum = builder.enumType("ConnectorHealth", {
  description: "How a connector's source is doing.",
  values: {
    UNKNOWN: { description: "Never run." },
    HEALTHY: { description: "The last run succeeded." },
    DEGRADED: { description: "Runs are failing; retries continue." },
    DOWN: { description: "Circuit open: the source is left alone until a trial run." },
  },
});

const ConnectorStateEnum = builder.enumType("ConnectorState", {
  description: "Whether a connector runs.",
  values: {
    ACTIVE: { description: "Runs on its schedule." },
    PAUSED: { description: "Kept, not run." },
    REMOVED: { description: "Retired; its data stays." },
  },
});

const manifestOf = (c: { manifest: unknown }) => c.manifest as ConnectorManifest;

builder.prismaObject("Connector", {
  description: "A department system feeding the graph, and how its synchronisation is going.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "Connector id, e.g. public-security." }),
    department: t.exposeString("departmentCode", {
      description: "Code of the department that owns the source.",
    }),
    description: t.string({ description: "What the source is.", resolve: (c) => manifestOf(c).description }),
    kind: t.exposeString("kind", { description: "BUILTIN (code) or DECLARATIVE (registered at runtime)." }),
    produces: t.stringList({
      description: "Element kinds it produces.",
      resolve: (c) => manifestOf(c).produces,
    }),
    state: t.expose("state", { type: ConnectorStateEnum, description: "Whether it runs." }),
    health: t.expose("health", { type: ConnectorHealthEnum, description: "How its source is doing." }),
    intervalSeconds: t.int({
      description: "Scheduled sync interval.",
      resolve: (c) => manifestOf(c).schedule.intervalSeconds,
    }),
    lastRunAt: t.expose("lastRunAt", {
      type: "DateTime",
      nullable: true,
      description: "When a run last started.",
    }),
    lastSuccessAt: t.expose("lastSuccessAt", {
      type: "DateTime",
      nullable: true,
      description: "When a run last succeeded.",
    }),
    lagSeconds: t.int({
      nullable: true,
      description: "Seconds since the last successful run (null: never succeeded).",
      resolve: (c) => (c.lastSuccessAt ? Math.round((Date.now() - c.lastSuccessAt.getTime()) / 1000) : null),
    }),
    lastErrorAt: t.expose("lastErrorAt", {
      type: "DateTime",
      nullable: true,
      description: "When a run last failed.",
    }),
    lastError: t.exposeString("lastError", { nullable: true, description: "Why it last failed." }),
    circuitOpenUntil: t.expose("circuitOpenUntil", {
      type: "DateTime",
      nullable: true,
      description: "While DOWN: when the next trial run is allowed.",
    }),
    recordsIngested: t.exposeInt("recordsIngested", { description: "Record versions taken into the graph." }),
    recordsUnchanged: t.exposeInt("recordsUnchanged", {
      description: "Records fetched again unchanged (no-ops).",
    }),
    recordsQuarantined: t.exposeInt("recordsQuarantined", {
      description: "Records quarantined with a reason.",
    }),
    recordsServed: t.exposeInt("recordsServed", {
      description:
        "Records the source served, in every run: ingested + unchanged + quarantined + duplicates.",
    }),
    recordsDuplicates: t.exposeInt("recordsDuplicate", {
      description: "Records served again within one run (same key and content): counted, stored once.",
    }),
    nextRunAt: t.expose("nextRunAt", {
      type: "DateTime",
      nullable: true,
      description: "When the schedule runs it next (null: not scheduled: paused, retired, or no scheduler).",
    }),
    lastRun: t.prismaField({
      type: "SyncRun",
      nullable: true,
      description: "Its latest run (or replay), with where every served record went.",
      resolve: (query, c, _args, ctx) =>
        ctx.db.syncRun.findFirst({ ...query, where: { connectorId: c.id }, orderBy: { startedAt: "desc" } }),
    }),
  }),
});

builder.prismaObject("SyncRun", {
  description:
    "One sync run (or replay) of a connector: served = stored + unchanged + quarantined + duplicates.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "Run id." }),
    trigger: t.exposeString("trigger", {
      description: "SCHEDULE (the job queue), MANUAL (triggerSync) or REPLAY (a mapping changed).",
    }),
    outcome: t.exposeString("outcome", {
      description: "RUNNING, SUCCEEDED, PARTIAL (pages committed, then an error) or FAILED.",
    }),
    startedAt: t.expose("startedAt", { type: "DateTime", description: "When it started." }),
    finishedAt: t.expose("finishedAt", {
      type: "DateTime",
      nullable: true,
      description: "When it ended (null: still running, or its hub stopped mid-run).",
    }),
    pages: t.exposeInt("pages", { description: "Pages committed." }),
    served: t.exposeInt("served", { description: "Records the source served (a replay: records replayed)." }),
    stored: t.exposeInt("stored", { description: "Record versions stored: new, or a changed version." }),
    unchanged: t.exposeInt("unchanged", { description: "Records already held in this version." }),
    quarantined: t.exposeInt("quarantined", { description: "Records quarantined with their reasons." }),
    duplicates: t.exposeInt("duplicates", { description: "Records served again within the run." }),
    error: t.exposeString("error", { nullable: true, description: "Why it failed, naming the connector." }),
  }),
});

const MappingProblem = builder
  .objectRef<{ code: string; field: string; message: string }>("MappingProblem")
  .implement({
    description: "One reason a record could not be ingested.",
    fields: (t) => ({
      code: t.exposeString("code", {
        description: "MISSING_FIELD, INVALID_VALUE, UNKNOWN_AREA or MALFORMED_RECORD.",
      }),
      field: t.exposeString("field", { description: "The source field at fault." }),
      message: t.exposeString("message", { description: "What is wrong, naming the record." }),
    }),
  });

builder.prismaObject("QuarantinedRecord", {
  description: "A record that could not be ingested: kept whole with every reason, never dropped.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "Quarantine entry id." }),
    connectorId: t.exposeString("connectorId", { description: "The connector that fetched it." }),
    sourceKey: t.exposeString("sourceKey", { description: "The record's key in its source." }),
    reasonCode: t.exposeString("reasonCode", { description: "The first problem's code." }),
    field: t.exposeString("field", { nullable: true, description: "The first problem's source field." }),
    message: t.exposeString("message", { description: "The first problem, in words." }),
    problems: t.field({
      type: [MappingProblem],
      description: "Every problem found.",
      resolve: (q) => q.problems as { code: string; field: string; message: string }[],
    }),
    payload: t.string({
      description: "The record as the source sent it (JSON text).",
      resolve: (q) => JSON.stringify(q.payload),
    }),
    quarantinedAt: t.expose("quarantinedAt", { type: "DateTime", description: "When it was quarantined." }),
    resolvedAt: t.expose("resolvedAt", {
      type: "DateTime",
      nullable: true,
      description: "When a later, valid version of the record was ingested.",
    }),
  }),
});

const SyncRunReport = builder
  .objectRef<{
    connectorId: string;
    outcome: string;
    skipped?: string | undefined;
    pages: number;
    served: number;
    ingested: number;
    unchanged: number;
    quarantined: number;
    duplicates: number;
    error?: string | undefined;
  }>("SyncRunReport")
  .implement({
    description: "What one sync run did.",
    fields: (t) => ({
      connectorId: t.exposeString("connectorId", { description: "The connector run." }),
      outcome: t.exposeString("outcome", {
        description: "SUCCEEDED, PARTIAL (pages committed, then an error), FAILED or SKIPPED.",
      }),
      skipped: t.exposeString("skipped", {
        nullable: true,
        description: "Why skipped: RUNNING_ELSEWHERE, CIRCUIT_OPEN or NOT_ACTIVE.",
      }),
      pages: t.exposeInt("pages", { description: "Pages committed." }),
      ingested: t.exposeInt("ingested", { description: "Record versions ingested." }),
      unchanged: t.exposeInt("unchanged", { description: "Records unchanged since last time." }),
      quarantined: t.exposeInt("quarantined", { description: "Records quarantined." }),
      served: t.exposeInt("served", {
        description: "Records the source served: ingested + unchanged + quarantined + duplicates.",
      }),
      stored: t.int({
        description: "Record versions stored (the same as ingested).",
        resolve: (r) => r.ingested,
      }),
      duplicates: t.exposeInt("duplicates", { description: "Records served again within the run." }),
      error: t.exposeString("error", { nullable: true, description: "Why the run failed." }),
    }),
  });

const RetryReport = builder
  .objectRef<{ retried: number; ingested: number; stillQuarantined: number }>("QuarantineRetryReport")
  .implement({
    description: "What a retry of quarantined records did.",
    fields: (t) => ({
      retried: t.exposeInt("retried", { description: "Entries tried again." }),
      ingested: t.exposeInt("ingested", { description: "Entries that went in (now resolved)." }),
      stillQuarantined: t.exposeInt("stillQuarantined", { description: "Entries that still fail." }),
    }),
  });

const DefinitionError = builder.objectRef<{ path: string; message: string }>("DefinitionError").implement({
  description: "What is wrong with a connector definition, and where.",
  fields: (t) => ({
    path: t.exposeString("path", { description: "Where in the definition, e.g. source.paging.cursorParam." }),
    message: t.exposeString("message", { description: "What is wrong." }),
  }),
});

const AddressPlacement = builder.objectRef<PreviewPlacement>("AddressPlacement").implement({
  description:
    "An address text that came without a division code, as the hub's gazetteer places it (area names at every level, the standard-address registry).",
  fields: (t) => ({
    text: t.exposeString("text", { description: "The address as the record writes it." }),
    areaCode: t.exposeString("areaCode", {
      nullable: true,
      description: "The area it lands in; null: the city's 市外 (outside) or 区划不明 (unresolved).",
    }),
    level: t.exposeString("level", { nullable: true, description: "The level of that area." }),
    outside: t.exposeBoolean("outside", { description: "It lies outside the city (市外)." }),
    confidence: t.exposeFloat("confidence", {
      nullable: true,
      description: "How sure the gazetteer is, 0–1; null when unresolved.",
    }),
    standardAddress: t.exposeString("standardAddress", {
      nullable: true,
      description: "The standard address (标准地址) it was matched to.",
    }),
    doubt: t.exposeString("doubt", {
      nullable: true,
      description: "Why a standard address alike was not taken (another area, several alike, too unsure).",
    }),
  }),
});

const PreviewRecord = builder
  .objectRef<{
    sourceKey: string | null;
    payload: unknown;
    drafts: unknown;
    problems: { code: string; field: string; message: string }[];
    placements: PreviewPlacement[];
  }>("PreviewRecord")
  .implement({
    description: "One source record as a connector definition would map it.",
    fields: (t) => ({
      sourceKey: t.exposeString("sourceKey", {
        nullable: true,
        description: "The record's key (null when missing).",
      }),
      payload: t.field({
        type: "JSON",
        description: "The record as the source sent it.",
        resolve: (r) => r.payload,
      }),
      drafts: t.field({
        type: "JSON",
        nullable: true,
        description: "The element drafts it maps to.",
        resolve: (r) => r.drafts,
      }),
      problems: t.field({
        type: [MappingProblem],
        description: "Every mapping problem.",
        resolve: (r) => r.problems,
      }),
      placements: t.field({
        type: [AddressPlacement],
        description:
          "Where the hub's gazetteer would place each address text that has no division code, with its confidence.",
        resolve: (r) => r.placements,
      }),
    }),
  });

const ConnectorPreview = builder
  .objectRef<{
    records: (typeof PreviewRecord)["$inferType"][];
    errors: { path: string; message: string }[];
  }>("ConnectorPreview")
  .implement({
    description: "What a connector definition would do, before it is registered.",
    fields: (t) => ({
      records: t.field({
        type: [PreviewRecord],
        description: "The first records, mapped.",
        resolve: (p) => p.records,
      }),
      errors: t.field({
        type: [DefinitionError],
        description: "Problems of the definition itself.",
        resolve: (p) => p.errors,
      }),
    }),
  });

builder.queryFields((t) => ({
  previewConnector: t.field({
    type: ConnectorPreview,
    authScopes: { role: "connector_admin" },
    description:
      "Fetch and map the first records of a declarative connector definition without registering it.",
    args: {
      definition: t.arg({
        type: "JSON",
        required: true,
        description: "The connector definition (manifest, source, mapping).",
      }),
      limit: t.arg.int({
        defaultValue: 10,
        description: `How many records (1–${PREVIEW_MAX_RECORDS}).`,
        validate: previewLimitSchema,
      }),
    },
    resolve: (_root, { definition, limit }, ctx) =>
      command(() => previewDefinition({ definition, limit: limit ?? 10 }, { db: ctx.db })),
  }),
  connectors: t.prismaField({
    type: ["Connector"],
    authScopes: { authenticated: true },
    description: "Every connector with its health, lag and counts.",
    resolve: (query, _root, _args, ctx) =>
      ctx.db.connector.findMany({ ...query, where: { state: { not: "REMOVED" } }, orderBy: { id: "asc" } }),
  }),
  quarantinedRecords: t.prismaConnection({
    type: "QuarantinedRecord",
    cursor: "id",
    authScopes: { role: "connector_admin" },
    description: "Records that could not be ingested, newest first.",
    args: {
      connectorId: t.arg.string({ description: "Only this connector's." }),
      unresolvedOnly: t.arg.boolean({
        defaultValue: true,
        description: "Hide entries a later version resolved.",
      }),
    },
    totalCount: (_parent, args, ctx) => ctx.db.quarantinedRecord.count({ where: quarantineWhere(args) }),
    resolve: (query, _root, args, ctx) =>
      ctx.db.quarantinedRecord.findMany({
        ...query,
        where: quarantineWhere(args),
        orderBy: { quarantinedAt: "desc" },
      }),
  }),
}));

function quarantineWhere(args: { connectorId?: string | null; unresolvedOnly?: boolean | null }) {
  return {
    ...(args.connectorId ? { connectorId: args.connectorId } : {}),
    ...(args.unresolvedOnly !== false ? { resolvedAt: null } : {}),
  };
}

builder.mutationFields((t) => ({
  triggerSync: t.field({
    type: SyncRunReport,
    authScopes: { role: "connector_admin" },
    description:
      "Run a connector's sync now, in this request, and report what it did (SKIPPED RUNNING_ELSEWHERE while a run of it is in progress on any hub instance).",
    args: { connectorId: t.arg.string({ required: true, description: "The connector to run." }) },
    resolve: (_root, { connectorId }, ctx) => command(() => triggerSync({ connectorId }, ctx)),
  }),
  retryQuarantined: t.field({
    type: RetryReport,
    authScopes: { role: "connector_admin" },
    description:
      "Try a connector's unresolved quarantined records again (e.g. after the area registry learnt the areas they name).",
    args: { connectorId: t.arg.string({ required: true, description: "The connector." }) },
    resolve: (_root, { connectorId }, ctx) => command(() => retryQuarantined({ connectorId }, ctx)),
  }),
  registerConnector: t.prismaField({
    type: "Connector",
    authScopes: { role: "connector_admin" },
    description:
      "Register (or replace) a declarative HTTP connector: endpoint, paging, format and a JSONata mapping, no code. It is checked as previewConnector checks it (the same errors refuse it), runs at once and then on its schedule, and is kept across restarts. Replacing a definition maps the records already read again and resets the circuit and last error.",
    args: {
      definition: t.arg({
        type: "JSON",
        required: true,
        description: "The connector definition (manifest, source, mapping).",
      }),
    },
    resolve: async (query, _root, { definition }, ctx) => {
      const { id } = await command(() => registerConnector({ definition }, ctx));
      return ctx.db.connector.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  setConnectorState: t.prismaField({
    type: "Connector",
    authScopes: { role: "connector_admin" },
    description: "Pause or resume a connector (REMOVED retires it; its data stays).",
    args: {
      connectorId: t.arg.string({ required: true, description: "The connector." }),
      state: t.arg({ type: ConnectorStateEnum, required: true, description: "The new state." }),
    },
    resolve: async (query, _root, { connectorId, state }, ctx) => {
      const { id } = await command(() => setConnectorState({ connectorId, state }, ctx));
      return ctx.db.connector.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  replayConnector: t.field({
    type: SyncRunReport,
    authScopes: { role: "connector_admin" },
    description:
      "Map the records a connector already read again with its current mapping (stored records and unresolved quarantined ones), and reset its circuit and last error.",
    args: { connectorId: t.arg.string({ required: true, description: "The connector." }) },
    resolve: (_root, { connectorId }, ctx) => command(() => replayConnector({ connectorId }, ctx)),
  }),
}));
