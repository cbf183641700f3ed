// The hub's one HTTP server: Apollo Server 5 for /graphql (POST, GET), graphql-ws on the same
// path, GraphiQL, and the health probes. Everything a request needs comes in as dependencies.
import { randomUUID } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer, type ApolloServerPlugin, HeaderMap } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import type { Plugin } from "@envelop/core";
import { GraphQLError } from "graphql";
import type { JsonValue } from "../connectors/contract.js";
import { PurposeError } from "../domain/access/purposes.js";
import { type Clock, systemClock } from "../domain/clock.js";
import { AuditWriter } from "../integration/audit/writer.js";
import type { ChangeBus } from "../integration/change-bus.js";
import type { OutboxSubscriptions } from "../integration/outbox.js";
import type { SyncEngine } from "../integration/sync/engine.js";
import { type Db, migrationState } from "../prisma/db.js";
import type { Context } from "../schema/context.js";
import { buildSchema } from "../schema/index.js";
import { AuthError, createTokenVerifier } from "./auth.js";
import type { HubConfig } from "./config.js";
import { createContextFactory } from "./context.js";
import { createEnveloped, envelopGateway } from "./envelop.js";
import { isGraphiQLPath, serveGraphiQL } from "./graphiql.js";
import type { Logger } from "./logger.js";
import type { HubMetrics } from "./metrics.js";
import { useAudit } from "./plugins/audit.js";
import { classifyParseError, limitRules } from "./plugins/operation-limits.js";
import { useReadPlans } from "./plugins/read-plans.js";
import { answeredRequests } from "./plugins/release-answered.js";
import { apolloSchemaPrivacy } from "./plugins/schema-privacy.js";
import { boundTextArguments } from "./text-bounds.js";
import { loadWebhookSecrets, verifyWebhook } from "./webhooks.js";
import { attachWebSocket } from "./ws.js";

export const GRAPHQL_PATH = "/graphql";
const MAX_BODY_BYTES = 1024 * 1024;
const WEBHOOK_PATH = /^\/connectors\/([a-z][a-z0-9_-]{2,62})\/webhook$/;

export interface HubDeps {
  config: HubConfig;
  db: Db;
  /** The requests' database client (statements bounded by DB_STATEMENT_TIMEOUT_MS); default: db. */
  requestDb?: Db;
  changes: ChangeBus;
  /** The outbox reader behind subscriptions (integration/outbox.ts). */
  outbox: OutboxSubscriptions;
  sync: SyncEngine;
  log: Logger;
  /** Where requests read the time (default: the system clock). */
  clock?: Clock;
  /** Metrics and traces, from the composition root (gateway/boot.ts). */
  observability?: Observability;
}

export interface Observability {
  /** envelop plugins for both transports (traces, operation metrics). */
  plugins: Plugin[];
  /** Apollo plugins (errors of HTTP requests in every phase). */
  apolloPlugins: ApolloServerPlugin<Context>[];
  /** Served at GET /metrics; null: no /metrics (METRICS_ENABLED=false). */
  metrics: HubMetrics | null;
}

export interface RunningHub {
  url: string;
  port: number;
  server: http.Server;
  /** The audit trail's writer (flush it to read what was just recorded). */
  audit: AuditWriter;
  /** Stop accepting, finish in-flight requests, close sockets. The caller closes db and bus. */
  stop(): Promise<void>;
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res
    .writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers })
    .end(JSON.stringify(body));
}

class BodyTooLarge extends Error {}

/** GET /metrics: the Prometheus exposition of the hub's registry. */
async function scrape(res: ServerResponse, metrics: HubMetrics): Promise<void> {
  const { contentType, body } = await metrics.scrape();
  res.writeHead(200, { "content-type": contentType }).end(body);
}

/** A single request header's value (the first, when sent several times). */
function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? null;
}

async function readRawBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function readBody(req: IncomingMessage): Promise<string> {
  return (await readRawBody(req)).toString("utf8");
}

export async function startHub({
  config,
  db,
  changes,
  outbox,
  sync,
  log,
  clock = systemClock,
  requestDb = db,
  observability,
}: HubDeps): Promise<RunningHub> {
  const schema = boundTextArguments(buildSchema());
  const webhookSecret = loadWebhookSecrets(config.webhookSecretsFile, config.webhookToken);
  // The audit trail leaves each request in a queue, written in batches and flushed on stop.
  const audit = new AuditWriter(db, {
    flushMs: config.audit.flushMs,
    retentionDays: config.audit.retentionDays,
    maxPending: config.audit.maxPending,
    onError: (e) => log.error("audit batch not written; kept for the next flush", { error: e.message }),
  });
  if (config.accessControl) audit.start();
  observability?.metrics?.watchAudit(audit);
  const getEnveloped = createEnveloped(schema, config, log, [
    ...(observability?.plugins ?? []),
    ...(config.accessControl ? [useAudit(audit) as Plugin] : []),
    // after the audit plugin: a saturated audit trail refuses the operation before any plan runs
    ...(config.readPlans ? [useReadPlans() as Plugin] : []),
  ]);
  const contexts = createContextFactory({
    db: requestDb,
    changes,
    outbox,
    sync,
    clock,
    verifier: await createTokenVerifier(config.auth),
    purposes: config.purposes,
    accessControl: config.accessControl,
  });
  const httpServer = http.createServer();
  // Kept open longer than a load balancer keeps its side idle (a request sent on a connection the
  // hub is closing is a 502). Node's headersTimeout runs only once a request has begun, so an
  // idle connection outlives it (seen: a second request after 62 s of idle).
  httpServer.keepAliveTimeout = config.httpKeepAliveMs;
  const ws = attachWebSocket(httpServer, {
    path: GRAPHQL_PATH,
    getEnveloped,
    contexts,
    log,
    maxPayload: MAX_BODY_BYTES, // a frame may carry what a request body may
    maxSubscriptions: config.wsMaxSubscriptions,
  });

  // Each request's objects, emptied once its answer is written (see the module for why).
  const answered = answeredRequests();
  const apollo = new ApolloServer<Context>({
    gateway: envelopGateway(schema, getEnveloped),
    // Same token bound as the envelop parser (gateway/plugins/operation-limits.ts).
    parseOptions: { maxTokens: config.limits.maxTokens },
    // The limits also run in Apollo's own validation, first, so that an operation over a limit is
    // refused for it (not with a hundred other validation errors).
    validationRules: limitRules(config.limits),
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false, // gateway/boot.ts owns shutdown order
    introspection: true, // per principal: gateway/plugins/schema-privacy.ts
    csrfPrevention: true,
    formatError: (formatted, error) => {
      const code = formatted.extensions?.code;
      if (code === "GRAPHQL_PARSE_FAILED" && error instanceof GraphQLError) {
        const classified = classifyParseError(error);
        return { message: classified.message, extensions: { ...classified.extensions } };
      }
      // Apollo's validation recodes its errors GRAPHQL_VALIDATION_FAILED; a limit keeps its own.
      if (code === "GRAPHQL_VALIDATION_FAILED" && typeof formatted.extensions?.limit === "string")
        return { ...formatted, extensions: { ...formatted.extensions, code: "OPERATION_LIMIT_EXCEEDED" } };
      // Resolver errors were masked by envelop already; what is left carries our own extensions.
      return formatted;
    },
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownGraceMs }),
      ApolloServerPluginLandingPageDisabled(),
      // No cache hints are set or read (answers depend on the caller): without this, Apollo wraps
      // every field's resolver to compute a cache policy per request (willResolveField).
      ApolloServerPluginCacheControlDisabled(),
      apolloSchemaPrivacy(config.introspection),
      ...(observability?.apolloPlugins ?? []),
      answered.plugin,
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await ws.close();
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  // Operations still executing. A request whose client hung up is no longer a connection the
  // drain waits for, but it may still be using the database: stop() waits for these too.
  let inflight = 0;

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const requestId = (req.headers["x-request-id"] as string | undefined) ?? randomUUID();
    let principal: Context["principal"];
    try {
      principal = await contexts.principal(req.headers.authorization, {
        purpose: header(req, "x-purpose"),
        purposeRef: header(req, "x-purpose-ref"),
      });
    } catch (e) {
      if (e instanceof PurposeError) {
        json(res, 400, {
          errors: [{ message: e.message, extensions: { code: "BAD_USER_INPUT", argument: "purpose" } }],
        });
        return;
      }
      if (!(e instanceof AuthError)) throw e;
      json(
        res,
        401,
        { errors: [{ message: e.message, extensions: { code: "UNAUTHENTICATED", reason: e.reason } }] },
        { "www-authenticate": `Bearer error="invalid_token", error_description="${e.reason}"` },
      );
      return;
    }
    let raw: string;
    try {
      raw = await readBody(req);
    } catch (e) {
      if (!(e instanceof BodyTooLarge)) throw e;
      json(res, 413, {
        errors: [
          { message: `request body exceeds ${MAX_BODY_BYTES} bytes`, extensions: { code: "BAD_REQUEST" } },
        ],
      });
      return;
    }
    let body: unknown = raw;
    if ((req.headers["content-type"] ?? "").includes("json") && raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        json(res, 400, {
          errors: [{ message: "request body is not valid JSON", extensions: { code: "BAD_REQUEST" } }],
        });
        return;
      }
    }
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers))
      if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    // The client going away aborts the request's signal: a long resolver cancels its statement.
    const gone = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) gone.abort();
    });
    inflight++;
    try {
      const response = await apollo
        .executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: req.method ?? "GET", headers, search: url.search, body },
          context: async () => ({ ...contexts.context(principal, "http", requestId), signal: gone.signal }),
        })
        .finally(() => inflight--);
      for (const [k, v] of response.headers) res.setHeader(k, v);
      res.setHeader("x-request-id", requestId);
      res.statusCode = response.status ?? 200;
      if (response.body.kind === "complete") {
        res.end(response.body.string);
        return;
      }
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    } finally {
      answered.release(gone.signal);
    }
  }

  /** POST /connectors/:id/webhook: a department system pushes new or changed records. */
  async function handleWebhook(
    req: IncomingMessage,
    res: ServerResponse,
    connectorId: string,
  ): Promise<void> {
    const fail = (status: number, code: string, message: string, reason?: string) =>
      json(res, status, { errors: [{ message, extensions: { code, ...(reason ? { reason } : {}) } }] });
    if (req.method !== "POST") return fail(405, "BAD_REQUEST", "webhooks are POST requests");
    const connector = sync.connector(connectorId);
    if (!connector?.parsePush)
      return fail(404, "NOT_FOUND", `connector "${connectorId}" does not take pushes`);
    let raw: Buffer;
    try {
      raw = await readRawBody(req);
    } catch (e) {
      if (e instanceof BodyTooLarge)
        return fail(413, "BAD_REQUEST", `request body exceeds ${MAX_BODY_BYTES} bytes`);
      throw e;
    }
    // signed with the connector's own secret (gateway/webhooks.ts), checked before the body is read
    const verdict = verifyWebhook(req.headers, raw, webhookSecret(connectorId), clock.now());
    if (!verdict.ok) return fail(401, "UNAUTHENTICATED", verdict.message, verdict.reason);
    let body: JsonValue;
    try {
      body = JSON.parse(raw.toString("utf8")) as JsonValue;
    } catch {
      return fail(400, "BAD_REQUEST", "request body is not valid JSON");
    }
    let delivery: ReturnType<NonNullable<typeof connector.parsePush>>;
    try {
      delivery = connector.parsePush(body);
    } catch (e) {
      return fail(400, "BAD_USER_INPUT", `push not in ${connectorId}'s format: ${(e as Error).message}`);
    }
    const result = await sync.ingestPush(connectorId, delivery.deliveryId, delivery.records);
    json(res, 202, { deliveryId: delivery.deliveryId, ...result });
  }

  async function readiness(res: ServerResponse): Promise<void> {
    try {
      const state = await migrationState(db);
      // A saturated audit writer refuses every operation: a balancer should send them elsewhere.
      const ready = state.pending.length === 0 && state.failed.length === 0 && !audit.saturated;
      json(res, ready ? 200 : 503, {
        status: ready ? "ready" : "not ready",
        database: "reachable",
        migrations: { applied: state.applied.length, pending: state.pending, failed: state.failed },
        changeBus: changes.connected ? "listening" : "reconnecting",
        audit: { pending: audit.pending, max: audit.maxPending, saturated: audit.saturated },
      });
    } catch (e) {
      log.warn("readiness check failed", { error: (e as Error).message });
      json(res, 503, { status: "not ready", database: "unreachable" });
    }
  }

  httpServer.on("request", (req, res) => {
    const url = new URL(req.url ?? "/", "http://hub.invalid");
    const route = (): Promise<void> | void => {
      if (url.pathname === GRAPHQL_PATH) return handleGraphQL(req, res, url);
      if (url.pathname === "/healthz") return json(res, 200, { status: "alive" });
      if (url.pathname === "/metrics" && observability?.metrics) return scrape(res, observability.metrics);
      const webhook = WEBHOOK_PATH.exec(url.pathname);
      if (webhook) return handleWebhook(req, res, webhook[1]!);
      if (url.pathname === "/readyz") return readiness(res);
      if (config.graphiql && isGraphiQLPath(url.pathname)) return serveGraphiQL(req, res, url.pathname);
      if (url.pathname === "/")
        return void res.writeHead(302, { location: config.graphiql ? "/graphiql" : "/healthz" }).end();
      return json(res, 404, {
        errors: [{ message: `no route ${url.pathname}`, extensions: { code: "NOT_FOUND" } }],
      });
    };
    Promise.resolve()
      .then(route)
      .catch((e: Error) => {
        log.error("request failed", { path: url.pathname, error: e.message, stack: e.stack });
        if (!res.headersSent)
          json(res, 500, {
            errors: [{ message: "internal error", extensions: { code: "INTERNAL_SERVER_ERROR" } }],
          });
        else res.end();
      });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  log.info("hub listening", {
    graphql: `${url}${GRAPHQL_PATH}`,
    graphiql: config.graphiql ? `${url}/graphiql` : null,
  });

  let stopping: Promise<void> | null = null;
  return {
    url,
    port,
    server: httpServer,
    audit,
    stop: () => {
      // Apollo's drain plugin closes the listener, waits for in-flight requests (up to the grace
      // period), then runs drainServer: the WebSockets close.
      stopping ??= (async () => {
        await apollo.stop();
        const until = Date.now() + config.shutdownGraceMs;
        while (inflight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
        await audit.stop();
      })();
      return stopping;
    },
  };
}
