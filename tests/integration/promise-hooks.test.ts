// The hub keeps Node's promise hooks off. A single AsyncLocalStorage run anywhere in the process
// (the schema engine's migrations at start-up once used one, and so did `transaction()` finding
// a sync page's connection) makes Node 20 run hooks around every
// await of every request for the rest of the process's life: two to three times the cost of a
// promise-heavy path (tests/fixtures/promise-hooks-probe.ts says how it is detected).
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, inject, it } from "vitest";
import { emptyDatabase, freePort } from "../support/pg.js";

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
const drops: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(drops.map((d) => d()));
});

async function probe(
  ...args: string[]
): Promise<{ before: boolean; after: boolean; ready: number; graphql: number; ownConnection: boolean }> {
  const db = await emptyDatabase(inject("pgAdminUrl"));
  drops.push(db.drop);
  const { stdout } = await exec(
    process.execPath,
    ["--import", "tsx", "tests/fixtures/promise-hooks-probe.ts", ...args],
    {
      cwd: ROOT,
      timeout: 90_000,
      env: {
        ...process.env,
        NODE_ENV: "development",
        DATABASE_URL: db.url,
        PORT: String(await freePort()),
        SYNC_SCHEDULER: "false",
        SANDBOX: "false",
        DEMO_DATA: "false",
      },
    },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}");
}

describe("promise hooks", () => {
  it("stay off in a hub that migrated its database, answered GraphQL and wrote as a sync page does", async () => {
    const seen = await probe();
    expect(seen).toEqual({ before: false, after: false, ready: 200, graphql: 200, ownConnection: true });
  }, 120_000);

  it("control: the probe sees them once one AsyncLocalStorage has run", async () => {
    const seen = await probe("--control");
    expect(seen).toMatchObject({ before: false, after: true, ready: 200 });
  }, 120_000);
});
