// The database client: Prisma 7 over node-postgres (no Rust query engine), plus the migration
// state the readiness probe reports.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.js";
import { applyMigrations } from "./engine/engine.mjs";

export type Db = PrismaClient;
/** A client inside an interactive transaction. */
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
export { PrismaClient };

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

export interface DbOptions {
  url: string;
  poolMax?: number;
  /** Called with every SQL statement Prisma sends (statement counting, slow-query logs). */
  onQuery?: (sql: string, durationMs: number) => void;
}

export function createDb({ url, poolMax = 10, onQuery }: DbOptions): Db {
  const adapter = new PrismaPg({ connectionString: url, max: poolMax });
  if (!onQuery) return new PrismaClient({ adapter });
  const client = new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
  client.$on("query", (e) => onQuery(e.query, e.duration));
  return client;
}

/** Apply pending migrations from prisma/migrations (what `prisma migrate deploy` does). */
export function migrate(url: string): Promise<string[]> {
  return applyMigrations(url, MIGRATIONS_DIR);
}

export function migrationNames(): string[] {
  return fs
    .readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export interface MigrationState {
  applied: string[];
  pending: string[];
  failed: string[];
}

/** Which of the shipped migrations the database has applied; read-only, safe for probes. */
export async function migrationState(db: Db): Promise<MigrationState> {
  const shipped = migrationNames();
  const [table] = await db.$queryRaw<
    { exists: boolean }[]
  >`SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists`;
  if (!table?.exists) return { applied: [], pending: shipped, failed: [] };
  const rows = await db.$queryRaw<
    { migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }[]
  >`
    SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations`;
  const applied = new Set(
    rows.filter((r) => r.finished_at && !r.rolled_back_at).map((r) => r.migration_name),
  );
  const failed = rows.filter((r) => !r.finished_at && !r.rolled_back_at).map((r) => r.migration_name);
  return { applied: [...applied], pending: shipped.filter((m) => !applied.has(m)), failed };
}
