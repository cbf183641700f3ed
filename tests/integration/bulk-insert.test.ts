// prisma/bulk.ts against PostgreSQL: every column kind round-trips, rows keep their order across
// the columns (a JSON column goes as one JSON array, the others as arrays), a missing value is
// SQL NULL, and a conflicting row is skipped when asked.
import { describe, expect, it } from "vitest";
import { arrayLiteral, bulkInsert, type Columns } from "../../prisma/bulk.js";
import { type Db, executeIn, onOwnConnection, queryIn, type Tx, transaction } from "../../prisma/db.js";
import { useTemplateDb } from "../support/template-db.js";

let db: Db;
useTemplateDb(
  (d) => {
    db = d;
  },
  { poolMax: 2 },
);

const COLUMNS = {
  id: "text",
  payload: "jsonText",
  doc: "jsonb",
  flag: "bool",
  at: "timestamp",
  day: "date",
  score: "float8",
} satisfies Columns;

const TABLE = `CREATE TEMP TABLE "BulkProbe" (
  id text PRIMARY KEY, payload jsonb, doc jsonb, flag bool, at timestamp(3), day date, score float8
) ON COMMIT DROP`;

// The same writes inside Prisma's own transaction (statements through Prisma) and inside
// `transaction()` (statements with large arguments on the transaction's connection).
const WAYS = [
  ["through Prisma", <T>(fn: (tx: Tx) => Promise<T>) => db.$transaction(fn)],
  ["on the transaction's own connection", <T>(fn: (tx: Tx) => Promise<T>) => transaction(db, fn)],
] as const;

describe("transaction()", () => {
  it("sends the direct statements on its own connection, inside the transaction", async () => {
    const seen = await transaction(db, async (tx) => {
      await tx.$executeRawUnsafe(`CREATE TEMP TABLE "DirectProbe" (n int) ON COMMIT DROP`);
      await executeIn(tx, `INSERT INTO "DirectProbe" SELECT unnest($1::int[])`, ["{1,2,3}"]);
      // what the direct statement wrote, Prisma's statements of the same transaction see
      const [row] = await tx.$queryRawUnsafe<{ sum: number }[]>(
        `SELECT sum(n)::int AS sum FROM "DirectProbe"`,
      );
      const direct = await queryIn<{ n: number }>(tx, `SELECT n FROM "DirectProbe" ORDER BY n`, []);
      return { own: onOwnConnection(tx), sum: row?.sum, direct: direct.map((r) => r.n) };
    });
    expect(seen).toEqual({ own: true, sum: 6, direct: [1, 2, 3] });
    // Prisma's own transaction has no known connection: the same calls go through Prisma
    expect(await db.$transaction(async (tx) => onOwnConnection(tx))).toBe(false);
  });

  it("rolls the direct statements back with the transaction", async () => {
    await db.$executeRawUnsafe(`CREATE TABLE IF NOT EXISTS "DirectRollback" (n int)`);
    await expect(
      transaction(db, async (tx) => {
        await executeIn(tx, `INSERT INTO "DirectRollback" VALUES ($1::int)`, [7]);
        throw new Error("give up");
      }),
    ).rejects.toThrow("give up");
    await transaction(db, async (tx) => {
      await executeIn(tx, `INSERT INTO "DirectRollback" VALUES ($1::int)`, [8]);
    });
    const rows = await db.$queryRawUnsafe<{ n: number }[]>(`SELECT n FROM "DirectRollback"`);
    await db.$executeRawUnsafe(`DROP TABLE "DirectRollback"`);
    expect(rows).toEqual([{ n: 8 }]);
  });
});

describe.each(WAYS)("bulkInsert %s", (_, inTransaction) => {
  it("writes every row's values to its own row, JSON text and values alike, nulls as SQL NULL", async () => {
    const awkward = 'quote " backslash \\ tab \t newline \n 引号“” emoji 🏠 {"a":[1,2]}';
    const rows = Array.from({ length: 1_500 }, (_, i) => ({
      id: `r${i}`,
      payload:
        i % 7 === 0 ? null : JSON.stringify({ i, text: `${awkward}${i}`, nested: { list: [i, null] } }),
      doc: i % 5 === 0 ? undefined : { i, text: awkward, quote: '"', slash: "\\" },
      flag: i % 2 === 0,
      at: new Date(Date.UTC(2026, 11, 5, 12, 0, i % 60)),
      day: "2026-12-05",
      score: i / 3,
    }));
    const read = await inTransaction(async (tx) => {
      await tx.$executeRawUnsafe(TABLE);
      await bulkInsert(tx, "BulkProbe", COLUMNS, rows);
      return tx.$queryRawUnsafe<
        {
          id: string;
          payload: unknown;
          doc: unknown;
          sqlNulls: number;
          flag: boolean;
          at: string;
          day: string;
          score: number;
        }[]
      >(
        `SELECT id, payload, doc, (payload IS NULL)::int + (doc IS NULL)::int AS "sqlNulls", flag, to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS at,
                to_char(day, 'YYYY-MM-DD') AS day, score FROM "BulkProbe" ORDER BY substr(id, 2)::int`,
      );
    });
    expect(read).toHaveLength(rows.length);
    for (const [i, row] of read.entries()) {
      const want = rows[i]!;
      expect(row.id).toBe(want.id);
      expect(row.payload).toEqual(want.payload === null ? null : JSON.parse(want.payload));
      expect(row.doc).toEqual(want.doc ?? null);
      // missing is SQL NULL, not the JSON value null
      expect(row.sqlNulls).toBe(Number(want.payload === null) + Number(want.doc === undefined));
      expect(row.flag).toBe(want.flag);
      expect(row.at).toBe(want.at.toISOString().slice(0, 23));
      expect(row.day).toBe(want.day);
      expect(row.score).toBeCloseTo(want.score, 12);
    }
  });

  it("writes a text with a lone surrogate as U+FFFD, and keeps pairs (emoji) whole", async () => {
    const read = await inTransaction(async (tx) => {
      await tx.$executeRawUnsafe(TABLE);
      await bulkInsert(tx, "BulkProbe", COLUMNS, [{ id: "broken \ud800 🏠" }]);
      return tx.$queryRawUnsafe<{ id: string }[]>(`SELECT id FROM "BulkProbe"`);
    });
    expect(read).toEqual([{ id: "broken \uFFFD 🏠" }]);
  });

  it("skips rows that hit a unique constraint when asked, and fails on them when not", async () => {
    const row = (id: string, n: number) => ({ id, payload: `{"n":${n}}`, doc: { n } });
    const kept = await inTransaction(async (tx) => {
      await tx.$executeRawUnsafe(TABLE);
      await bulkInsert(tx, "BulkProbe", COLUMNS, [row("a", 1), row("b", 2)]);
      await bulkInsert(tx, "BulkProbe", COLUMNS, [row("b", 3), row("c", 4)], { conflict: "ignore" });
      return tx.$queryRawUnsafe<{ id: string; n: number }[]>(
        `SELECT id, (payload->>'n')::int AS n FROM "BulkProbe" ORDER BY id`,
      );
    });
    expect(kept).toEqual([
      { id: "a", n: 1 },
      { id: "b", n: 2 },
      { id: "c", n: 4 },
    ]);
    await expect(
      inTransaction(async (tx) => {
        await tx.$executeRawUnsafe(TABLE);
        await bulkInsert(tx, "BulkProbe", COLUMNS, [row("a", 1)]);
        await bulkInsert(tx, "BulkProbe", COLUMNS, [row("a", 2)]);
      }),
    ).rejects.toThrow(/unique|duplicate/i);
  });
});

describe("arrayLiteral", () => {
  it("reads back in PostgreSQL as the same values in the same order, NULL apart from the text NULL", async () => {
    const values = [
      "plain",
      "",
      "NULL",
      null,
      " leading and trailing ",
      'comma, {braces} and "quotes"',
      'back\\slash \\"',
      "tab\tnewline\n",
      "引号“” emoji 🏠",
      undefined,
      "x".repeat(10_000),
    ];
    const rows = await db.$queryRawUnsafe<{ v: string | null; n: bigint }[]>(
      "SELECT v, n FROM unnest($1::text[]) WITH ORDINALITY AS t(v, n) ORDER BY n",
      arrayLiteral(values),
    );
    expect(rows.map((r) => r.v)).toEqual(values.map((v) => v ?? null));
    expect(arrayLiteral([])).toBe("{}");
    const empty = await db.$queryRawUnsafe<{ n: number }[]>(
      "SELECT cardinality($1::text[]) AS n",
      arrayLiteral([]),
    );
    expect(empty).toEqual([{ n: 0 }]);
  });
});
