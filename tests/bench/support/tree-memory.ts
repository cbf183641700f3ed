// Memory of a whole process tree (PostgreSQL: the postmaster and its backends). Their RSS cannot be
// added up: every backend's RSS counts the shared buffers it touched. PSS (proportional set size,
// /proc/<pid>/smaps_rollup) divides each shared page among the processes mapping it, so the sum is
// what the tree really holds. Falls back to RSS where smaps_rollup cannot be read.
import fs from "node:fs";
import { descendantsOf, rssKiB } from "./proc.js";

/** PSS of a process in KiB, or null when it has gone or smaps_rollup is not readable. */
export function pssKiB(pid: number): number | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  } catch {
    return null;
  }
  const match = /^Pss:\s+(\d+)\s+kB$/m.exec(text);
  return match ? Number(match[1]) : null;
}

export interface TreeMemory {
  /** Sum of PSS (RSS where PSS was not readable) over the process and its descendants, KiB. */
  totalKiB: number;
  /** The largest single process's RSS, KiB. */
  largestRssKiB: number;
  processes: number;
  /** False when some process's PSS could not be read (its RSS was used instead). */
  pssOnly: boolean;
}

export function treeMemory(rootPid: number): TreeMemory | null {
  const rootRss = rssKiB(rootPid);
  if (rootRss === null) return null;
  let totalKiB = 0;
  let largestRssKiB = 0;
  let processes = 0;
  let pssOnly = true;
  for (const pid of [rootPid, ...descendantsOf(rootPid)]) {
    const rss = pid === rootPid ? rootRss : rssKiB(pid);
    if (rss === null) continue; // exited meanwhile
    const pss = pssKiB(pid);
    if (pss === null) pssOnly = false;
    totalKiB += pss ?? rss;
    largestRssKiB = Math.max(largestRssKiB, rss);
    processes++;
  }
  return { totalKiB, largestRssKiB, processes, pssOnly };
}

/** Samples a tree's memory on a fixed period; keeps only the peaks (constant memory). */
export class TreeMemorySampler {
  private timer: NodeJS.Timeout | null = null;
  peakTotalKiB = 0;
  peakLargestRssKiB = 0;
  peakProcesses = 0;
  pssOnly = true;
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
    if (!m.pssOnly) this.pssOnly = false;
    return m;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
