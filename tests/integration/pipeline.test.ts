// One envelop plugin list, two transports: the operation-limits plugin's effect is the same over
// HTTP (Apollo Server) and over WebSocket (graphql-ws). Plus the HTTP edge: CSRF, bad bodies.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub, take } from "../support/hub.js";

let hub: TestHub;
let token: string;

beforeAll(async () => {
  hub = await startTestHub({
    LIMIT_MAX_DEPTH: "6",
    LIMIT_MAX_ALIASES: "3",
    LIMIT_MAX_TOKENS: "400",
    LIMIT_MAX_COST: "60",
  });
  token = await hub.token({ roles: ["city_commander"], areas: ["320600"] });
});
afterAll(() => hub?.stop());

const tooDeep = `{ area(code: "320600") { parent { parent { parent { parent { parent { parent { name } } } } } } } }`;
const tooManyAliases = `{ a: area(code: "320600") { name } b: area(code: "320602") { name } c: area(code: "320612") { name } d: area(code: "320614") { name } }`;
const tooManyTokens = `{ ${Array.from({ length: 150 }, (_, i) => `f${i}: __typename`).join(" ")} }`;
// Shallow and alias-free, but wide: every field costs, deeper fields more.
const wide = "code name level depth kind latitude longitude updatedAt";
const tooCostly = `{ areas(first: 5) { edges { node { ${wide} parent { ${wide} } } } } }`;

describe.each([
  ["depth", tooDeep],
  ["aliases", tooManyAliases],
  ["tokens", tooManyTokens],
  ["cost", tooCostly],
])("the %s limit", (limit, query) => {
  it("rejects over HTTP with OPERATION_LIMIT_EXCEEDED", async () => {
    const r = await hub.gql(query, { token });
    expect(r.data ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions?.code).toBe("OPERATION_LIMIT_EXCEEDED");
    expect(r.errors?.[0]?.message).not.toMatch(/at \w+ \(|node_modules|\.ts:/); // no internals
    if (limit !== "tokens") expect(r.errors?.[0]?.extensions?.limit).toBe(limit);
  });

  it("rejects over WebSocket with the same code", async () => {
    const client = hub.wsClient({ authorization: `Bearer ${token}` });
    const failure = await take(client, { query }).then(
      () => null,
      (errors: unknown) => errors,
    );
    const errors = failure as { message: string; extensions?: Record<string, unknown> }[];
    expect(Array.isArray(errors)).toBe(true);
    expect(errors[0]?.extensions?.code).toBe("OPERATION_LIMIT_EXCEEDED");
  });
});

describe("within limits", () => {
  it("runs the same query over both transports with the same result", async () => {
    const query = `{ area(code: "320602") { name children(first: 2) { edges { node { name } } } } }`;
    const http = await hub.gql(query, { token });
    const [ws] = await take(hub.wsClient({ authorization: `Bearer ${token}` }), { query });
    expect(http.errors).toBeUndefined();
    expect(ws?.data).toEqual(http.data);
  });

  it("logs each operation with its transport and principal", async () => {
    await hub.gql(`query NamedForTheLog { me { subject } }`, { token });
    const line = hub.logs.map((l) => JSON.parse(l)).find((l) => l.operation === "NamedForTheLog");
    expect(line).toMatchObject({
      msg: "operation",
      transport: "http",
      subject: "test-city_commander",
      errors: [],
    });
  });
});

describe("HTTP edge", () => {
  it("serves GET queries only with a CSRF preflight header", async () => {
    const url = `${hub.url}/graphql?query=${encodeURIComponent("{ __typename }")}`;
    const blocked = await fetch(url);
    expect(blocked.status).toBe(400);
    const allowed = await fetch(url, { headers: { "apollo-require-preflight": "true" } });
    expect(await allowed.json()).toEqual({ data: { __typename: "Query" } });
  });

  it("answers a broken JSON body with 400 BAD_REQUEST", async () => {
    const r = await fetch(`${hub.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{ not json",
    });
    expect(r.status).toBe(400);
    expect(
      ((await r.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code,
    ).toBe("BAD_REQUEST");
  });

  it("answers an unknown operation name with 400, not 500", async () => {
    const r = await fetch(`${hub.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: "query Known { __typename }", operationName: "Unknown" }),
    });
    expect(r.status).toBe(400);
    const body = (await r.json()) as { errors: { message: string }[] };
    expect(body.errors[0]!.message).toContain("Unknown");
  });

  it("names an unknown field in a validation error", async () => {
    const r = await hub.gql(`{ area(code: "320600") { population } }`, { token });
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(r.errors?.[0]?.message).toContain("population");
  });

  it("reports liveness and readiness", async () => {
    expect(await (await fetch(`${hub.url}/healthz`)).json()).toEqual({ status: "alive" });
    const ready = await fetch(`${hub.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", migrations: { pending: [], failed: [] } });
  });
});
