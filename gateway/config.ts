// Configuration: environment variables, validated once at start-up. Every variable is listed in
// the README; an invalid one stops the hub with a message that names it.
import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");
const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);

/** Signs `npm run token` tokens when no key is configured; refused when NODE_ENV=production. */
export const DEVELOPMENT_JWT_SECRET = "citygraph-development-secret-do-not-use-in-production";
/** Accepted on webhook pushes when WEBHOOK_TOKEN is unset; refused when NODE_ENV=production. */
export const DEVELOPMENT_WEBHOOK_TOKEN = "citygraph-development-webhook-token";

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().default("127.0.0.1"),
  PORT: int(4000, 0, 65535),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL")
    .optional(),
  DATA_DIR: z.string().default(".data"),
  EMBEDDED_PG_PORT: int(54329, 1, 65535),
  DB_POOL_MAX: int(10, 1, 500),
  DEMO_DATA: bool.optional(),

  AUTH_JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  AUTH_JWT_PUBLIC_KEY_FILE: z.string().optional(),
  AUTH_JWKS_FILE: z.string().optional(),
  AUTH_ISSUER: z.string().optional(),
  WEBHOOK_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  AUTH_AUDIENCE: z.string().optional(),

  LIMIT_MAX_DEPTH: int(12, 2, 100),
  LIMIT_MAX_ALIASES: int(20, 0, 1000),
  LIMIT_MAX_TOKENS: int(3000, 100, 100_000),
  LIMIT_MAX_COST: int(20_000, 10, 10_000_000),
  LIMIT_MAX_DIRECTIVES: int(20, 0, 1000),

  SANDBOX: bool.optional(),
  SANDBOX_PRESET: z.enum(["test", "demo", "bench"]).default("demo"),
  SANDBOX_SEED: z.string().min(1).default("citygraph"),
  SANDBOX_PORT_BASE: int(4101, 1, 65530),
  SOURCE_GRID_URL: z.url().optional(),
  SOURCE_PUBLIC_SECURITY_URL: z.url().optional(),
  SOURCE_CIVIL_AFFAIRS_URL: z.url().optional(),
  SOURCE_HOTLINE_URL: z.url().optional(),
  SOURCE_PETITION_URL: z.url().optional(),
  SOURCE_TIMEOUT_MS: int(10_000, 100, 600_000),
  GRAPHIQL: bool.default(true),
  SYNC_SCHEDULER: bool.default(true),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  SHUTDOWN_GRACE_MS: int(10_000, 0, 600_000),
});

export type Env = z.infer<typeof envSchema>;

export interface HubConfig {
  env: Env["NODE_ENV"];
  host: string;
  port: number;
  /** null: start the embedded PostgreSQL under dataDir. */
  databaseUrl: string | null;
  dataDir: string;
  embeddedPgPort: number;
  dbPoolMax: number;
  /** Load the demo area tree at start (default: only with the embedded database). */
  demoData: boolean;
  /** Departments' systems send it in `x-webhook-token` with every push. */
  webhookToken: string;
  auth: {
    secret: string | null;
    publicKeyFile: string | null;
    jwksFile: string | null;
    issuer: string | null;
    audience: string | null;
  };
  limits: { maxDepth: number; maxAliases: number; maxTokens: number; maxCost: number; maxDirectives: number };
  graphiql: boolean;
  /** The sandbox department systems: started with the hub, and the built-in connectors read them. */
  sandbox: { enabled: boolean; preset: "test" | "demo" | "bench"; seed: string; portBase: number };
  /** Base URLs of real department systems for the built-in connectors. */
  sources: Partial<Record<"grid" | "publicSecurity" | "civilAffairs" | "hotline" | "petition", string>>;
  sourceTimeoutMs: number;
  /** Run connectors on their schedules (off: only triggerSync runs them). */
  syncScheduler: boolean;
  logLevel: Env["LOG_LEVEL"];
  shutdownGraceMs: number;
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
  if (!e.WEBHOOK_TOKEN && e.NODE_ENV === "production")
    throw new ConfigError("invalid configuration:\n  WEBHOOK_TOKEN is required in production");
  return {
    env: e.NODE_ENV,
    webhookToken: e.WEBHOOK_TOKEN ?? DEVELOPMENT_WEBHOOK_TOKEN,
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL ?? null,
    dataDir: e.DATA_DIR,
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    dbPoolMax: e.DB_POOL_MAX,
    demoData: e.DEMO_DATA ?? e.DATABASE_URL === undefined,
    auth: {
      secret: e.AUTH_JWT_SECRET ?? (keyed ? null : DEVELOPMENT_JWT_SECRET),
      publicKeyFile: e.AUTH_JWT_PUBLIC_KEY_FILE ?? null,
      jwksFile: e.AUTH_JWKS_FILE ?? null,
      issuer: e.AUTH_ISSUER ?? null,
      audience: e.AUTH_AUDIENCE ?? null,
    },
    limits: {
      maxDepth: e.LIMIT_MAX_DEPTH,
      maxAliases: e.LIMIT_MAX_ALIASES,
      maxTokens: e.LIMIT_MAX_TOKENS,
      maxCost: e.LIMIT_MAX_COST,
      maxDirectives: e.LIMIT_MAX_DIRECTIVES,
    },
    graphiql: e.GRAPHIQL,
    sandbox: {
      // The zero-configuration default: no database and no department systems configured.
      enabled: e.SANDBOX ?? (e.DATABASE_URL === undefined && Object.keys(sources).length === 0),
      preset: e.SANDBOX_PRESET,
      seed: e.SANDBOX_SEED,
      portBase: e.SANDBOX_PORT_BASE,
    },
    sources,
    sourceTimeoutMs: e.SOURCE_TIMEOUT_MS,
    syncScheduler: e.SYNC_SCHEDULER,
    logLevel: e.LOG_LEVEL,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
  };
}
