// Read plans (schema/read-plans.ts) against the graph path: two hubs on one database, one with
// READ_PLANS on (the default), one with it off. For every kind of principal (city-wide with and
// without a purpose, a district, a grid, masked roles, a department), person-360 and area-events
// (first and next pages) must answer the same JSON, errors included, and leave the same audit
// records; the plan must actually answer where the policy lets it (one statement), and hand the
// request to the graph path where a field of the answer is refused.
import { readFileSync } from "node:fs";
import { parse, print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtinConnectors } from "../../connectors/departments/index.js";
import type { Role } from "../../domain/roles.js";
import { upsertAreaTree } from "../../integration/area-registry.js";
import type { Sandbox } from "../../sandbox/services/index.js";
import { PLAN_DOCUMENTS } from "../../schema/read-plans.js";
import { type GraphQLResponse, startTestHub, type TestHub } from "../support/hub.js";
import { startSmallSandbox } from "./sandbox/support.js";

const operation = (name: string) =>
  readFileSync(new URL(`../../operations/${name}.graphql`, import.meta.url), "utf8");
const PERSON_360 = operation("person-360");
const AREA_EVENTS = operation("area-events");

let sandbox: Sandbox;
let planned: TestHub;
let graph: TestHub;

beforeAll(async () => {
  sandbox = await startSmallSandbox();
  const connectors = builtinConnectors(sandbox.urls);
  planned = await startTestHub({ AUDIT_FLUSH_MS: "20" }, connectors, undefined, {
    countStatements: true,
    resolveAfterSync: false,
  });
  for (const c of connectors) expect((await planned.sync.run(c.manifest.id)).outcome).toBe("SUCCEEDED");
  // the same database, the graph path only
  graph = await startTestHub(
    { AUDIT_FLUSH_MS: "20", READ_PLANS: "false" },
    [],
    { databaseUrl: planned.databaseUrl, dropDatabase: async () => {} },
    { resolveAfterSync: false },
  );
}, 240_000);
afterAll(async () => {
  await graph?.stop({ keepDatabase: true });
  await planned?.stop();
  await sandbox?.stop();
});

interface Principal {
  name: string;
  roles: Role[];
  areas: string[];
  purpose?: string;
  purpose_ref?: string;
  dept?: string;
}

let requestNo = 0;
/** The same request to both hubs, each with its own request id: the two answers and the ids. */
async function both(principal: Principal, query: string, variables: Record<string, unknown>) {
  const n = ++requestNo;
  const claims = { ...principal, sub: `read-plans-${principal.name}` };
  const [a, b] = await Promise.all([
    planned.gql(query, {
      token: await planned.token(claims),
      variables,
      headers: { "x-request-id": `plan-${n}` },
    }),
    graph.gql(query, {
      token: await graph.token(claims),
      variables,
      headers: { "x-request-id": `graph-${n}` },
    }),
  ]);
  return { a, b, n };
}

const comparable = (r: GraphQLResponse) => ({ status: r.status, data: r.data, errors: r.errors ?? [] });

type AuditRow = { requestId: string; outcome: string; fields: string[]; entityIds: string[] };
/** Each request's audit records, as a sorted list of outcome, fields and elements. */
async function auditOf(prefix: string, count: number): Promise<Map<number, string[]>> {
  let rows: AuditRow[] = [];
  // the writers flush every 20 ms; wait until the records stop growing
  for (let last = -1; ; ) {
    await new Promise((r) => setTimeout(r, 150));
    rows = await planned.db.$queryRawUnsafe<AuditRow[]>(
      `SELECT "requestId", outcome::text AS outcome, fields, "entityIds" FROM "AuditRecord" WHERE "requestId" LIKE $1`,
      `${prefix}-%`,
    );
    if (rows.length === last) break;
    last = rows.length;
  }
  const out = new Map<number, string[]>();
  for (let i = 1; i <= count; i++) out.set(i, []);
  for (const r of rows) {
    const n = Number(r.requestId.slice(prefix.length + 1));
    out.get(n)?.push(`${r.outcome} ${[...r.fields].sort().join(",")} @ ${[...r.entityIds].sort().join(",")}`);
  }
  for (const list of out.values()) list.sort();
  return out;
}

describe("read plans", () => {
  it("are the operations the frontend's generated types are made from", () => {
    expect(print(parse(PLAN_DOCUMENTS["person-360"]!))).toBe(print(parse(PERSON_360)));
    expect(print(parse(PLAN_DOCUMENTS["area-events"]!))).toBe(print(parse(AREA_EVENTS)));
  });

  it("answer as the graph path does, with the same audit records, for every kind of principal", async () => {
    const db = planned.db;
    const persons = await db.$queryRaw<{ citizenId: string }[]>`
      (SELECT p."citizenId" FROM "Person" p JOIN "EventPerson" ep ON ep."personId" = p.id
        WHERE p."citizenId" IS NOT NULL GROUP BY p.id ORDER BY count(*) DESC, p.id LIMIT 8)
      UNION
      (SELECT p."citizenId" FROM "Person" p
        WHERE p."citizenId" IS NOT NULL
          AND EXISTS (SELECT 1 FROM "PersonOrganisation" po WHERE po."personId" = p.id)
        ORDER BY p.id LIMIT 3)
      UNION
      (SELECT "citizenId" FROM "Person" WHERE "citizenId" IS NOT NULL ORDER BY md5(id::text) LIMIT 5)`;
    const area = async (level: string, offset = 0) =>
      (
        await db.$queryRawUnsafe<{ code: string }[]>(
          `SELECT a.code FROM "Area" a WHERE a.level = $1::"AreaLevel"
             ORDER BY (SELECT count(*) FROM "Event" e JOIN "AreaClosure" c ON c."descendantId" = e."areaId"
                       WHERE c."ancestorId" = a.id) DESC, a.code OFFSET $2 LIMIT 1`,
          level,
          offset,
        )
      )[0]!.code;
    const city = await area("CITY");
    const district = await area("DISTRICT");
    const street = await area("STREET");
    const community = await area("COMMUNITY");
    const grid = await area("GRID");
    const otherGrid = await area("GRID", 3);
    const principals: Principal[] = [
      { name: "commander", roles: ["city_commander"], areas: [city], purpose: "EMERGENCY_RESPONSE" },
      { name: "commander-no-purpose", roles: ["city_commander"], areas: [city] },
      { name: "district", roles: ["district_commander"], areas: [district], purpose: "DATA_GOVERNANCE" },
      {
        name: "grid",
        roles: ["grid_worker"],
        areas: [grid],
        purpose: "DISPUTE_MEDIATION",
        purpose_ref: "TJ-1",
      },
      { name: "community", roles: ["community_worker"], areas: [community] },
      { name: "analyst", roles: ["analyst"], areas: [city] },
      { name: "connector-admin", roles: ["connector_admin"], areas: [city] },
      {
        name: "police",
        roles: ["department_officer"],
        areas: [city],
        dept: "public_security",
        purpose: "EMERGENCY_RESPONSE",
      },
    ];
    const codes = [city, district, street, community, grid, otherGrid];

    let answeredByPlan = 0;
    let handedBack = 0;
    const differences: string[] = [];
    const check = (what: string, r: Awaited<ReturnType<typeof both>>) => {
      try {
        expect(comparable(r.a)).toEqual(comparable(r.b));
      } catch {
        differences.push(
          `${what} (request ${r.n}): ${JSON.stringify(comparable(r.a)).slice(0, 600)}\n  vs ${JSON.stringify(comparable(r.b)).slice(0, 600)}`,
        );
      }
    };
    /** Whether the plan's statement answered the last request on the planned hub. */
    const byPlan = () => planned.statements.list().some((s) => s.includes("json_build_object"));

    for (const principal of principals) {
      for (const { citizenId } of persons) {
        planned.statements.reset();
        const r = await both(principal, PERSON_360, { citizenId });
        if (byPlan() && !r.a.errors) answeredByPlan++;
        else handedBack++;
        check(`${principal.name} person-360 ${citizenId}`, r);
      }
      for (const code of codes) {
        for (const first of [5, 50]) {
          planned.statements.reset();
          const r = await both(principal, AREA_EVENTS, { code, first, after: null });
          if (byPlan() && !r.a.errors) answeredByPlan++;
          else handedBack++;
          check(`${principal.name} area-events ${code} first ${first}`, r);
          const after = (r.a.data as { events?: { pageInfo?: { endCursor?: string | null } } } | null)?.events
            ?.pageInfo?.endCursor;
          if (after) {
            const next = await both(principal, AREA_EVENTS, { code, first, after });
            check(`${principal.name} area-events ${code} first ${first} after ${after}`, next);
          }
        }
      }
    }
    expect(differences, differences.slice(0, 5).join("\n\n")).toEqual([]);
    // both kinds happened: the plans answered, and handed refusals to the graph path
    expect(answeredByPlan).toBeGreaterThan(50);
    expect(handedBack).toBeGreaterThan(20);

    const [fromPlans, fromGraph] = await Promise.all([
      auditOf("plan", requestNo),
      auditOf("graph", requestNo),
    ]);
    const auditDifferences: string[] = [];
    for (let n = 1; n <= requestNo; n++)
      if (JSON.stringify(fromPlans.get(n)) !== JSON.stringify(fromGraph.get(n)))
        auditDifferences.push(
          `request ${n}:\n  plan  ${fromPlans.get(n)!.join("\n        ")}\n  graph ${fromGraph.get(n)!.join("\n        ")}`,
        );
    expect(auditDifferences, auditDifferences.slice(0, 3).join("\n")).toEqual([]);
    // the trail is not empty: reads in full were recorded on both paths
    expect([...fromPlans.values()].flat().filter((e) => e.startsWith("READ")).length).toBeGreaterThan(50);
  }, 600_000);

  it("answer bad input as the graph path does: the same error naming the argument, or the same empty answer", async () => {
    const commander: Principal = {
      name: "commander-bad-input",
      roles: ["city_commander"],
      areas: ["320600"],
      purpose: "EMERGENCY_RESPONSE",
    };
    const notACursor = Buffer.from('GPC:T:["D:abc","S:x"]').toString("base64");
    const cases: [string, Record<string, unknown>][] = [
      [PERSON_360, { citizenId: "123" }],
      [PERSON_360, { citizenId: "" }],
      [PERSON_360, { citizenId: "320602199608094319" }], // a wrong check digit
      [PERSON_360, { citizenId: 42 }], // not a string
      [AREA_EVENTS, { code: "320600", first: 0 }],
      [AREA_EVENTS, { code: "320600", first: -1 }],
      [AREA_EVENTS, { code: "320600", first: 101 }],
      [AREA_EVENTS, { code: "320600", first: 5, after: "not a cursor" }],
      [AREA_EVENTS, { code: "320600", first: 5, after: notACursor }],
      [AREA_EVENTS, { code: "999999", first: 5 }], // no such area: nothing, counted as nothing
      [AREA_EVENTS, { code: "", first: 5 }],
    ];
    let refused = 0;
    for (const [query, variables] of cases) {
      const r = await both(commander, query, variables);
      expect(comparable(r.a), JSON.stringify(variables)).toEqual(comparable(r.b));
      if (r.a.errors?.length) refused++;
    }
    // most are refused with an error, which both paths write alike
    expect(refused).toBeGreaterThanOrEqual(7);
  });

  it("leave an operation name the document does not hold to the graph path, which refuses it", async () => {
    const token = await planned.token({
      roles: ["city_commander"],
      areas: ["320600"],
      purpose: "EMERGENCY_RESPONSE",
    });
    const response = await fetch(`${planned.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: AREA_EVENTS,
        variables: { code: "320600", first: 5 },
        operationName: "Other",
      }),
    });
    const body = (await response.json()) as { data?: unknown; errors?: { message: string }[] };
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.[0]?.message).toMatch(/Unknown operation named "Other"/);
  });

  it("fail closed when a root is added to the area tree after a city-wide jurisdiction was resolved", async () => {
    // The city's commander: its jurisdiction holds the tree's root, so the statements skip the
    // per-row area tests after one look at the roots. A second city appears, and one of a busy
    // person's events moves into it: that event is outside the commander's jurisdiction now.
    const commander = {
      name: "commander-new-root",
      roles: ["city_commander"] as Role[],
      areas: ["320600"],
      purpose: "EMERGENCY_RESPONSE",
    };
    const [busy] = await planned.db.$queryRaw<{ citizenId: string; eventId: string; areaId: string }[]>`
      SELECT p."citizenId", e.id::text AS "eventId", e."areaId"::text AS "areaId"
      FROM "Person" p JOIN "EventPerson" ep ON ep."personId" = p.id JOIN "Event" e ON e.id = ep."eventId"
      WHERE p."citizenId" IS NOT NULL
        AND (SELECT count(*) FROM "EventPerson" x WHERE x."personId" = p.id) >= 3
      ORDER BY e."occurredAt" DESC, p.id LIMIT 1`;
    const { citizenId, eventId, areaId } = busy!;
    type Answer = { person: { events: { totalCount: number; edges: { node: { id: string } }[] } } | null };
    const ids = (r: GraphQLResponse<Answer>) => r.data?.person?.events.edges.map((e) => e.node.id) ?? [];
    const before = await both(commander, PERSON_360, { citizenId }); // the jurisdiction resolved, with its root
    const eventIds = ids(before.a as GraphQLResponse<Answer>).map(
      (g) => Buffer.from(g, "base64").toString().split(":")[1],
    );
    expect(eventIds).toContain(eventId);
    await upsertAreaTree(planned.db, [{ code: "330100", name: "另一城市", level: "CITY", parentCode: null }]);
    const root = await planned.db.area.findUniqueOrThrow({ where: { code: "330100" } });
    await planned.db.event.update({ where: { id: eventId }, data: { areaId: root.id } });
    try {
      const after = await both(commander, PERSON_360, { citizenId });
      expect(comparable(after.a)).toEqual(comparable(after.b));
      const data = (after.a as GraphQLResponse<Answer>).data!.person!;
      const afterIds = ids(after.a as GraphQLResponse<Answer>).map(
        (g) => Buffer.from(g, "base64").toString().split(":")[1],
      );
      expect(afterIds).not.toContain(eventId);
      expect(data.events.totalCount).toBe(
        (before.a as GraphQLResponse<Answer>).data!.person!.events.totalCount - 1,
      );
    } finally {
      await planned.db.event.update({ where: { id: eventId }, data: { areaId } });
      await planned.db.area.delete({ where: { id: root.id } });
    }
  });

  it("answer person-360 and an area's events in one statement each for a city commander", async () => {
    const claims = { roles: ["city_commander"] as Role[], areas: ["320600"], purpose: "EMERGENCY_RESPONSE" };
    const token = await planned.token(claims);
    const [busiest] = await planned.db.$queryRaw<{ citizenId: string }[]>`
      SELECT p."citizenId" FROM "Person" p JOIN "EventPerson" ep ON ep."personId" = p.id
      WHERE p."citizenId" IS NOT NULL GROUP BY p.id ORDER BY count(*) DESC, p.id LIMIT 1`;
    const citizenId = busiest!.citizenId;
    await planned.gql(PERSON_360, { token, variables: { citizenId } }); // jurisdiction resolved
    planned.statements.reset();
    const person = await planned.gql<{ person: { events: { totalCount: number } } }>(PERSON_360, {
      token,
      variables: { citizenId },
    });
    expect(person.errors).toBeUndefined();
    expect(person.data!.person.events.totalCount).toBeGreaterThan(0);
    expect(planned.statements.list()).toHaveLength(1);
    planned.statements.reset();
    const page = await planned.gql<{ events: { edges: unknown[] } }>(AREA_EVENTS, {
      token,
      variables: { code: "320600", first: 20, after: null },
    });
    expect(page.errors).toBeUndefined();
    expect(page.data!.events.edges).toHaveLength(20);
    expect(planned.statements.list().length).toBeLessThanOrEqual(2); // the area's key, then the page
    expect(planned.statements.list().filter((s) => s.includes("json_build_object"))).toHaveLength(1);
  });
});
