// Memory of a whole process tree (PostgreSQL: the postmaster and its backends). Their RSS cannot be
// added up: every backend's RSS counts the shared buffers it touched. The tree holds each
// process's private memory (RssAnon) plus the shared buffers in use once; the largest RssShmem any
// one process has touched stands for the latter (a lower bound: the checkpointer and the loading
// backend between them touch nearly all of it), the largest RssFile for the mapped binaries.
//
// Not PSS (/proc/<pid>/smaps_rollup), though it divides shared pages exactly: reading it walks the
// processes' page tables: at a million persons (their RSS adding up to 6–9 GiB) a sample took
// 100–260 ms, twice a second, of the benchmark's own thread, the one that ingests.
// /proc/<pid>/status costs microseconds.
import { descendantsOf, processMemory } from "./proc.js";

export interface TreeMemory {
  /** Private memory of the process and its descendants, plus the shared and file pages once, KiB. */
  totalKiB: number;
  /** The largest single process's RSS, KiB. */
  largestRssKiB: number;
  processes: number;
}

export function treeMemory(rootPid: number): TreeMemory | null {
  const root = processMemory(rootPid);
  if (!root) return null;
  let anonKiB = 0;
  let shmemKiB = 0;
  let fileKiB = 0;
  let largestRssKiB = 0;
  let processes = 0;
  for (const pid of [rootPid, ...descendantsOf(rootPid)]) {
    const m = pid === rootPid ? root : processMemory(pid);
    if (!m) continue; // exited meanwhile
    anonKiB += m.anonKiB;
    shmemKiB = Math.max(shmemKiB, m.shmemKiB);
    fileKiB = Math.max(fileKiB, m.fileKiB);
    largestRssKiB = Math.max(largestRssKiB, m.rssKiB);
    processes++;
  }
  return { totalKiB: anonKiB + shmemKiB + fileKiB, largestRssKiB, processes };
}

/** Samples a tree's memory on a fixed period; keeps only the peaks (constant memory). */
export class TreeMemorySampler {
  private timer: NodeJS.Timeout | null = null;
  peakTotalKiB = 0;
  peakLargestRssKiB = 0;
  peakProcesses = 0;
  samples = 0;

  constructor(
    private readonly rootPid: number,
    private readonly periodMs = 500,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.periodMs);
    this.timer.unref();
    return this;
  }

  sample(): TreeMemory | null {
    const m = treeMemory(this.rootPid);
    if (!m) return null;
    this.samples++;
    this.peakTotalKiB = Math.max(this.peakTotalKiB, m.totalKiB);
    this.peakLargestRssKiB = Math.max(this.peakLargestRssKiB, m.largestRssKiB);
    this.peakProcesses = Math.max(this.peakProcesses, m.processes);
    return m;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
