// integration/audit/writer.ts against PostgreSQL: flush() writes everything queued when it is
// called, in batches, however many records wait, also while a batch is already being written;
// a batch the database refuses stays queued and is written by a later flush.
import { describe, expect, it } from "vitest";
import type { AuditEntry } from "../../domain/access/request.js";
import { type AuditRequest, AuditWriter } from "../../integration/audit/writer.js";
import type { Db } from "../../prisma/db.js";
import { useTemplateDb } from "../support/template-db.js";

let db: Db;
useTemplateDb(
  (d) => {
    db = d;
  },
  { poolMax: 3 },
);

const request = (requestId: string): AuditRequest => ({
  subject: "writer-test",
  roles: ["city_commander"],
  department: null,
  purpose: null,
  purposeRef: null,
  operationName: "WriterTest",
  documentHash: null,
  requestId,
});
const entry: AuditEntry = { outcome: "READ", entityIds: [], fields: ["Person.name"] };
const writer = () => new AuditWriter(db, { flushMs: 3_600_000, retentionDays: 180, maxPending: 1_000_000 });
const rows = (prefix: string) => db.auditRecord.count({ where: { requestId: { startsWith: prefix } } });

describe("the audit writer's flush", () => {
  it("writes every queued record, more than one batch of them, by the time it resolves", async () => {
    const w = writer();
    // 12 001 records: three batches of at most 5 000; the queue reaching a batch starts a write
    // in the background while records are still being queued
    for (let i = 0; i <= 12_000; i++) w.record(request(`drain-${i}`), [entry]);
    await w.flush();
    expect(w.pending).toBe(0);
    expect(await rows("drain-")).toBe(12_001);
    expect(w.written).toBe(12_001);
  }, 60_000);

  it("resolves a flush asked for during a write only once what was queued before it is written", async () => {
    const w = writer();
    for (let i = 0; i < 5_000; i++) w.record(request(`during-a-${i}`), [entry]); // starts a write
    for (let i = 0; i < 6_000; i++) w.record(request(`during-b-${i}`), [entry]);
    await w.flush();
    expect(await rows("during-")).toBe(11_000);
    expect(w.pending).toBe(0);
  }, 60_000);

  it("keeps a refused batch queued, and a later flush writes it", async () => {
    const errors: string[] = [];
    const w = new AuditWriter(db, {
      flushMs: 3_600_000,
      retentionDays: 180,
      maxPending: 1_000_000,
      onError: (e) => errors.push(e.message),
    });
    // the database refuses the insert: the hub's role may not write audit records for a while
    await db.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION writer_test_refuse() RETURNS trigger
      LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit writes refused for the test'; END $$`);
    await db.$executeRawUnsafe(`CREATE TRIGGER writer_test_refuse BEFORE INSERT ON "AuditRecord"
      FOR EACH STATEMENT EXECUTE FUNCTION writer_test_refuse()`);
    for (let i = 0; i < 7; i++) w.record(request(`refused-${i}`), [entry]);
    await w.flush();
    expect(errors.length).toBe(1);
    expect(w.pending).toBe(7);
    expect(await rows("refused-")).toBe(0);
    await db.$executeRawUnsafe(`DROP TRIGGER writer_test_refuse ON "AuditRecord"`);
    await w.flush();
    expect(w.pending).toBe(0);
    expect(await rows("refused-")).toBe(7);
  }, 60_000);
});
