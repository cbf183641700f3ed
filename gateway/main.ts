// `npm start`: the composition root. With no DATABASE_URL it starts the embedded PostgreSQL
// (data under DATA_DIR, kept across restarts), applies pending migrations, loads reference data
// and the demo city, and serves. SIGTERM/SIGINT stop it gracefully.
import path from "node:path";
import type { Connector } from "../connectors/contract.js";
import { hotlineManifest } from "../connectors/departments/hotline/manifest.js";
import { builtinConnectors } from "../connectors/departments/index.js";
import { buildDemoAreaTree } from "../connectors/sandbox/city/areas.js";
import { ChangeBus } from "../integration/change-bus.js";
import { restoreDeclarative } from "../integration/declarative-registry.js";
import { ResolutionScheduler } from "../integration/resolution/scheduler.js";
import { seedReferenceData } from "../integration/seed.js";
import { SyncEngine } from "../integration/sync/engine.js";
import { createDb, migrate } from "../prisma/db.js";
import { type EmbeddedDatabase, startEmbeddedPostgres } from "../prisma/embedded-postgres.js";
import { ConfigError, DEVELOPMENT_JWT_SECRET, type HubConfig, loadConfig } from "./config.js";
import { createLogger, type Logger } from "./logger.js";
import { startHub } from "./server.js";

export async function boot(config: HubConfig, log: Logger, connectors: readonly Connector[] = []) {
  // Shutdown steps, run in reverse order of start-up.
  const cleanups: { step: string; run: () => Promise<void> }[] = [];
  const cleanup = async () => {
    for (const { step, run } of cleanups.reverse()) {
      log.debug("shutdown step", { step });
      await run().catch((e: Error) => log.error("shutdown step failed", { step, error: e.message }));
    }
  };
  try {
    let databaseUrl = config.databaseUrl;
    let embedded: EmbeddedDatabase | null = null;
    if (!databaseUrl) {
      const dataDir = path.resolve(config.dataDir, "postgres");
      log.info("starting embedded PostgreSQL", { dataDir, port: config.embeddedPgPort });
      embedded = await startEmbeddedPostgres({
        dataDir,
        port: config.embeddedPgPort,
        database: "citygraph",
        log: (line) => log.debug("postgres", { line }),
      });
      cleanups.push({ step: "stop embedded PostgreSQL", run: () => embedded!.stop() });
      databaseUrl = embedded.url;
    }
    const applied = await migrate(databaseUrl);
    log.info("migrations applied", { applied });

    const db = createDb({ url: databaseUrl, poolMax: config.dbPoolMax });
    cleanups.push({ step: "close database pool", run: () => db.$disconnect() });
    const seeded = await seedReferenceData(db, config.demoData ? buildDemoAreaTree() : null);
    if (config.demoData) log.info("demo area tree loaded", seeded);

    const changes = await ChangeBus.start({ url: databaseUrl, log: (m) => log.warn(m) });
    cleanups.push({ step: "close change bus", run: () => changes.stop() });

    let sources = config.sources;
    if (config.sandbox.enabled) {
      const { startSandbox } = await import("../connectors/sandbox/services/index.js");
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
      });
      cleanups.push({ step: "stop sandbox department systems", run: () => sandbox.stop() });
      log.info("sandbox department systems started", { preset: config.sandbox.preset, urls: sandbox.urls });
      sources = { ...sandbox.urls, ...sources };
    }
    // persons without a trustworthy key are resolved against the registry after each sync that brought records
    const resolution = new ResolutionScheduler(db, {
      idle: () => sync.isIdle(),
      log: (msg, fields) => log.info(msg, fields),
    });
    cleanups.push({ step: "finish the resolution pass", run: () => resolution.stop() });
    const sync: SyncEngine = new SyncEngine(db, {
      log: (msg, fields) => log.warn(msg, fields),
      onIngested: () => resolution.request(),
    });
    for (const connector of [
      ...builtinConnectors(sources, { timeoutMs: config.sourceTimeoutMs }),
      ...connectors,
    ])
      await sync.register(connector, "BUILTIN");
    const restored = await restoreDeclarative(db, sync, (msg, fields) => log.error(msg, fields));
    if (restored.length > 0) log.info("declarative connectors restored", { connectors: restored });
    if (config.syncScheduler) sync.start();
    cleanups.push({ step: "stop sync engine", run: () => sync.stop() });

    const hub = await startHub({ config, db, changes, sync, log });
    cleanups.push({ step: "drain HTTP and WebSocket", run: () => hub.stop() });
    return { hub, databaseUrl, embedded, stop: cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

async function main(): Promise<void> {
  let config: HubConfig;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const log = createLogger(config.logLevel);
  const running = await boot(config, log);
  if (config.auth.secret === DEVELOPMENT_JWT_SECRET)
    log.warn(
      "tokens are signed with the development secret; set AUTH_JWT_SECRET or a public key for real use",
    );
  process.stderr.write(
    `\nCityGraph is up.\n  GraphiQL: ${running.hub.url}/graphiql\n  GraphQL:  ${running.hub.url}/graphql (WebSocket on the same path)\n  Token:    npm run token -- --role city_commander --area 320600\n\n`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { signal });
    // Should anything hang past the grace period, leave anyway.
    setTimeout(() => process.exit(1), config.shutdownGraceMs + 15_000).unref();
    await running.stop();
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: Error) => {
    process.stderr.write(`CityGraph failed to start: ${e.message}\n`);
    process.exit(1);
  });
}
