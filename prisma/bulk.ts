// Bulk writes for ingest: one INSERT … SELECT FROM unnest(arrays) per table and page. Prisma's
// createMany compiles and binds every row (most of the ingest's CPU went there); this sends one
// array per column. Column types are declared by the caller, next to the table they write.
import type { Tx } from "./db.js";

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

function arrayType(type: ColumnType): string {
  if (typeof type === "object") return "text[]";
  return {
    uuid: "uuid[]",
    text: "text[]",
    jsonb: "text[]",
    jsonText: "text[]",
    bool: "bool[]",
    float8: "float8[]",
    date: "text[]",
    timestamp: "text[]",
  }[type];
}

function cast(name: string, type: ColumnType): string {
  const col = `u."${name}"`;
  if (typeof type === "object") return `${col}::"${type.enum}"`;
  if (type === "jsonb" || type === "jsonText") return `${col}::jsonb`;
  if (type === "date") return `${col}::date`;
  if (type === "timestamp") return `${col}::timestamp(3)`;
  return col;
}

function param(value: unknown, type: ColumnType): unknown {
  if (value === undefined || value === null) return null;
  if (type === "jsonb") return JSON.stringify(value);
  if (type === "timestamp") return value instanceof Date ? value.toISOString() : String(value);
  if (type === "date") return value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
  return value;
}

/** INSERT rows into a table; `conflict: "ignore"` skips rows that hit a unique constraint. */
export async function bulkInsert(
  tx: Tx,
  table: string,
  columns: Columns,
  rows: readonly Record<string, unknown>[],
  { conflict }: { conflict?: "ignore" } = {},
): Promise<void> {
  const names = Object.keys(columns);
  const sql = `INSERT INTO "${table}" (${names.map((n) => `"${n}"`).join(", ")})
    SELECT ${names.map((n) => cast(n, columns[n]!)).join(", ")}
    FROM unnest(${names.map((n, i) => `$${i + 1}::${arrayType(columns[n]!)}`).join(", ")}) AS u(${names.map((n) => `"${n}"`).join(", ")})
    ${conflict === "ignore" ? "ON CONFLICT DO NOTHING" : ""}`;
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    const arrays = names.map((n) => chunk.map((row) => param(row[n], columns[n]!)));
    await tx.$executeRawUnsafe(sql, ...arrays);
  }
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
    FROM unnest(${allNames.map((n, i) => `$${i + 1}::${arrayType(all[n]!)}`).join(", ")}) AS u(${allNames.map((n) => `"${n}"`).join(", ")})
    WHERE t.id = u.id`;
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    await tx.$executeRawUnsafe(sql, ...allNames.map((n) => chunk.map((row) => param(row[n], all[n]!))));
  }
}
