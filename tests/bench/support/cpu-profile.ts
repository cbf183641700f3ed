// Reading a V8 .cpuprofile (what `node --cpu-prof` writes): self time per function and per
// "package" bucket, optionally only for samples taken inside given time windows (the load, not
// the start-up). Sample timestamps are V8 TimeTicks in microseconds, which on Linux is
// CLOCK_MONOTONIC, the same clock as process.hrtime.bigint() in any other process.

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A window of CLOCK_MONOTONIC microseconds: process.hrtime.bigint() / 1000n at its ends. */
export interface Window {
  label: string;
  fromUs: number;
  toUs: number;
}

/** Where a frame's code lives, first match wins: the question is which layer spends the time. */
const BUCKETS: readonly (readonly [string, (f: CallFrame) => boolean])[] = [
  ["idle", (f) => f.functionName === "(idle)"],
  ["garbage collector", (f) => f.functionName === "(garbage collector)"],
  ["V8 (program: compile, IC, runtime)", (f) => f.functionName === "(program)"],
  ["access plugin (schema/access-plugin.ts)", (f) => /\/schema\/access-plugin\.ts/.test(f.url)],
  ["access policy (domain/access)", (f) => /\/domain\/access\//.test(f.url)],
  ["audit (integration/audit)", (f) => /\/integration\/audit\//.test(f.url)],
  [
    "Pothos plugin-prisma (+ selection-mapper)",
    (f) => /@pothos\/(plugin-prisma|selection-mapper)/.test(f.url),
  ],
  ["Pothos other plugins", (f) => /@pothos\/plugin-/.test(f.url)],
  ["Pothos core", (f) => /@pothos\/core/.test(f.url)],
  ["graphql-js (validate, execute)", (f) => /node_modules\/graphql\//.test(f.url)],
  ["Apollo Server", (f) => /@apollo\//.test(f.url)],
  ["envelop / graphql-armor", (f) => /@envelop\/|@escape\.tech\//.test(f.url)],
  ["Prisma query compiler (wasm)", (f) => f.url.startsWith("wasm://") || /query_compiler/.test(f.url)],
  [
    "Prisma client runtime",
    (f) => /@prisma\/client|\/generated\/prisma\/|@prisma\/client-runtime/.test(f.url),
  ],
  [
    "pg adapter / driver",
    (f) => /@prisma\/adapter-pg|@prisma\/driver-adapter|node_modules\/pg(-[a-z]+)?\//.test(f.url),
  ],
  ["dataloader", (f) => /node_modules\/dataloader\//.test(f.url)],
  ["logging / metrics / tracing", (f) => /node_modules\/(pino|prom-client|@opentelemetry)/.test(f.url)],
  [
    "JSON (parse / stringify)",
    (f) => f.url === "" && /^(parse|stringify|JSONParse|JSONStringify)$/.test(f.functionName),
  ],
  ["node core (http, streams, timers)", (f) => f.url.startsWith("node:")],
  ["hub: resolvers", (f) => /\/resolvers\//.test(f.url)],
  ["hub: schema", (f) => /\/schema\//.test(f.url)],
  ["hub: gateway", (f) => /\/gateway\//.test(f.url)],
  [
    "hub: integration / domain / prisma",
    (f) => /\/(integration|domain|prisma)\//.test(f.url) && !/node_modules/.test(f.url),
  ],
  ["other node_modules", (f) => /node_modules\//.test(f.url)],
  ["V8 builtins and natives", (f) => f.url === ""],
];

export function bucketOf(frame: CallFrame): string {
  for (const [name, test] of BUCKETS) if (test(frame)) return name;
  return "other";
}

export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  label: string;
  sampledMs: number;
  /** Busy time: all but (idle). */
  busyMs: number;
  buckets: SelfTime[];
  functions: SelfTime[];
}

const shortUrl = (url: string) => url.replace(/^file:\/\/.*?\/(node_modules\/|work\/main\/)?/, "");

/** Self time per bucket and per function for the samples inside the window (all, if none). */
export function summarise(profile: CpuProfile, window?: Window, topFunctions = 30): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let t = profile.startTime;
  let sampled = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (window && (t < window.fromUs || t > window.toUs)) continue;
    // The time up to the next sample belongs to this one; the last one gets the previous delta.
    const next = profile.timeDeltas[i + 1] ?? delta;
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + next);
    sampled += next;
  }
  const buckets = new Map<string, number>();
  const functions = new Map<string, number>();
  let idle = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    const bucket = bucketOf(frame);
    if (bucket === "idle") idle += us;
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + us);
    const name =
      `${frame.functionName || "(anonymous)"} ${frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : ""}`.trim();
    functions.set(name, (functions.get(name) ?? 0) + us);
  }
  const busy = sampled - idle;
  const rank = (m: Map<string, number>, n: number): SelfTime[] =>
    [...m]
      .filter(([name]) => name !== "idle" && name !== "(idle)")
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: us / 1000, share: busy > 0 ? us / busy : 0 }));
  return {
    label: window?.label ?? "whole profile",
    sampledMs: sampled / 1000,
    busyMs: busy / 1000,
    buckets: rank(buckets, 100),
    functions: rank(functions, topFunctions),
  };
}

/** The current CLOCK_MONOTONIC time in microseconds (comparable with profile timestamps). */
export const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);
