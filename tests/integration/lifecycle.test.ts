// `npm start` as an operator runs it: a real process, the embedded PostgreSQL under DATA_DIR,
// migrations applied at start, data kept across a restart, SIGTERM honoured, and the real Prisma
// CLI reporting the database up to date with no engine download.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, inject, it } from "vitest";
import { mintToken } from "../../gateway/auth.js";
import { emptyDatabase, freePort } from "../support/pg.js";

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
const SECRET = "lifecycle-secret-0123456789-0123456789";
const PRISMA = path.join(ROOT, "node_modules/.bin/prisma");

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/**
 * A port found free can be taken by another process before the hub listens on it (the hub binds
 * after PostgreSQL and migrations): such a start is tried again on another port, a few times.
 */
async function startMain(env: Record<string, string>, options: { group?: boolean } = {}): Promise<Started> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startMainOnce(env, options);
    } catch (e) {
      if (attempt >= 3 || !String((e as Error).message).includes("EADDRINUSE")) throw e;
    }
  }
}

/** `group`: the hub leads a process group of its own, as a shell's foreground job does. */
async function startMainOnce(
  env: Record<string, string>,
  { group = false }: { group?: boolean },
): Promise<Started> {
  const port = await freePort();
  // node --import tsx: one process, as `npm start` runs it (no launcher relaying signals).
  const child = spawn(process.execPath, ["--import", "tsx", "gateway/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "development", PORT: String(port), AUTH_JWT_SECRET: SECRET, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: group,
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`hub on port ${port} exited with ${child.exitCode}:\n${output}`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) return { child, url, output: () => output };
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill("SIGKILL");
  throw new Error(`hub not ready in time:\n${output}`);
}

/** SIGTERM to the hub, or (`ctrlC`) SIGINT to its whole process group, as a terminal's Ctrl-C. */
async function stopMain(s: Started, { ctrlC = false }: { ctrlC?: boolean } = {}): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => s.child.once("exit", (code) => resolve(code)));
  if (ctrlC) process.kill(-s.child.pid!, "SIGINT");
  else s.child.kill("SIGTERM");
  return exited;
}

async function query<T>(
  url: string,
  q: string,
  token: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  const r = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: q, variables }),
  });
  return ((await r.json()) as { data: T }).data;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe("the embedded default (no DATABASE_URL)", () => {
  it("starts PostgreSQL under DATA_DIR, serves the demo tree, keeps data across a restart, stops on SIGTERM and on Ctrl-C", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "citygraph-data-"));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const pgPort = String(await freePort());
    // The embedded default also starts the sandbox department systems: the small city, on ports
    // of its own, with the scheduler off so the test does not wait for a full sync.
    // Below Linux's ephemeral range (32768–60999), which the hub's own outgoing database
    // connections draw from before the sandbox listens.
    const sandboxBase = String(20_000 + Math.floor(Math.random() * 12_000));
    const env = {
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: pgPort,
      DATABASE_URL: "",
      SANDBOX_PRESET: "test",
      SANDBOX_PORT_BASE: sandboxBase,
      SYNC_SCHEDULER: "false",
    };

    const first = await startMain(env);
    cleanups.push(() => void first.child.kill("SIGKILL"));
    const token = await mintToken(SECRET, {
      sub: "ops",
      roles: ["area_admin", "city_commander"],
      areas: ["320600"],
    });
    const tree = await query<{ area: { subtreeCounts: { grids: number } } }>(
      first.url,
      `{ area(code: "320600") { subtreeCounts { grids } } }`,
      token,
    );
    expect(tree.area.subtreeCounts.grids).toBeGreaterThan(100);
    await query(
      first.url,
      `mutation { updateArea(input: { code: "320602", name: "崇川区（重启测试）" }) { name } }`,
      token,
    );

    // The real Prisma CLI, offline, against the embedded database while it runs.
    const status = await exec(PRISMA, ["migrate", "status"], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: `postgresql://citygraph:citygraph@127.0.0.1:${pgPort}/citygraph` },
    });
    expect(status.stdout).toContain("Database schema is up to date!");

    expect(await stopMain(first)).toBe(0);
    expect(first.output()).toContain('"msg":"stopped"');
    expect(fs.existsSync(path.join(dataDir, "postgres", "postmaster.pid"))).toBe(false); // PostgreSQL stopped too

    const second = await startMain(env, { group: true });
    cleanups.push(() => void second.child.kill("SIGKILL"));
    const after = await query<{ area: { name: string } }>(
      second.url,
      `{ area(code: "320602") { name } }`,
      token,
    );
    expect(after.area.name).toBe("崇川区（重启测试）"); // kept, and not overwritten by the demo seed
    expect(second.output()).toContain('"applied":[]');
    // Ctrl-C reaches every process of the terminal's group: the database must still be up while
    // the hub drains, and be stopped by it afterwards.
    expect(await stopMain(second, { ctrlC: true })).toBe(0);
    expect(second.output()).toContain('"msg":"stopped"');
    expect(second.output()).not.toMatch(
      /terminating connection due to administrator command|the database system is shutting down/,
    );
    expect(fs.existsSync(path.join(dataDir, "postgres", "postmaster.pid"))).toBe(false);
  });
});

describe("an operator's PostgreSQL (DATABASE_URL)", () => {
  it("applies the migrations to an empty database at start and loads no demo data", async () => {
    const db = await emptyDatabase(inject("pgAdminUrl"));
    cleanups.push(db.drop);
    const hub = await startMain({ DATABASE_URL: db.url });
    cleanups.push(() => void hub.child.kill("SIGKILL"));
    expect(hub.output()).toMatch(/"applied":\["\d+_init",.*"msg":"migrations applied"/); // pino: fields, then msg
    const ready = (await (await fetch(`${hub.url}/readyz`)).json()) as { migrations: { pending: string[] } };
    expect(ready.migrations.pending).toEqual([]);
    const token = await mintToken(SECRET, { sub: "ops", roles: ["city_commander"], areas: ["320600"] });
    expect(await query(hub.url, `{ areas(first: 1) { totalCount } }`, token)).toEqual({
      areas: { totalCount: 0 },
    });
    expect(await stopMain(hub)).toBe(0);
  });

  it("refuses to start on an invalid configuration, naming the variable", async () => {
    const r = await exec(process.execPath, ["--import", "tsx", "gateway/main.ts"], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: "mysql://nope", LIMIT_MAX_DEPTH: "1" },
    }).catch((e: { code: number; stderr: string }) => e);
    expect(r).toMatchObject({ code: 2 });
    expect((r as { stderr: string }).stderr).toContain("DATABASE_URL: must be a postgresql:// URL");
    expect((r as { stderr: string }).stderr).toContain("LIMIT_MAX_DEPTH");
  });
});

describe("the Prisma CLI, offline", () => {
  it("deploys the migrations to an empty database and reports it up to date", async () => {
    const db = await emptyDatabase(inject("pgAdminUrl"));
    cleanups.push(db.drop);
    const env = { ...process.env, DATABASE_URL: db.url };
    const before = await exec(PRISMA, ["migrate", "status"], { cwd: ROOT, env }).catch(
      (e: { stdout: string; code: number }) => e,
    );
    expect(before.stdout).toContain("have not yet been applied");
    const deploy = await exec(PRISMA, ["migrate", "deploy"], { cwd: ROOT, env });
    expect(deploy.stdout).toContain("All migrations have been successfully applied.");
    const after = await exec(PRISMA, ["migrate", "status"], { cwd: ROOT, env });
    expect(after.stdout).toContain("Database schema is up to date!");
    // and the migrated database is what prisma/schema.prisma declares, index for index (a
    // migration written by hand that names or orders a column differently shows here)
    const drift = await exec(
      PRISMA,
      ["migrate", "diff", "--from-config-datasource", "--to-schema", "prisma/schema.prisma", "--exit-code"],
      { cwd: ROOT, env },
    ).catch((e: { stdout: string; stderr: string; code: number }) => e);
    expect(drift, `${drift.stdout}\n${drift.stderr}`).not.toHaveProperty("code");
  });
});
