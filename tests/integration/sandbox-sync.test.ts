// The five built-in connectors against the sandbox department systems, end to end: every record
// of the synthetic city arrives exactly once with a time-ordered key, re-sync adds nothing, and a
// sync killed with SIGKILL and restarted ends with exactly the generator's record counts.
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { builtinConnectors } from "../../connectors/departments/index.js";
import { publicSecurityManifest } from "../../connectors/departments/public-security/manifest.js";
import { outsideAreaKindOf } from "../../domain/outside-areas.js";
import { SyncEngine } from "../../integration/sync/engine.js";
import { createDb, type Db } from "../../prisma/db.js";
import { siloDatasets } from "../../sandbox/generator/index.js";
import type { Sandbox } from "../../sandbox/services/index.js";
import { cloneTemplate } from "../support/pg.js";
import { startSmallSandbox } from "./sandbox/support.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
let sandbox: Sandbox;
const cleanups: (() => Promise<void>)[] = [];

/** Records per connector the generator says each silo holds (areas: the demo tree, served by grid). */
function expectedCounts(): Record<string, number> {
  const perSilo: Record<string, number> = {};
  for (const ds of siloDatasets(sandbox.city)) {
    let n = 0;
    for (let u = 0; u < ds.unitCount; u++) n += ds.recordCount(u);
    perSilo[ds.silo] = (perSilo[ds.silo] ?? 0) + n;
  }
  return perSilo;
}

async function freshDb(): Promise<Db> {
  const database = await cloneTemplate(inject("pgAdminUrl"), inject("pgTemplate"));
  const db = createDb({ url: database.url, poolMax: 4 });
  cleanups.push(async () => {
    await db.$disconnect();
    await database.drop();
  });
  (db as Db & { url?: string }).url = database.url;
  return db;
}

beforeAll(async () => {
  sandbox = await startSmallSandbox();
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await sandbox?.stop();
});

describe("the five silos", () => {
  it("sync completely, once, and a second sync changes nothing", async () => {
    const db = await freshDb();
    const engine = new SyncEngine(db);
    const connectors = builtinConnectors(sandbox.urls);
    expect(connectors.map((c) => c.manifest.id)).toEqual([
      "grid",
      "public-security",
      "civil-affairs",
      "hotline-12345",
      "petition",
    ]);
    for (const c of connectors) await engine.register(c, "BUILTIN");
    for (const c of connectors) {
      const report = await engine.run(c.manifest.id);
      expect(report, c.manifest.id).toMatchObject({ outcome: "SUCCEEDED", quarantined: 0 });
    }
    const counts = Object.fromEntries(
      (await db.sourceRecord.groupBy({ by: ["connectorId"], _count: { _all: true } })).map((g) => [
        g.connectorId,
        g._count._all,
      ]),
    );
    const expected = expectedCounts();
    // the areas the grid's registry gave (not the city's 市外 / 区划不明, which the hub makes)
    const areas = (await db.area.findMany({ select: { code: true } })).filter(
      (a) => outsideAreaKindOf(a.code) === null,
    ).length;
    expect(counts).toEqual({
      "public-security": expected.publicSecurity,
      "civil-affairs": expected.civilAffairs,
      "hotline-12345": expected.hotline,
      petition: expected.petition,
      grid: expected.grid! + areas,
    });
    // the rows the sync made have time-ordered keys (UUID version 7, the 13th hex digit), whose
    // index entries go to the right-hand end of each index (integration/row-id.ts)
    const unordered = await db.$queryRawUnsafe<{ table: string; rows: number }[]>(
      `SELECT k.t AS table, count(*)::int AS rows FROM (
         SELECT 'SourceRecord' AS t, id FROM "SourceRecord" UNION ALL SELECT 'Person', id FROM "Person"
         UNION ALL SELECT 'Address', id FROM "Address" UNION ALL SELECT 'Organisation', id FROM "Organisation"
         UNION ALL SELECT 'Event', id FROM "Event" UNION ALL SELECT 'EventStep', id FROM "EventStep"
       ) k WHERE substr(k.id::text, 15, 1) <> '7' GROUP BY k.t`,
    );
    expect(unordered).toEqual([]);
    expect(await db.person.count()).toBeGreaterThan(0);

    for (const c of connectors) {
      await db.connector.update({ where: { id: c.manifest.id }, data: { cursor: null } });
      const again = await engine.run(c.manifest.id);
      expect(again, c.manifest.id).toMatchObject({ outcome: "SUCCEEDED", ingested: 0, quarantined: 0 });
    }
    expect(await db.sourceRecord.count()).toBe(Object.values(counts).reduce((a, b) => a + b, 0));
  }, 180_000);
});

describe("a sync killed with SIGKILL", () => {
  it("resumes from its last committed page and ends with exactly the generator's count", async () => {
    const db = await freshDb();
    const url = (db as Db & { url?: string }).url!;
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "tests/support/sync-child.ts",
        url,
        "publicSecurity",
        sandbox.urls.publicSecurity!,
        "50",
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    // Kill it once a few pages are committed, in the middle of the run.
    const deadline = Date.now() + 60_000;
    let committed = 0;
    while (Date.now() < deadline) {
      committed = await db.sourceRecord.count({ where: { connectorId: publicSecurityManifest.id } });
      if (committed >= 300 || child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(child.exitCode, output).toBeNull(); // still running: the kill lands mid-sync
    child.kill("SIGKILL");
    await exited;
    const afterKill = await db.sourceRecord.count({ where: { connectorId: publicSecurityManifest.id } });
    expect(afterKill).toBeGreaterThan(0);
    expect(afterKill % 50).toBe(0); // only whole pages were committed

    // Restart: the killed runner's lock went with its database session.
    const engine = new SyncEngine(db);
    const [connector] = builtinConnectors({ publicSecurity: sandbox.urls.publicSecurity! });
    await engine.register(connector!, "BUILTIN");
    const report = await engine.run(publicSecurityManifest.id);
    expect(report.outcome).toBe("SUCCEEDED");
    const expected = expectedCounts().publicSecurity!;
    expect(await db.sourceRecord.count({ where: { connectorId: publicSecurityManifest.id } })).toBe(expected);
    const distinct = await db.sourceRecord.groupBy({
      by: ["sourceKey"],
      where: { connectorId: publicSecurityManifest.id },
    });
    expect(distinct.length).toBe(expected); // no duplicates
    expect(afterKill + report.ingested).toBe(expected);
  }, 120_000);
});
