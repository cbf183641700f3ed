// Connectors through the API: status, on-demand sync, quarantine, pause, and webhook intake.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEVELOPMENT_WEBHOOK_TOKEN } from "../../gateway/config.js";
import { signWebhook } from "../../gateway/webhooks.js";
import { upsertAreaTree } from "../../integration/area-registry.js";
import { housingConnector, registrations, startHousingSystem } from "../support/housing.js";
import { startTestHub, type TestHub } from "../support/hub.js";

let hub: TestHub;
let admin: string;
let system: Awaited<ReturnType<typeof startHousingSystem>>;
const data = registrations(40, "API");
data[3]!.registeredAt = null; // cannot be ingested

beforeAll(async () => {
  system = await startHousingSystem(data);
  hub = await startTestHub({}, [housingConnector(system.url)]);
  admin = await hub.token({ roles: ["connector_admin"], areas: ["320600"] });
});
afterAll(async () => {
  await hub?.stop();
  await system?.close();
});

const status = `{ connectors { id department health state recordsIngested recordsQuarantined lagSeconds lastError } }`;

describe("triggerSync and connectors", () => {
  it("runs a sync on demand and reports it, then shows the connector healthy", async () => {
    const before = await hub.gql<{ connectors: { id: string; health: string }[] }>(status, { token: admin });
    expect(before.data?.connectors).toEqual([
      expect.objectContaining({ id: "housing-test", health: "UNKNOWN" }),
    ]);

    const run = await hub.gql<{ triggerSync: Record<string, unknown> }>(
      `mutation { triggerSync(connectorId: "housing-test") { outcome pages ingested unchanged quarantined error } }`,
      { token: admin },
    );
    expect(run.data?.triggerSync).toEqual({
      outcome: "SUCCEEDED",
      pages: 2,
      ingested: 39,
      unchanged: 0,
      quarantined: 1,
      error: null,
    });

    const after = await hub.gql<{ connectors: Record<string, unknown>[] }>(status, { token: admin });
    expect(after.data?.connectors[0]).toMatchObject({
      department: "housing",
      health: "HEALTHY",
      recordsIngested: 39,
      recordsQuarantined: 1,
      lagSeconds: 0,
    });
  });

  it("lists the quarantined record with its reasons and the record itself", async () => {
    const r = await hub.gql<{
      quarantinedRecords: { totalCount: number; edges: { node: Record<string, unknown> }[] };
    }>(
      `{ quarantinedRecords(connectorId: "housing-test", first: 10) { totalCount edges { node {
          sourceKey reasonCode field message problems { code field message } payload resolvedAt } } } }`,
      { token: admin },
    );
    expect(r.data?.quarantinedRecords.totalCount).toBe(1);
    const entry = r.data!.quarantinedRecords.edges[0]!.node;
    expect(entry).toMatchObject({
      sourceKey: "API00003",
      reasonCode: "MISSING_FIELD",
      field: "registeredAt",
      resolvedAt: null,
    });
    expect(JSON.parse(entry.payload as string)).toMatchObject({ regNo: "API00003", tenantName: "租户3" });
  });

  it("refuses sync control and raw payloads to principals without the connector_admin role", async () => {
    const commander = await hub.token({ roles: ["city_commander"], areas: ["320600"] });
    const run = await hub.gql(`mutation { triggerSync(connectorId: "housing-test") { outcome } }`, {
      token: commander,
    });
    expect(run.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const q = await hub.gql(`{ quarantinedRecords(first: 1) { totalCount } }`, { token: commander });
    expect(q.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("names an unknown connector", async () => {
    const r = await hub.gql(`mutation { triggerSync(connectorId: "nope") { outcome } }`, { token: admin });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND" });
    expect(r.errors?.[0]?.message).toContain("nope");
  });

  it("does not run a paused connector", async () => {
    await hub.gql(`mutation { setConnectorState(connectorId: "housing-test", state: PAUSED) { state } }`, {
      token: admin,
    });
    const r = await hub.gql<{ triggerSync: { outcome: string; skipped: string } }>(
      `mutation { triggerSync(connectorId: "housing-test") { outcome skipped } }`,
      { token: admin },
    );
    expect(r.data?.triggerSync).toEqual({ outcome: "SKIPPED", skipped: "NOT_ACTIVE" });
    await hub.gql(`mutation { setConnectorState(connectorId: "housing-test", state: ACTIVE) { state } }`, {
      token: admin,
    });
  });
});

describe("retryQuarantined", () => {
  it("takes in records that named an area the registry learnt later", async () => {
    const records = registrations(2, "LATE");
    records[0]!.gridCode = "320602001001099"; // a grid the registry does not know yet
    records[1]!.gridCode = "320602001001099";
    system.state.extra = records;
    const run = await hub.gql(
      `mutation { triggerSync(connectorId: "housing-test") { outcome skipped quarantined } }`,
      {
        token: admin,
      },
    );
    expect(run.data).toEqual({ triggerSync: { outcome: "SUCCEEDED", skipped: null, quarantined: 2 } });

    await upsertAreaTree(hub.db, [
      { code: "320602001001099", name: "新建网格", level: "GRID", parentCode: "320602001001" },
    ]);
    const r = await hub.gql<{ retryQuarantined: Record<string, number> }>(
      `mutation { retryQuarantined(connectorId: "housing-test") { retried ingested stillQuarantined } }`,
      { token: admin },
    );
    expect(r.data?.retryQuarantined).toEqual({ retried: 3, ingested: 2, stillQuarantined: 1 }); // API00003 still lacks its time
    expect(await hub.db.event.count({ where: { title: { startsWith: "出租登记 LATE" } } })).toBe(2);
    expect(
      await hub.db.quarantinedRecord.count({
        where: { sourceKey: { startsWith: "LATE" }, resolvedAt: null },
      }),
    ).toBe(0);
  });
});

describe("webhook", () => {
  // No WEBHOOK_SECRETS_FILE: every connector signs with the shared token (the migration path).
  const signed = (raw: string, secret = DEVELOPMENT_WEBHOOK_TOKEN) => {
    const at = Math.floor(Date.now() / 1000);
    return { "x-citygraph-timestamp": String(at), "x-citygraph-signature": signWebhook(secret, at, raw) };
  };
  const push = (body: unknown, secret = DEVELOPMENT_WEBHOOK_TOKEN) =>
    fetch(`${hub.url}/connectors/housing-test/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json", ...signed(JSON.stringify(body), secret) },
      body: JSON.stringify(body),
    });

  it("takes a delivery in once when it is delivered twice", async () => {
    const [registration] = registrations(1, "HOOK");
    const body = { deliveryId: "delivery-42", registration };
    const first = await push(body);
    const second = await push(body);
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ deliveryId: "delivery-42", duplicate: false, ingested: 1 });
    expect(await second.json()).toMatchObject({ deliveryId: "delivery-42", duplicate: true });
    const events = await hub.db.event.count({ where: { title: "出租登记 HOOK00000" } });
    expect(events).toBe(1);
  });

  it("refuses a push signed with another secret, or carrying only the old token, and a body that is not JSON", async () => {
    expect((await push({ deliveryId: "x" }, "wrong-token-wrong-token")).status).toBe(401);
    const tokenOnly = await fetch(`${hub.url}/connectors/housing-test/webhook`, {
      method: "POST",
      headers: { "x-webhook-token": DEVELOPMENT_WEBHOOK_TOKEN },
      body: "{}",
    });
    expect(tokenOnly.status).toBe(401);
    const bad = await fetch(`${hub.url}/connectors/housing-test/webhook`, {
      method: "POST",
      headers: signed("{ nope"),
      body: "{ nope",
    });
    expect(bad.status).toBe(400);
    const unknown = await fetch(`${hub.url}/connectors/nobody/webhook`, {
      method: "POST",
      headers: signed("{}"),
      body: "{}",
    });
    expect(unknown.status).toBe(404);
  });
});
