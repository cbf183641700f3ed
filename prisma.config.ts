import { defineConfig } from "prisma/config";

// Offline by design: the CLI checks only that this file exists (generate, validate) and spawns it
// for migrate/db commands, so the native engine is never downloaded. Never point it at /bin/true:
// `migrate deploy` would then silently apply nothing.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= new URL(
  "./prisma/engine/schema-engine.mjs",
  import.meta.url,
).pathname;
process.env.CHECKPOINT_DISABLE ??= "1"; // no update check, no telemetry

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  // Unset DATABASE_URL: the embedded PostgreSQL's default address (see gateway/config.ts).
  datasource: {
    url:
      process.env.DATABASE_URL ??
      `postgresql://citygraph:citygraph@127.0.0.1:${process.env.EMBEDDED_PG_PORT || "54329"}/citygraph`,
  },
});
