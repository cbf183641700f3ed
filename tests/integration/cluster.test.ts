// HUB_WORKERS: `npm start` as several hub processes behind one port (gateway/cluster.ts), run as
// an operator runs it: a real primary process forking real workers against a real PostgreSQL.
import fs from "node:fs";
import http from "node:http";
import { afterAll, describe, expect, inject, it } from "vitest";
import { mintToken } from "../../gateway/auth.js";
import { type HubProcess, spawnHub } from "../support/hub-process.js";
import { cloneTemplate, freePort } from "../support/pg.js";

const SECRET = "cluster-secret-0123456789-0123456789";

type Started = HubProcess;

function start(env: Record<string, string>, port: number): Started {
  return spawnHub({ AUTH_JWT_SECRET: SECRET, ...env }, port);
}

async function ready(s: Started): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (s.child.exitCode !== null) throw new Error(`hub exited with ${s.child.exitCode}:\n${s.output()}`);
    const ok = await fetch(`${s.url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  s.child.kill("SIGKILL");
  throw new Error(`hub not ready in time:\n${s.output()}`);
}

/** Live child processes of a pid running gateway/main.ts (the workers). */
function workersOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (ppid === pid && cmd.includes("gateway/main.ts")) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** One GraphQL request over a connection of its own (the primary deals connections out in turn). */
function postFresh(url: string, token: string, query: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify({ query });
    const req = http.request(
      `${url}/graphql`,
      {
        method: "POST",
        agent: false,
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${token}`,
          "content-length": Buffer.byteLength(payload),
        },
      },
      (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** SIGKILL a worker left behind by a failed test (only if that pid still runs the hub). */
function killIfWorker(pid: number): void {
  try {
    if (fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("gateway/main.ts"))
      process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe("HUB_WORKERS", () => {
  it("serves one port from two worker processes and stops them all on SIGTERM", async () => {
    const db = await cloneTemplate(inject("pgAdminUrl"), inject("pgTemplate"));
    cleanups.push(db.drop);
    const hub = start({ DATABASE_URL: db.url, HUB_WORKERS: "2" }, await freePort());
    cleanups.push(() => {
      hub.child.kill("SIGKILL");
    });
    await ready(hub);
    // The second worker forks once the first listens: wait for it (bounded).
    let workers: number[] = [];
    for (let i = 0; i < 240 && workers.length < 2; i++) {
      workers = workersOf(hub.child.pid!);
      if (workers.length < 2) await new Promise((r) => setTimeout(r, 250));
    }
    expect(workers).toHaveLength(2);
    for (const pid of workers) cleanups.push(() => killIfWorker(pid));

    const token = await mintToken(SECRET, { sub: "cluster", roles: ["city_commander"], areas: ["320600"] });
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        postFresh(hub.url, token, "{ areas(level: DISTRICT, first: 5) { edges { node { code } } } }"),
      ),
    );
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(JSON.parse(a.body)).not.toHaveProperty("errors");
    }

    hub.child.kill("SIGTERM");
    expect(await hub.exit, hub.output()).toBe(0);
    expect(workers.filter((pid) => fs.existsSync(`/proc/${pid}`))).toEqual([]);
  }, 180_000);

  it("stops the other workers and exits 1 when a worker dies", async () => {
    const db = await cloneTemplate(inject("pgAdminUrl"), inject("pgTemplate"));
    cleanups.push(db.drop);
    const hub = start({ DATABASE_URL: db.url, HUB_WORKERS: "2" }, await freePort());
    cleanups.push(() => {
      hub.child.kill("SIGKILL");
    });
    await ready(hub);
    let workers: number[] = [];
    for (let i = 0; i < 240 && workers.length < 2; i++) {
      workers = workersOf(hub.child.pid!);
      if (workers.length < 2) await new Promise((r) => setTimeout(r, 250));
    }
    expect(workers).toHaveLength(2);
    process.kill(workers[0]!, "SIGKILL");
    expect(await hub.exit).toBe(1);
    expect(workers.filter((pid) => fs.existsSync(`/proc/${pid}`))).toEqual([]);
  }, 180_000);

  it("refuses more than one worker without DATABASE_URL (the embedded PostgreSQL is one process's)", async () => {
    const env = { HUB_WORKERS: "2", DATABASE_URL: "" };
    const hub = start(env, await freePort());
    expect(await hub.exit).toBe(2);
    expect(hub.output()).toContain("HUB_WORKERS > 1 needs DATABASE_URL");
  }, 60_000);
});
