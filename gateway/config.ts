// Configuration: environment variables, validated once at start-up. Every variable carries its
// description here; docs/operating.md's table is generated from this schema (`npm run docs:config`),
// and an invalid variable stops the hub with a message that names it.
import fs from "node:fs";
import { z } from "zod";
import { LOOPBACK_HOSTS, parseHostPatterns } from "../connectors/declarative/hosts.js";
import { DEFAULT_PURPOSES, type Purpose, purposesSchema } from "../domain/access/purposes.js";
import { type CalendarYear, calendarFileSchema } from "../domain/workflow/calendar.js";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");
const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);

/** Signs `npm run token` tokens when no key is configured; refused when NODE_ENV=production. */
export const DEVELOPMENT_JWT_SECRET = "citygraph-development-secret-do-not-use-in-production";
/** Accepted on webhook pushes when WEBHOOK_TOKEN is unset; refused when NODE_ENV=production. */
export const DEVELOPMENT_WEBHOOK_TOKEN = "citygraph-development-webhook-token";

export const envSchema = z.object({
  NODE_ENV: z
    .enum(["development", "production", "test"])
    .default("development")
    .describe(
      "`production` refuses to start without a token key (AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY_FILE or AUTH_JWKS_FILE) and WEBHOOK_TOKEN; `development` adds the cause to masked error messages",
    ),
  HOST: z.string().default("127.0.0.1").describe("Address to listen on; `0.0.0.0` behind a load balancer"),
  PORT: int(4000, 0, 65535).describe("HTTP and WebSocket port (`0`: any free port)"),
  HTTP_KEEP_ALIVE_MS: int(65_000, 1_000, 3_600_000).describe(
    "How long an idle HTTP connection stays open for the client's next request, in ms. Longer than the load balancer's own idle timeout (nginx's upstream `keepalive_timeout` and most cloud balancers: 60 s), or the balancer sends a request on a connection the hub is closing and answers 502; Node's default is 5 s",
  ),
  HUB_WORKERS: int(1, 1, 64).describe(
    'Hub processes sharing the port (node:cluster), each with its own pools; more than 1 needs DATABASE_URL. See docs/operating.md, "Several processes on one port"',
  ),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL")
    .optional()
    .describe(
      "PostgreSQL ≥ 15 (`postgresql://user:pass@host:5432/db`). Unset: the embedded PostgreSQL under DATA_DIR. The role creates tables; `prisma migrate dev` also needs CREATEDB (shadow database)",
    ),
  DATA_DIR: z
    .string()
    .default(".data")
    .describe("Where the embedded PostgreSQL keeps its cluster (`$DATA_DIR/postgres`), kept across restarts"),
  EMBEDDED_PG_PORT: int(54329, 1, 65535).describe("Port of the embedded PostgreSQL (127.0.0.1 only)"),
  DB_POOL_MAX: int(10, 1, 500).describe(
    "Database connections per pool; a hub instance has two (GraphQL requests, and sync and ingest)",
  ),
  DB_STATEMENT_TIMEOUT_MS: int(15_000, 0, 3_600_000).describe(
    "Longest a statement of a GraphQL request may run, in ms (`0`: unbounded); sync, ingest, the post-sync resolution pass and migrations use their own connections, unbounded",
  ),
  DB_POOL_IDLE_MS: int(600_000, 0, 86_400_000).describe(
    "How long an idle connection of the GraphQL requests' pool stays open, in ms (`0`: until the hub stops). A new connection logs in and plans each named statement for its values on its first five runs (tens of ms for person-360's joined statement), so a pool that closes connections after node-postgres' default 10 s makes a screen refreshing every half minute pay that on every request",
  ),
  DB_PREPARED_STATEMENTS: bool
    .default(true)
    .describe(
      "Send a GraphQL request's statements as prepared statements, named per SQL text on each connection (parsed once, a generic plan reused; list pages are planned each time). `false` behind a pooler that cannot keep them (PgBouncer before 1.21 in transaction mode)",
    ),
  READ_PLANS: bool
    .default(true)
    .describe(
      "Answer person-360 and area-events (operations/) from one statement each, the access policy deciding every field as on the graph path (schema/read-plans.ts); `false`: every request runs the graph path",
    ),
  DEMO_DATA: bool
    .optional()
    .describe(
      "Load the demo area tree (南通市, 836 areas down to 648 grids) at start, filling in only what is missing. Unset: `true` with the embedded database, else `false`",
    ),

  AUTH_JWT_SECRET: z
    .string()
    .min(32, "must be at least 32 characters")
    .optional()
    .describe(
      "HS256 secret that signs and verifies bearer tokens. Unset and no key file: the development secret (refused in production)",
    ),
  AUTH_JWT_PUBLIC_KEY_FILE: z
    .string()
    .optional()
    .describe("PEM public key file: tokens are RS256, minted by the city's identity provider"),
  AUTH_JWKS_FILE: z
    .string()
    .optional()
    .describe("JWKS file (RS256/ES256/PS256), read locally, never fetched"),
  AUTH_ISSUER: z.string().optional().describe("Required `iss` claim of every token"),
  WEBHOOK_TOKEN: z
    .string()
    .min(16, "must be at least 16 characters")
    .optional()
    .describe(
      "Former shared push secret: now the HMAC key of a connector's webhook pushes while WEBHOOK_SECRETS_FILE has no secret of its own for it (migration path). Required in production unless WEBHOOK_SECRETS_FILE is set; unset in development: a fixed development token",
    ),
  WEBHOOK_SECRETS_FILE: z
    .string()
    .optional()
    .describe(
      'JSON file {"<connector id>": "<secret>"}: each connector signs its pushes with its own secret (HMAC-SHA256 in X-CityGraph-Signature, over X-CityGraph-Timestamp and the body; see gateway/webhooks.ts)',
    ),
  AUTH_AUDIENCE: z.string().optional().describe("Required `aud` claim of every token"),
  TOKEN_MAX_LIFETIME_SECONDS: int(43_200, 60, 2_592_000).describe(
    "Longest a bearer token may live (`exp` − `iat`, or `exp` − now without `iat`), in seconds; a token without `exp` is refused",
  ),

  LIMIT_MAX_DEPTH: int(12, 2, 100).describe("Deepest selection an operation may have"),
  LIMIT_MAX_ALIASES: int(20, 0, 1000).describe("Aliases per operation"),
  LIMIT_MAX_TOKENS: int(3000, 100, 100_000).describe("Lexical tokens per document"),
  LIMIT_MAX_COST: int(20_000, 10, 10_000_000).describe(
    "Cost bound per operation (graphql-armor's cost model)",
  ),
  LIMIT_MAX_DIRECTIVES: int(20, 0, 1000).describe("Directives per operation"),
  WS_MAX_SUBSCRIPTIONS_PER_SOCKET: int(50, 1, 10_000).describe(
    "Operations one WebSocket may run at once; one more is refused with OPERATION_LIMIT_EXCEEDED and the socket stays open",
  ),
  OUTBOX_RETENTION_DAYS: int(7, 1, 3650).describe(
    "Days the outbox keeps each change for subscribers that reconnect with a cursor; older rows are deleted by an hourly job",
  ),
  OUTBOX_SUBSCRIBER_QUEUE: int(1000, 10, 1_000_000).describe(
    "Changes a subscription may have waiting; one more ends it with SUBSCRIBER_TOO_SLOW and the cursor to resume after",
  ),
  OUTBOX_POLL_MS: int(1000, 50, 60_000).describe(
    "How often each hub reads the outbox without a notification (a safety net; commits wake it at once)",
  ),
  INTROSPECTION: z
    .enum(["authenticated", "always", "never"])
    .default("authenticated")
    .describe(
      'Who may introspect the schema and read "Did you mean …?" suggestions in errors: `authenticated` principals (GraphiQL sends its token), `always` (anyone) or `never`',
    ),

  SANDBOX: bool
    .optional()
    .describe(
      "Start the stand-ins for the five department systems and read them with the built-in connectors. Unset: on when neither DATABASE_URL nor any SOURCE_*_URL is set",
    ),
  SANDBOX_PRESET: z
    .enum(["test", "demo", "bench"])
    .default("demo")
    .describe("Size of the sandbox's synthetic city: `test` 5 k persons, `demo` 50 k, `bench` 1 M"),
  SANDBOX_SEED: z
    .string()
    .min(1)
    .default("citygraph")
    .describe("Seed of the sandbox's generator: the same seed gives the same city"),
  SANDBOX_PORT_BASE: int(4101, 1, 65530).describe(
    "First sandbox port: public security, civil affairs, 12345 hotline, petition and grid listen on it and the next four",
  ),
  SANDBOX_STREAM_MS: int(0, 0, 3_600_000).describe(
    "The sandbox hotline, petition, public-security and grid systems each produce a new or changed matter every this many ms (the hotline pushes it to the hub's webhook, the others serve it to the next sync; `0`: only when asked, POST /_sandbox/stream)",
  ),
  SOURCE_GRID_URL: z
    .url()
    .optional()
    .describe(
      "Base URL of the grid management system (网格) for the built-in connector; unset: not synced (or the sandbox's)",
    ),
  SOURCE_PUBLIC_SECURITY_URL: z
    .url()
    .optional()
    .describe("Base URL of the public-security system (公安: population registry, 110 incidents)"),
  SOURCE_CIVIL_AFFAIRS_URL: z
    .url()
    .optional()
    .describe(
      "Base URL of the civil-affairs system (民政: assistance, social organisations, live status lookup)",
    ),
  SOURCE_HOTLINE_URL: z.url().optional().describe("Base URL of the 12345 hotline's work-order system"),
  SOURCE_PETITION_URL: z.url().optional().describe("Base URL of the petition system (信访) and its XML feed"),
  CONNECTOR_ALLOWED_HOSTS: z
    .string()
    .optional()
    .refine(
      (v) => {
        try {
          parseHostPatterns(v?.split(",") ?? []);
          return true;
        } catch {
          return false;
        }
      },
      {
        error: "expected comma-separated host or host:port patterns (*.example.gov.cn allows its subdomains)",
      },
    )
    .describe(
      "Department hosts declarative connectors may read (previewConnector, registerConnector, every sync request): comma-separated `host`, `host:port` or `*.domain` patterns. Unset: loopback only (127.0.0.1, localhost, [::1]) in development and test, none in production",
    ),
  SOURCE_TIMEOUT_MS: int(10_000, 100, 600_000).describe(
    "Timeout of one request to a department system, in ms",
  ),
  GRAPHIQL: bool.default(true).describe("Serve GraphiQL at `/graphiql` (all assets local)"),
  SYNC_SCHEDULER: bool
    .default(true)
    .describe(
      "Work the shared job queue: connectors at start and on their schedules, and the overdue scan (督办) every minute; `false`: only `triggerSync` runs connectors, and another instance must work the queue",
    ),
  SYNC_WORKER_SWEEP_MS: int(30_000, 100, 3_600_000).describe(
    "How often an instance working the queue frees the jobs of queue workers whose hub is gone (killed, crashed), in ms; a job lock younger than this is left alone. A dead instance's connectors run again within about twice this",
  ),
  WORK_CALENDAR_FILE: z
    .string()
    .optional()
    .describe(
      'JSON file of working-day calendars, one entry a year: `[{"year": 2027, "holidays": ["2027-01-01", …], "workdays": ["2027-02-07", …]}]` (放假 weekdays and 调休 weekend days as published by the State Council); a year given replaces the built-in one (2026). Unset: the built-in years',
    ),
  REPEAT_PETITION_WINDOW_DAYS: int(180, 1, 3650).describe(
    "Petitions of one person on one matter within this many days are repeat petitions (重复访), across forms and departments",
  ),
  COLLECTIVE_PETITION_MIN_PEOPLE: int(5, 2, 1000).describe(
    "A petition of at least this many people is a collective petition (集体访)",
  ),
  LOG_LEVEL: z
    .enum(["debug", "info", "warn", "error"])
    .default("info")
    .describe("Least severe level logged (JSON lines)"),
  SHUTDOWN_GRACE_MS: int(10_000, 0, 600_000).describe(
    "How long in-flight requests may finish after SIGTERM, in ms",
  ),
  METRICS_ENABLED: bool
    .default(true)
    .describe("Serve Prometheus metrics at `/metrics` on the hub's port (`false`: 404)"),
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .url()
    .optional()
    .describe(
      "OpenTelemetry collector (OTLP over HTTP, e.g. `http://127.0.0.1:4318`): traces of operations, database statements and sync runs are sent to its `/v1/traces` in batches. Unset: no traces",
    ),
  OTEL_SERVICE_NAME: z.string().min(1).default("citygraph").describe("`service.name` of the hub's traces"),
  PURPOSES_FILE: z
    .string()
    .optional()
    .describe(
      "JSON file with the city's purposes of processing (code, label, unlocks, owners, requiresReference, deIdentified); unset: the built-in list in domain/access/purposes.ts",
    ),
  AUDIT_RETENTION_DAYS: int(180, 180, 36_500).describe(
    "How long audit records are kept, in days (at least 180: Cybersecurity Law art. 21); older ones are purged daily",
  ),
  AUDIT_FLUSH_MS: int(500, 10, 60_000).describe(
    "How often the audit writer writes what is queued to the database (in batches of up to 5 000), in ms (and on shutdown)",
  ),
  AUDIT_QUEUE_MAX: int(100_000, 1, 10_000_000).describe(
    "Audit records the hub may hold unwritten; at that many (the database refuses or stalls the inserts) operations are refused with AUDIT_UNAVAILABLE and /readyz answers 503 until a batch is written",
  ),
  ACCESS_CONTROL: z
    .enum(["on", "off"])
    .default("on")
    .describe(
      "`off` serves every field unmasked and unaudited: for measuring the policy's overhead only (bench:query); refused in production",
    ),
});

export type Env = z.infer<typeof envSchema>;

export interface HubConfig {
  env: Env["NODE_ENV"];
  host: string;
  port: number;
  /** How long an idle HTTP connection is kept for the next request, ms. */
  httpKeepAliveMs: number;
  /** null: start the embedded PostgreSQL under dataDir. */
  databaseUrl: string | null;
  dataDir: string;
  embeddedPgPort: number;
  dbPoolMax: number;
  /** Statement timeout of the requests' database connections (0: none). */
  dbStatementTimeoutMs: number;
  /** How long the requests' pool keeps an idle connection, ms (0: until the hub stops). */
  dbPoolIdleMs: number;
  /** The requests' statements named and prepared per connection (prisma/db.ts, statementNames). */
  dbPreparedStatements: boolean;
  /** Load the demo area tree at start (default: only with the embedded database). */
  demoData: boolean;
  /** The webhook HMAC key of connectors without their own secret (the former shared token). */
  webhookToken: string;
  /** Per-connector webhook secrets (JSON {connectorId: secret}); null: all use webhookToken. */
  webhookSecretsFile: string | null;
  auth: {
    secret: string | null;
    publicKeyFile: string | null;
    jwksFile: string | null;
    issuer: string | null;
    audience: string | null;
    /** Tokens must carry `exp`, at most this far from `iat` (or from now). */
    maxLifetimeSeconds: number;
  };
  limits: { maxDepth: number; maxAliases: number; maxTokens: number; maxCost: number; maxDirectives: number };
  /** Operations one WebSocket may run at once. */
  wsMaxSubscriptions: number;
  /** The outbox behind subscriptions (integration/outbox.ts). */
  outbox: { retentionDays: number; subscriberQueue: number; pollMs: number };
  graphiql: boolean;
  /** Who may introspect and read suggestions (gateway/plugins/schema-privacy.ts). */
  introspection: Env["INTROSPECTION"];
  /** The sandbox department systems: started with the hub, and the built-in connectors read them. */
  sandbox: {
    enabled: boolean;
    preset: "test" | "demo" | "bench";
    seed: string;
    portBase: number;
    /** One new or changed hotline work order every this many ms (0: none unless asked). */
    streamMs: number;
  };
  /** Base URLs of real department systems for the built-in connectors. */
  sources: Partial<Record<"grid" | "publicSecurity" | "civilAffairs" | "hotline" | "petition", string>>;
  sourceTimeoutMs: number;
  /** Hosts declarative connectors may read (connectors/declarative/hosts.ts). */
  connectorAllowedHosts: readonly string[];
  /** Run connectors on their schedules (off: only triggerSync runs them). */
  syncScheduler: boolean;
  /** How often dead queue workers' jobs are freed (integration/sync/worker-liveness.ts). */
  syncWorkerSweepMs: number;
  /** The closed loop: working-day calendar years and the petition rules' settings. */
  workflow: { calendarYears: readonly CalendarYear[]; repeatWindowDays: number; collectiveMinPeople: number };
  logLevel: Env["LOG_LEVEL"];
  shutdownGraceMs: number;
  /** Prometheus metrics at /metrics. */
  metricsEnabled: boolean;
  /** OTLP trace export (endpoint null: no export). */
  otel: { endpoint: string | null; serviceName: string };
  /** The purposes of processing staff may declare (domain/access/purposes.ts). */
  purposes: readonly Purpose[];
  audit: { retentionDays: number; flushMs: number; maxPending: number };
  /** Off only to measure the policy's overhead; never in production. */
  accessControl: boolean;
  /** Known operations answered from one statement each (schema/read-plans.ts). */
  readPlans: boolean;
}

function loadPurposes(file: string | undefined): readonly Purpose[] {
  if (!file) return DEFAULT_PURPOSES;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new ConfigError(`invalid configuration:\n  PURPOSES_FILE: ${(e as Error).message}`);
  }
  const parsed = purposesSchema.safeParse(raw);
  if (!parsed.success)
    throw new ConfigError(
      `invalid configuration:\n${parsed.error.issues.map((i) => `  PURPOSES_FILE ${i.path.join(".")}: ${i.message}`).join("\n")}`,
    );
  return parsed.data;
}

function loadCalendar(file: string | undefined): readonly CalendarYear[] {
  if (!file) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new ConfigError(`invalid configuration:\n  WORK_CALENDAR_FILE: ${(e as Error).message}`);
  }
  const parsed = calendarFileSchema.safeParse(raw);
  if (!parsed.success)
    throw new ConfigError(
      `invalid configuration:\n${parsed.error.issues.map((i) => `  WORK_CALENDAR_FILE ${i.path.join(".")}: ${i.message}`).join("\n")}`,
    );
  return parsed.data;
}

export class ConfigError extends Error {}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): HubConfig {
  // An empty variable counts as unset (VAR= in a unit file or a compose file).
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(source).filter(([, v]) => v !== "")));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const keyed = e.AUTH_JWT_SECRET ?? e.AUTH_JWT_PUBLIC_KEY_FILE ?? e.AUTH_JWKS_FILE;
  if (!keyed && e.NODE_ENV === "production")
    throw new ConfigError(
      "invalid configuration:\n  AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY_FILE or AUTH_JWKS_FILE is required in production",
    );
  const sources = Object.fromEntries(
    (
      [
        ["grid", e.SOURCE_GRID_URL],
        ["publicSecurity", e.SOURCE_PUBLIC_SECURITY_URL],
        ["civilAffairs", e.SOURCE_CIVIL_AFFAIRS_URL],
        ["hotline", e.SOURCE_HOTLINE_URL],
        ["petition", e.SOURCE_PETITION_URL],
      ] as const
    ).filter(([, url]) => url !== undefined),
  ) as HubConfig["sources"];
  if (e.ACCESS_CONTROL === "off" && e.NODE_ENV === "production")
    throw new ConfigError("invalid configuration:\n  ACCESS_CONTROL=off is refused in production");
  if (!e.WEBHOOK_TOKEN && !e.WEBHOOK_SECRETS_FILE && e.NODE_ENV === "production")
    throw new ConfigError(
      "invalid configuration:\n  WEBHOOK_SECRETS_FILE or WEBHOOK_TOKEN is required in production",
    );
  return {
    env: e.NODE_ENV,
    webhookToken: e.WEBHOOK_TOKEN ?? DEVELOPMENT_WEBHOOK_TOKEN,
    webhookSecretsFile: e.WEBHOOK_SECRETS_FILE ?? null,
    host: e.HOST,
    port: e.PORT,
    httpKeepAliveMs: e.HTTP_KEEP_ALIVE_MS,
    databaseUrl: e.DATABASE_URL ?? null,
    dataDir: e.DATA_DIR,
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    dbPoolMax: e.DB_POOL_MAX,
    dbStatementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
    dbPoolIdleMs: e.DB_POOL_IDLE_MS,
    dbPreparedStatements: e.DB_PREPARED_STATEMENTS,
    readPlans: e.READ_PLANS,
    demoData: e.DEMO_DATA ?? e.DATABASE_URL === undefined,
    auth: {
      secret: e.AUTH_JWT_SECRET ?? (keyed ? null : DEVELOPMENT_JWT_SECRET),
      publicKeyFile: e.AUTH_JWT_PUBLIC_KEY_FILE ?? null,
      jwksFile: e.AUTH_JWKS_FILE ?? null,
      issuer: e.AUTH_ISSUER ?? null,
      audience: e.AUTH_AUDIENCE ?? null,
      maxLifetimeSeconds: e.TOKEN_MAX_LIFETIME_SECONDS,
    },
    limits: {
      maxDepth: e.LIMIT_MAX_DEPTH,
      maxAliases: e.LIMIT_MAX_ALIASES,
      maxTokens: e.LIMIT_MAX_TOKENS,
      maxCost: e.LIMIT_MAX_COST,
      maxDirectives: e.LIMIT_MAX_DIRECTIVES,
    },
    wsMaxSubscriptions: e.WS_MAX_SUBSCRIPTIONS_PER_SOCKET,
    outbox: {
      retentionDays: e.OUTBOX_RETENTION_DAYS,
      subscriberQueue: e.OUTBOX_SUBSCRIBER_QUEUE,
      pollMs: e.OUTBOX_POLL_MS,
    },
    graphiql: e.GRAPHIQL,
    introspection: e.INTROSPECTION,
    sandbox: {
      // The zero-configuration default: no database and no department systems configured.
      enabled: e.SANDBOX ?? (e.DATABASE_URL === undefined && Object.keys(sources).length === 0),
      preset: e.SANDBOX_PRESET,
      seed: e.SANDBOX_SEED,
      portBase: e.SANDBOX_PORT_BASE,
      streamMs: e.SANDBOX_STREAM_MS,
    },
    sources,
    sourceTimeoutMs: e.SOURCE_TIMEOUT_MS,
    connectorAllowedHosts:
      e.CONNECTOR_ALLOWED_HOSTS?.split(",")
        .map((h) => h.trim())
        .filter((h) => h.length > 0) ?? (e.NODE_ENV === "production" ? [] : LOOPBACK_HOSTS),
    syncScheduler: e.SYNC_SCHEDULER,
    syncWorkerSweepMs: e.SYNC_WORKER_SWEEP_MS,
    workflow: {
      calendarYears: loadCalendar(e.WORK_CALENDAR_FILE),
      repeatWindowDays: e.REPEAT_PETITION_WINDOW_DAYS,
      collectiveMinPeople: e.COLLECTIVE_PETITION_MIN_PEOPLE,
    },
    logLevel: e.LOG_LEVEL,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    metricsEnabled: e.METRICS_ENABLED,
    otel: { endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT ?? null, serviceName: e.OTEL_SERVICE_NAME },
    purposes: loadPurposes(e.PURPOSES_FILE),
    audit: {
      retentionDays: e.AUDIT_RETENTION_DAYS,
      flushMs: e.AUDIT_FLUSH_MS,
      maxPending: e.AUDIT_QUEUE_MAX,
    },
    accessControl: e.ACCESS_CONTROL === "on",
  };
}
