// A department system that answers 500s, hangs, or sends garbage marks its connector DEGRADED,
// then DOWN, while the hub keeps serving everything else. A run whose lock's database session
// ends under it (a restart, a failover, a terminated backend) is logged, not fatal.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtinConnectors } from "../../connectors/departments/index.js";
import type { Sandbox } from "../../sandbox/services/index.js";
import { startTestHub, type TestHub } from "../support/hub.js";
import { startSmallSandbox } from "./sandbox/support.js";

let sandbox: Sandbox;
let hub: TestHub;
let admin: string;

beforeAll(async () => {
  sandbox = await startSmallSandbox();
  // A short timeout, so that a hanging system fails the run in test time.
  hub = await startTestHub({}, builtinConnectors(sandbox.urls, { timeoutMs: 300 }));
  admin = await hub.token({ roles: ["connector_admin", "city_commander"], areas: ["320600"] });
});
afterAll(async () => {
  await hub?.stop();
  await sandbox?.stop();
});

const fault = (url: string, mode: string) =>
  fetch(`${url}/_sandbox/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ mode }),
  });

describe.each([
  ["error500", "petition", () => sandbox.urls.petition!],
  ["timeout", "hotline-12345", () => sandbox.urls.hotline!],
  ["garbage", "public-security", () => sandbox.urls.publicSecurity!],
])("a system answering %s", (mode, connectorId, url) => {
  it("marks its connector DEGRADED then DOWN, and the hub keeps serving", async () => {
    await fault(url(), mode);
    try {
      const healths: string[] = [];
      for (let i = 0; i < 3; i++) {
        const [run, other] = await Promise.all([
          hub.gql<{ triggerSync: { outcome: string; error: string } }>(
            `mutation($id: String!) { triggerSync(connectorId: $id) { outcome error } }`,
            { token: admin, variables: { id: connectorId } },
          ),
          // Meanwhile, the rest of the graph answers.
          hub.gql<{ area: { name: string } }>(`{ area(code: "320600") { name } }`, { token: admin }),
        ]);
        expect(run.data?.triggerSync.outcome).toBe("FAILED");
        expect(run.data?.triggerSync.error).toBeTruthy();
        expect(other.data?.area.name).toBe("南通市");
        const status = await hub.gql<{ connectors: { id: string; health: string }[] }>(
          `{ connectors { id health } }`,
          {
            token: admin,
          },
        );
        healths.push(status.data!.connectors.find((c) => c.id === connectorId)!.health);
      }
      expect(healths).toEqual(["DEGRADED", "DEGRADED", "DOWN"]);
      const skipped = await hub.gql<{ triggerSync: { outcome: string } }>(
        `mutation($id: String!) { triggerSync(connectorId: $id) { outcome skipped } }`,
        { token: admin, variables: { id: connectorId } },
      );
      expect(skipped.data?.triggerSync).toEqual({ outcome: "SKIPPED", skipped: "CIRCUIT_OPEN" });
    } finally {
      await fault(url(), "none");
    }
  }, 60_000);
});

describe("a run whose lock's session ends", () => {
  it("is logged, not fatal: the run ends, the next run locks anew, the hub keeps answering", async () => {
    // A hub of its own (the cases above leave petition's circuit open), with a timeout long
    // enough for the test to end the lock's session while the run waits on a hanging system.
    const own = await startTestHub({}, builtinConnectors(sandbox.urls, { timeoutMs: 3_000 }));
    try {
      const token = await own.token({ roles: ["connector_admin", "city_commander"], areas: ["320600"] });
      const triggerSync = () =>
        own.gql<{ triggerSync: { outcome: string } }>(
          `mutation { triggerSync(connectorId: "petition") { outcome } }`,
          { token },
        );
      // Backends of the hub's database holding an advisory lock (during a run: its lock's session).
      const lockHolders = () =>
        own.db.$queryRaw<{ pid: number }[]>`
          SELECT DISTINCT l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database
          WHERE l.locktype = 'advisory' AND d.datname = current_database() AND l.pid <> pg_backend_pid()`;
      // idle, the hub's sessions hold no advisory lock (the migrations' session is closed)
      expect(await lockHolders()).toEqual([]);
      await fault(sandbox.urls.petition!, "timeout");
      let run: ReturnType<typeof triggerSync> | null = null;
      try {
        run = triggerSync();
        let holders: { pid: number }[] = [];
        for (let i = 0; i < 200 && holders.length === 0; i++) {
          await new Promise((r) => setTimeout(r, 10));
          holders = await lockHolders();
        }
        expect(holders.length).toBeGreaterThan(0);
        await own.db
          .$queryRaw`SELECT pg_terminate_backend(pid) FROM unnest(${holders.map((h) => h.pid)}::int[]) pid`;
        expect((await run).data?.triggerSync.outcome).toBe("FAILED");
      } finally {
        await run?.catch(() => undefined);
        await fault(sandbox.urls.petition!, "none");
      }
      expect(own.logs.some((l) => l.includes("run lock connection lost") && l.includes("petition"))).toBe(
        true,
      );
      expect((await triggerSync()).data?.triggerSync.outcome).toBe("SUCCEEDED");
      const area = await own.gql<{ area: { name: string } }>(`{ area(code: "320600") { name } }`, { token });
      expect(area.data?.area.name).toBe("南通市");
    } finally {
      await own.stop();
    }
  }, 60_000);
});
