// The database client: Prisma 7 over node-postgres (no Rust query engine), plus the migration
// state the readiness probe reports.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
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
  /**
   * PostgreSQL's `application_name` for this client's connections: which of the hub's pools a
   * backend in `pg_stat_activity` or `pg_locks` serves (requests, background work, warning rules).
   */
  applicationName?: string;
  /** Called with every SQL statement Prisma sends (statement counting, slow-query logs). */
  onQuery?: (sql: string, durationMs: number) => void;
  /**
   * Longest a statement may run on this client's connections, in ms (PostgreSQL cancels it with
   * 57014). For the requests' client only: sync, ingest and the resolution pass write in long
   * batches, and migrations use their own connection.
   */
  statementTimeoutMs?: number;
  /**
   * Name each SQL text as a prepared statement on every connection (statementNames), so that
   * PostgreSQL parses it once per connection and, once a generic plan costs no more than the
   * custom ones, stops planning it. For the requests' client: its reads repeat the same few texts.
   */
  preparedStatements?: boolean;
  /**
   * How long an idle connection stays open, ms (0: until the client is closed; default
   * node-postgres' 10 s). A new connection logs in and plans its statements afresh.
   */
  idleTimeoutMs?: number;
}

/** Each client's pool (for the pool gauges at /metrics and queryText), statement names and query hook. */
interface Direct {
  pool: pg.Pool;
  /** The pool's connections now checked out, by backend pid (see `transaction`). */
  checkedOut: Map<number, pg.PoolClient>;
  onQuery: DbOptions["onQuery"];
  name: ((query: { sql: string }) => string) | null;
}
const directs = new WeakMap<Db, Direct>();

/**
 * A list page: the statement ends in its own `ORDER BY … LIMIT $n` (Prisma adds `OFFSET $m` when
 * the page skips, as plugin-prisma's first page does; a keyset page has none), or in `OFFSET $m`.
 * Its best plan depends on the values — an area's subtree of 5 or of 700 events decides between
 * walking `occurredAt` and stopping at the page, and joining every match's relations before
 * sorting — and a generic plan cannot know them, so a page stays unnamed and is planned for its
 * values every time. An ORDER BY … LIMIT inside a subquery (a person's latest events) is not one.
 */
const LIST_PAGE =
  /(?:\bORDER BY [^()]*\bLIMIT \$\d+(?: OFFSET \$\d+)?|\bOFFSET \$\d+|\/\* planned per call \*\/)\s*$/;

/**
 * Appended to a statement whose page is nested (a read plan's page inside its JSON): it is a list
 * page all the same, planned for its values on every call.
 */
export const PLANNED_PER_CALL = "/* planned per call */";

/** Most distinct SQL texts named per client; later texts run unnamed (texts with varying IN lists). */
export const MAX_STATEMENT_NAMES = 2000;

/**
 * The adapter's statement names: one per distinct SQL text (`cg0`, `cg1`, …), "" (unnamed) for a
 * list page and for every text after the first `max`. The same text always gets the same name,
 * which node-postgres prepares once per connection.
 */
export function statementNames(
  max = MAX_STATEMENT_NAMES,
  /** Names of one generator never meet another's on a connection: each has its own prefix. */
  prefix = "cg",
): (query: { sql: string }) => string {
  const names = new Map<string, string>();
  return ({ sql }) => {
    const known = names.get(sql);
    if (known !== undefined) return known;
    if (names.size >= max || LIST_PAGE.test(sql)) return "";
    const name = `${prefix}${names.size}`;
    names.set(sql, name);
    return name;
  };
}

export function createDb({
  url,
  poolMax = 10,
  applicationName,
  onQuery,
  statementTimeoutMs,
  preparedStatements = false,
  idleTimeoutMs,
}: DbOptions): Db {
  // The pool is ours (closed with the client) so that its size can be read.
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    ...(applicationName ? { application_name: applicationName } : {}),
    ...(statementTimeoutMs ? { statement_timeout: statementTimeoutMs } : {}),
    ...(idleTimeoutMs !== undefined ? { idleTimeoutMillis: idleTimeoutMs } : {}),
  });
  const adapter = new PrismaPg(pool, {
    disposeExternalPool: true,
    ...(preparedStatements ? { statementNameGenerator: statementNames() } : {}),
  });
  const direct: Direct = {
    pool,
    checkedOut: checkedOutByPid(pool),
    onQuery,
    name: preparedStatements ? statementNames(MAX_STATEMENT_NAMES, "rp") : null,
  };
  if (!onQuery) {
    const plain = new PrismaClient({ adapter });
    directs.set(plain, direct);
    return plain;
  }
  const client = new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
  client.$on("query", (e) => onQuery(e.query, e.duration));
  directs.set(client, direct);
  return client;
}

/**
 * The pool's checked-out connections by backend pid, kept from the pool's own events. A backend is
 * checked out to one holder at a time, so the pid a transaction reads names its connection. (An
 * AsyncLocalStorage around the adapter's `connect()` would say the same, but on Node 20 its first
 * `run()` turns promise hooks on for the whole process: tests/integration/promise-hooks.test.ts.)
 */
function checkedOutByPid(pool: pg.Pool): Map<number, pg.PoolClient> {
  const out = new Map<number, pg.PoolClient>();
  const pid = (client: pg.PoolClient) => (client as pg.PoolClient & { processID?: number }).processID;
  const forget = (client: pg.PoolClient) => {
    const id = pid(client);
    if (id !== undefined && out.get(id) === client) out.delete(id);
  };
  pool.on("acquire", (client) => {
    const id = pid(client);
    if (id !== undefined) out.set(id, client);
  });
  pool.on("release", (_err: Error | undefined, client: pg.PoolClient) => forget(client));
  pool.on("remove", forget);
  return out;
}

/** Transactions whose own connection is known: statements with large arguments go straight to it. */
const transactionConnections = new WeakMap<object, { client: pg.PoolClient; direct: Direct }>();

/**
 * An interactive transaction whose statements with large arguments (a page's bulk inserts: every
 * payload, every claim) can go to its connection directly (`executeIn`, `queryIn`), without Prisma's
 * round trip of a raw statement's arguments (each serialised to JSON and parsed back: megabytes a
 * page). The connection is found by the backend pid the transaction reads; when the pool has
 * none checked out with that pid, the statements go through Prisma as before.
 */
export async function transaction<T>(
  db: Db,
  fn: (tx: Tx) => Promise<T>,
  options: { timeout?: number; maxWait?: number } = {},
): Promise<T> {
  const direct = directs.get(db);
  if (!direct) return db.$transaction(fn, options);
  return db.$transaction(async (tx) => {
    const [own] = await tx.$queryRawUnsafe<{ pid: number }[]>("SELECT pg_backend_pid() AS pid");
    const client = own ? direct.checkedOut.get(own.pid) : undefined;
    if (client) transactionConnections.set(tx, { client, direct });
    try {
      return await fn(tx);
    } finally {
      transactionConnections.delete(tx);
    }
  }, options);
}

/** Whether this transaction's statements with large arguments go to its connection directly. */
export const onOwnConnection = (tx: Tx): boolean => transactionConnections.has(tx);

/** A statement in a transaction, on its connection when known (see `transaction`); rows affected. */
export async function executeIn(tx: Tx, text: string, values: readonly unknown[]): Promise<number> {
  const own = transactionConnections.get(tx);
  if (!own) return tx.$executeRawUnsafe(text, ...values);
  const result = await reported(own.direct, text, () => own.client.query({ text, values: pgValues(values) }));
  return result.rowCount ?? 0;
}

/**
 * A query in a transaction, on its connection when known; its columns must be text, uuid as
 * text, booleans or integers (node-postgres' own parsing, not Prisma's, reads them).
 */
export async function queryIn<T extends Record<string, string | number | boolean | null>>(
  tx: Tx,
  text: string,
  values: readonly unknown[],
): Promise<T[]> {
  const own = transactionConnections.get(tx);
  if (!own) return tx.$queryRawUnsafe<T[]>(text, ...values);
  const result = await reported(own.direct, text, () =>
    own.client.query<T>({ text, values: pgValues(values) }),
  );
  return result.rows;
}

/** Values as the hub sends them without Prisma: a Date as its ISO text. */
const pgValues = (values: readonly unknown[]) => values.map((v) => (v instanceof Date ? v.toISOString() : v));

/** A statement sent without Prisma, timed and reported to the client's query hook. */
async function reported<R>(direct: Direct, text: string, send: () => Promise<R>): Promise<R> {
  const started = performance.now();
  const result = await send();
  direct.onQuery?.(text, performance.now() - started);
  return result;
}

/** A statement as Prisma.sql builds it: `$n` placeholders and their values. */
export interface SqlStatement {
  text: string;
  values: readonly unknown[];
}

/**
 * A statement sent on the client's pool without Prisma's query interpreter: named like the
 * adapter's statements (with names of its own), reported to the client's query hook, under the
 * pool's statement timeout.
 */
async function sendDirect(db: Db, statement: SqlStatement) {
  const direct = directs.get(db);
  if (!direct)
    throw new Error("a direct statement needs a client made by createDb (its pool and query hook)");
  const name = direct.name?.({ sql: statement.text }) || undefined;
  return reported(direct, statement.text, () =>
    direct.pool.query<unknown[]>({
      text: statement.text,
      values: pgValues(statement.values),
      rowMode: "array",
      ...(name ? { name } : {}),
    }),
  );
}

/**
 * One statement whose answer PostgreSQL builds whole (one row, one text column: a read plan's
 * JSON), without Prisma's query interpreter, whose shaping of the result costs more than the
 * round trip here.
 */
export async function queryText(db: Db, statement: SqlStatement): Promise<string | null> {
  const cell = (await sendDirect(db, statement)).rows[0]?.[0];
  return typeof cell === "string" ? cell : null;
}

/**
 * One write with a large parameter (the audit writer's batch as one JSON text), without Prisma's
 * round trip of its arguments (serialised to JSON and parsed back: two more copies of the batch,
 * and the event loop held while they are made). Returns the rows it touched.
 */
export async function executeDirect(db: Db, statement: SqlStatement): Promise<number> {
  return (await sendDirect(db, statement)).rowCount ?? 0;
}

/** Connections of a client's pool: open, idle, and requests waiting for one. */
export function poolStats(db: Db): { total: number; idle: number; waiting: number } | null {
  const pool = directs.get(db)?.pool;
  return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : null;
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

/**
 * Run `work` on one connection of the pool, and cancel its statement in PostgreSQL when `signal`
 * aborts (the client went away): the backend stops at once instead of running to the end or the
 * statement timeout. Without a signal, `work` runs on the client as it is.
 */
export async function cancelOnAbort<T>(
  db: Db,
  signal: AbortSignal | undefined,
  work: (tx: Tx | Db) => Promise<T>,
): Promise<T> {
  if (!signal) return work(db);
  signal.throwIfAborted();
  return db.$transaction(
    async (tx) => {
      const [backend] = await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
      const pid = backend!.pid;
      let cancelling: Promise<unknown> | null = null;
      const cancel = () => {
        cancelling = db.$queryRaw`SELECT pg_cancel_backend(${pid}::int)`.catch(() => null);
      };
      signal.addEventListener("abort", cancel, { once: true });
      try {
        return await work(tx);
      } finally {
        signal.removeEventListener("abort", cancel);
        // the cancel must reach the backend before its connection serves anyone else
        if (cancelling) await cancelling;
      }
    },
    { timeout: 24 * 3600 * 1000 }, // bounded by the statement timeout, not by Prisma's 5 s
  );
}
