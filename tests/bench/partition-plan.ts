// `npx tsx tests/bench/partition-plan.ts`: the partitioning plan of docs/scale-out.md tried on a
// throwaway embedded PostgreSQL (nothing of it is in the schema). It builds the audit trail
// partitioned by month with the append-only triggers of migration 20261204190000 and the hub's
// batch insert, and events partitioned by year with their parties co-partitioned on a composite
// key, then prints what each step did against what the plan expects (refused or allowed), and the
// plans of an area's page, a person's events and an event found by id alone over 300,000 events.
// Exits 1 when a step does not do what the plan says.
import pg from "pg";
import { runBench, stopPostgres } from "./support/harness.js";
import { startThrowawayPostgres } from "./support/hub-process.js";
import { formatTable } from "./support/report.js";

/** The audit trail's append-only guard, as migration 20261204190000 declares it. */
const APPEND_ONLY = `CREATE FUNCTION audit_record_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND OLD."at" < CURRENT_TIMESTAMP - INTERVAL '180 days' THEN RETURN OLD; END IF;
  RAISE EXCEPTION 'the audit trail is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END; $$`;

/** Refuses to drop a monthly audit partition (citygraph_parts."AuditRecord_YYYY_MM") younger than 180 days. */
const DROP_GUARD = `CREATE FUNCTION audit_partition_guard() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE o record; upper date;
BEGIN
  FOR o IN SELECT * FROM pg_event_trigger_dropped_objects()
           WHERE object_type = 'table' AND schema_name = 'citygraph_parts' AND object_name LIKE 'AuditRecord\\_%' LOOP
    upper := (to_date(substr(o.object_name, 13), 'YYYY_MM') + INTERVAL '1 month')::date;
    IF upper > CURRENT_DATE - 180 THEN
      RAISE EXCEPTION 'audit partition % holds records younger than 180 days', o.object_name
        USING ERRCODE = 'insufficient_privilege';
    END IF;
  END LOOP;
END; $$`;

/** The audit writer's batch statement (integration/audit/writer.ts). */
const AUDIT_INSERT = `INSERT INTO "AuditRecord" ("at", "subject", "roles", "department", "purpose", "purposeRef",
    "operationName", "documentHash", "requestId", "entityIds", "fields", "outcome")
  SELECT r."at", r."subject", r."roles", r."department", r."purpose", r."purposeRef",
    r."operationName", r."documentHash", r."requestId", r."entityIds", r."fields", r."outcome"::"AuditOutcome"
  FROM jsonb_to_recordset($1::jsonb) AS r("at" timestamp, "subject" text,
    "roles" text[], "department" text, "purpose" text, "purposeRef" text, "operationName" text,
    "documentHash" text, "requestId" text, "entityIds" text[], "fields" text[], "outcome" text)`;

const month = (offset: number) => {
  const d = new Date();
  const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1));
  return { name: `${m.getUTCFullYear()}_${String(m.getUTCMonth() + 1).padStart(2, "0")}`, from: m };
};
const iso = (d: Date) => d.toISOString().slice(0, 10);

interface Step {
  step: string;
  sql: string;
  params?: unknown[];
  /** What the plan says should happen. */
  expect: "allowed" | "refused";
}

await runBench({ name: "partition-plan", budgetMs: 10 * 60_000, stopping: "PostgreSQL" }, async (bench) => {
  const { log } = bench;
  const server = await bench.started(startThrowawayPostgres("partitions"), stopPostgres);
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  bench.onCleanup(() =>
    client.end().then(
      () => true,
      () => true,
    ),
  );
  const run = async (sql: string, params: unknown[] = []) =>
    params.length > 0 ? client.query(sql, params) : client.query(sql);
  const [version] = (await run("SHOW server_version")).rows as { server_version: string }[];
  log(`PostgreSQL ${version?.server_version}\n`);

  // ---- the audit trail by month: the current month, the one before, and one 7 months back ----
  const current = month(0);
  const previous = month(-1);
  const old = month(-7);
  const next = month(1);
  const setup = [
    `CREATE SCHEMA citygraph_parts`,
    `CREATE TYPE "AuditOutcome" AS ENUM ('READ', 'DENIED')`,
    `CREATE TABLE "AuditRecord" (
        "id" BIGSERIAL NOT NULL, "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "subject" TEXT NOT NULL,
        "roles" TEXT[], "department" TEXT, "purpose" TEXT, "purposeRef" TEXT, "operationName" TEXT,
        "documentHash" TEXT, "requestId" TEXT NOT NULL, "entityIds" TEXT[] DEFAULT ARRAY[]::TEXT[], "fields" TEXT[],
        "outcome" "AuditOutcome" NOT NULL, CONSTRAINT "AuditRecord_pkey" PRIMARY KEY ("id", "at")
      ) PARTITION BY RANGE ("at")`,
    `CREATE INDEX "AuditRecord_entityIds_idx" ON "AuditRecord" USING GIN ("entityIds")`,
    `CREATE INDEX "AuditRecord_at_idx" ON "AuditRecord"("at")`,
    ...[old, previous, current].map((m) => {
      const to = new Date(Date.UTC(m.from.getUTCFullYear(), m.from.getUTCMonth() + 1, 1));
      return `CREATE TABLE citygraph_parts."AuditRecord_${m.name}" PARTITION OF "AuditRecord"
                FOR VALUES FROM ('${iso(m.from)}') TO ('${iso(to)}')`;
    }),
    APPEND_ONLY,
    `CREATE TRIGGER "AuditRecord_append_only" BEFORE UPDATE OR DELETE ON "AuditRecord"
         FOR EACH ROW EXECUTE FUNCTION audit_record_append_only()`,
    `CREATE TRIGGER "AuditRecord_no_truncate" BEFORE TRUNCATE ON "AuditRecord"
         FOR EACH STATEMENT EXECUTE FUNCTION audit_record_append_only()`,
  ];
  for (const sql of setup) await run(sql);
  const record = (at: Date, requestId: string) => ({
    at: at.toISOString(),
    subject: "bench",
    roles: ["city_commander"],
    department: null,
    purpose: "EMERGENCY_RESPONSE",
    purposeRef: null,
    operationName: "Person360",
    documentHash: "h",
    requestId,
    entityIds: ["p1", "e1"],
    fields: ["Person.name"],
    outcome: "READ",
  });
  const young = new Date();
  const aged = new Date(old.from.getTime() + 5 * 86_400_000);
  const { rows: triggers } = await run(
    `SELECT tgrelid::regclass::text AS rel, tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2`,
  );

  const steps: Step[] = [
    {
      step: "the audit writer's batch insert into the partitioned table",
      sql: AUDIT_INSERT,
      params: [JSON.stringify([record(young, "young"), record(aged, "aged")])],
      expect: "allowed",
    },
    { step: "UPDATE through the parent", sql: `UPDATE "AuditRecord" SET subject = 'x'`, expect: "refused" },
    {
      step: "DELETE of a young record",
      sql: `DELETE FROM "AuditRecord" WHERE "requestId" = 'young'`,
      expect: "refused",
    },
    {
      step: "DELETE of a record older than 180 days",
      sql: `DELETE FROM "AuditRecord" WHERE "requestId" = 'aged'`,
      expect: "allowed",
    },
    { step: "TRUNCATE of the parent", sql: `TRUNCATE "AuditRecord"`, expect: "refused" },
    {
      step: "TRUNCATE of the current month's partition (no trigger of its own)",
      sql: `BEGIN; TRUNCATE citygraph_parts."AuditRecord_${current.name}"; ROLLBACK`,
      expect: "allowed",
    },
    {
      step: "the same partition with its own TRUNCATE trigger",
      sql: `BEGIN; CREATE TRIGGER "AuditRecord_no_truncate" BEFORE TRUNCATE ON citygraph_parts."AuditRecord_${current.name}"
                FOR EACH STATEMENT EXECUTE FUNCTION audit_record_append_only();
              TRUNCATE citygraph_parts."AuditRecord_${current.name}"; ROLLBACK`,
      expect: "refused",
    },
    {
      step: "DROP of the current month's partition, no guard",
      sql: `BEGIN; DROP TABLE citygraph_parts."AuditRecord_${current.name}"; ROLLBACK`,
      expect: "allowed",
    },
    {
      step: "the sql_drop event trigger (the guard) created",
      sql: `${DROP_GUARD}; CREATE EVENT TRIGGER audit_partition_guard ON sql_drop EXECUTE FUNCTION audit_partition_guard()`,
      expect: "allowed",
    },
    {
      step: "DROP of last month's partition, with the guard",
      sql: `DROP TABLE citygraph_parts."AuditRecord_${previous.name}"`,
      expect: "refused",
    },
    {
      step: "DETACH … CONCURRENTLY of a partition 7 months old",
      sql: `ALTER TABLE "AuditRecord" DETACH PARTITION citygraph_parts."AuditRecord_${old.name}" CONCURRENTLY`,
      expect: "allowed",
    },
    {
      step: "DROP of that partition, with the guard",
      sql: `DROP TABLE citygraph_parts."AuditRecord_${old.name}"`,
      expect: "allowed",
    },
    {
      step: "next month's partition created ahead",
      sql: `CREATE TABLE citygraph_parts."AuditRecord_${next.name}" PARTITION OF "AuditRecord"
                FOR VALUES FROM ('${iso(next.from)}') TO ('${iso(new Date(Date.UTC(next.from.getUTCFullYear(), next.from.getUTCMonth() + 1, 1)))}')`,
      expect: "allowed",
    },
  ];

  const results: string[][] = [];
  let unexpected = 0;
  for (const s of steps) {
    let outcome: "allowed" | "refused" = "allowed";
    let message = "";
    try {
      await run(s.sql, s.params ?? []);
    } catch (e) {
      outcome = "refused";
      message = (e as Error).message;
      await run("ROLLBACK").catch(() => {});
    }
    if (outcome !== s.expect) unexpected++;
    results.push([
      s.step,
      s.expect,
      outcome,
      outcome === s.expect ? "" : "NOT AS PLANNED",
      message.slice(0, 70),
    ]);
  }
  log('the audit trail, partitioned by month on "at":');
  log(
    `  row triggers declared on the parent, as PostgreSQL lists them: ${triggers.map((t) => `${t.rel} ${t.tgname}`).join("; ")}\n`,
  );
  log(
    formatTable(
      [
        { title: "step", align: "left" },
        { title: "plan", align: "left" },
        { title: "did", align: "left" },
        { title: "", align: "left" },
        { title: "message", align: "left" },
      ],
      results,
    ),
  );

  // ---- events by year, parties co-partitioned ----
  const year = new Date().getUTCFullYear();
  const years = [year - 2, year - 1, year];
  const eventSetup = [
    `CREATE TABLE "Event" (id uuid NOT NULL, "areaId" uuid NOT NULL, "occurredAt" timestamp(3) NOT NULL,
         "reportedAt" timestamp(3) NOT NULL, title text NOT NULL, PRIMARY KEY (id, "reportedAt")) PARTITION BY RANGE ("reportedAt")`,
    `CREATE INDEX ON "Event" ("areaId", "occurredAt" DESC)`,
    `CREATE INDEX ON "Event" ("occurredAt" DESC)`,
    `CREATE TABLE "EventPerson" ("eventId" uuid NOT NULL, "eventReportedAt" timestamp(3) NOT NULL, "personId" uuid NOT NULL,
         role text NOT NULL, PRIMARY KEY ("eventId", "eventReportedAt", "personId", role),
         FOREIGN KEY ("eventId", "eventReportedAt") REFERENCES "Event"(id, "reportedAt") ON DELETE CASCADE ON UPDATE CASCADE
       ) PARTITION BY RANGE ("eventReportedAt")`,
    `CREATE INDEX ON "EventPerson" ("personId")`,
    ...years.flatMap((y) => [
      `CREATE TABLE citygraph_parts."Event_${y}" PARTITION OF "Event" FOR VALUES FROM ('${y}-01-01') TO ('${y + 1}-01-01')`,
      `CREATE TABLE citygraph_parts."EventPerson_${y}" PARTITION OF "EventPerson" FOR VALUES FROM ('${y}-01-01') TO ('${y + 1}-01-01')`,
    ]),
    // 300,000 events every 5 minutes from the first year on, over 600 areas; one party each among 50,000 persons
    `INSERT INTO "Event" SELECT gen_random_uuid(), ('00000000-0000-0000-0000-' || lpad((g % 600)::text, 12, '0'))::uuid,
         t, t + interval '1 hour', 'e'
         FROM (SELECT g, timestamp '${years[0]}-01-01' + g * interval '5 minutes' AS t FROM generate_series(1, 300000) g) s`,
    `INSERT INTO "EventPerson" SELECT id, "reportedAt",
         ('00000000-0000-0000-0001-' || lpad((abs(hashtext(id::text)) % 50000)::text, 12, '0'))::uuid, 'PARTY' FROM "Event"`,
    "ANALYZE",
  ];
  for (const sql of eventSetup) await run(sql);
  const explain = async (label: string, sql: string) => {
    const { rows } = await run(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) ${sql}`);
    const lines = rows.map((r: Record<string, string>) => r["QUERY PLAN"] ?? "");
    // partitions whose index or heap the plan reads (by name: "Event_2025", "EventPerson_2026")
    const partitions = new Set(
      lines.flatMap((l) =>
        /Scan/.test(l) ? [...l.matchAll(/"(Event(?:Person)?_\d{4})"/g)].map((m) => m[1]) : [],
      ),
    ).size;
    const planning = lines.find((l) => l.startsWith("Planning Time"))?.replace("Planning Time: ", "") ?? "?";
    const execution =
      lines.find((l) => l.startsWith("Execution Time"))?.replace("Execution Time: ", "") ?? "?";
    return [
      label,
      String(partitions),
      planning,
      execution,
      lines.find((l) => /Append/.test(l))?.trim() ?? "",
    ];
  };
  const plans = [
    await explain(
      "an area's page, newest first",
      `SELECT id FROM "Event" WHERE "areaId" = '00000000-0000-0000-0000-000000000007' ORDER BY "occurredAt" DESC, id DESC LIMIT 21`,
    ),
    await explain(
      "a person's events, through its parties",
      `SELECT e.id FROM "EventPerson" ep JOIN "Event" e ON e.id = ep."eventId" AND e."reportedAt" = ep."eventReportedAt"
          WHERE ep."personId" = '00000000-0000-0000-0001-000000000042' ORDER BY e."occurredAt" DESC LIMIT 20`,
    ),
    await explain(
      "an event by id alone",
      `SELECT * FROM "Event" WHERE id = (SELECT id FROM citygraph_parts."Event_${years[1]}" LIMIT 1)`,
    ),
  ];
  log(
    `\nevents partitioned by year on "reportedAt" (${years.join(", ")}), 300,000 events, parties co-partitioned:`,
  );
  log(
    formatTable(
      [
        { title: "read", align: "left" },
        { title: "partitions read" },
        { title: "planning" },
        { title: "execution" },
        { title: "how", align: "left" },
      ],
      plans,
    ),
  );
  const { rows: moved } = await run(
    `WITH e AS (SELECT id, "reportedAt" FROM citygraph_parts."Event_${years[0]}" LIMIT 1)
       UPDATE "Event" SET "reportedAt" = '${years[1]}-03-01' FROM e
        WHERE "Event".id = e.id AND "Event"."reportedAt" = e."reportedAt" RETURNING "Event".id`,
  );
  const { rows: followed } = await run(
    `SELECT tableoid::regclass::text AS part FROM "EventPerson" WHERE "eventId" = $1`,
    [moved[0]?.id],
  );
  const partiesFollowed =
    followed.length > 0 && followed.every((r) => r.part.includes(`EventPerson_${years[1]}`));
  if (!partiesFollowed) unexpected++;
  log(
    `\nan event's reportedAt corrected into another year: the event moved, its parties ${partiesFollowed ? "moved with it (ON UPDATE CASCADE)" : "did NOT follow"}: ${followed.map((r) => r.part).join(", ")}`,
  );
  bench.report("bench-partition-plan.json", {
    postgresql: version?.server_version,
    audit: results,
    plans,
    partiesFollowed,
  });
  if (unexpected > 0) log(`\n${unexpected} steps not as planned`);
  return unexpected > 0 ? 1 : 0;
});
