// The five built-in connectors against sandbox department systems that serve at most 100 records
// a page, whatever the connectors ask for (their manifests ask for more): every record still
// arrives, because paging ends only when a source says it has no more, and each run's count
// reconciles (served = stored + unchanged + quarantined + duplicates).
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { builtinConnectors } from "../../connectors/departments/index.js";
import { SyncEngine } from "../../integration/sync/engine.js";
import { createDb, type Db } from "../../prisma/db.js";
import { siloDatasets } from "../../sandbox/generator/index.js";
import type { Sandbox } from "../../sandbox/services/index.js";
import { cloneTemplate } from "../support/pg.js";
import { startSmallSandbox } from "./sandbox/support.js";

const CAP = 100;
let sandbox: Sandbox;
let db: Db;
let drop: () => Promise<void>;

beforeAll(async () => {
  sandbox = await startSmallSandbox({ maxPageSize: CAP });
  const database = await cloneTemplate(inject("pgAdminUrl"), inject("pgTemplate"));
  drop = database.drop;
  db = createDb({ url: database.url, poolMax: 4 });
});
afterAll(async () => {
  await db?.$disconnect();
  await drop?.();
  await sandbox?.stop();
});

describe("sources that cap their pages", () => {
  it("serve no more than their cap, whatever the limit asked", async () => {
    const res = await fetch(`${sandbox.urls.publicSecurity}/api/v1/population?limit=2000`);
    const body = (await res.json()) as { data: { records: unknown[] } };
    expect(body.data.records).toHaveLength(CAP);
  });

  it("are read to the end by every built-in connector, and every run's count reconciles", async () => {
    const perSilo: Record<string, number> = {};
    for (const ds of siloDatasets(sandbox.city)) {
      let n = 0;
      for (let u = 0; u < ds.unitCount; u++) n += ds.recordCount(u);
      perSilo[ds.silo] = (perSilo[ds.silo] ?? 0) + n;
    }
    const engine = new SyncEngine(db, { random: () => 0 });
    const connectors = builtinConnectors(sandbox.urls);
    for (const c of connectors) await engine.register(c, "BUILTIN");
    for (const c of connectors) {
      const id = c.manifest.id;
      expect(c.manifest.schedule.pageSize, id).toBeGreaterThan(CAP);
      const r = await engine.run(id);
      expect(r.outcome, id).toBe("SUCCEEDED");
      expect(r.served, id).toBe(r.ingested + r.unchanged + r.quarantined + r.duplicates);
      expect(await db.sourceRecord.count({ where: { connectorId: id } }), id).toBe(r.ingested);
      const run = await db.syncRun.findFirstOrThrow({ where: { connectorId: id } });
      expect(run, id).toMatchObject({ outcome: "SUCCEEDED", served: r.served, stored: r.ingested });
    }
    const served = Object.fromEntries(
      (await db.syncRun.findMany({ select: { connectorId: true, served: true } })).map((r) => [
        r.connectorId,
        r.served,
      ]),
    );
    expect(served["public-security"]).toBe(perSilo.publicSecurity);
    expect(served["civil-affairs"]).toBe(perSilo.civilAffairs);
    expect(served["hotline-12345"]).toBe(perSilo.hotline);
    expect(served.petition).toBe(perSilo.petition);
    expect(served.grid).toBeGreaterThanOrEqual(perSilo.grid!); // the grid also serves its area tree
    await engine.stop();
  }, 180_000);
});
