// Once per test run: a real PostgreSQL (embedded, or TEST_DATABASE_URL's server) and a template
// database, migrated and seeded with reference data and the demo area tree. Each test file clones
// it (CREATE DATABASE … TEMPLATE), which takes milliseconds.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { seedReferenceData } from "../../integration/seed.js";
import { createDb, migrate } from "../../prisma/db.js";
import { startEmbeddedPostgres } from "../../prisma/embedded-postgres.js";
import { buildDemoAreaTree } from "../../sandbox/city/areas.js";
import { adminQuery, databaseUrl, freePort } from "./pg.js";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
  }
}

export default async function setup(project: TestProject) {
  let adminUrl = process.env.TEST_DATABASE_URL ?? null;
  let stopEmbedded: (() => Promise<void>) | null = null;
  if (!adminUrl) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "citygraph-test-pg-"));
    const pg = await startEmbeddedPostgres({
      dataDir: dir,
      port: await freePort(),
      database: "postgres",
      ephemeral: true,
    });
    adminUrl = pg.adminUrl;
    stopEmbedded = pg.stop;
  }
  const template = `citygraph_template_${process.pid}`;
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
  await adminQuery(adminUrl, `CREATE DATABASE "${template}"`);
  const templateUrl = databaseUrl(adminUrl, template);
  await migrate(templateUrl);
  const db = createDb({ url: templateUrl, poolMax: 2 });
  await seedReferenceData(db, buildDemoAreaTree());
  await db.$disconnect();

  project.provide("pgAdminUrl", adminUrl);
  project.provide("pgTemplate", template);
  return async () => {
    if (stopEmbedded) await stopEmbedded();
    else await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
  };
}
