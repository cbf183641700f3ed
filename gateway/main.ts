// `npm start`: reads the configuration from the environment, boots the hub through the
// composition root (gateway/boot.ts), and stops it gracefully on SIGTERM/SIGINT.
import { bootHub } from "./boot.js";
import { startClusterPrimary } from "./cluster.js";
import { ConfigError, DEVELOPMENT_JWT_SECRET, type HubConfig, loadConfig } from "./config.js";
import { createLogger } from "./logger.js";

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
  const hub = await bootHub(config, { log });
  if (config.auth.secret === DEVELOPMENT_JWT_SECRET)
    log.warn(
      "tokens are signed with the development secret; set AUTH_JWT_SECRET or a public key for real use",
    );
  process.stderr.write(
    `\nCityGraph is up.\n  GraphiQL: ${hub.url}/graphiql\n  GraphQL:  ${hub.url}/graphql (WebSocket on the same path)\n  Token:    npm run token -- --role city_commander --area 320600\n\n`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { signal });
    // Should anything hang past the grace period, leave anyway.
    setTimeout(() => process.exit(1), config.shutdownGraceMs + 15_000).unref();
    await hub.shutdown();
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

// HUB_WORKERS > 1: this process only forks and watches the hubs (gateway/cluster.ts).
if (import.meta.url === `file://${process.argv[1]}` && !startClusterPrimary()) {
  main().catch((e: Error) => {
    process.stderr.write(`CityGraph failed to start: ${e.message}\n`);
    process.exit(1);
  });
}
