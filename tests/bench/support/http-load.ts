// A closed-loop HTTP load generator: N workers, each sending one request after the other over a
// keep-alive connection of its own, for a fixed time. Every latency is kept (up to a fixed
// number) so percentiles are exact. Bounded in time, in request count and per request.
//
// Why not autocannon (a dev dependency, the maintained choice otherwise): it records latencies in
// an HDR histogram of whole milliseconds (lowestDiscernibleValue 1: 0.4 ms and 0.8 ms both count
// as 0, 1.7 ms as 1), and only for 2xx answers. The query benchmark compares servers whose
// answers at low concurrency take about a millisecond (the hand-written SQL floor), so their
// percentiles would be rounding noise; and a failed request's time belongs in the percentiles
// here. This generator keeps every latency in fractional milliseconds and counts failures in.
import http from "node:http";

export interface GraphQLRequest {
  url: string;
  query: string;
  variables?: Record<string, unknown>;
  /** Several variable sets: successive requests take them in turn (overrides `variables`). */
  variablesList?: readonly Record<string, unknown>[];
  headers?: Record<string, string>;
}

export interface RawResponse {
  status: number;
  body: string;
  ms: number;
}

/** One POST over `agent`; rejects on network error or when no answer comes in `timeoutMs`. */
export function postOnce(
  agent: http.Agent,
  url: URL,
  payload: Buffer,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: "POST",
        headers: { ...headers, "content-length": String(payload.length) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
            ms: performance.now() - started,
          }),
        );
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(payload);
  });
}

export interface LoadOptions {
  request: GraphQLRequest;
  concurrency: number;
  durationMs: number;
  /** Unmeasured requests first, over the same connections. */
  warmupMs: number;
  /** Hard cap on measured requests (and stored latencies). */
  maxRequests?: number;
  requestTimeoutMs?: number;
  /** Called between warm-up and measurement (to start memory sampling, say). */
  onMeasureStart?: () => void;
  /** Ends the run early (the server went away, say); the result then covers the time run. */
  signal?: AbortSignal;
}

export interface LoadResult {
  concurrency: number;
  durationMs: number;
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  errors: { total: number; non2xx: number; graphql: number; network: number };
  /** First few distinct error descriptions, for the report. */
  errorSamples: string[];
  truncated: boolean;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** A GraphQL response of status 2xx without an `errors` member counts as a success. */
function classify(res: RawResponse): "ok" | "non2xx" | "graphql" {
  if (res.status < 200 || res.status > 299) return "non2xx";
  // A cheap check: result data (codes, names) never contains this key text.
  return res.body.includes('"errors"') ? "graphql" : "ok";
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { request, concurrency } = options;
  const maxRequests = options.maxRequests ?? 2_000_000;
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const url = new URL(request.url);
  if (url.hostname !== "127.0.0.1") throw new Error(`load is only sent to 127.0.0.1, not ${url.hostname}`);
  const payloads = (request.variablesList ?? [request.variables]).map((variables) =>
    Buffer.from(JSON.stringify({ query: request.query, variables })),
  );
  if (payloads.length === 0) throw new Error("variablesList is empty");
  let turn = 0;
  const headers = { "content-type": "application/json", accept: "application/json", ...request.headers };
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });

  const latencies = new Float64Array(maxRequests);
  let count = 0;
  let stopAt = 0;
  const errors = { total: 0, non2xx: 0, graphql: 0, network: 0 };
  const samples = new Set<string>();
  const note = (s: string) => {
    if (samples.size < 5) samples.add(s.slice(0, 300));
  };

  const worker = async (measure: boolean) => {
    // Warm-up requests are bounded by the same cap as measured ones.
    for (
      let sent = 0;
      performance.now() < stopAt && count < maxRequests && sent < maxRequests && !options.signal?.aborted;
      sent++
    ) {
      const started = performance.now();
      try {
        const payload = payloads[turn++ % payloads.length]!;
        const res = await postOnce(agent, url, payload, headers, timeoutMs);
        if (!measure) continue;
        latencies[count++] = res.ms;
        const kind = classify(res);
        if (kind !== "ok") {
          errors.total++;
          errors[kind]++;
          note(`HTTP ${res.status}: ${res.body}`);
        }
      } catch (e) {
        if (measure) {
          latencies[count++] = performance.now() - started; // until the failure
          errors.total++;
          errors.network++;
        }
        note(`${measure ? "" : "warm-up: "}${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 10)); // do not spin on a dead server
      }
    }
  };

  try {
    // Warm-up: same workers and connections, results discarded.
    if (options.warmupMs > 0) {
      stopAt = performance.now() + options.warmupMs;
      await Promise.all(Array.from({ length: concurrency }, () => worker(false)));
    }
    options.onMeasureStart?.();
    const started = performance.now();
    stopAt = started + options.durationMs;
    await Promise.all(Array.from({ length: concurrency }, () => worker(true)));
    const elapsed = performance.now() - started;

    const sorted = latencies.slice(0, count).sort();
    let sum = 0;
    for (const v of sorted) sum += v;
    return {
      concurrency,
      durationMs: elapsed,
      requests: count,
      requestsPerSecond: count / (elapsed / 1000),
      latencyMs: {
        p50: percentile(sorted, 50),
        p90: percentile(sorted, 90),
        p99: percentile(sorted, 99),
        max: count > 0 ? sorted[count - 1]! : Number.NaN,
        mean: count > 0 ? sum / count : Number.NaN,
      },
      errors,
      errorSamples: [...samples],
      truncated: count >= maxRequests,
    };
  } finally {
    agent.destroy();
  }
}
