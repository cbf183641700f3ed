// A department registers its system and can trust what the hub reports: every row the source
// served is stored, unchanged, quarantined with its reason or counted as a duplicate; paging
// ends when the source says so, not when a server caps its page below what was asked; a declared
// count that does not match marks the run; a row without its key is quarantined alone; a fixed
// mapping is applied to what was already read; and registration refuses what preview refuses.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeclarativeDefinitionInput } from "../../../connectors/declarative/definition.js";
import { previewConnector } from "../../../connectors/declarative/preview.js";
import { toCsv } from "../../../sandbox/services/csv.js";
import { startTestHub, type TestHub } from "../../support/hub.js";
import {
  definitionFor,
  EXAMPLE,
  type HousingRentalOptions,
  type HousingRentalSystem,
  RENTAL_FIELDS,
  type Rental,
  rentals,
  startHousingRentalSystem,
} from "./support.js";

let hub: TestHub;
let admin: string;
const systems: HousingRentalSystem[] = [];

beforeAll(async () => {
  hub = await startTestHub();
  admin = await hub.token({
    roles: ["connector_admin", "city_commander"],
    areas: ["320600"],
    purpose: "DATA_GOVERNANCE",
  });
});
afterAll(async () => {
  await hub?.stop();
  for (const s of systems) await s.close();
});

async function system(data: Rental[], options: HousingRentalOptions = {}) {
  const s = await startHousingRentalSystem(data, options);
  systems.push(s);
  return s;
}

/** OFFSET paging at 50 a page (the page size the connector asks for). */
function offsetDefinition(
  s: HousingRentalSystem,
  id: string,
  paging: Record<string, string> = {},
): DeclarativeDefinitionInput {
  const d = definitionFor(
    s,
    "/api/rentals/by-offset",
    {
      format: "JSON",
      recordsPath: "rows",
      paging: { style: "OFFSET", offsetParam: "offset", limitParam: "limit", ...paging },
    },
    id,
  );
  return { ...d, manifest: { ...d.manifest, schedule: { intervalSeconds: 3600, pageSize: 50 } } };
}

const RUN = "connectorId outcome skipped pages served stored ingested unchanged quarantined duplicates error";

async function register(definition: unknown) {
  return hub.gql<{ registerConnector: { id: string } }>(
    `mutation($d: JSON!) { registerConnector(definition: $d) { id } }`,
    { token: admin, variables: { d: definition } },
  );
}

async function trigger(id: string) {
  const r = await hub.gql<{ triggerSync: Record<string, unknown> }>(
    `mutation($id: String!) { triggerSync(connectorId: $id) { ${RUN} } }`,
    { token: admin, variables: { id } },
  );
  expect(r.errors).toBeUndefined();
  return r.data!.triggerSync;
}

async function status(id: string) {
  const r = await hub.gql<{ connectors: Record<string, unknown>[] }>(
    `{ connectors { id health lastError recordsServed recordsIngested recordsUnchanged recordsQuarantined recordsDuplicates lastRun { trigger outcome served stored unchanged quarantined duplicates error } } }`,
    { token: admin },
  );
  expect(r.errors).toBeUndefined();
  return r.data!.connectors.find((c) => c.id === id)!;
}

/** The one log line the run wrote, as JSON. */
function runLine(id: string): Record<string, unknown> {
  const lines = hub.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
  const mine = lines.filter((l) => l.msg === "sync run" && l.connector === id);
  expect(mine.length).toBeGreaterThan(0);
  return mine.at(-1)!;
}

describe("a server that caps its pages", () => {
  it("serves 30 where 50 were asked, and the run still reads all 58 rows and says where each went", async () => {
    const s = await system(rentals(58), { maxPageSize: 30 });
    expect((await register(offsetDefinition(s, "capped"))).errors).toBeUndefined();
    const run = await trigger("capped");
    expect(run).toMatchObject({
      outcome: "SUCCEEDED",
      served: 58,
      stored: 58,
      unchanged: 0,
      quarantined: 0,
      duplicates: 0,
    });
    expect(s.state.requests.filter((u) => u.includes("limit=50")).length).toBeGreaterThanOrEqual(3); // 30, 28, then empty
    expect(await hub.db.sourceRecord.count({ where: { connectorId: "capped" } })).toBe(58);
    const c = await status("capped");
    expect(c).toMatchObject({
      health: "HEALTHY",
      recordsServed: 58,
      recordsIngested: 58,
      lastRun: {
        trigger: "MANUAL",
        outcome: "SUCCEEDED",
        served: 58,
        stored: 58,
        quarantined: 0,
        duplicates: 0,
      },
    });
    expect(runLine("capped")).toMatchObject({
      served: 58,
      stored: 58,
      unchanged: 0,
      quarantined: 0,
      duplicates: 0,
    });

    // read again from the start: every row unchanged, and the count still adds up
    await hub.db.connector.update({ where: { id: "capped" }, data: { cursor: null } });
    expect(await trigger("capped")).toMatchObject({
      outcome: "SUCCEEDED",
      served: 58,
      stored: 0,
      unchanged: 58,
    });
  });

  it("ends at a declared total that matches what was served", async () => {
    const s = await system(rentals(58, "ZT2026"), { maxPageSize: 30 });
    expect(
      (await register(offsetDefinition(s, "capped-total", { totalPath: "total" }))).errors,
    ).toBeUndefined();
    expect(await trigger("capped-total")).toMatchObject({ outcome: "SUCCEEDED", served: 58, stored: 58 });
    expect(s.state.requests).toHaveLength(2 + 2); // registration's preview (2 pages), then 30 + 28: the total says the end
  });
});

describe("a declared total that does not match what was served", () => {
  it("marks the run, naming the connector and both numbers", async () => {
    const s = await system(rentals(58, "ZX2026"), { maxPageSize: 30, totalBias: 2 });
    // preview (50 records) cannot see the end yet; the run does
    expect(
      (await register(offsetDefinition(s, "miscounted", { totalPath: "total" }))).errors,
    ).toBeUndefined();
    const run = await trigger("miscounted");
    expect(run).toMatchObject({ outcome: "PARTIAL", served: 58, stored: 58 });
    expect(run.error).toMatch(/miscounted/);
    expect(run.error).toMatch(/declares 60 records but served 58/);
    const c = await status("miscounted");
    expect(c).toMatchObject({ health: "DEGRADED", lastRun: { outcome: "PARTIAL", served: 58 } });
    expect(c.lastError).toMatch(/declares 60 records but served 58/);
  });
});

describe("a page with a row whose key is empty", () => {
  it("stores the other rows and quarantines that one with its reason", async () => {
    const data = rentals(12, "ZK2026");
    data[5] = { ...data[5]!, 登记编号: "" };
    const s = await system(data);
    expect((await register(offsetDefinition(s, "keyless"))).errors).toBeUndefined();
    expect(await trigger("keyless")).toMatchObject({
      outcome: "SUCCEEDED",
      served: 12,
      stored: 11,
      quarantined: 1,
    });
    const q = await hub.db.quarantinedRecord.findMany({ where: { connectorId: "keyless" } });
    expect(q).toHaveLength(1);
    expect(q[0]).toMatchObject({ reasonCode: "MISSING_FIELD", field: "登记编号" });
    expect(q[0]!.message).toMatch(/no 登记编号/);
  });
});

describe("a CSV row that does not fit the header", () => {
  it("is quarantined as malformed while the rest of its page is stored", async () => {
    const rows = rentals(4, "ZC2026").map((r) => RENTAL_FIELDS.map((f) => r[f]));
    const lines = toCsv(RENTAL_FIELDS, rows).split("\r\n");
    lines[2] = `${lines[2]},多余的一列`; // the second record has one field too many
    const csv = lines.join("\r\n");
    const server = http.createServer((req, res) => {
      const offset = Number(new URL(req.url ?? "/", "http://x").searchParams.get("offset") ?? 0);
      res
        .writeHead(200, { "content-type": "text/csv; charset=utf-8" })
        .end(offset === 0 ? csv : `${lines[0]}\r\n`);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const d = definitionFor(
        { url },
        "/export.csv",
        { format: "CSV", paging: { style: "OFFSET", offsetParam: "offset", limitParam: "limit" } },
        "ragged",
      );
      expect((await register(d)).errors).toBeUndefined();
      expect(await trigger("ragged")).toMatchObject({
        outcome: "SUCCEEDED",
        served: 4,
        stored: 3,
        quarantined: 1,
      });
      const q = await hub.db.quarantinedRecord.findFirstOrThrow({ where: { connectorId: "ragged" } });
      expect(q).toMatchObject({ sourceKey: "ZC2026000002", reasonCode: "MALFORMED_RECORD" });
      expect(q.message).toMatch(/CSV row 2 has 16 fields, the header 15/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe("a corrected mapping", () => {
  it("is applied to the rows already read, and the circuit and last error start over", async () => {
    const data = rentals(9, "ZM2026"); // statuses cycle 已登记, 已核实, 已注销
    const s = await system(data);
    const good = offsetDefinition(s, "remapped");
    // v1 forgot 已注销 (a third of the rows: no status, quarantined) and titles events differently
    const v1 = {
      ...good,
      mapping: {
        language: "JSONata",
        expression: EXAMPLE.mapping.expression
          .replace(', "已注销": "ARCHIVED"', "")
          .replace('"出租房屋登记 " & 登记编号', '"登记 " & 登记编号'),
      },
    };
    expect((await register(v1)).errors).toBeUndefined();
    expect(await trigger("remapped")).toMatchObject({ served: 9, stored: 6, quarantined: 3 });
    s.state.fault = "error500";
    expect(await trigger("remapped")).toMatchObject({ outcome: "FAILED" });
    expect(await status("remapped")).toMatchObject({
      health: "DEGRADED",
      lastError: expect.stringMatching(/HTTP 500/),
    });
    s.state.fault = "none";
    const requests = s.state.requests.length;

    expect((await register(good)).errors).toBeUndefined();
    const c = await status("remapped");
    expect(c).toMatchObject({
      lastError: null,
      lastRun: { trigger: "REPLAY", outcome: "SUCCEEDED", served: 9, stored: 9, quarantined: 0 },
    });
    expect(c.health).not.toBe("DEGRADED");
    const row = await hub.db.connector.findUniqueOrThrow({ where: { id: "remapped" } });
    expect(row).toMatchObject({ consecutiveFailures: 0, circuitOpenUntil: null });
    // the source was read only by registration's preview (9 rows, then the empty page), not
    // again: what was already read was re-mapped
    expect(s.state.requests.length - requests).toBe(2);
    const titles = (
      await hub.db.event.findMany({
        where: { title: { contains: "ZM2026" } },
        select: { title: true },
      })
    ).map((e) => e.title);
    expect(titles).toHaveLength(9);
    expect(titles.every((t) => t.startsWith("出租房屋登记 "))).toBe(true);
    expect(
      await hub.db.quarantinedRecord.count({ where: { connectorId: "remapped", resolvedAt: null } }),
    ).toBe(0);

    // the next sync finds every row as it was: unchanged
    await hub.db.connector.update({ where: { id: "remapped" }, data: { cursor: null } });
    expect(await trigger("remapped")).toMatchObject({
      outcome: "SUCCEEDED",
      served: 9,
      stored: 0,
      unchanged: 9,
    });
  });
});

describe("registration", () => {
  it("refuses exactly what preview refuses, with the same paths", async () => {
    const s = await system(rentals(5, "ZR2026"));
    const good = offsetDefinition(s, "refused");
    const cases: [string, unknown, string][] = [
      [
        "an unknown manifest key",
        {
          ...good,
          manifest: { ...good.manifest, schedule: { intervalSeconds: 600, pageSize: 50, jitter: 5 } },
        },
        "manifest.schedule.jitter",
      ],
      [
        "a field the manifest does not declare",
        {
          ...good,
          manifest: {
            ...good.manifest,
            fields: good.manifest.fields.filter((f: { field: string }) => f.field !== "phone"),
          },
        },
        "manifest.fields",
      ],
      [
        "a key column the source lacks",
        { ...good, source: { ...good.source, keyField: "编号" } },
        "source.keyField",
      ],
    ];
    for (const [what, definition, path] of cases) {
      const preview = await previewConnector(definition, { limit: 50 });
      expect(
        preview.errors.map((e) => e.path),
        what,
      ).toContain(path);
      const r = await register(definition);
      const e = r.errors?.[0]?.extensions as { code: string; errors: { path: string; message: string }[] };
      expect(e?.code, what).toBe("BAD_USER_INPUT");
      expect(e.errors, what).toEqual(preview.errors);
    }
    expect(await hub.db.connector.count({ where: { id: "refused" } })).toBe(0);
    expect((await register(good)).errors).toBeUndefined();
  });
});
