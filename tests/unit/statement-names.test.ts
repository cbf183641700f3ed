// The requests' prepared statements (prisma/db.ts): one name per SQL text, list pages unnamed.
import { describe, expect, it } from "vitest";
import { PLANNED_PER_CALL, statementNames } from "../../prisma/db.js";

const lookup = `SELECT "t0"."id" FROM "public"."Person" AS "t0" WHERE "t0"."citizenId" = $1 LIMIT $2`;
const count = `SELECT count(*)::int AS n FROM "Event" e WHERE e."areaId" = $1`;
const page = `SELECT "t0"."id" FROM "public"."Event" AS "t0" WHERE "t0"."areaId" = $1
  ORDER BY "t0"."occurredAt" DESC, "t0"."id" ASC LIMIT $2 OFFSET $3`;
// a later page: a keyset condition, no OFFSET
const keysetPage = `SELECT "t0"."id" FROM "public"."Event" AS "t0" WHERE ("t0"."occurredAt" < $1 OR
  ("t0"."occurredAt" = $2 AND "t0"."id" > $3)) ORDER BY "t0"."occurredAt" DESC, "t0"."id" ASC LIMIT $4`;
// one row by key, with the latest events nested (their ORDER BY … LIMIT inside a subquery)
const byKey = `SELECT "t0"."id", "e"."d" FROM "public"."Person" AS "t0" LEFT JOIN LATERAL (SELECT
  JSONB_AGG("x") AS "d" FROM (SELECT "x" FROM "public"."EventPerson" AS "t1" WHERE "t1"."personId" = "t0"."id"
  ORDER BY "t1"."eventId" DESC LIMIT $1 OFFSET $2) AS "t2") AS "e" ON true WHERE "t0"."citizenId" = $3 LIMIT $4`;

describe("statementNames", () => {
  it("names each SQL text once and gives the same text the same name", () => {
    const names = statementNames();
    const a = names({ sql: lookup });
    const b = names({ sql: count });
    expect(a).not.toBe("");
    expect(b).not.toBe("");
    expect(a).not.toBe(b);
    expect(names({ sql: lookup })).toBe(a);
    expect(names({ sql: `${count}` })).toBe(b);
  });

  it("leaves a list page (its own ORDER BY … LIMIT, or OFFSET, at the end) unnamed", () => {
    const names = statementNames();
    expect(names({ sql: page })).toBe("");
    expect(names({ sql: `${page}\n` })).toBe("");
    expect(names({ sql: page })).toBe("");
    expect(names({ sql: keysetPage })).toBe("");
    expect(names({ sql: `SELECT "t0"."id" FROM "public"."Event" AS "t0" OFFSET $1` })).toBe("");
    // a page nested in a read plan's JSON says so at its end
    expect(
      names({ sql: `WITH page AS (SELECT 1) SELECT json_build_object('rows', 1) ${PLANNED_PER_CALL}` }),
    ).toBe("");
    expect(names({ sql: `WITH page AS (SELECT 1) SELECT json_build_object('rows', 1)` })).not.toBe("");
    // a row by key, even with pages of its relations nested, and a lookup with LIMIT are named
    expect(names({ sql: byKey })).not.toBe("");
    expect(
      names({
        sql: `SELECT "t0"."id" FROM "public"."Event" AS "t0" WHERE ("t0"."id" = $1 AND 1=1) LIMIT $2`,
      }),
    ).not.toBe("");
    // an OFFSET inside a subquery is not the statement's page
    expect(names({ sql: `SELECT * FROM (SELECT 1 LIMIT $1 OFFSET $2) AS s WHERE TRUE` })).not.toBe("");
  });

  it("names at most `max` texts; later texts run unnamed, earlier ones keep their names", () => {
    const names = statementNames(2);
    const a = names({ sql: lookup });
    const b = names({ sql: count });
    expect(names({ sql: "SELECT 3" })).toBe("");
    expect(names({ sql: "SELECT 3" })).toBe("");
    expect(names({ sql: lookup })).toBe(a);
    expect(names({ sql: count })).toBe(b);
  });
});
