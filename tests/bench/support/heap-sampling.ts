// What a process allocates, by call site: V8's sampling heap profiler driven over the inspector
// protocol (the process runs with `--inspect=127.0.0.1:0`), counting the objects the young and
// the old collections freed as well as those still alive. Allocation a request is a steadier
// figure than CPU on a shared machine: it does not move with what else runs.
import WebSocket from "ws";

/** The inspector's WebSocket URL, from the "Debugger listening on ws://…" line a process prints. */
export function inspectorUrl(lines: readonly string[]): string | null {
  for (const line of lines) {
    const m = /Debugger listening on (ws:\/\/\S+)/.exec(line);
    if (m) return m[1]!;
  }
  return null;
}

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children?: SamplingNode[];
}

export interface AllocationSummary {
  /** Bytes allocated while sampling (V8's estimate from its samples). */
  bytes: number;
  /** Call sites by bytes allocated there (self), most first. */
  sites: { site: string; bytes: number }[];
}

/**
 * Start sampling; the returned function stops it and summarises. `promoted`: only objects the
 * young collection did not free (they outlived it and were promoted, whether the old generation
 * has freed them since or not): the sites behind a young collection that copies much.
 */
export async function sampleAllocations(
  url: string,
  options: { intervalBytes?: number; promoted?: boolean } = {},
): Promise<() => Promise<AllocationSummary>> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  let id = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  ws.on("message", (data) => {
    const msg = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
    const waiter = msg.id === undefined ? undefined : pending.get(msg.id);
    if (!waiter) return;
    pending.delete(msg.id!);
    if (msg.error) waiter.reject(new Error(msg.error.message));
    else waiter.resolve(msg.result);
  });
  const send = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const n = ++id;
      pending.set(n, { resolve, reject });
      ws.send(JSON.stringify({ id: n, method, params }));
    });
  await send("HeapProfiler.enable");
  await send("HeapProfiler.startSampling", {
    samplingInterval: options.intervalBytes ?? 16_384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: !options.promoted,
  });
  return async () => {
    try {
      const { profile } = (await send("HeapProfiler.stopSampling")) as { profile: { head: SamplingNode } };
      const bySite = new Map<string, number>();
      let bytes = 0;
      const walk = (node: SamplingNode) => {
        const f = node.callFrame;
        const file = f.url.replace(
          /^.*\/(node_modules|gateway|schema|resolvers|integration|domain|prisma)\//,
          "$1/",
        );
        const site = `${f.functionName || "(anonymous)"} ${file}${file ? `:${f.lineNumber + 1}` : ""}`;
        bytes += node.selfSize;
        if (node.selfSize > 0) bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
        for (const child of node.children ?? []) walk(child);
      };
      walk(profile.head);
      const sites = [...bySite].map(([site, b]) => ({ site, bytes: b })).sort((a, b) => b.bytes - a.bytes);
      return { bytes, sites };
    } finally {
      ws.close();
    }
  };
}
