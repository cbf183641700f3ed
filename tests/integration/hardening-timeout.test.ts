// Reads are bounded: the requests' database client has a statement timeout (DB_STATEMENT_TIMEOUT_MS)
// that the sync and ingest client does not, and a statement run for a client that goes away is
// cancelled in PostgreSQL (cancelOnAbort), so no backend stays busy after its client has gone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cancelOnAbort } from "../../prisma/db.js";
import { startTestHub, type TestHub } from "../support/hub.js";

let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub({ DB_STATEMENT_TIMEOUT_MS: "1000" });
});
afterAll(() => hub?.stop());

const sleeping = async (seconds: number) =>
  Number(
    (
      await hub.db.$queryRawUnsafe<{ n: bigint }[]>(
        `SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND query = 'SELECT pg_sleep(${seconds})'`,
      )
    )[0]!.n,
  );

async function until(condition: () => Promise<boolean>, ms = 10_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (await condition()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return condition();
}

describe("statement timeout (DB_STATEMENT_TIMEOUT_MS=1000)", () => {
  it("cancels a request's statement that runs longer", async () => {
    await expect(hub.booted.requestDb.$queryRawUnsafe("SELECT pg_sleep(3)")).rejects.toThrow(
      /statement timeout/,
    );
  });

  it("leaves the sync and ingest client unbounded, and answers requests (positive controls)", async () => {
    await expect(hub.db.$queryRawUnsafe("SELECT 1 AS one FROM pg_sleep(1.5)")).resolves.toEqual([{ one: 1 }]);
    const token = await hub.token({ roles: ["city_commander"], areas: ["320600"] });
    const r = await hub.gql<{ area: { name: string } }>(`{ area(code: "320600") { name } }`, { token });
    expect(r.errors).toBeUndefined();
    expect(r.data?.area.name).toBe("南通市");
  });
});

describe("a statement whose client went away is cancelled (cancelOnAbort)", () => {
  it("stops the backend when the signal aborts", async () => {
    const gone = new AbortController();
    const running = cancelOnAbort(hub.db, gone.signal, (q) => q.$queryRawUnsafe("SELECT pg_sleep(30)"));
    const outcome = running.then(
      () => "finished",
      (e: Error) => e.message,
    );
    expect(await until(async () => (await sleeping(30)) === 1)).toBe(true);
    gone.abort();
    expect(await outcome).toMatch(/canceling statement due to user request/);
    expect(await until(async () => (await sleeping(30)) === 0, 5_000)).toBe(true);
  });

  it("runs to the end when the client stays (positive control)", async () => {
    const stays = new AbortController();
    const rows = await cancelOnAbort(hub.db, stays.signal, (q) =>
      q.$queryRawUnsafe<{ one: number }[]>("SELECT 1 AS one"),
    );
    expect(rows).toEqual([{ one: 1 }]);
  });
});
