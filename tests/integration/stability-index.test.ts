// The safety-stability index (平安稳定指数) over GraphQL: computed from the month's events in an
// area's subtree, with its breakdown and the change from last month; a drop beyond the threshold
// raises one alert for the area and month; outside the caller's jurisdiction the area is not found.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { raiseIndexDrop } from "../../integration/warnings/stability.js";
import { startTestHub, type TestHub } from "../support/hub.js";

let hub: TestHub;
let street: { id: string; code: string };
let grid: { id: string };

beforeAll(async () => {
  hub = await startTestHub();
  const rows = await hub.db.$queryRaw<{ streetId: string; streetCode: string; gridId: string }[]>`
    SELECT s.id::text AS "streetId", s.code AS "streetCode", g.id::text AS "gridId"
    FROM "Area" s JOIN "AreaClosure" c ON c."ancestorId" = s.id JOIN "Area" g ON g.id = c."descendantId"
    WHERE s.level = 'STREET' AND g.level = 'GRID' ORDER BY s.code, g.code LIMIT 1`;
  street = { id: rows[0]!.streetId, code: rows[0]!.streetCode };
  grid = { id: rows[0]!.gridId };
});
afterAll(() => hub?.stop());

const at = (iso: string) => new Date(iso);
async function events(kind: "POLICE_INCIDENT" | "DISPUTE", n: number, when: string) {
  await hub.db.event.createMany({
    data: Array.from({ length: n }, (_, i) => ({
      kind,
      title: `${kind} ${i}`,
      occurredAt: at(when),
      reportedAt: at(when),
      areaId: grid.id,
      status: "REPORTED" as const,
    })),
  });
}

const QUERY = `query($area: String!, $month: String!) { stabilityIndex(area: $area, month: $month) {
  areaCode month residents score previousScore change breakdown { indicator value score contribution } } }`;

interface Index {
  score: number | null;
  previousScore: number | null;
  change: number | null;
  residents: number;
  breakdown: { indicator: string; value: number | null; score: number | null }[];
}

describe("stabilityIndex", () => {
  it("scores the month from its events, with the breakdown and the trend; a drop raises one alert", async () => {
    const commander = await hub.token({ roles: ["city_commander"], areas: ["320600"] });
    // October: two resolved disputes; November: many incidents and disputes, none resolved.
    await events("DISPUTE", 2, "2026-10-10T02:00:00Z");
    await hub.db.event.updateMany({
      where: { areaId: grid.id, occurredAt: at("2026-10-10T02:00:00Z") },
      data: { status: "ARCHIVED" },
    });
    await events("POLICE_INCIDENT", 6, "2026-11-10T02:00:00Z");
    await events("DISPUTE", 4, "2026-11-12T02:00:00Z");

    const r = await hub.gql<{ stabilityIndex: Index }>(QUERY, {
      token: commander,
      variables: { area: street.code, month: "2026-11" },
    });
    expect(r.errors).toBeUndefined();
    const index = r.data!.stabilityIndex;
    const by = Object.fromEntries(index.breakdown.map((b) => [b.indicator, b]));
    expect(by.resolutionRate).toMatchObject({ value: 0, score: 0 });
    expect(by.overdueRate).toMatchObject({ value: 0, score: 100 });
    expect(by.satisfactionRate).toMatchObject({ value: null, score: null });
    expect(index.score).not.toBeNull();
    expect(index.previousScore).not.toBeNull();
    expect(index.change).toBeCloseTo(index.score! - index.previousScore!, 1);
    expect(index.change!).toBeLessThan(-5);

    const now = at("2026-12-01T02:00:00Z");
    expect(await raiseIndexDrop(hub.db, street.id, "2026-11", now)).toBe(true);
    expect(await raiseIndexDrop(hub.db, street.id, "2026-11", now)).toBe(false); // once per area and month
    const alerts = await hub.db.alert.findMany({ where: { kind: "INDEX_DROP", areaId: street.id } });
    expect(alerts).toHaveLength(1);
    expect(JSON.stringify(alerts[0]!.reasons)).toContain("平安稳定指数 fell");
    // a month without a drop (October against September) raises nothing
    expect(await raiseIndexDrop(hub.db, street.id, "2026-10", now)).toBe(false);
  });

  it("refuses a month that is not YYYY-MM, and an area outside the caller's jurisdiction", async () => {
    const other = await hub.token({ roles: ["district_commander"], areas: ["320612"] });
    const outside = await hub.gql(QUERY, {
      token: other,
      variables: { area: street.code, month: "2026-11" },
    });
    expect(outside.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const bad = await hub.gql(QUERY, { token: other, variables: { area: "320612", month: "2026-13" } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "month" });
  });
});
