// Printing and saving benchmark figures: the machine they were taken on, a plain-text table, and
// a JSON file under tests/.artifacts/ (git-ignored).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "./hub-process.js";

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  kernel: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    cores: os.availableParallelism?.() ?? cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.platform()}-${os.arch()}`,
    kernel: os.release(),
  };
}

export function describeMachine(m: MachineInfo): string {
  return `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.platform} ${m.kernel}, node ${m.node}`;
}

export type Align = "left" | "right";

/** A plain-text table with a header rule; numbers should be formatted by the caller. */
export function formatTable(columns: { title: string; align?: Align }[], rows: string[][]): string {
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] ?? "").length)));
  const cell = (text: string, i: number) =>
    columns[i]?.align === "left" ? text.padEnd(widths[i]!) : text.padStart(widths[i]!);
  const line = (cells: string[]) => `| ${cells.map(cell).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (columns[i]?.align === "left" ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|`;
  return [line(columns.map((c) => c.title)), rule, ...rows.map(line)].join("\n");
}

export const fixed = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
export const mib = (kib: number | null) => (kib === null ? null : Math.round((kib / 1024) * 10) / 10);

/** Write `data` as JSON to tests/.artifacts/<name>; returns the path written. */
export function writeArtifact(name: string, data: unknown): string {
  const file = path.join(REPO_ROOT, "tests", ".artifacts", name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}
