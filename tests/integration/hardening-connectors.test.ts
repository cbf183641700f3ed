// Declarative connectors read only the department hosts the city configured
// (CONNECTOR_ALLOWED_HOSTS): previewConnector and registerConnector refuse any other host before
// fetching anything, a stored definition stops at its next request once its host is no longer
// allowed, and a redirect to another host is not followed.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../gateway/config.js";
import { startTestHub, type TestHub } from "../support/hub.js";
import { type HousingRentalSystem, rentals, startHousingRentalSystem } from "./declarative/support.js";

const EXAMPLE = JSON.parse(
  fs.readFileSync(
    path.resolve(import.meta.dirname, "../../connectors/declarative/examples/housing-rentals.json"),
    "utf8",
  ),
) as { source: { endpoint: string }; manifest: { id: string } };

let system: HousingRentalSystem;
let redirector: http.Server;
let redirectUrl: string;
let hub: TestHub;
let admin: string;

const at = (endpoint: string) => ({ ...EXAMPLE, source: { ...EXAMPLE.source, endpoint } });
/** The same department system, named by a host that is not on the list. */
const elsewhere = () => system.url.replace("127.0.0.1", "localhost");

beforeAll(async () => {
  system = await startHousingRentalSystem(rentals(10));
  // a permitted host that redirects to one that is not
  redirector = http.createServer((_req, res) =>
    res.writeHead(302, { location: `${elsewhere()}/api/rentals` }).end(),
  );
  await new Promise<void>((r) => redirector.listen(0, "127.0.0.1", r));
  redirectUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/api/rentals`;
  hub = await startTestHub({ CONNECTOR_ALLOWED_HOSTS: "127.0.0.1" });
  admin = await hub.token({
    roles: ["connector_admin", "city_commander"],
    areas: ["320600"],
    purpose: "EMERGENCY_RESPONSE",
  });
});
afterAll(async () => {
  await hub?.stop();
  await system?.close();
  await new Promise((r) => redirector?.close(r));
});

const preview = (definition: unknown) =>
  hub.gql<{
    previewConnector: { records: { sourceKey: string }[]; errors: { path: string; message: string }[] };
  }>(
    `query($d: JSON!) { previewConnector(definition: $d, limit: 2) { records { sourceKey } errors { path message } } }`,
    { token: admin, variables: { d: definition } },
  );
const register = (definition: unknown) =>
  hub.gql<{ registerConnector: { id: string } }>(
    `mutation($d: JSON!) { registerConnector(definition: $d) { id } }`,
    {
      token: admin,
      variables: { d: definition },
    },
  );

describe("connector endpoints only on configured department hosts", () => {
  it("refuses a preview of a host off the list, naming the field and the host, and fetches nothing", async () => {
    const before = system.state.requests.length;
    const r = await preview(at(`${elsewhere()}/api/rentals`));
    expect(r.data ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions).toMatchObject({
      code: "FORBIDDEN",
      reason: "HOST_NOT_ALLOWED",
      field: "definition.source.endpoint",
      host: new URL(elsewhere()).host,
    });
    expect(r.errors?.[0]?.message).toMatch(
      /source\.endpoint host localhost:\d+ is not an allowed department host/,
    );
    const metadata = await preview(at("http://169.254.169.254/latest/meta-data"));
    expect(metadata.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN", host: "169.254.169.254" });
    expect(system.state.requests.length).toBe(before);
  });

  it("previews an allowed host (positive control)", async () => {
    const r = await preview(at(`${system.url}/api/rentals`));
    expect(r.errors).toBeUndefined();
    expect(r.data?.previewConnector.errors).toEqual([]);
    expect(r.data?.previewConnector.records).toHaveLength(2);
  });

  it("does not follow a redirect from an allowed host to another", async () => {
    const before = system.state.requests.length;
    const r = await preview(at(redirectUrl));
    expect(r.data?.previewConnector.records).toEqual([]);
    expect(r.data?.previewConnector.errors[0]?.path).toBe("source.endpoint");
    expect(system.state.requests.length).toBe(before);
  });

  it("refuses to register a host off the list and stores nothing; registers an allowed one", async () => {
    const refused = await register(at(`${elsewhere()}/api/rentals`));
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: "FORBIDDEN",
      field: "definition.source.endpoint",
      reason: "HOST_NOT_ALLOWED",
    });
    expect(await hub.db.connector.count({ where: { id: EXAMPLE.manifest.id } })).toBe(0);
    const registered = await register(at(`${system.url}/api/rentals`));
    expect(registered.errors).toBeUndefined();
    expect(registered.data?.registerConnector.id).toBe(EXAMPLE.manifest.id);
  });

  it("stops a stored definition at its next request once its host is no longer allowed", async () => {
    await hub.stop({ keepDatabase: true });
    hub = await startTestHub({ CONNECTOR_ALLOWED_HOSTS: "*.nantong.gov.cn" }, [], {
      databaseUrl: hub.databaseUrl,
      dropDatabase: hub.dropDatabase,
    });
    const before = system.state.requests.length;
    const run = await hub.gql<{ triggerSync: { outcome: string } }>(
      `mutation { triggerSync(connectorId: "${EXAMPLE.manifest.id}") { outcome } }`,
      { token: admin },
    );
    expect(run.data?.triggerSync.outcome).toBe("FAILED");
    const stored = await hub.db.connector.findUniqueOrThrow({ where: { id: EXAMPLE.manifest.id } });
    expect(stored.lastError).toMatch(
      /host 127\.0\.0\.1:\d+ is not an allowed department host \(CONNECTOR_ALLOWED_HOSTS: \*\.nantong\.gov\.cn\)/,
    );
    expect(system.state.requests.length).toBe(before);
  });
});

describe("CONNECTOR_ALLOWED_HOSTS", () => {
  it("defaults to loopback outside production and to none in production; refuses a malformed list", () => {
    expect(loadConfig({}).connectorAllowedHosts).toEqual(["127.0.0.1", "localhost", "[::1]"]);
    expect(
      loadConfig({ NODE_ENV: "production", AUTH_JWT_SECRET: "x".repeat(32), WEBHOOK_TOKEN: "w".repeat(16) })
        .connectorAllowedHosts,
    ).toEqual([]);
    expect(
      loadConfig({ CONNECTOR_ALLOWED_HOSTS: "gj.nantong.gov.cn:8443, *.nantong.gov.cn" })
        .connectorAllowedHosts,
    ).toEqual(["gj.nantong.gov.cn:8443", "*.nantong.gov.cn"]);
    expect(() => loadConfig({ CONNECTOR_ALLOWED_HOSTS: "http://x/y" })).toThrow(/CONNECTOR_ALLOWED_HOSTS/);
  });
});
