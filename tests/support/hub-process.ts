// `npm start` as an operator runs it, for tests that need a hub as a process of its own (several
// processes behind one port, a hub killed mid-run): `tsx gateway/main.ts` with no sandbox or demo
// data unless asked, its output kept for the failure message.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface HubProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  exit: Promise<number | null>;
}

/** Start gateway/main.ts on `port`; `env` adds to or overrides the defaults below. */
export function spawnHub(env: Record<string, string>, port: number): HubProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "gateway/main.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "development",
      PORT: String(port),
      SYNC_SCHEDULER: "false",
      SANDBOX: "false",
      DEMO_DATA: "false",
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, url: `http://127.0.0.1:${port}`, output: () => output, exit };
}
