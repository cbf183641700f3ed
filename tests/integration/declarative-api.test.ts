// A sixth department system, the housing bureau's rental registrations, registered at runtime
// through the API as data (endpoint, paging, format, JSONata mapping): previewed, registered,
// synced, queried, paused, kept across a restart, and retired. No code of ours changes.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../support/hub.js";
import { type HousingRentalSystem, rentals, startHousingRentalSystem } from "./declarative/support.js";

const EXAMPLE = JSON.parse(
  fs.readFileSync(
    path.resolve(import.meta.dirname, "../../connectors/declarative/examples/housing-rentals.json"),
    "utf8",
  ),
) as { source: { endpoint: string }; manifest: { id: string } };

let system: HousingRentalSystem;
let hub: TestHub;
let admin: string;
let definition: typeof EXAMPLE;
const data = rentals(30);

beforeAll(async () => {
  system = await startHousingRentalSystem(data);
  definition = { ...EXAMPLE, source: { ...EXAMPLE.source, endpoint: `${system.url}/api/rentals` } };
  hub = await startTestHub();
  admin = await hub.token({
    roles: ["connector_admin", "city_commander"],
    areas: ["320600"],
    purpose: "EMERGENCY_RESPONSE",
  });
});
afterAll(async () => {
  await hub?.stop();
  await system?.close();
});

const register = (def: unknown) =>
  hub.gql<{ registerConnector: { id: string; kind: string; state: string } }>(
    `mutation($d: JSON!) { registerConnector(definition: $d) { id kind state } }`,
    { token: admin, variables: { d: def } },
  );

describe("previewConnector", () => {
  it("maps the first records before anything is registered", async () => {
    const r = await hub.gql<{
      previewConnector: {
        records: { sourceKey: string; drafts: { element: string }[]; problems: unknown[] }[];
        errors: unknown[];
      };
    }>(
      `query($d: JSON!) { previewConnector(definition: $d, limit: 3) { records { sourceKey drafts problems { code field message } } errors { path message } } }`,
      { token: admin, variables: { d: definition } },
    );
    expect(r.errors).toBeUndefined();
    const preview = r.data!.previewConnector;
    expect(preview.errors).toEqual([]);
    expect(preview.records.map((x) => x.sourceKey)).toEqual(data.slice(0, 3).map((x) => x.登记编号));
    expect(preview.records[0]!.drafts.map((d) => d.element).sort()).toEqual(["EVENT", "PERSON", "PERSON"]);
    expect(await hub.db.connector.count({ where: { id: EXAMPLE.manifest.id } })).toBe(0);
  });

  it("reports a broken mapping on each record, naming the draft field", async () => {
    const broken = {
      ...definition,
      mapping: {
        language: "JSONata",
        expression: `[{"element": "EVENT", "ref": "e", "kind": "GRID_REPORT", "title": 登记编号}]`,
      },
    };
    const r = await hub.gql<{ previewConnector: { records: { problems: { field: string }[] }[] } }>(
      `query($d: JSON!) { previewConnector(definition: $d, limit: 2) { records { problems { code field message } } errors { path message } } }`,
      { token: admin, variables: { d: broken } },
    );
    const fields = r.data!.previewConnector.records[0]!.problems.map((p) => p.field);
    expect(fields).toEqual(
      expect.arrayContaining([expect.stringMatching(/occurredAt/), expect.stringMatching(/areaCode/)]),
    );
  });
});

describe("registerConnector", () => {
  it("refuses a bad definition with every error and its path, and stores nothing", async () => {
    const bad = {
      ...definition,
      source: {
        ...definition.source,
        paging: { style: "CURSOR", cursorParam: "cursor", limitParam: "limit" },
      },
      mapping: { language: "JSONata", expression: "foo.(bar" },
    };
    const r = await register(bad);
    const e = r.errors?.[0]?.extensions as { code: string; field: string; errors: { path: string }[] };
    expect(e.code).toBe("BAD_USER_INPUT");
    expect(e.errors.map((x) => x.path)).toEqual(
      expect.arrayContaining(["source.paging.nextCursorPath", "mapping.expression"]),
    );
    expect(e.field).toMatch(/^definition\./);
    expect(await hub.db.connector.count({ where: { id: EXAMPLE.manifest.id } })).toBe(0);
  });

  it("registers the housing bureau's system, which syncs and whose data is queryable", async () => {
    const r = await register(definition);
    expect(r.data?.registerConnector).toEqual({
      id: "housing-rentals",
      kind: "DECLARATIVE",
      state: "ACTIVE",
    });
    const run = await hub.gql<{ triggerSync: { outcome: string; ingested: number; quarantined: number } }>(
      `mutation { triggerSync(connectorId: "housing-rentals") { outcome ingested quarantined } }`,
      { token: admin },
    );
    expect(run.data?.triggerSync).toEqual({ outcome: "SUCCEEDED", ingested: 30, quarantined: 0 });

    const events = await hub.gql<{
      events: { totalCount: number; edges: { node: { title: string; sources: { connector: string }[] } }[] };
    }>(
      `{ events(kind: GRID_REPORT, first: 50) { totalCount edges { node { title sources { connector } } } } }`,
      { token: admin },
    );
    const rentalEvents = events.data!.events.edges.filter((e) =>
      e.node.sources.some((s) => s.connector === "housing-rentals"),
    );
    expect(rentalEvents).toHaveLength(30);
    const tenantId = data[0]!.承租人身份证号;
    const tenant = await hub.gql<{
      person: { name: string; citizenId: string; events: { edges: { role: string }[] } };
    }>(`query($id: String!) { person(citizenId: $id) { name citizenId events { edges { role } } } }`, {
      token: admin,
      variables: { id: tenantId },
    });
    expect(tenant.errors).toBeUndefined();
    expect(tenant.data?.person).toMatchObject({
      name: data[0]!.承租人姓名,
      citizenId: tenantId,
      events: { edges: [{ role: "SUBJECT" }] },
    });
  });

  it("is kept across a restart, paused and resumed, and retired", async () => {
    await hub.stop({ keepDatabase: true });
    hub = await startTestHub({}, [], { databaseUrl: hub.databaseUrl, dropDatabase: hub.dropDatabase });
    const status = await hub.gql<{ connectors: { id: string; kind: string; recordsIngested: number }[] }>(
      `{ connectors { id kind recordsIngested } }`,
      { token: admin },
    );
    expect(status.data?.connectors).toContainEqual({
      id: "housing-rentals",
      kind: "DECLARATIVE",
      recordsIngested: 30,
    });

    const trigger = () =>
      hub.gql<{ triggerSync: { outcome: string; skipped: string | null; ingested: number } }>(
        `mutation { triggerSync(connectorId: "housing-rentals") { outcome skipped ingested } }`,
        { token: admin },
      );
    system.state.data.push(...rentals(2, "ZL2027"));
    expect((await trigger()).data?.triggerSync).toEqual({ outcome: "SUCCEEDED", skipped: null, ingested: 2 });

    await hub.gql(`mutation { setConnectorState(connectorId: "housing-rentals", state: PAUSED) { state } }`, {
      token: admin,
    });
    expect((await trigger()).data?.triggerSync).toMatchObject({ outcome: "SKIPPED", skipped: "NOT_ACTIVE" });
    await hub.gql(`mutation { setConnectorState(connectorId: "housing-rentals", state: ACTIVE) { state } }`, {
      token: admin,
    });
    expect((await trigger()).data?.triggerSync).toMatchObject({ outcome: "SUCCEEDED" });

    await hub.gql(
      `mutation { setConnectorState(connectorId: "housing-rentals", state: REMOVED) { state } }`,
      { token: admin },
    );
    await hub.stop({ keepDatabase: true });
    hub = await startTestHub({}, [], { databaseUrl: hub.databaseUrl, dropDatabase: hub.dropDatabase });
    const after = await hub.gql<{ connectors: { id: string }[] }>(`{ connectors { id } }`, { token: admin });
    expect(after.data?.connectors.map((c) => c.id)).not.toContain("housing-rentals");
    expect(await hub.db.event.count({ where: { title: { startsWith: "出租房屋登记" } } })).toBe(32); // its data stays
  });
});
