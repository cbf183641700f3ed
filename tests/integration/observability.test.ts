// What an operations team watches: Prometheus metrics at /metrics (operations and latency per
// operation name, errors by code, sync runs and records, quarantine, subscriptions, the database
// pool, the process's GC pauses, event-loop delay and heap) and OpenTelemetry traces (an operation with the spans of its root fields and SQL
// statements; a sync run with its page fetches), read here from an in-process exporter.
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { housingConnector, registrations, startHousingSystem } from "../support/housing.js";
import { startTestHub, type TestHub } from "../support/hub.js";

let hub: TestHub;
let system: Awaited<ReturnType<typeof startHousingSystem>>;
const exporter = new InMemorySpanExporter();
const data = registrations(30, "OBS");
data[5]!.registeredAt = null; // quarantined

beforeAll(async () => {
  system = await startHousingSystem(data);
  hub = await startTestHub({}, [housingConnector(system.url)], undefined, { spanExporter: exporter });
});
afterAll(async () => {
  await hub?.stop();
  await system?.close();
});

async function scrape(): Promise<string> {
  const r = await fetch(`${hub.url}/metrics`);
  expect(r.status).toBe(200);
  expect(r.headers.get("content-type")).toContain("text/plain");
  return r.text();
}

/** The value of the series whose name and labels (in any order) are given; null when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | null {
  for (const line of text.split("\n")) {
    const m = /^([a-z_][a-z0-9_]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries(
      [...(m[2] ?? "").matchAll(/([a-z_]+)="([^"]*)"/g)].map((l) => [l[1]!, l[2]!]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return null;
}

const childrenOf = (spans: ReadableSpan[], parent: ReadableSpan) =>
  spans.filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId);

describe("metrics at /metrics", () => {
  it("counts a named operation and its latency", async () => {
    const token = await hub.token({ roles: ["city_commander"], areas: ["320600"] });
    const r = await hub.gql(`query CityName { area(code: "320600") { name } }`, { token });
    expect(r.errors).toBeUndefined();
    const text = await scrape();
    const labels = { operation: "CityName", type: "query" };
    expect(sample(text, "citygraph_graphql_operations_total", labels)).toBe(1);
    expect(sample(text, "citygraph_graphql_operation_duration_seconds_count", labels)).toBe(1);
    expect(
      sample(text, "citygraph_graphql_operation_duration_seconds_bucket", { ...labels, le: "+Inf" }),
    ).toBe(1);
    expect(text).toMatch(/^# TYPE citygraph_graphql_operation_duration_seconds histogram$/m);
  });

  it("counts errors by code, refused ones and invalid ones alike", async () => {
    const commander = await hub.token({ roles: ["city_commander"], areas: ["320600"] });
    const before = await scrape();
    const refused = await hub.gql(`mutation Sync { triggerSync(connectorId: "housing-test") { outcome } }`, {
      token: commander,
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const invalid = await hub.gql(`query Nope { noSuchField }`, { token: commander });
    expect(invalid.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const after = await scrape();
    const count = (text: string, code: string) =>
      sample(text, "citygraph_graphql_errors_total", { code }) ?? 0;
    expect(count(after, "FORBIDDEN") - count(before, "FORBIDDEN")).toBe(1);
    expect(count(after, "GRAPHQL_VALIDATION_FAILED") - count(before, "GRAPHQL_VALIDATION_FAILED")).toBe(1);
  });

  it("counts sync runs and their records per connector, and the quarantine", async () => {
    const admin = await hub.token({ roles: ["connector_admin"], areas: ["320600"] });
    const run = await hub.gql<{ triggerSync: { outcome: string; ingested: number; quarantined: number } }>(
      `mutation SyncHousing { triggerSync(connectorId: "housing-test") { outcome ingested quarantined } }`,
      { token: admin },
    );
    expect(run.data?.triggerSync).toEqual({ outcome: "SUCCEEDED", ingested: 29, quarantined: 1 });
    const text = await scrape();
    const connector = "housing-test";
    expect(sample(text, "citygraph_sync_runs_total", { connector, outcome: "SUCCEEDED" })).toBe(1);
    expect(sample(text, "citygraph_sync_records_total", { connector, result: "served" })).toBe(30);
    expect(sample(text, "citygraph_sync_records_total", { connector, result: "ingested" })).toBe(29);
    expect(sample(text, "citygraph_sync_records_total", { connector, result: "quarantined" })).toBe(1);
    expect(sample(text, "citygraph_sync_run_duration_seconds_count", { connector })).toBe(1);
    expect(sample(text, "citygraph_quarantined_records", { connector })).toBe(1);
  });

  it("shows the process's own series: GC pauses by kind, event-loop delay, heap, CPU", async () => {
    // the hub runs in this process: young collections happen while this allocates and drops
    const dropped: { i: number }[] = [];
    for (let i = 0; i < 2_000_000; i++) dropped.push({ i });
    expect(dropped.length).toBe(2_000_000);
    const text = await scrape();
    expect(sample(text, "nodejs_gc_duration_seconds_count", { kind: "minor" })).toBeGreaterThan(0);
    // the buckets bench:profile reads pauses from: a millisecond to half a second
    expect(sample(text, "nodejs_gc_duration_seconds_bucket", { kind: "minor", le: "0.005" })).not.toBeNull();
    expect(sample(text, "nodejs_eventloop_lag_p99_seconds")).toBeGreaterThan(0);
    expect(sample(text, "nodejs_heap_size_used_bytes")).toBeGreaterThan(0);
    expect(sample(text, "process_cpu_seconds_total")).toBeGreaterThan(0);
  });

  it("shows open subscriptions and the database pool", async () => {
    const token = await hub.token({ roles: ["city_commander"], areas: ["320600"] });
    const client = hub.wsClient({ authorization: `Bearer ${token}` });
    const events = client.iterate({ query: "subscription { heartbeat(everySeconds: 60) { at } }" });
    await events.next(); // the heartbeat sent at once: the subscription is open
    expect(sample(await scrape(), "citygraph_graphql_subscriptions_active")).toBe(1);
    await events.return?.();
    const text = await scrape();
    expect(sample(text, "citygraph_db_pool_connections", { pool: "main", state: "total" })).toBeGreaterThan(
      0,
    );
    expect(sample(text, "citygraph_db_pool_connections", { pool: "main", state: "waiting" })).toBe(0);
  });
});

describe("traces", () => {
  it("record an operation with its root field and the SQL statements it caused", async () => {
    exporter.reset();
    const token = await hub.token({ roles: ["city_commander"], areas: ["320600"] });
    await hub.gql(`query TracedArea { area(code: "320602") { name parent { name } } }`, { token });
    const spans = exporter.getFinishedSpans();
    const operation = spans.find((s) => s.name === "graphql.query TracedArea");
    expect(operation?.attributes["graphql.operation.name"]).toBe("TracedArea");
    const [field] = childrenOf(spans, operation!);
    expect(field?.name).toBe("graphql.resolve Query.area");
    const statements = spans.filter(
      (s) => s.name === "db.query" && s.spanContext().traceId === operation!.spanContext().traceId,
    );
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.every((s) => s.attributes["db.system.name"] === "postgresql")).toBe(true);
  });

  it("record a sync run with a span per page fetched", async () => {
    exporter.reset();
    const admin = await hub.token({ roles: ["connector_admin"], areas: ["320600"] });
    await hub.gql(`mutation SyncAgain { triggerSync(connectorId: "housing-test") { outcome } }`, {
      token: admin,
    });
    const spans = exporter.getFinishedSpans();
    const run = spans.find((s) => s.name === "sync.run");
    expect(run?.attributes).toMatchObject({
      "citygraph.connector": "housing-test",
      "citygraph.sync.outcome": "SUCCEEDED",
    });
    const fetches = childrenOf(spans, run!).filter((s) => s.name === "sync.fetch_page");
    expect(fetches.length).toBe(run!.attributes["citygraph.sync.pages"]);
    // the run belongs to the mutation that asked for it
    const mutation = spans.find((s) => s.name === "graphql.mutation SyncAgain");
    expect(run!.spanContext().traceId).toBe(mutation?.spanContext().traceId);
  });
});

describe("with METRICS_ENABLED=false", () => {
  it("serves no /metrics", async () => {
    const quiet = await startTestHub({ METRICS_ENABLED: "false" });
    try {
      expect((await fetch(`${quiet.url}/metrics`)).status).toBe(404);
      expect((await fetch(`${quiet.url}/healthz`)).status).toBe(200);
    } finally {
      await quiet.stop();
    }
  });
});
