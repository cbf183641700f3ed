// OpenTelemetry traces: a span per GraphQL operation (gateway/plugins/tracing.ts), per root field
// that reaches the database or a connector, per SQL statement, per sync run and per page fetched
// from a source. Exported over OTLP/HTTP in batches (off the request's path) only when
// OTEL_EXPORTER_OTLP_ENDPOINT is set; tests pass an in-memory exporter to bootHub. Without either,
// the tracer is the API's no-op one and costs nothing.
//
// The tracer provider belongs to the hub (several hubs in one test process keep their spans
// apart); only the context manager, which carries the active span across awaits, is process-wide.
import { AsyncLocalStorage } from "node:async_hooks";
import {
  type Context,
  type ContextManager,
  context,
  ROOT_CONTEXT,
  type Span,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import type { RunReport, SyncObserver } from "../integration/sync/engine.js";
import type { HubConfig } from "./config.js";

/**
 * The active context per async call chain (what @opentelemetry/context-async-hooks'
 * AsyncLocalStorageContextManager does, in the few lines the hub needs: no event-emitter binding).
 */
class AsyncLocalStorageContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.storage.run(ctx, () => fn.call(thisArg, ...args));
  }
  bind<T>(ctx: Context, target: T): T {
    if (typeof target !== "function") return target;
    const run = (...args: unknown[]) =>
      this.with(ctx, () => (target as (...a: unknown[]) => unknown).apply(undefined, args));
    return run as T;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.storage.disable();
    return this;
  }
}

let contextManagerSet = false;
function ensureContextManager(): void {
  if (contextManagerSet) return;
  // false when another one is registered already (an embedding application's): keep that one
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  contextManagerSet = true;
}

export interface HubTracing {
  tracer: Tracer;
  /** Whether spans go anywhere (an exporter is configured). */
  enabled: boolean;
  /** Run `work` in a span that ends (and records a failure) when it settles. */
  inSpan<T>(
    name: string,
    attributes: Record<string, string | number>,
    work: (span: Span) => Promise<T>,
  ): Promise<T>;
  /** Flush what is buffered and stop exporting. */
  shutdown(): Promise<void>;
}

export function createTracing(config: HubConfig, exporter?: SpanExporter): HubTracing {
  let processor: SpanProcessor | null = null;
  if (exporter) processor = new SimpleSpanProcessor(exporter);
  else if (config.otel.endpoint)
    processor = new BatchSpanProcessor(
      new OTLPTraceExporter({ url: `${config.otel.endpoint.replace(/\/$/, "")}/v1/traces` }),
    );
  let tracer: Tracer;
  let provider: BasicTracerProvider | null = null;
  if (processor) {
    ensureContextManager();
    provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ "service.name": config.otel.serviceName }),
      spanProcessors: [processor],
    });
    tracer = provider.getTracer("citygraph");
  } else tracer = trace.getTracer("citygraph"); // no-op unless an application registered one
  return {
    tracer,
    enabled: provider !== null,
    inSpan: (name, attributes, work) => inSpan(tracer, name, attributes, work),
    shutdown: async () => {
      await provider?.shutdown();
    },
  };
}

export function inSpan<T>(
  tracer: Tracer,
  name: string,
  attributes: Record<string, string | number>,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (e) {
      span.recordException(e as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
      throw e;
    } finally {
      span.end();
    }
  });
}

/** A span for a statement Prisma reported after it ran (start reconstructed from its duration). */
export function querySpan(tracer: Tracer, sql: string, durationMs: number): void {
  const end = Date.now();
  const span = tracer.startSpan("db.query", {
    startTime: end - durationMs,
    attributes: { "db.system.name": "postgresql", "db.query.text": sql.slice(0, 2_000) },
  });
  span.end(end);
}

/** The sync engine's runs and page fetches as spans, the runs' reports as span attributes. */
export function tracingSyncObserver(tracing: HubTracing): SyncObserver {
  return {
    run: (connectorId, trigger, work) =>
      inSpan(
        tracing.tracer,
        "sync.run",
        { "citygraph.connector": connectorId, "citygraph.trigger": trigger },
        async (span) => {
          const report: RunReport = await work();
          span.setAttributes({
            "citygraph.sync.outcome": report.outcome,
            "citygraph.sync.pages": report.pages,
            "citygraph.sync.served": report.served,
            "citygraph.sync.ingested": report.ingested,
            "citygraph.sync.quarantined": report.quarantined,
          });
          if (report.outcome === "FAILED" || report.outcome === "PARTIAL")
            span.setStatus({ code: SpanStatusCode.ERROR, message: report.error ?? report.outcome });
          return report;
        },
      ),
    fetch: (connectorId, work) =>
      inSpan(tracing.tracer, "sync.fetch_page", { "citygraph.connector": connectorId }, async (span) => {
        const page = await work();
        span.setAttributes({ "citygraph.sync.records": page.records.length });
        return page;
      }),
  };
}
