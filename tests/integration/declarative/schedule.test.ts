// A registered connector runs by itself, on the job queue every hub instance shares: at once, then
// on its interval; pausing takes it off the schedule and resuming puts it back, without a
// restart; two hubs on one database never run the same connector at the same time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../../support/hub.js";
import { definitionFor, type HousingRentalSystem, rentals, startHousingRentalSystem } from "./support.js";

const ID = "housing-scheduled";
const INTERVAL = 10; // the manifest's minimum
let a: TestHub;
let b: TestHub | undefined;
let c: TestHub | undefined;
let system: HousingRentalSystem;
let admin: string;

beforeAll(async () => {
  // each request answered a little later: a run takes long enough that two runs would overlap
  system = await startHousingRentalSystem(rentals(40, "ZS2026"), { delayMs: 150 });
  a = await startTestHub({ SYNC_SCHEDULER: "true" });
  admin = await a.token({ roles: ["connector_admin"], areas: ["320600"], purpose: "DATA_GOVERNANCE" });
});
afterAll(async () => {
  await c?.stop({ keepDatabase: true });
  await b?.stop({ keepDatabase: true });
  await a?.stop();
  await system?.close();
});

const definition = (id = ID) => {
  const d = definitionFor(
    system,
    "/api/rentals/by-offset",
    {
      format: "JSON",
      recordsPath: "rows",
      paging: { style: "OFFSET", offsetParam: "offset", limitParam: "limit" },
    },
    id,
  );
  return { ...d, manifest: { ...d.manifest, schedule: { intervalSeconds: INTERVAL, pageSize: 10 } } };
};

interface Status {
  state: string;
  nextRunAt: string | null;
  recordsServed: number;
  lastRun: { trigger: string; outcome: string; served: number; stored: number } | null;
}

async function status(hub: TestHub, id = ID): Promise<Status> {
  const r = await hub.gql<{ connectors: (Status & { id: string })[] }>(
    `{ connectors { id state nextRunAt recordsServed lastRun { trigger outcome served stored } } }`,
    { token: admin },
  );
  expect(r.errors).toBeUndefined();
  return r.data!.connectors.find((x) => x.id === id)!;
}

/** Poll until `done` holds (bounded: a schedule that never runs fails the test). */
async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`waited 60 s for ${what}; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const finishedRuns = () =>
  a.db.syncRun.findMany({
    where: { connectorId: ID, trigger: "SCHEDULE", finishedAt: { not: null } },
    orderBy: { startedAt: "asc" },
  });

describe("the schedule", () => {
  it("runs a connector registered without triggerSync at once, then on its interval", async () => {
    const r = await a.gql(`mutation($d: JSON!) { registerConnector(definition: $d) { id } }`, {
      token: admin,
      variables: { d: definition() },
    });
    expect(r.errors).toBeUndefined();
    const first = await until(
      () => status(a),
      (s) => s.lastRun?.outcome === "SUCCEEDED",
      "the first scheduled run",
    );
    expect(first.lastRun).toEqual({ trigger: "SCHEDULE", outcome: "SUCCEEDED", served: 40, stored: 40 });
    expect(first.nextRunAt).not.toBeNull();
    expect(a.logs.some((l) => l.includes('"sync run"') && l.includes(ID))).toBe(true);

    // the source gains rows; the next run on the interval takes them in, with nobody asking
    system.state.data.push(...rentals(3, "ZS2027"));
    const second = await until(finishedRuns, (runs) => runs.length >= 2, "the run on the interval");
    expect(second[1]).toMatchObject({ outcome: "SUCCEEDED", served: 3, stored: 3 });
    const gap = second[1]!.startedAt.getTime() - second[0]!.startedAt.getTime();
    expect(gap).toBeGreaterThanOrEqual((INTERVAL - 1) * 1000);
  });

  it("on two hubs sharing the database, runs the connector once per due time, never two at once", async () => {
    b = await startTestHub({ SYNC_SCHEDULER: "true" }, [], {
      databaseUrl: a.databaseUrl,
      dropDatabase: async () => {},
    });
    const before = (await finishedRuns()).length;
    const runs = await until(finishedRuns, (r) => r.length >= before + 3, "three more scheduled runs");
    // no two runs of the connector overlap, whichever instance ran them
    for (let i = 1; i < runs.length; i++)
      expect(runs[i]!.startedAt.getTime()).toBeGreaterThanOrEqual(runs[i - 1]!.finishedAt!.getTime());
    expect(system.state.maxInFlight).toBe(1);
    // and the queue held one pending run of it, whatever each instance scheduled
    const pending = await a.db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM graphile_worker.jobs WHERE key = ${`sync:${ID}`}`;
    expect(Number(pending[0]!.n)).toBeLessThanOrEqual(1);
  });

  it("leaves a paused connector alone and runs it again at once when resumed", async () => {
    const paused = await b!.gql<{ setConnectorState: { state: string; nextRunAt: string | null } }>(
      `mutation { setConnectorState(connectorId: "${ID}", state: PAUSED) { state nextRunAt } }`,
      { token: admin },
    );
    expect(paused.data?.setConnectorState).toEqual({ state: "PAUSED", nextRunAt: null });
    // a run in progress when it was paused may still finish; after that, none
    await until(
      () => a.db.syncRun.count({ where: { connectorId: ID, finishedAt: null } }),
      (n) => n === 0,
      "the run in progress to finish",
    );
    const runs = await a.db.syncRun.count({ where: { connectorId: ID } });
    await new Promise((r) => setTimeout(r, (INTERVAL + 2) * 1000)); // longer than its interval
    expect(await a.db.syncRun.count({ where: { connectorId: ID } })).toBe(runs);

    system.state.data.push(...rentals(2, "ZS2028"));
    const resumed = await a.gql<{ setConnectorState: { state: string; nextRunAt: string | null } }>(
      `mutation { setConnectorState(connectorId: "${ID}", state: ACTIVE) { state nextRunAt } }`,
      { token: admin },
    );
    expect(resumed.data?.setConnectorState.state).toBe("ACTIVE");
    expect(resumed.data?.setConnectorState.nextRunAt).not.toBeNull();
    const after = await until(finishedRuns, (r) => r.some((x) => x.stored === 2), "the run after resuming");
    expect(after.at(-1)).toMatchObject({ outcome: "SUCCEEDED", served: 2, stored: 2 });
  });

  it("runs a connector registered on an instance that does not work the queue", async () => {
    c = await startTestHub({ SYNC_SCHEDULER: "false" }, [], {
      databaseUrl: a.databaseUrl,
      dropDatabase: async () => {},
    });
    const r = await c.gql(`mutation($d: JSON!) { registerConnector(definition: $d) { id } }`, {
      token: admin,
      variables: { d: definition(`${ID}-2`) },
    });
    expect(r.errors).toBeUndefined();
    const ran = await until(
      () => status(c!, `${ID}-2`),
      (x) => x.lastRun?.outcome === "SUCCEEDED",
      "the run on an instance working the queue",
    );
    expect(ran.lastRun).toMatchObject({ trigger: "SCHEDULE", served: 45 });
  });
});
