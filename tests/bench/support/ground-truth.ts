// The generator's ground truth for a (seed, preset), as JSON Lines, for the resolve benchmark:
// one line per source record, in the generator's own order (sandbox/generator/output.ts
// writes the same records to DIR/ground-truth.jsonl; the silo files are not needed here, so only the
// truth is written). Each line is the GroundTruthRecord plus `addressTexts`: the text the record
// holds at each `addresses[i].field` (null when there is none), which the benchmark keys with the
// domain's canonicalAddressKey to find the place in the graph. Streams record by record, so memory
// stays flat; a 1M-person city takes minutes and ~150 MB for the plan, hence a process of its own:
//   node --import tsx tests/bench/support/ground-truth.ts --preset demo --seed citygraph --out FILE
// prints `GROUND_TRUTH {"records":N,"file":…}` at the end.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  createCity,
  type GroundTruthRecord,
  JsonlWriter,
  type PresetName,
  siloDatasets,
  valueAt,
} from "../../../sandbox/generator/index.js";
import { REPO_ROOT, runCommand } from "./hub-process.js";
import { type UndecidedRef, undecidedReferences } from "./undecided.js";

/**
 * A ground-truth line as this file writes it: `addressTexts`, and `undecided`, its `persons` the
 * data leaves undecided (support/undecided.ts).
 */
export type TruthLine = GroundTruthRecord & { addressTexts: (string | null)[]; undecided: UndecidedRef[] };

const MARKER = "GROUND_TRUTH ";

/** Write the truth of every record of the city to `file`; returns how many records. */
export function writeTruthLines(seed: string, preset: PresetName, file: string): number {
  const city = createCity({ seed, preset });
  const undecided = undecidedReferences(city);
  const out = new JsonlWriter(file);
  for (const ds of siloDatasets(city))
    for (let u = 0; u < ds.unitCount; u++)
      for (const e of ds.records(u)) {
        const addressTexts = e.truth.addresses.map((a) => {
          const v = valueAt(e.record, a.field);
          return typeof v === "string" ? v : null;
        });
        out.write({
          ...e.truth,
          addressTexts,
          undecided: undecided(e.truth, (field) => valueAt(e.record, field)),
        } satisfies TruthLine);
      }
  out.close();
  return out.lines;
}

/** In a child process (the plan and the generation stay out of the caller's memory and CPU). */
export async function writeTruthInChild(
  seed: string,
  preset: PresetName,
  file: string,
  timeoutMs = 1_800_000,
): Promise<{ records: number; file: string }> {
  const output = await runCommand(
    process.execPath,
    [
      "--import",
      "tsx",
      "tests/bench/support/ground-truth.ts",
      "--preset",
      preset,
      "--seed",
      seed,
      "--out",
      file,
    ],
    { cwd: REPO_ROOT, timeoutMs },
  );
  const line = output.split("\n").find((l) => l.startsWith(MARKER));
  if (!line) throw new Error(`ground-truth.ts printed no summary:\n${output.slice(-2000)}`);
  return JSON.parse(line.slice(MARKER.length)) as { records: number; file: string };
}

const invokedDirectly =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const { values } = parseArgs({
    options: {
      preset: { type: "string", default: "demo" },
      seed: { type: "string", default: "citygraph" },
      out: { type: "string" },
    },
    strict: true,
  });
  if (!values.out) throw new Error("--out FILE is required");
  const file = path.resolve(values.out);
  const records = writeTruthLines(values.seed, values.preset as PresetName, file);
  process.stdout.write(`${MARKER}${JSON.stringify({ records, file })}\n`);
}
