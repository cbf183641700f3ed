// Resilience: every fault mode of every service gives the client the right error class; refused
// connections, time-outs and caller aborts are UpstreamUnavailableError; /health is not faulted;
// invalid parameters are a 400 naming the parameter.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UpstreamFormatError, UpstreamUnavailableError } from "../../../connectors/contract.js";
import type { HttpSource } from "../../../connectors/departments/http.js";
import {
  type Sandbox,
  SERVICE_NAMES,
  type ServiceName,
  startPublicSecurityService,
} from "../../../sandbox/services/index.js";
import { sourcesFor, startSmallSandbox, testCtx } from "./support.js";

let sandbox: Sandbox;
let sources: ReturnType<typeof sourcesFor>;
/** The same sources with a short timeout, for the hanging requests. */
let impatient: ReturnType<typeof sourcesFor>;

beforeAll(async () => {
  sandbox = await startSmallSandbox();
  sources = sourcesFor(sandbox);
  impatient = sourcesFor(sandbox, 300);
});
afterAll(() => sandbox?.stop());

async function setFault(service: ServiceName, body: Record<string, unknown>) {
  const res = await fetch(`${sandbox.urls[service]}/_sandbox/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return res.json();
}

const sourceOf = (service: ServiceName): HttpSource => sources[service];

async function errorOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a failure");
}

describe.each(SERVICE_NAMES)("%s faults", (service) => {
  it("error500 → UpstreamUnavailableError naming the URL and status; then it recovers", async () => {
    await setFault(service, { mode: "error500", remaining: 1 });
    const err = await errorOf(sourceOf(service).sync(null, 10, testCtx()));
    expect(err).toBeInstanceOf(UpstreamUnavailableError);
    expect((err as UpstreamUnavailableError).status).toBe(500);
    expect((err as Error).message).toContain(sandbox.urls[service]!);
    expect((err as Error).message).toContain("HTTP 500");
    const page = await sourceOf(service).sync(null, 10, testCtx());
    expect(page.records.length).toBeGreaterThan(0);
  });

  it("timeout → UpstreamUnavailableError when the client gives up", async () => {
    await setFault(service, { mode: "timeout", remaining: 1 });
    const started = performance.now();
    const err = await errorOf(impatient[service].sync(null, 10, testCtx()));
    expect(err).toBeInstanceOf(UpstreamUnavailableError);
    expect((err as Error).message).toMatch(/timed out/);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it("garbage → UpstreamFormatError (never a partial page)", async () => {
    await setFault(service, { mode: "garbage", remaining: 1 });
    const err = await errorOf(sourceOf(service).sync(null, 50, testCtx()));
    expect(err).toBeInstanceOf(UpstreamFormatError);
  });

  it("health stays up while data endpoints fail", async () => {
    await setFault(service, { mode: "error500" });
    expect(await sourceOf(service).health(testCtx())).toEqual({ up: true });
    await setFault(service, { mode: "none" });
  });
});

describe("fault control", () => {
  it("rate draws per request (seeded) and remaining counts faults down", async () => {
    expect(await setFault("grid", { mode: "error500", rate: 0.5, remaining: 3 })).toEqual({
      mode: "error500",
      rate: 0.5,
      remaining: 3,
    });
    let failed = 0;
    for (let i = 0; i < 40; i++) {
      try {
        await sources.grid.sync(null, 1, testCtx());
      } catch (err) {
        expect(err).toBeInstanceOf(UpstreamUnavailableError);
        failed++;
      }
    }
    expect(failed).toBe(3);
    expect(await (await fetch(`${sandbox.urls.grid}/_sandbox/faults`)).json()).toMatchObject({
      mode: "none",
    });
  });

  it("garbage in the lookup → UpstreamFormatError", async () => {
    await setFault("civilAffairs", { mode: "garbage", remaining: 1 });
    await expect(
      sources.civilAffairs.lookup("assistanceStatus", ["110105194912310021"], testCtx()),
    ).rejects.toThrow(UpstreamFormatError);
  });

  it("400 names the parameter of a bad fault request", async () => {
    const res = await fetch(`${sandbox.urls.petition}/_sandbox/faults`, {
      method: "POST",
      body: JSON.stringify({ mode: "explode" }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_parameter", parameter: "mode" });
    const rate = await fetch(`${sandbox.urls.petition}/_sandbox/faults`, {
      method: "POST",
      body: JSON.stringify({ mode: "garbage", rate: 2 }),
    });
    expect(await rate.json()).toMatchObject({ parameter: "rate" });
  });
});

describe("unreachable and aborted", () => {
  it("a refused connection is UpstreamUnavailableError; health reports down", async () => {
    const svc = await startPublicSecurityService({ seed: "x", persons: 60, port: 0 });
    await svc.stop();
    const { createPublicSecuritySource } = await import(
      "../../../connectors/departments/public-security/source.js"
    );
    const source = createPublicSecuritySource({
      baseUrl: svc.url,
      connectorId: "public-security",
      timeoutMs: 1000,
    });
    const err = await errorOf(source.sync(null, 10, testCtx()));
    expect(err).toBeInstanceOf(UpstreamUnavailableError);
    expect((err as Error).message).toContain(svc.url);
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
    const health = await source.health(testCtx());
    expect(health.up).toBe(false);
    expect(health.detail).toMatch(/ECONNREFUSED/);
  });

  it("the caller's abort signal stops a hanging request", async () => {
    await setFault("hotline", { mode: "timeout", remaining: 1 });
    const source = sourcesFor(sandbox, 30_000).hotline;
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const err = await errorOf(source.sync(null, 10, testCtx(ac.signal)));
    expect(err).toBeInstanceOf(UpstreamUnavailableError);
    expect((err as Error).message).toMatch(/aborted/);
  });
});

describe("parameter validation", () => {
  const get = (service: ServiceName, path: string) => fetch(`${sandbox.urls[service]}${path}`);

  it.each([
    ["publicSecurity", "/api/v1/population?limit=abc", "limit"],
    ["publicSecurity", "/api/v1/incidents?limit=0", "limit"],
    ["publicSecurity", "/api/v1/population?cursor=bm9wZQ", "cursor"],
    ["civilAffairs", "/export/assistance.csv?offset=-1", "offset"],
    ["civilAffairs", "/export/organisations.csv?limit=1.5", "limit"],
    ["hotline", "/orders?cursor=%%%", "cursor"],
    ["petition", "/feed.xml?limit=-3", "limit"],
    ["grid", "/api/grid/units?limit=x", "limit"],
  ] as const)("%s %s → 400 naming %s", async (service, path, parameter) => {
    const res = await get(service, path);
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(await res.json()).toMatchObject({ error: "invalid_parameter", parameter });
  });

  it("a cursor of one grid feed is refused by another", async () => {
    const first = (await (await get("grid", "/api/grid/workers?limit=2")).json()) as { nextCursor: string };
    const res = await get("grid", `/api/grid/addresses?cursor=${first.nextCursor}`);
    expect(res.status).toBe(400);
  });

  it("unknown paths are 404, wrong methods 405", async () => {
    expect((await get("grid", "/api/grid/nothing")).status).toBe(404);
    expect((await fetch(`${sandbox.urls.hotline}/orders`, { method: "POST" })).status).toBe(405);
  });

  it("limit is capped at 5000", async () => {
    const svc = await startPublicSecurityService({ seed: "cap", persons: 5_200, port: 0 });
    try {
      const body = (await (await fetch(`${svc.url}/api/v1/population?limit=99999`)).json()) as {
        data: { records: unknown[]; hasMore: boolean; total: number };
      };
      expect(body.data.records).toHaveLength(5_000);
      expect(body.data.hasMore).toBe(true);
      expect(body.data.total).toBeGreaterThan(5_000);
    } finally {
      await svc.stop();
    }
  });
});
