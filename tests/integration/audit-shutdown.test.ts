// The audit trail loses nothing on a clean shutdown: reads queued in the writer (flushed every few
// seconds, off the request path) are written when the hub stops, before its database closes.
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../support/hub.js";

let hub: TestHub | null = null;
afterAll(async () => {
  await hub?.dropDatabase();
});

describe("audit on shutdown", () => {
  it("writes what was queued when the hub stops", async () => {
    // A flush interval far longer than the test: only the stop can write the batch.
    hub = await startTestHub({ AUDIT_FLUSH_MS: "60000" });
    const person = await hub.db.person.create({
      data: { name: "审计测试", namePinyin: "shenjiceshi", phone: "13900000042" },
    });
    const area = await hub.db.area.findFirstOrThrow({ where: { level: "GRID" } });
    const address = await hub.db.address.create({
      data: { areaId: area.id, fullText: "南通市崇川区测试路1号", addressKey: `audit-test-${Date.now()}` },
    });
    await hub.db.personAddress.create({
      data: { personId: person.id, addressId: address.id, kind: "RESIDENT" },
    });
    const token = await hub.token({ roles: ["city_commander"], areas: ["320600"], sub: "auditee-reader" });
    const id = Buffer.from(`Person:${person.id}`).toString("base64");
    const r = await hub.gql<{ node: { name: string; phone: string } }>(
      `query ReadOne($id: ID!) { node(id: $id) { ... on Person { name phone } } }`,
      { token, variables: { id } },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.node.name).toBe("审计测试");
    // Nothing written yet: the batch waits in the writer.
    expect(await hub.db.auditRecord.count({ where: { entityIds: { has: person.id } } })).toBe(0);
    const url = hub.databaseUrl;
    await hub.stop({ keepDatabase: true });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const rows = await client.query<{
        subject: string;
        fields: string[];
        outcome: string;
        operationName: string;
      }>(
        `SELECT subject, fields, outcome::text AS outcome, "operationName" FROM "AuditRecord" WHERE $1 = ANY("entityIds")`,
        [person.id],
      );
      expect(rows.rows).toEqual([
        {
          subject: "auditee-reader",
          fields: ["Person.name", "Person.phone"],
          outcome: "READ",
          operationName: "ReadOne",
        },
      ]);
    } finally {
      await client.end();
    }
  });
});
