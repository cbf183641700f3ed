// The hub's own pauses during a measured window, from two scrapes of its /metrics (prom-client's
// default series): GC pauses by kind (count, total, how many at or above each bucket) and the
// event loop's delay over the window (prom-client resets that histogram on every scrape, so the
// second scrape covers exactly the window). What a latency tail is made of, when it is the process
// and not the request.

export interface GcKind {
  kind: string;
  count: number;
  totalMs: number;
  /** Pauses at or above `ms` (bucket bounds), counted from the histogram's buckets. */
  atLeast: { ms: number; count: number }[];
}

export interface ProcessPauses {
  gc: GcKind[];
  /** The event loop's delay over the window (ms): its p50, p99 and max. */
  eventLoopMs: { p50: number; p99: number; max: number } | null;
}

type Series = Map<string, number>;

/** `name{labels} value` lines of a Prometheus exposition, keyed by `name{labels}`. */
export function parseExposition(text: string): Series {
  const series: Series = new Map();
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || line.trim() === "") continue;
    const at = line.lastIndexOf(" ");
    const value = Number(line.slice(at + 1));
    if (Number.isFinite(value)) series.set(line.slice(0, at), value);
  }
  return series;
}

export async function scrapeMetrics(hubUrl: string): Promise<Series> {
  const res = await fetch(`${hubUrl}/metrics`);
  if (res.status !== 200) throw new Error(`GET /metrics: ${res.status}`);
  return parseExposition(await res.text());
}

const label = (key: string, name: string): string | null =>
  new RegExp(`${name}="([^"]*)"`).exec(key)?.[1] ?? null;

export function pausesBetween(before: Series, after: Series): ProcessPauses {
  const delta = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
  const kinds = new Map<string, GcKind>();
  const kindOf = (kind: string) => {
    let k = kinds.get(kind);
    if (!k) {
      k = { kind, count: 0, totalMs: 0, atLeast: [] };
      kinds.set(kind, k);
    }
    return k;
  };
  const buckets = new Map<string, { le: number; cumulative: number }[]>();
  for (const key of after.keys()) {
    const kind = label(key, "kind");
    if (!kind) continue;
    if (key.startsWith("nodejs_gc_duration_seconds_count")) kindOf(kind).count = delta(key);
    else if (key.startsWith("nodejs_gc_duration_seconds_sum")) kindOf(kind).totalMs = delta(key) * 1000;
    else if (key.startsWith("nodejs_gc_duration_seconds_bucket")) {
      const le = Number(label(key, "le"));
      if (Number.isFinite(le))
        buckets.set(kind, [...(buckets.get(kind) ?? []), { le, cumulative: delta(key) }]);
    }
  }
  for (const [kind, list] of buckets) {
    const k = kindOf(kind);
    list.sort((a, b) => a.le - b.le);
    // pauses above bucket i's bound = count − cumulative(i)
    k.atLeast = list.map((b) => ({ ms: b.le * 1000, count: k.count - b.cumulative }));
  }
  const lag = (q: string) => after.get(`nodejs_eventloop_lag_${q}_seconds`);
  const p50 = lag("p50");
  const p99 = lag("p99");
  const max = lag("max");
  return {
    gc: [...kinds.values()].filter((k) => k.count > 0).sort((a, b) => b.totalMs - a.totalMs),
    eventLoopMs:
      p50 !== undefined && p99 !== undefined && max !== undefined
        ? { p50: p50 * 1000, p99: p99 * 1000, max: max * 1000 }
        : null,
  };
}

/** One line a GC kind ("GC major: 3× 41.2 ms (> 10 ms: 2)"), then the event loop's delay. */
export function describePauses(p: ProcessPauses): string[] {
  const lines = p.gc.map((k) => {
    const long = k.atLeast.filter((b) => b.ms >= 2 && b.count > 0).map((b) => `> ${b.ms} ms: ${b.count}`);
    return `GC ${k.kind}: ${k.count}× ${k.totalMs.toFixed(1)} ms${long.length ? ` (${long.join(", ")})` : ""}`;
  });
  if (p.eventLoopMs)
    lines.push(
      `event-loop delay p50 ${p.eventLoopMs.p50.toFixed(1)} / p99 ${p.eventLoopMs.p99.toFixed(1)} / max ${p.eventLoopMs.max.toFixed(1)} ms`,
    );
  return lines;
}
