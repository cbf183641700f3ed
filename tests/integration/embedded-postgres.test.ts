// The embedded PostgreSQL (prisma/embedded-postgres.ts) as an operator may have configured it: a
// server whose log goes to files (logging_collector, set with ALTER SYSTEM) never writes its ready
// line where the hub reads it, and still starts (it waited forever before: seen timing out); a
// port another cluster's server holds is reported, not taken for this cluster's.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, it, onTestFinished } from "vitest";
import { startEmbeddedPostgres } from "../../prisma/embedded-postgres.js";
import { freePort } from "../support/pg.js";

const cluster = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "citygraph-embedded-test-"));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
};

const query = async (url: string, sql: string) => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
};

describe("the embedded PostgreSQL", () => {
  it("starts with its log collected to files, and keeps its data", async () => {
    const dataDir = cluster();
    const port = await freePort();
    const first = await startEmbeddedPostgres({ dataDir, port, database: "citygraph" });
    try {
      await query(first.url, "CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)");
      await query(first.adminUrl, "ALTER SYSTEM SET logging_collector = on");
    } finally {
      await first.stop();
    }
    const lines: string[] = [];
    const again = await startEmbeddedPostgres({
      dataDir,
      port,
      database: "citygraph",
      log: (l) => lines.push(l),
    });
    try {
      expect(await query(again.adminUrl, "SHOW logging_collector")).toEqual([{ logging_collector: "on" }]);
      expect(lines.join("\n")).not.toContain("ready to accept connections"); // it went to a file
      expect(await query(again.url, "SELECT n FROM kept")).toEqual([{ n: 42 }]);
    } finally {
      await again.stop();
    }
  }, 60_000);

  it("does not take another cluster's server on its port for its own", async () => {
    const port = await freePort();
    const other = await startEmbeddedPostgres({ dataDir: cluster(), port, database: "citygraph" });
    try {
      await expect(
        startEmbeddedPostgres({ dataDir: cluster(), port, database: "citygraph" }),
      ).rejects.toThrow(/did not start/);
    } finally {
      await other.stop();
    }
  }, 60_000);
});
