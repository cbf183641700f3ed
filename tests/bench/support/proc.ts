// Linux /proc readers for benchmarks: a process's resident memory and CPU time, its descendants,
// and a bounded RSS sampler. Only processes the benchmark started are ever looked at.
import { execFileSync } from "node:child_process";
import fs from "node:fs";

export interface ProcessMemory {
  rssKiB: number;
  anonKiB: number;
  fileKiB: number;
  shmemKiB: number;
}

/** A process's resident memory by kind (/proc/<pid>/status), in KiB, or null once it has gone. */
export function processMemory(pid: number): ProcessMemory | null {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return null;
  }
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, "m").exec(status)?.[1] ?? 0);
  return {
    rssKiB: kib("VmRSS"),
    anonKiB: kib("RssAnon"),
    fileKiB: kib("RssFile"),
    shmemKiB: kib("RssShmem"),
  };
}

/** VmRSS of a process in KiB, or null once it has gone (or on a system without /proc). */
export function rssKiB(pid: number): number | null {
  return processMemory(pid)?.rssKiB ?? null;
}

/** Direct children of a process (all its threads' children). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const task of tasks) {
    try {
      const text = fs.readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
      for (const id of text.split(/\s+/)) if (id) out.push(Number(id));
    } catch {
      // thread gone meanwhile
    }
  }
  return out;
}

/** All descendants of a process, breadth first; bounded to 256 processes. */
export function descendantsOf(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0 && out.length < 256) {
    for (const child of childrenOf(queue.shift()!)) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

export function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
  } catch {
    return "";
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Samples one process's RSS on a fixed period. `beginWindow()`/`endWindow()` bracket a phase and
 * return the highest RSS seen in it; samples are not stored, so memory use is constant.
 */
export class RssSampler {
  private timer: NodeJS.Timeout | null = null;
  private windowPeakKiB = 0;
  private overallPeakKiB = 0;
  private lastKiB: number | null = null;
  samples = 0;

  constructor(
    private readonly pid: number,
    private readonly periodMs = 250,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.periodMs);
    this.timer.unref();
    return this;
  }

  private sample(): void {
    const kib = rssKiB(this.pid);
    if (kib === null) return;
    this.samples++;
    this.lastKiB = kib;
    if (kib > this.windowPeakKiB) this.windowPeakKiB = kib;
    if (kib > this.overallPeakKiB) this.overallPeakKiB = kib;
  }

  /** RSS right now (a fresh reading), KiB. */
  current(): number | null {
    this.sample();
    return this.lastKiB;
  }

  beginWindow(): void {
    this.windowPeakKiB = 0;
    this.sample();
  }

  /** Peak RSS in KiB since beginWindow(), including a final reading taken now. */
  endWindow(): number {
    this.sample();
    return this.windowPeakKiB;
  }

  get peakKiB(): number {
    return this.overallPeakKiB;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

let clockTicks: number | null = null;
/** Kernel clock ticks per second (for /proc/<pid>/stat times). */
function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU seconds a process has used, including its children that have exited and been waited for. */
export function cpuSeconds(pid: number): number | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // Fields after the command name (which may contain spaces), starting at field 3 (state).
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0);
  return ticks / ticksPerSecond();
}

/** CPU seconds of a process and all its live descendants (the exited ones are in their parents'). */
export function treeCpuSeconds(pid: number): number | null {
  const own = cpuSeconds(pid);
  if (own === null) return null;
  return descendantsOf(pid).reduce((sum, child) => sum + (cpuSeconds(child) ?? 0), own);
}

/** Whole-machine CPU time from /proc/stat, in seconds: busy (all but idle and iowait) and total. */
export function machineCpuSeconds(): { busy: number; total: number } | null {
  let line: string | undefined;
  try {
    line = fs.readFileSync("/proc/stat", "utf8").split("\n")[0];
  } catch {
    return null;
  }
  if (!line?.startsWith("cpu ")) return null;
  // user nice system idle iowait irq softirq steal (guest time is already in user).
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: (total - idle) / ticksPerSecond(), total: total / ticksPerSecond() };
}

/** Core-seconds of the processes a benchmark runs, and of the whole machine, at one moment. */
export interface CpuSnapshot {
  /** This process (the hub, in benchmarks that ingest in-process): all its threads. */
  hub: number;
  /** PostgreSQL's postmaster and its backends (with the backends that have exited). */
  postgres: number | null;
  /** The sandbox systems' process tree. */
  sandbox: number | null;
  /** Every process on the machine (busy time from /proc/stat). */
  machineBusy: number | null;
}

export function cpuSnapshot(pids: { postgres: number | null; sandbox: number | null }): CpuSnapshot {
  return {
    hub: cpuSeconds(process.pid) ?? 0,
    postgres: pids.postgres === null ? null : treeCpuSeconds(pids.postgres),
    sandbox: pids.sandbox === null ? null : treeCpuSeconds(pids.sandbox),
    machineBusy: machineCpuSeconds()?.busy ?? null,
  };
}

/** Core-seconds used between two snapshots (null where either could not be read). */
export function cpuBetween(from: CpuSnapshot, to: CpuSnapshot): CpuSnapshot {
  const d = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);
  return {
    hub: to.hub - from.hub,
    postgres: d(from.postgres, to.postgres),
    sandbox: d(from.sandbox, to.sandbox),
    machineBusy: d(from.machineBusy, to.machineBusy),
  };
}
