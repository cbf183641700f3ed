// The composition root: the one function that wires a hub, for `npm start` (gateway/main.ts) and
// for the tests (tests/support/hub.ts) alike. Tests change only what `BootOverrides` offers (and
// the configuration: ports, database URL, switches); everything else runs as in production.
//
// With no DATABASE_URL it starts the embedded PostgreSQL (data under DATA_DIR, kept across
// restarts), applies pending migrations, loads reference data (and the demo city), starts the
// change bus, the sandbox when configured, the sync engine and its schedule, the stored
// declarative connectors, the resolution scheduler, and serves. shutdown() stops it all in
// reverse order.
import path from "node:path";
import type { Plugin } from "@envelop/core";
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { Connector } from "../connectors/contract.js";
import { allowSourceHosts } from "../connectors/declarative/hosts.js";
import { hotlineManifest } from "../connectors/departments/hotline/manifest.js";
import { builtinConnectors } from "../connectors/departments/index.js";
import { type Clock, systemClock } from "../domain/clock.js";
import { workCalendar } from "../domain/workflow/calendar.js";
import { ChangeBus } from "../integration/change-bus.js";
import { restoreDeclarative } from "../integration/declarative-registry.js";
import { demoAreaTree } from "../integration/demo-areas.js";
import { rekeyStandardAddresses } from "../integration/gazetteer.js";
import { OutboxFeed, outboxRetentionTask } from "../integration/outbox.js";
import { reachSweepTask } from "../integration/reach.js";
import { ResolutionScheduler } from "../integration/resolution/scheduler.js";
import { seedReferenceData } from "../integration/seed.js";
import { SyncEngine, type SyncObserver } from "../integration/sync/engine.js";
import { reconcileTransactionIds } from "../integration/transaction-ids.js";
import { WarningsConsumer } from "../integration/warnings/consumer.js";
import { stabilityIndexTask } from "../integration/warnings/stability.js";
import { overdueTask } from "../integration/workflow/overdue.js";
import { configureWorkflow } from "../integration/workflow/settings.js";
import { createDb, type Db, migrate } from "../prisma/db.js";
import { type EmbeddedDatabase, startEmbeddedPostgres } from "../prisma/embedded-postgres.js";
import { areaTreeChanged } from "../resolvers/jurisdiction.js";
import type { HubConfig } from "./config.js";
import { createLogger, type Logger } from "./logger.js";
import { createMetrics, type HubMetrics } from "./metrics.js";
import { useMetrics } from "./plugins/metrics.js";
import { useTracing } from "./plugins/tracing.js";
import { type RunningHub, startHub } from "./server.js";
import { createTracing, type HubTracing, querySpan, tracingSyncObserver } from "./tracing.js";

/**
 * PostgreSQL's `application_name` of each of the hub's pools, so that `pg_stat_activity` and
 * `pg_locks` tell a request's backend from a background one (docs/operating.md).
 */
export const DB_APPLICATION_NAMES = {
  main: "citygraph main",
  requests: "citygraph requests",
  warnings: "citygraph warning rules",
} as const;

/** What a caller of bootHub may change; all optional, production passes none. */
export interface BootOverrides {
  /** Where the hub reads the time (default: the system clock). */
  clock?: Clock;
  /** Connectors registered besides the built-in ones (tests' stand-in systems). */
  connectors?: readonly Connector[];
  /** Default: JSON lines on stderr at config.logLevel. */
  log?: Logger;
  /** Called with every SQL statement the hub's database clients send. */
  onQuery?: (sql: string, durationMs: number) => void;
  /**
   * Called with every statement GraphQL requests send (their own pool): what a request costs,
   * without the background work (sync, jobs, the resolution pass) running beside it.
   */
  onRequestQuery?: (sql: string, durationMs: number) => void;
  /** The sync engine's jitter source for retry backoff (tests: 0, for short, fixed waits). */
  random?: () => number;
  /** How long the resolution scheduler waits after a sync that brought records (default 5 s). */
  resolutionDelayMs?: number;
  /**
   * false: syncs do not ask for a resolution pass (it runs only when a steward asks), for tests
   * that count statements or compare persons right after a sync. Default true.
   */
  resolveAfterSync?: boolean;
  /** Where spans go (tests: an in-memory exporter); default: OTLP when configured, else none. */
  spanExporter?: SpanExporter;
}

export interface BootedHub {
  config: HubConfig;
  /** The HTTP and WebSocket server. */
  http: RunningHub;
  url: string;
  databaseUrl: string;
  /** The embedded PostgreSQL, when no DATABASE_URL was configured. */
  embedded: EmbeddedDatabase | null;
  db: Db;
  /** The requests' database client: its statements are bounded by DB_STATEMENT_TIMEOUT_MS. */
  requestDb: Db;
  changes: ChangeBus;
  /** This process's reader of the outbox: subscriptions' changes, fanned out once per row. */
  outbox: OutboxFeed;
  /** The warning rules' consumer of the outbox (settle() in tests). */
  warnings: WarningsConsumer;
  sync: SyncEngine;
  resolution: ResolutionScheduler;
  clock: Clock;
  log: Logger;
  /** The hub's own metrics registry (null with METRICS_ENABLED=false). */
  metrics: HubMetrics | null;
  tracing: HubTracing;
  /**
   * A step for shutdown (an audit writer's flush): it runs after HTTP and WebSocket have drained
   * and before the sync engine, change bus and database stop; the latest registered runs first.
   */
  onShutdown(step: string, run: () => Promise<void> | void): void;
  /** Stop everything in reverse order of start-up; a failing step is logged and the rest still run. */
  shutdown(): Promise<void>;
}

interface Step {
  step: string;
  run: () => Promise<void> | void;
}

export async function bootHub(config: HubConfig, overrides: BootOverrides = {}): Promise<BootedHub> {
  const log = overrides.log ?? createLogger(config.logLevel);
  const clock = overrides.clock ?? systemClock;
  // before any declarative connector is restored or run: where they may read
  allowSourceHosts(config.connectorAllowedHosts);
  // Shutdown steps, run in reverse order of start-up.
  const steps: Step[] = [];
  let stopping: Promise<void> | null = null;
  const runSteps = async (list: Step[]) => {
    for (const { step, run } of list.reverse()) {
      log.debug("shutdown step", { step });
      try {
        await run();
      } catch (e) {
        log.error("shutdown step failed", { step, error: (e as Error).message });
      }
    }
  };
  const shutdown = () => {
    stopping ??= runSteps(steps.splice(0));
    return stopping;
  };

  // Traces are flushed last, after everything that makes spans has stopped.
  const tracing = createTracing(config, overrides.spanExporter);
  steps.push({ step: "flush traces", run: () => tracing.shutdown() });
  try {
    let databaseUrl = config.databaseUrl;
    let embedded: EmbeddedDatabase | null = null;
    if (!databaseUrl) {
      const dataDir = path.resolve(config.dataDir, "postgres");
      log.info("starting embedded PostgreSQL", { dataDir, port: config.embeddedPgPort });
      const started = await startEmbeddedPostgres({
        dataDir,
        port: config.embeddedPgPort,
        database: "citygraph",
        log: (line) => log.debug("postgres", { line }),
      });
      embedded = started;
      steps.push({ step: "stop embedded PostgreSQL", run: () => started.stop() });
      databaseUrl = started.url;
    }
    const applied = await migrate(databaseUrl);
    log.info("migrations applied", { applied });

    // Statements are traced (a span each) only when spans go somewhere.
    const onQuery = [
      overrides.onQuery,
      tracing.enabled ? (sql: string, ms: number) => querySpan(tracing.tracer, sql, ms) : undefined,
    ].filter((f) => f !== undefined);
    // Every database client of the hub takes this hook (statement counts, statement spans).
    const queryHook =
      onQuery.length > 0
        ? {
            onQuery: (sql: string, ms: number) => {
              for (const f of onQuery) f(sql, ms);
            },
          }
        : {};
    const db = createDb({
      url: databaseUrl,
      poolMax: config.dbPoolMax,
      applicationName: DB_APPLICATION_NAMES.main,
      ...queryHook,
    });
    const metrics = config.metricsEnabled ? createMetrics(db) : null;
    metrics?.watchPool("main", db);
    steps.push({ step: "close database pool", run: () => db.$disconnect() });
    // GraphQL requests get their own pool, whose statements are bounded (a runaway read cannot
    // keep a backend busy); sync, ingest and the post-sync resolution pass use `db`, unbounded.
    const onRequestQuery = overrides.onRequestQuery;
    const requestDb = createDb({
      url: databaseUrl,
      poolMax: config.dbPoolMax,
      applicationName: DB_APPLICATION_NAMES.requests,
      statementTimeoutMs: config.dbStatementTimeoutMs,
      // kept open: a new connection plans each named statement for its values five times
      idleTimeoutMs: config.dbPoolIdleMs,
      preparedStatements: config.dbPreparedStatements,
      ...(onRequestQuery
        ? {
            onQuery: (sql: string, ms: number) => {
              queryHook.onQuery?.(sql, ms);
              onRequestQuery(sql, ms);
            },
          }
        : queryHook),
    });
    metrics?.watchPool("requests", requestDb);
    steps.push({ step: "close the requests' database pool", run: () => requestDb.$disconnect() });
    configureWorkflow({
      calendar: workCalendar(config.workflow.calendarYears),
      repeatWindowDays: config.workflow.repeatWindowDays,
      collectiveMinPeople: config.workflow.collectiveMinPeople,
    });
    const seeded = await seedReferenceData(db, config.demoData ? demoAreaTree() : null);
    if (config.demoData) log.info("demo area tree loaded", seeded);
    const rekeyed = await rekeyStandardAddresses(db);
    if (rekeyed > 0) log.info("standard addresses keyed by door plate", { rekeyed });
    // Before anything reads a stored transaction id: a database restored into another cluster.
    const xids = await reconcileTransactionIds(db);
    if (xids.reset)
      log.warn(
        "the database's stored transaction ids are ahead of this cluster's (a logical copy): every person marked for the next resolution pass, the pass's watermark and the outbox reset",
        {
          stored: xids.stored?.toString(),
          current: xids.current.toString(),
        },
      );

    const changes = await ChangeBus.start({ url: databaseUrl, log: (m) => log.warn(m) });
    steps.push({ step: "close change bus", run: () => changes.stop() });
    // An area added or renamed anywhere (this instance or another): the caches of the area tree
    // forget what they knew at once rather than within their minute. A change missed while the
    // bus reconnects is still forgotten within the minute.
    const followAreas = new AbortController();
    void (async () => {
      for await (const _ of changes.subscribe((c) => c.topic === "AREA", followAreas.signal))
        areaTreeChanged();
    })();
    steps.push({ step: "stop following area changes", run: async () => followAreas.abort() });
    const outbox = await OutboxFeed.start({
      databaseUrl,
      queueLimit: config.outbox.subscriberQueue,
      pollMs: config.outbox.pollMs,
      log: (m, fields) => log.warn(m, fields),
      ...(metrics ? { onDelivered: metrics.outboxDelivered } : {}),
    });
    metrics?.watchOutbox(outbox);
    steps.push({ step: "close outbox reader", run: () => outbox.stop() });
    // 三色预警: the warning rules evaluate every event change, once across instances
    // its own small pool, outside the statement hook: its background passes are not a request's
    const warningsDb = createDb({
      url: databaseUrl,
      poolMax: 2,
      applicationName: DB_APPLICATION_NAMES.warnings,
    });
    steps.push({ step: "close the warning rules' database pool", run: () => warningsDb.$disconnect() });
    const warnings = new WarningsConsumer(warningsDb, clock, (m, fields) => log.info(m, fields));
    await warnings.start();
    outbox.onAdvance(() => warnings.wake());
    steps.push({ step: "finish the warning rules' pass", run: () => warnings.stop() });

    let sources = config.sources;
    if (config.sandbox.enabled) {
      // The sandbox is a development tool, not the product: started only here, for the embedded
      // default of `npm start` (the layer rule's one exception).
      const { startSandbox } = await import("../sandbox/services/index.js");
      const base = config.sandbox.portBase;
      const sandbox = await startSandbox({
        seed: config.sandbox.seed,
        preset: config.sandbox.preset,
        ports: {
          publicSecurity: base,
          civilAffairs: base + 1,
          hotline: base + 2,
          petition: base + 3,
          grid: base + 4,
        },
        webhookUrl: `http://127.0.0.1:${config.port}/connectors/${hotlineManifest.id}/webhook`,
        webhookToken: config.webhookToken,
        ...(config.sandbox.streamMs > 0 ? { stream: { everyMs: config.sandbox.streamMs } } : {}),
      });
      steps.push({ step: "stop sandbox department systems", run: () => sandbox.stop() });
      log.info("sandbox department systems started", { preset: config.sandbox.preset, urls: sandbox.urls });
      sources = { ...sandbox.urls, ...sources };
    }
    // persons without a trustworthy key are resolved against the registry after each sync that brought records
    const resolution = new ResolutionScheduler(db, {
      idle: () => sync.isIdle(),
      log: (msg, fields) => log.info(msg, fields),
      ...(overrides.resolutionDelayMs !== undefined ? { delayMs: overrides.resolutionDelayMs } : {}),
    });
    steps.push({ step: "finish the resolution pass", run: () => resolution.stop() });
    const syncObserver = observer(metrics, tracing);
    const sync: SyncEngine = new SyncEngine(db, {
      databaseUrl, // the shared job queue of the schedule, and the run locks across instances
      workerSweepMs: config.syncWorkerSweepMs,
      log: (msg, fields, level) => (level === "info" ? log.info(msg, fields) : log.warn(msg, fields)),
      ...(overrides.resolveAfterSync !== false ? { onIngested: () => resolution.request() } : {}),
      now: () => clock.now(),
      // the queue's other jobs: the overdue scan (督办), on the hub's clock
      tasks: [
        overdueTask(db, clock, (msg, fields) => log.info(msg, fields)),
        outboxRetentionTask(
          outbox,
          config.outbox.retentionDays,
          () => clock.now(),
          (msg, fields) => log.info(msg, fields),
        ),
        // 平安稳定指数: last month's index of every district and street, drops alerted
        stabilityIndexTask(db, clock, (msg, fields) => log.info(msg, fields)),
        // the jurisdiction tables made what their paths say (rows left by concurrent link changes)
        reachSweepTask(db, (msg, fields) => log.info(msg, fields)),
      ],
      ...(syncObserver ? { observer: syncObserver } : {}),
      ...(overrides.random ? { random: overrides.random } : {}),
    });
    for (const connector of [
      ...builtinConnectors(sources, { timeoutMs: config.sourceTimeoutMs }),
      ...(overrides.connectors ?? []),
    ])
      await sync.register(connector, "BUILTIN");
    const restored = await restoreDeclarative(db, sync, (msg, fields) => log.error(msg, fields));
    if (restored.length > 0) log.info("declarative connectors restored", { connectors: restored });
    if (config.syncScheduler) await sync.start();
    steps.push({ step: "stop sync engine", run: () => sync.stop() });

    const http = await startHub({
      config,
      db,
      requestDb,
      changes,
      outbox,
      sync,
      log,
      clock,
      observability: {
        plugins: [
          ...(tracing.enabled ? [useTracing(tracing.tracer)] : []),
          ...(metrics ? [useMetrics(metrics)] : []),
        ] as Plugin[],
        apolloPlugins: metrics ? [metrics.apolloPlugin()] : [],
        metrics,
      },
    });
    // Steps registered from here on (onShutdown) run between this one and the sync engine's.
    const drain: Step = { step: "drain HTTP and WebSocket", run: () => http.stop() };
    const later: Step[] = [];
    const beforeServe = steps.splice(0);
    steps.push(...beforeServe, { step: "registered steps", run: () => runSteps(later.splice(0)) }, drain);

    return {
      config,
      http,
      url: http.url,
      databaseUrl,
      embedded,
      db,
      requestDb,
      changes,
      outbox,
      warnings,
      sync,
      resolution,
      clock,
      log,
      metrics,
      tracing,
      onShutdown: (step, run) => {
        if (stopping) throw new Error(`the hub is shutting down; cannot add "${step}"`);
        later.push({ step, run });
      },
      shutdown,
    };
  } catch (e) {
    await shutdown();
    throw e;
  }
}

/** The sync engine's observer: metrics around traces, either or both, or none. */
function observer(metrics: HubMetrics | null, tracing: HubTracing): SyncObserver | undefined {
  const traced = tracing.enabled ? tracingSyncObserver(tracing) : undefined;
  return metrics ? metrics.syncObserver(traced) : traced;
}
