// Prometheus metrics, served at GET /metrics on the hub's port: operations and their latency per
// operation name, errors by code, sync runs and records per connector, quarantined records,
// subscriptions open, the database pool, and the process's own series (prom-client's defaults,
// collected once per process: CPU, heap, event-loop delay, GC pauses by kind). Counting is in
// memory (a label lookup and an add); what needs the database (quarantine) is read when
// Prometheus scrapes, not per request.
//
// One registry per hub (not prom-client's global one): several hubs in one test process do not
// share or clash over series.
import type { ApolloServerPlugin } from "@apollo/server";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { RunReport, SyncObserver } from "../integration/sync/engine.js";
import { type Db, poolStats } from "../prisma/db.js";

/** Operation names are the client's choice: bounded in form and in number of series. */
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_OPERATION_NAMES = 500;
const CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

export interface HubMetrics {
  registry: Registry;
  /** An operation that executed: its name ("anonymous" without one), type and seconds taken. */
  operation(name: string | null, type: string, seconds: number): void;
  /** Errors a response carried, by their extensions.code. */
  errors(codes: readonly (string | null | undefined)[]): void;
  subscriptionOpened(): void;
  subscriptionClosed(): void;
  /** Report the outbox reader's open subscribers (a gauge read at scrape time). */
  watchOutbox(feed: { subscribers: number }): void;
  /** Report the audit writer's unwritten records (a gauge read at scrape time). */
  watchAudit(writer: { pending: number }): void;
  /** One outbox entry handed to one subscriber. */
  outboxDelivered(): void;
  /** Counts runs (wrapped by the sync engine's observer). */
  syncObserver(inner?: SyncObserver): SyncObserver;
  /** Counts errors of HTTP requests in every phase (parse, validation, execution). */
  apolloPlugin(): ApolloServerPlugin;
  /** Report this client's connection pool under `citygraph_db_pool_connections{pool=name}`. */
  watchPool(name: string, db: Db): void;
  /** The exposition text for a scrape. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

/**
 * The process's own series (CPU, heap, event-loop delay, GC pauses by kind): a latency tail the
 * operations' histogram shows is told apart from a pause of the whole process here. They describe
 * the process, not a hub, so they are collected once per process (their GC observer and
 * event-loop monitor run for its lifetime) and every hub's scrape appends them.
 */
let processRegistry: Registry | null = null;
function processSeries(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({
      register: processRegistry,
      gcDurationBuckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5],
    });
  }
  return processRegistry;
}

export function createMetrics(db: Db): HubMetrics {
  const registry = new Registry();
  const processWide = processSeries();
  const operations = new Counter({
    name: "citygraph_graphql_operations_total",
    help: "GraphQL operations executed, by operation name and type",
    labelNames: ["operation", "type"] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: "citygraph_graphql_operation_duration_seconds",
    help: "Time to execute a GraphQL operation, by operation name and type",
    labelNames: ["operation", "type"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const errors = new Counter({
    name: "citygraph_graphql_errors_total",
    help: "Errors in GraphQL responses, by extensions.code",
    labelNames: ["code"] as const,
    registers: [registry],
  });
  const subscriptions = new Gauge({
    name: "citygraph_graphql_subscriptions_active",
    help: "Subscriptions open over graphql-ws",
    registers: [registry],
  });
  let outboxFeed: { subscribers: number } | null = null;
  new Gauge({
    name: "citygraph_outbox_subscribers",
    help: "Subscriptions this hub feeds from the outbox (replaying or live)",
    registers: [registry],
    collect() {
      this.set(outboxFeed?.subscribers ?? 0);
    },
  });
  let auditWriter: { pending: number } | null = null;
  new Gauge({
    name: "citygraph_audit_pending_records",
    help: "Audit records queued and not yet written (operations are refused at AUDIT_QUEUE_MAX)",
    registers: [registry],
    collect() {
      this.set(auditWriter?.pending ?? 0);
    },
  });
  const outboxDelivered = new Counter({
    name: "citygraph_outbox_delivered_total",
    help: "Outbox entries handed to subscribers (one per subscriber per change)",
    registers: [registry],
  });
  const syncRuns = new Counter({
    name: "citygraph_sync_runs_total",
    help: "Sync runs, by connector and outcome (SUCCEEDED, PARTIAL, FAILED, SKIPPED)",
    labelNames: ["connector", "outcome"] as const,
    registers: [registry],
  });
  const syncRecords = new Counter({
    name: "citygraph_sync_records_total",
    help: "Records of sync runs, by connector and what became of them (served, ingested, unchanged, quarantined, duplicates)",
    labelNames: ["connector", "result"] as const,
    registers: [registry],
  });
  const syncDuration = new Histogram({
    name: "citygraph_sync_run_duration_seconds",
    help: "Duration of sync runs, by connector",
    labelNames: ["connector"] as const,
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
    registers: [registry],
  });
  new Gauge({
    name: "citygraph_quarantined_records",
    help: "Quarantined records not yet resolved, by connector (counted at scrape)",
    labelNames: ["connector"] as const,
    registers: [registry],
    async collect() {
      const rows = await db.quarantinedRecord.groupBy({
        by: ["connectorId"],
        where: { resolvedAt: null },
        _count: { _all: true },
      });
      this.reset();
      for (const r of rows) this.set({ connector: r.connectorId }, r._count._all);
    },
  });
  const pools = new Map<string, Db>();
  new Gauge({
    name: "citygraph_db_pool_connections",
    help: "Database pool connections, by pool: total open, idle, and requests waiting for one",
    labelNames: ["pool", "state"] as const,
    registers: [registry],
    collect() {
      for (const [pool, client] of pools) {
        const stats = poolStats(client);
        if (!stats) continue;
        this.set({ pool, state: "total" }, stats.total);
        this.set({ pool, state: "idle" }, stats.idle);
        this.set({ pool, state: "waiting" }, stats.waiting);
      }
    },
  });

  const names = new Set<string>();
  const operationLabel = (name: string | null): string => {
    if (!name) return "anonymous";
    if (!OPERATION_NAME.test(name)) return "invalid";
    if (names.has(name)) return name;
    if (names.size >= MAX_OPERATION_NAMES) return "other";
    names.add(name);
    return name;
  };
  const countErrors = (codes: readonly (string | null | undefined)[]) => {
    for (const code of codes) errors.inc({ code: code && CODE.test(code) ? code : "INTERNAL_SERVER_ERROR" });
  };
  const countRun = (report: RunReport, seconds: number) => {
    const connector = report.connectorId;
    syncRuns.inc({ connector, outcome: report.outcome });
    if (report.outcome === "SKIPPED") return;
    syncDuration.observe({ connector }, seconds);
    for (const result of ["served", "ingested", "unchanged", "quarantined", "duplicates"] as const)
      if (report[result] > 0) syncRecords.inc({ connector, result }, report[result]);
  };

  return {
    registry,
    operation(name, type, seconds) {
      const labels = { operation: operationLabel(name), type };
      operations.inc(labels);
      latency.observe(labels, seconds);
    },
    errors: countErrors,
    watchPool: (name, client) => void pools.set(name, client),
    subscriptionOpened: () => subscriptions.inc(),
    subscriptionClosed: () => subscriptions.dec(),
    watchOutbox: (feed) => {
      outboxFeed = feed;
    },
    watchAudit: (writer) => {
      auditWriter = writer;
    },
    outboxDelivered: () => outboxDelivered.inc(),
    syncObserver: (inner) => ({
      run: async (connectorId, trigger, work) => {
        const started = performance.now();
        const report = await (inner ? inner.run(connectorId, trigger, work) : work());
        countRun(report, (performance.now() - started) / 1000);
        return report;
      },
      fetch: (connectorId, work) => (inner ? inner.fetch(connectorId, work) : work()),
    }),
    apolloPlugin: () => ({
      async requestDidStart() {
        return {
          async didEncounterErrors({ errors: list }) {
            countErrors(
              list.map((e) => {
                const code = e.extensions?.code;
                // as formatError reports it (gateway/server.ts): a limit keeps its own code
                if (code === "GRAPHQL_VALIDATION_FAILED" && typeof e.extensions?.limit === "string")
                  return "OPERATION_LIMIT_EXCEEDED";
                return typeof code === "string" ? code : null;
              }),
            );
          },
        };
      },
    }),
    async scrape() {
      return {
        contentType: registry.contentType,
        body: (await registry.metrics()) + (await processWide.metrics()),
      };
    },
  };
}
