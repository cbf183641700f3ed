// The sync engine and ingest against a department system over real HTTP: a small test-owned
// system (a housing bureau's registrations) so each failure mode can be switched on at will.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  type Connector,
  type ConnectorManifest,
  type JsonValue,
  type MappingOutcome,
  type SourceRecordInput,
  UpstreamFormatError,
  UpstreamUnavailableError,
} from "../../connectors/contract.js";
import { buildDemoAreaTree } from "../../connectors/sandbox/city/areas.js";
import { citizenIdCheckChar } from "../../domain/identifiers/citizen-id.js";
import { SyncEngine } from "../../integration/sync/engine.js";
import { createDb, type Db } from "../../prisma/db.js";
import { cloneTemplate } from "../support/pg.js";

const grids = buildDemoAreaTree().filter((a) => a.level === "GRID");
const citizenId = (i: number) => {
  const body =
    `320602${1960 + (i % 40)}0${1 + (i % 9)}1${i % 10}${String(100 + (i % 900)).padStart(3, "0")}`.slice(
      0,
      17,
    );
  return body + citizenIdCheckChar(body);
};

interface Registration {
  regNo: string;
  tenantId: string;
  tenantName: string;
  phone: string;
  gridCode: string;
  registeredAt: string | null;
  status: "登记" | "核实" | "注销";
}

function registrations(n: number, prefix = "ZF"): Registration[] {
  return Array.from({ length: n }, (_, i) => ({
    regNo: `${prefix}${String(i).padStart(5, "0")}`,
    // every 10th tenant appears twice: the same person renting twice
    tenantId: citizenId(i % 10 === 9 ? i - 1 : i),
    tenantName: `租户${i % 10 === 9 ? i - 1 : i}`,
    phone: `1390000${String(i).padStart(4, "0")}`,
    gridCode: grids[i % grids.length]!.code,
    registeredAt: new Date(Date.UTC(2026, 0, 1 + (i % 28))).toISOString(),
    status: "登记",
  }));
}

/** The housing bureau's system: GET /registrations?offset=&limit=, with a switchable fault. */
function startHousingSystem(data: Registration[]) {
  const state = { fault: "none" as "none" | "error500" | "garbage", requests: 0 };
  const server = http.createServer((req, res) => {
    state.requests++;
    const url = new URL(req.url ?? "/", "http://x");
    if (state.fault === "error500") return void res.writeHead(500).end("upstream broke");
    if (state.fault === "garbage")
      return void res.writeHead(200, { "content-type": "application/json" }).end("{ not json");
    const offset = Number(url.searchParams.get("offset") ?? 0);
    const limit = Number(url.searchParams.get("limit") ?? 10);
    const items = data.slice(offset, offset + limit);
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        items,
        nextOffset: offset + items.length,
        hasMore: offset + items.length < data.length,
      }),
    );
  });
  return new Promise<{ url: string; state: typeof state; close: () => Promise<void> }>((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        state,
        close: () => new Promise((r) => server.close(() => r())),
      }),
    ),
  );
}

const manifest: ConnectorManifest = {
  id: "housing-test",
  department: { code: "housing", name: "市住建局" },
  description: "rental registrations (test)",
  produces: ["PERSON", "EVENT"],
  fields: [
    { element: "PERSON", field: "citizenId", sensitivity: "SENSITIVE", owner: "housing" },
    { element: "PERSON", field: "name", sensitivity: "PERSONAL", owner: "housing" },
    { element: "PERSON", field: "phone", sensitivity: "PERSONAL", owner: "housing" },
    { element: "EVENT", field: "title", sensitivity: "INTERNAL", owner: "housing" },
  ],
  schedule: { intervalSeconds: 3600, pageSize: 25 },
  capabilities: { lookups: [], push: true },
};

function housingConnector(baseUrl: string): Connector {
  return {
    manifest,
    async sync(cursor, pageSize, ctx) {
      const offset = Number(cursor ?? 0);
      let res: Response;
      try {
        res = await fetch(`${baseUrl}/registrations?offset=${offset}&limit=${pageSize}`, {
          signal: ctx.signal,
        });
      } catch (e) {
        throw new UpstreamUnavailableError(manifest.id, (e as Error).message);
      }
      if (!res.ok) throw new UpstreamUnavailableError(manifest.id, `HTTP ${res.status}`, res.status);
      let body: { items: Registration[]; nextOffset: number; hasMore: boolean };
      try {
        body = (await res.json()) as typeof body;
      } catch {
        throw new UpstreamFormatError(manifest.id, "body is not JSON");
      }
      return {
        records: body.items.map((r) => ({ sourceKey: r.regNo, payload: r as unknown as JsonValue })),
        nextCursor: String(body.nextOffset),
        done: !body.hasMore,
      };
    },
    map(record: SourceRecordInput): MappingOutcome {
      const r = record.payload as unknown as Registration;
      if (!r.registeredAt)
        return {
          ok: false,
          problems: [
            { code: "MISSING_FIELD", field: "registeredAt", message: `${r.regNo}: no registration time` },
          ],
        };
      return {
        ok: true,
        drafts: [
          { element: "PERSON", ref: "tenant", citizenId: r.tenantId, name: r.tenantName, phone: r.phone },
          {
            element: "EVENT",
            ref: "registration",
            kind: "GRID_REPORT",
            title: `出租登记 ${r.regNo}`,
            occurredAt: r.registeredAt,
            reportedAt: r.registeredAt,
            areaCode: r.gridCode,
            status: r.status === "注销" ? "ARCHIVED" : r.status === "核实" ? "VERIFIED" : "REPORTED",
            persons: [{ ref: "tenant", role: "SUBJECT" }],
            organisations: [],
          },
        ],
      };
    },
    parsePush(body) {
      const b = body as unknown as { deliveryId: string; registration: Registration };
      return {
        deliveryId: b.deliveryId,
        records: [{ sourceKey: b.registration.regNo, payload: b.registration as unknown as JsonValue }],
      };
    },
    async health() {
      return { up: true };
    },
  };
}

let db: Db;
let drop: () => Promise<void>;
const closers: (() => Promise<void>)[] = [];
beforeAll(async () => {
  const database = await cloneTemplate(inject("pgAdminUrl"), inject("pgTemplate"));
  drop = database.drop;
  db = createDb({ url: database.url, poolMax: 4 });
});
afterAll(async () => {
  for (const c of closers) await c();
  await db?.$disconnect();
  await drop?.();
});

async function setup(data: Registration[], id = manifest.id) {
  const system = await startHousingSystem(data);
  closers.push(system.close);
  const engine = new SyncEngine(db, { random: () => 0 }); // no waiting between retries in tests
  closers.push(() => engine.stop());
  const connector = housingConnector(system.url);
  const withId = { ...connector, manifest: { ...manifest, id } };
  await engine.register(withId, "BUILTIN");
  return { system, engine, id };
}

describe("a full sync", () => {
  it("ingests every record page by page, links the same person by ID, and re-sync adds nothing", async () => {
    const data = registrations(120);
    const { engine, id } = await setup(data, "housing-full");
    const first = await engine.run(id);
    expect(first).toMatchObject({
      outcome: "SUCCEEDED",
      pages: 5,
      ingested: 120,
      unchanged: 0,
      quarantined: 0,
    });

    const sources = await db.sourceRecord.count({ where: { connectorId: id } });
    const events = await db.event.count({ where: { kind: "GRID_REPORT" } });
    const tenants = new Set(data.map((r) => r.tenantId)).size;
    const persons = await db.person.count({ where: { citizenId: { in: data.map((r) => r.tenantId) } } });
    expect([sources, events, persons]).toEqual([120, 120, tenants]);

    // Every event knows its subject, and every person value says which record asserts it.
    const event = await db.event.findFirstOrThrow({
      where: { title: "出租登记 ZF00009" },
      include: { persons: { include: { person: true } } },
    });
    expect(event.persons[0]!.person.citizenId).toBe(data[8]!.tenantId);
    const assertions = await db.assertion.findMany({
      where: { entityId: event.persons[0]!.personId, attribute: "phone" },
    });
    expect(assertions.map((a) => a.value).sort()).toEqual([data[8]!.phone, data[9]!.phone].sort());

    // Re-sync from the start: the same versions are no-ops.
    await db.connector.update({ where: { id }, data: { cursor: null } });
    const again = await engine.run(id);
    expect(again).toMatchObject({ outcome: "SUCCEEDED", ingested: 0, unchanged: 120 });
    expect(await db.sourceRecord.count({ where: { connectorId: id } })).toBe(120);
    expect(await db.event.count({ where: { kind: "GRID_REPORT" } })).toBe(120);
    const status = await db.connector.findUniqueOrThrow({ where: { id } });
    expect(status).toMatchObject({
      health: "HEALTHY",
      recordsIngested: 120,
      recordsUnchanged: 120,
      leaseOwner: null,
    });
  });

  it("takes a changed record as a new version of the same event, with a step on its timeline", async () => {
    const data = registrations(3, "CH");
    const { engine, id } = await setup(data, "housing-change");
    await engine.run(id);
    data[1]!.status = "核实";
    await db.connector.update({ where: { id }, data: { cursor: null } });
    const report = await engine.run(id);
    expect(report).toMatchObject({ ingested: 1, unchanged: 2 });
    const event = await db.event.findFirstOrThrow({
      where: { title: "出租登记 CH00001" },
      include: { steps: { orderBy: { at: "asc" } } },
    });
    expect(event.status).toBe("VERIFIED");
    expect(event.steps.map((s) => [s.fromStatus, s.toStatus])).toEqual([
      [null, "REPORTED"],
      ["REPORTED", "VERIFIED"],
    ]);
    expect(await db.sourceRecord.count({ where: { connectorId: id, sourceKey: "CH00001" } })).toBe(2);
  });
});

describe("records that cannot be ingested", () => {
  it("are quarantined with their reason and field, once, and nothing else is lost", async () => {
    const data = registrations(10);
    data[2]!.registeredAt = null;
    data[5]!.gridCode = "320699001001001";
    const { engine, id } = await setup(data, "housing-bad");
    expect(await engine.run(id)).toMatchObject({ ingested: 8, quarantined: 2 });
    const q = await db.quarantinedRecord.findMany({
      where: { connectorId: id },
      orderBy: { sourceKey: "asc" },
    });
    expect(q.map((r) => [r.sourceKey, r.reasonCode, r.field])).toEqual([
      ["ZF00002", "MISSING_FIELD", "registeredAt"],
      ["ZF00005", "UNKNOWN_AREA", "areaCode"],
    ]);
    expect(q[1]!.message).toContain("320699001001001");
    expect(q[0]!.payload).toMatchObject({ regNo: "ZF00002", tenantName: "租户2" }); // kept whole

    await db.connector.update({ where: { id }, data: { cursor: null } });
    expect(await engine.run(id)).toMatchObject({ ingested: 0, quarantined: 0, unchanged: 10 });

    // The source fixes the record: the new version is ingested and the quarantine entry resolved.
    data[2]!.registeredAt = "2026-02-01T00:00:00.000Z";
    await db.connector.update({ where: { id }, data: { cursor: null } });
    expect(await engine.run(id)).toMatchObject({ ingested: 1 });
    const fixed = await db.quarantinedRecord.findFirstOrThrow({
      where: { connectorId: id, sourceKey: "ZF00002" },
    });
    expect(fixed.resolvedAt).not.toBeNull();
  });
});

describe("a failing source", () => {
  it.each(["error500", "garbage"] as const)(
    "(%s) degrades, then goes DOWN, and recovers when it answers",
    async (fault) => {
      const { engine, id, system } = await setup(registrations(30), `housing-${fault}`);
      system.state.fault = fault;
      const healths: string[] = [];
      for (let i = 0; i < 3; i++) {
        const report = await engine.run(id);
        expect(report.outcome).toBe("FAILED");
        healths.push((await db.connector.findUniqueOrThrow({ where: { id } })).health);
      }
      expect(healths).toEqual(["DEGRADED", "DEGRADED", "DOWN"]);
      const requests = system.state.requests;
      expect(await engine.run(id)).toMatchObject({ outcome: "SKIPPED", skipped: "CIRCUIT_OPEN" });
      expect(system.state.requests).toBe(requests); // an open circuit spares the source

      // Half-open after the open period: one trial run, which succeeds now.
      system.state.fault = "none";
      await db.connector.update({ where: { id }, data: { circuitOpenUntil: new Date(Date.now() - 1) } });
      expect(await engine.run(id)).toMatchObject({ outcome: "SUCCEEDED", ingested: 30 });
      expect(await db.connector.findUniqueOrThrow({ where: { id } })).toMatchObject({
        health: "HEALTHY",
        consecutiveFailures: 0,
      });
    },
  );

  it("retries a page before failing the run", async () => {
    const { engine, id, system } = await setup(registrations(5), "housing-retry");
    system.state.fault = "error500";
    await engine.run(id);
    expect(system.state.requests).toBe(4); // RETRY_POLICY.maxAttempts
    const row = await db.connector.findUniqueOrThrow({ where: { id } });
    expect(row.lastError).toContain("HTTP 500");
  });
});

describe("webhook pushes", () => {
  it("are taken in once per delivery, however often they are delivered", async () => {
    const { engine, id } = await setup([], "housing-push");
    const [registration] = registrations(1);
    const body = {
      deliveryId: "d-1",
      registration: { ...registration!, regNo: "ZF-PUSH-1" },
    } as unknown as JsonValue;
    const parsed = engine.connector(id)!.parsePush!(body);
    const first = await engine.ingestPush(id, parsed.deliveryId, parsed.records);
    const second = await engine.ingestPush(id, parsed.deliveryId, parsed.records);
    expect(first).toMatchObject({ duplicate: false, ingested: 1 });
    expect(second).toEqual({ duplicate: true });
    expect(await db.sourceRecord.count({ where: { connectorId: id } })).toBe(1);
  });
});
