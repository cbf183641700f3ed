// `npm run token`: its command line, and the area check when no database answers (the check against
// a running database is the same statement the hub's registry answers; see docs/operating.md).
import { spawnSync } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PURPOSES } from "../../domain/access/purposes.js";
import {
  checkAreas,
  checkPurpose,
  parseTokenArgs,
  type TokenRequest,
  UsageError,
} from "../../gateway/cli/token.js";
import { loadConfig } from "../../gateway/config.js";

const root = path.resolve(import.meta.dirname, "../..");

/** A port nothing listens on: the "database is not running" case, without touching a real one. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let port: number;
beforeAll(async () => {
  port = await closedPort();
});

function token(args: string[], env: Record<string, string> = {}) {
  const { DATABASE_URL: _unset, ...inherited } = process.env;
  const run = spawnSync(process.execPath, ["--import", "tsx", "gateway/cli/token.ts", ...args], {
    cwd: root,
    env: { ...inherited, EMBEDDED_PG_PORT: String(port), AUTH_JWT_SECRET: "", ...env },
    encoding: "utf8",
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("parseTokenArgs", () => {
  it("asks for help with --help or -h", () => {
    expect(parseTokenArgs(["--help"])).toEqual({ help: true });
    expect(parseTokenArgs(["-h", "--role", "nobody"])).toEqual({ help: true });
  });

  it("reads roles, areas (normalised, once each), subject and lifetime", () => {
    const parsed = parseTokenArgs(["--role", "grid_worker", "--area", "３２０６０２", "--area", "320602"]);
    expect(parsed).toEqual({
      help: false,
      request: {
        roles: ["grid_worker"],
        areas: ["320602"],
        sub: "dev-grid_worker",
        dept: null,
        purpose: null,
        purposeRef: null,
        ttl: "8h",
      },
    });
  });

  it.each([
    [["--role", "city_commander", "--bogus"], "unknown option --bogus; see --help"],
    [["--role", "city_commander", "stray"], "unexpected argument stray; see --help"],
    [["--role"], "--role needs a value; see --help"],
    [[], "--role is required; one of: city_commander"],
    [["--role", "mayor"], "unknown role mayor; one of: city_commander"],
    [["--role", "analyst", "--area", "32-06"], "--area takes division codes (6–15 digits): 32-06"],
    [["--role", "analyst", "--ttl", "forever"], '--ttl takes a span such as 30m, 8h or 2d, not "forever"'],
  ])("refuses %j with one line", (args, message) => {
    const attempt = () => parseTokenArgs(args);
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(message);
  });
});

describe("checkPurpose", () => {
  const request = (purpose: string | null, purposeRef: string | null): TokenRequest => ({
    roles: ["data_steward"],
    areas: [],
    sub: "s",
    dept: null,
    purpose,
    purposeRef,
    ttl: "8h",
  });

  it("accepts a configured purpose, with the reference it requires", () => {
    expect(() => checkPurpose(request(null, null), DEFAULT_PURPOSES)).not.toThrow();
    expect(() => checkPurpose(request("ASSISTANCE_VERIFICATION", null), DEFAULT_PURPOSES)).not.toThrow();
    expect(() => checkPurpose(request("CASE_HANDLING", "12345-2026-000123"), DEFAULT_PURPOSES)).not.toThrow();
  });

  it.each([
    [request("FISHING", null), "unknown purpose FISHING; one of: CASE_HANDLING, "],
    [
      request("CASE_HANDLING", null),
      "--purpose CASE_HANDLING needs --purpose-ref (a case or event reference)",
    ],
    [request(null, "12345-2026-000123"), "--purpose-ref needs --purpose"],
  ])("refuses %j", (req, message) => {
    expect(() => checkPurpose(req, DEFAULT_PURPOSES)).toThrow(UsageError);
    expect(() => checkPurpose(req, DEFAULT_PURPOSES)).toThrow(message);
  });
});

describe("checkAreas when the hub's database does not answer", () => {
  it("checks against the demo area tree the hub seeds", async () => {
    const config = loadConfig({ EMBEDDED_PG_PORT: String(port) });
    const check = await checkAreas(["320600", "320602", "999999", "320602999001001"], config);
    expect(check.registry).toMatch(/^the demo area tree/);
    expect(check.unknown).toEqual(["999999", "320602999001001"]);
  });

  it("refuses to guess when the hub seeds no demo tree", async () => {
    const config = loadConfig({ DATABASE_URL: `postgresql://u:p@127.0.0.1:${port}/hub` });
    await expect(checkAreas(["320600"], config)).rejects.toThrow(/cannot check --area: the area registry at/);
  });

  it("needs no registry for a token without areas", async () => {
    const config = loadConfig({ DATABASE_URL: `postgresql://u:p@127.0.0.1:${port}/hub` });
    expect(await checkAreas([], config)).toEqual({ registry: "none needed", unknown: [] });
  });
});

// Each case starts the command as `npm run token` does (node with tsx), which takes a few seconds.
describe("npm run token", { timeout: 60_000 }, () => {
  it("prints its usage for --help, without a stack trace", () => {
    const run = token(["--help"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: npm run token -- --role ROLE/);
    expect(run.stdout).toContain("--area CODE");
    expect(run.stderr).toBe("");
  });

  it("answers a mistake with one line and exit code 2", () => {
    for (const args of [
      ["--role", "city_commander", "--areas", "320600"],
      ["--role", "mayor"],
    ]) {
      const run = token(args);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr).toMatch(/^token: /);
    }
  });

  it("refuses an area the registry does not hold, and mints one it holds", () => {
    const refused = token(["--role", "city_commander", "--area", "320699"]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe(
      `token: --area 320699: not held by the demo area tree (the database at 127.0.0.1:${port} is not running)\n`,
    );

    const minted = token([
      ...["--role", "district_commander", "--area", "320602", "--ttl", "30m"],
      ...["--purpose", "CASE_HANDLING", "--purpose-ref", "12345-2026-000123"],
    ]);
    expect(minted.status).toBe(0);
    const claims = decodeJwt(minted.stdout.trim());
    expect(claims).toMatchObject({
      sub: "dev-district_commander",
      roles: ["district_commander"],
      areas: ["320602"],
      purpose: "CASE_HANDLING",
      purpose_ref: "12345-2026-000123",
    });
    expect(claims.exp! - claims.iat!).toBe(30 * 60);
  });
});
