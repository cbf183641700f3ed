// A client that goes away mid-request leaves no backend busy: the request's signal aborts when
// the HTTP connection closes, and search cancels its statement in PostgreSQL. Made deterministic
// with a lock: another session holds "Organisation" exclusively, so the search's statement waits
// (active in pg_stat_activity) until it is cancelled, or until the lock is released.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../support/hub.js";

let hub: TestHub;
let token: string;
let locker: pg.Client;
/** Watches pg_stat_activity from its own session (a transaction sees one snapshot of it). */
let watcher: pg.Client;

beforeAll(async () => {
  // no statement timeout: only the cancellation can stop the waiting statement
  hub = await startTestHub({ DB_STATEMENT_TIMEOUT_MS: "0" });
  token = await hub.token({ roles: ["city_commander"], areas: ["320600"], purpose: "EMERGENCY_RESPONSE" });
  locker = new pg.Client({ connectionString: hub.databaseUrl });
  await locker.connect();
  watcher = new pg.Client({ connectionString: hub.databaseUrl });
  await watcher.connect();
});
afterAll(async () => {
  await locker?.end();
  await watcher?.end();
  await hub?.stop();
});

/** Backends of this database running the search's organisation-name statement (waiting on the lock). */
const searching = async () =>
  Number(
    (
      await watcher.query(
        `SELECT count(*) AS n FROM pg_stat_activity
         WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()
           AND query LIKE '%similarity(o.name%'`,
      )
    ).rows[0].n,
  );

async function until(condition: () => Promise<boolean>, ms = 10_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (await condition()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return condition();
}

const search = (signal?: AbortSignal) =>
  fetch(`${hub.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: `{ search(text: "物业公司", types: [ORGANISATION]) { score } }` }),
    ...(signal ? { signal } : {}),
  });

describe("a request whose client goes away", () => {
  it("has its statement cancelled in PostgreSQL while the lock is still held", async () => {
    await locker.query(`BEGIN; LOCK TABLE "Organisation" IN ACCESS EXCLUSIVE MODE`);
    try {
      const client = new AbortController();
      const request = search(client.signal).catch((e: Error) => e.name);
      expect(await until(async () => (await searching()) === 1)).toBe(true);
      client.abort();
      expect(await request).toBe("AbortError");
      expect(await until(async () => (await searching()) === 0, 5_000)).toBe(true);
    } finally {
      await locker.query("ROLLBACK");
    }
  });

  it("runs to its answer when the client stays (positive control)", async () => {
    await locker.query(`BEGIN; LOCK TABLE "Organisation" IN ACCESS EXCLUSIVE MODE`);
    let released = false;
    try {
      const request = search();
      expect(await until(async () => (await searching()) === 1)).toBe(true);
      await locker.query("ROLLBACK");
      released = true;
      const response = await request;
      const body = (await response.json()) as { data?: { search: unknown[] }; errors?: unknown };
      expect(body.errors).toBeUndefined();
      expect(Array.isArray(body.data?.search)).toBe(true);
    } finally {
      if (!released) await locker.query("ROLLBACK");
    }
  });
});
