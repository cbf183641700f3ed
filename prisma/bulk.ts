// Bulk writes for ingest: one INSERT … SELECT FROM unnest(arrays) per table and page. Prisma's
// createMany compiles and binds every row (most of the ingest's CPU went there); this sends one
// array per column. Column types are declared by the caller, next to the table they write. A JSON
// column's values go as one JSON array text: as elements of a text[] literal, the driver escaped
// every quote of every payload and PostgreSQL unescaped them before parsing the JSON.
import { executeIn, queryIn, type Tx } from "./db.js";

export type ColumnType =
  | "uuid"
  | "text"
  | "jsonb"
  /** a jsonb column whose values are given as JSON text already */
  | "jsonText"
  | "bool"
  | "float8"
  | "date"
  | "timestamp"
  | { enum: string };
export type Columns = Record<string, ColumnType>;

const CHUNK = 10_000;

type JsonColumn = "jsonb" | "jsonText";

function arrayType(type: Exclude<ColumnType, JsonColumn>): string {
  if (typeof type === "object") return "text[]";
  return {
    uuid: "uuid[]",
    text: "text[]",
    bool: "bool[]",
    float8: "float8[]",
    date: "text[]",
    timestamp: "text[]",
  }[type];
}

const isJson = (type: ColumnType): type is JsonColumn => type === "jsonb" || type === "jsonText";

/** A column's argument of unnest: its array parameter; a JSON column's elements, in order. */
function argument(i: number, type: ColumnType): string {
  if (isJson(type))
    return `ARRAY(SELECT nullif(j.e, 'null'::jsonb) FROM jsonb_array_elements($${i}::jsonb) WITH ORDINALITY AS j(e, n) ORDER BY j.n)`;
  return `$${i}::${arrayType(type)}`;
}

function cast(name: string, type: ColumnType): string {
  const col = `u."${name}"`;
  if (typeof type === "object") return `${col}::"${type.enum}"`;
  if (type === "date") return `${col}::date`;
  if (type === "timestamp") return `${col}::timestamp(3)`;
  return col;
}

function param(value: unknown, type: ColumnType): unknown {
  if (value === undefined || value === null) return null;
  if (type === "timestamp") return value instanceof Date ? value.toISOString() : String(value);
  if (type === "date") return value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
  return value;
}

const NEEDS_ESCAPE = /[\\"]/;

/**
 * Values as one PostgreSQL array literal (`{"a","b",NULL}`), for a `$n::text[]` (uuid[], float8[],
 * …) parameter. A JS array parameter is copied element by element by Prisma's raw-query handling
 * (serialised, parsed back, mapped), by the driver adapter and by pg (which escapes each element
 * into its own literal), and Prisma's debug history keeps the last hundred statements' arguments:
 * thousands of small strings a column that live long enough to be promoted. One string per
 * column is one object, and a large one lives outside the young generation.
 */
export function arrayLiteral(values: readonly unknown[]): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) parts[i] = "NULL";
    else {
      const text = String(v);
      parts[i] = `"${NEEDS_ESCAPE.test(text) ? text.replace(/[\\"]/g, "\\$&") : text}"`;
    }
  }
  return `{${parts.join(",")}}`;
}

/**
 * One column's parameter: an array literal, or for a JSON column one JSON array text (JSON null,
 * and a value that is null or missing, store SQL NULL; a jsonText value is JSON text already).
 */
function columnParam(rows: readonly Record<string, unknown>[], name: string, type: ColumnType): unknown {
  if (!isJson(type)) return arrayLiteral(rows.map((row) => param(row[name], type)));
  const json = (v: unknown) =>
    v === undefined || v === null ? "null" : type === "jsonText" ? String(v) : JSON.stringify(v);
  return `[${rows.map((row) => json(row[name])).join(",")}]`;
}

/** INSERT rows into a table; `conflict: "ignore"` skips rows that hit a unique constraint. */
export async function bulkInsert(
  tx: Tx,
  table: string,
  columns: Columns,
  rows: readonly Record<string, unknown>[],
  { conflict }: { conflict?: "ignore" } = {},
): Promise<void> {
  const sql = insertSql(table, columns, conflict);
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    await executeIn(
      tx,
      sql,
      Object.keys(columns).map((n) => columnParam(chunk, n, columns[n]!)),
    );
  }
}

/**
 * INSERT rows that have an `id`, skipping those that hit a unique constraint, and return the ids
 * of the rows that went in (the others: another writer holds their key).
 */
export async function bulkInsertReturningIds(
  tx: Tx,
  table: string,
  columns: Columns,
  rows: readonly ({ id: string } & Record<string, unknown>)[],
): Promise<Set<string>> {
  const sql = `${insertSql(table, columns, "ignore")} RETURNING id::text AS id`;
  const inserted = new Set<string>();
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    const got = await queryIn<{ id: string }>(
      tx,
      sql,
      Object.keys(columns).map((n) => columnParam(chunk, n, columns[n]!)),
    );
    for (const r of got) inserted.add(r.id);
  }
  return inserted;
}

function insertSql(table: string, columns: Columns, conflict: "ignore" | undefined): string {
  const names = Object.keys(columns);
  return `INSERT INTO "${table}" (${names.map((n) => `"${n}"`).join(", ")})
    SELECT ${names.map((n) => cast(n, columns[n]!)).join(", ")}
    FROM unnest(${names.map((n, i) => argument(i + 1, columns[n]!)).join(", ")}) AS u(${names.map((n) => `"${n}"`).join(", ")})
    ${conflict === "ignore" ? "ON CONFLICT DO NOTHING" : ""}`;
}

/**
 * UPDATE rows by id from arrays; a null value keeps the column as it is (COALESCE), so a newer
 * record that says nothing about a field does not erase it.
 */
export async function bulkUpdateKeep(
  tx: Tx,
  table: string,
  columns: Columns,
  rows: readonly ({ id: string } & Record<string, unknown>)[],
): Promise<void> {
  const names = Object.keys(columns);
  const all: Columns = { id: "uuid", ...columns };
  const allNames = Object.keys(all);
  const sql = `UPDATE "${table}" AS t SET ${names.map((n) => `"${n}" = COALESCE(${cast(n, columns[n]!)}, t."${n}")`).join(", ")}
    FROM unnest(${allNames.map((n, i) => argument(i + 1, all[n]!)).join(", ")}) AS u(${allNames.map((n) => `"${n}"`).join(", ")})
    WHERE t.id = u.id`;
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    await executeIn(
      tx,
      sql,
      allNames.map((n) => columnParam(chunk, n, all[n]!)),
    );
  }
}
