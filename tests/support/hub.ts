// A real hub for a test file: its own cloned database, real HTTP and WebSocket servers on a free
// port, real clients. Nothing of our own code is mocked.
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import { type Client, createClient } from "graphql-ws";
import { inject } from "vitest";
import WebSocket from "ws";
import type { Connector } from "../../connectors/contract.js";
import type { Clock } from "../../domain/clock.js";
import type { Role } from "../../domain/roles.js";
import { mintToken, type TokenClaims } from "../../gateway/auth.js";
import { type BootedHub, type BootOverrides, bootHub } from "../../gateway/boot.js";
import { type HubConfig, loadConfig } from "../../gateway/config.js";
import { createLogger } from "../../gateway/logger.js";
import type { RunningHub } from "../../gateway/server.js";
import type { SyncEngine } from "../../integration/sync/engine.js";
import type { Db } from "../../prisma/db.js";
import { cloneTemplate } from "./pg.js";

export const TEST_JWT_SECRET = "test-secret-0123456789-0123456789-abcdef";

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  extensions?: Record<string, unknown>;
  headers: Headers;
}

export interface TestHub {
  url: string;
  wsUrl: string;
  db: Db;
  databaseUrl: string;
  config: HubConfig;
  hub: RunningHub;
  /** The whole hub as the composition root booted it (resolution scheduler, clock, shutdown steps). */
  booted: BootedHub;
  sync: SyncEngine;
  /** Log lines the hub wrote (JSON), for assertions on logging. */
  logs: string[];
  /**
   * Every SQL statement GraphQL requests sent since the last reset (only with `countStatements`;
   * otherwise always empty; background work is not counted). For N+1 tests: compare counts, not
   * timings.
   */
  statements: { list(): string[]; reset(): void };
  token(claims: Partial<TokenClaims> & { roles: Role[] }, expiresIn?: string | number): Promise<string>;
  gql<T = Record<string, unknown>>(
    query: string,
    options?: { token?: string; variables?: Record<string, unknown>; headers?: Record<string, string> },
  ): Promise<GraphQLResponse<T>>;
  wsClient(connectionParams?: Record<string, unknown>): Client;
  /** Stop; the database is dropped unless kept for a restart. */
  stop(options?: { keepDatabase?: boolean }): Promise<void>;
  dropDatabase(): Promise<void>;
}

export async function startTestHub(
  env: Record<string, string> = {},
  connectors: readonly Connector[] = [],
  /** Reuse a database (a restart): not cloned; stored connectors are restored. */
  reuse?: { databaseUrl: string; dropDatabase: () => Promise<void> },
  options: {
    countStatements?: boolean;
    clock?: Clock;
    /** The resolution scheduler's wait after a sync that brought records (production: 5 s). */
    resolutionDelayMs?: number;
    /** false: syncs do not start the resolution pass (BootOverrides.resolveAfterSync). */
    resolveAfterSync?: boolean;
    /** Where the hub's spans go (an InMemorySpanExporter to read traces); default: none. */
    spanExporter?: SpanExporter;
  } = {},
): Promise<TestHub> {
  const database = reuse
    ? { url: reuse.databaseUrl, drop: reuse.dropDatabase }
    : await cloneTemplate(inject("pgAdminUrl"), inject("pgTemplate"));
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    DATABASE_URL: database.url,
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: "info",
    DB_POOL_MAX: "4",
    // Tests run their connectors by hand (sync.run, triggerSync) and assert on what one run did;
    // the schedule's initial run of every connector would race them.
    SYNC_SCHEDULER: "false",
    ...env,
  });
  const logs: string[] = [];
  const log = createLogger(config.logLevel, (line) => logs.push(line));
  let statements: string[] = [];
  // The same boot as `npm start`; only what BootOverrides offers differs.
  const overrides: BootOverrides = {
    log,
    connectors,
    random: () => 0, // retry backoff without jitter: short and always the same
    // Only the requests' own statements: background jobs on the main pool would blur the count.
    ...(options.countStatements ? { onRequestQuery: (sql: string) => void statements.push(sql) } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.resolutionDelayMs !== undefined ? { resolutionDelayMs: options.resolutionDelayMs } : {}),
    ...(options.spanExporter ? { spanExporter: options.spanExporter } : {}),
    ...(options.resolveAfterSync === false ? { resolveAfterSync: false } : {}),
  };
  let booted: BootedHub;
  try {
    booted = await bootHub(config, overrides);
  } catch (e) {
    if (!reuse) await database.drop();
    throw e;
  }
  const { http: hub, db, sync } = booted;
  const wsUrl = `${hub.url.replace(/^http/, "ws")}/graphql`;
  const clients: Client[] = [];

  return {
    url: hub.url,
    wsUrl,
    db,
    databaseUrl: database.url,
    config,
    hub,
    booted,
    sync,
    logs,
    statements: {
      list: () => [...statements],
      reset: () => {
        statements = [];
      },
    },
    token: (claims, expiresIn = "1h") =>
      mintToken(
        TEST_JWT_SECRET,
        { sub: claims.sub ?? `test-${claims.roles[0]}`, areas: [], ...claims },
        { expiresIn },
      ),
    async gql(query, options = {}) {
      const response = await fetch(`${hub.url}/graphql`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...options.headers,
        },
        body: JSON.stringify({ query, variables: options.variables }),
      });
      const body = (await response.json()) as Omit<GraphQLResponse, "status" | "headers">;
      return { ...body, status: response.status, headers: response.headers } as GraphQLResponse<never>;
    },
    wsClient(connectionParams) {
      const client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        connectionParams,
        retryAttempts: 0,
        lazy: true,
      });
      clients.push(client);
      return client;
    },
    dropDatabase: database.drop,
    async stop(options = {}) {
      for (const c of clients) await c.dispose();
      await booted.shutdown();
      if (!options.keepDatabase) await database.drop();
    },
  };
}

/** Collect a subscription's first `count` results (or all, for a query) over graphql-ws. */
export async function take<T>(
  client: Client,
  payload: { query: string; variables?: Record<string, unknown> },
  count = Number.POSITIVE_INFINITY,
): Promise<
  { data?: T | null; errors?: readonly { message: string; extensions?: Record<string, unknown> }[] }[]
> {
  const results: {
    data?: T | null;
    errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
  }[] = [];
  const iterator = client.iterate<T>(payload);
  for await (const result of iterator) {
    results.push(result as (typeof results)[number]);
    if (results.length >= count) break;
  }
  return results;
}

/** Tokens for a city-wide data steward (also a commander) and a city commander without it. */
export async function stewardAndCommander(hub: TestHub): Promise<{ steward: string; commander: string }> {
  return {
    steward: await hub.token({
      roles: ["data_steward", "city_commander"],
      areas: ["320600"],
      purpose: "EMERGENCY_RESPONSE",
    }),
    commander: await hub.token({
      roles: ["city_commander"],
      areas: ["320600"],
      purpose: "EMERGENCY_RESPONSE",
    }),
  };
}
