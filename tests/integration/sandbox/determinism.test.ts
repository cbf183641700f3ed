// Determinism: two sandboxes with the same seed serve byte-identical pages and push the same
// deliveries; another seed serves another city. And the CLI starts and stops on SIGTERM.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../../sandbox/services/index.js";
import { SMALL_CITY, startSmallSandbox } from "./support.js";

const PATHS = {
  publicSecurity: ["/api/v1/population?limit=50", "/api/v1/incidents?limit=50"],
  civilAffairs: ["/export/assistance.csv?limit=50", "/export/organisations.csv?limit=50"],
  hotline: ["/orders?limit=50"],
  petition: ["/feed.xml?limit=20"],
  grid: ["areas", "workers", "addresses", "units", "patrols", "disputes"].map(
    (e) => `/api/grid/${e}?limit=50`,
  ),
} as const;

let a: Sandbox;
let b: Sandbox;
let other: Sandbox;

beforeAll(async () => {
  [a, b, other] = await Promise.all([
    startSmallSandbox(),
    startSmallSandbox(),
    startSmallSandbox({ seed: `${SMALL_CITY.seed}-other` }),
  ]);
});
afterAll(() => Promise.all([a?.stop(), b?.stop(), other?.stop()]));

const bytes = async (url: string) => {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
};

describe("same seed, same city", () => {
  it.each(Object.entries(PATHS).flatMap(([service, paths]) => paths.map((p) => [service, p] as const)))(
    "%s %s: identical first pages",
    async (service, path) => {
      const key = service as keyof typeof PATHS;
      const [x, y] = await Promise.all([bytes(`${a.urls[key]}${path}`), bytes(`${b.urls[key]}${path}`)]);
      expect(x.length).toBeGreaterThan(50);
      expect(x.equals(y)).toBe(true);
    },
  );

  it("another seed serves other records", async () => {
    const path = PATHS.publicSecurity[0];
    const [x, y] = await Promise.all([
      bytes(`${a.urls.publicSecurity}${path}`),
      bytes(`${other.urls.publicSecurity}${path}`),
    ]);
    expect(x.equals(y)).toBe(false);
  });

  it("the same pushes deliver the same orders", async () => {
    const got: string[] = [];
    const receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString("utf8");
      });
      req.on("end", () => {
        got.push(body);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
    try {
      const pushTo = (s: Sandbox) =>
        fetch(`${s.urls.hotline}/_sandbox/push`, { method: "POST", body: JSON.stringify({ count: 5, url }) });
      await pushTo(a);
      const first = got.splice(0);
      await pushTo(b);
      expect(got).toEqual(first);
      expect(first).toHaveLength(5);
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });
});

describe("cli", () => {
  it("starts the chosen services, prints their URLs and stops on SIGTERM", async () => {
    const cli = fileURLToPath(new URL("../../../sandbox/services/cli.ts", import.meta.url));
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        cli,
        "--seed",
        "cli",
        "--persons",
        "200",
        "--only",
        "petition,civil-affairs",
        "--port-base",
        "0",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stderr.on("data", (c: Buffer) => {
      out += c.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const urls = await new Promise<string[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`cli did not start: ${out}`)), 20_000);
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        const found = [...out.matchAll(/(petition|civilAffairs)\s+(http:\/\/\S+)/g)].map((m) => m[2]!);
        if (found.length === 2) {
          clearTimeout(timer);
          resolve(found);
        }
      });
    });
    try {
      for (const url of urls) expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: "UP" });
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });
});
