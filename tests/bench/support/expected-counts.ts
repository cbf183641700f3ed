// How many records each sandbox department system serves for a (seed, preset): computed from the
// generator itself (siloDatasets / recordCount, no record is generated where a unit can count
// cheaply), keyed by the id of the built-in connector that reads that system. The grid system also
// serves the demo area tree. Building the plan of a 1M-person city takes ~150 MB and a few
// seconds, so benchmarks run this file as a process of its own:
//   node --import tsx tests/bench/support/expected-counts.ts --preset bench --seed citygraph
// prints one line `EXPECTED_COUNTS {json}`.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { BUILTIN_CONNECTORS, type DepartmentSystem } from "../../../connectors/departments/index.js";
import { createCity, type PresetName, siloDatasets } from "../../../sandbox/generator/index.js";
import { gridAreas } from "../../../sandbox/services/grid.js";
import { REPO_ROOT, runCommand } from "./hub-process.js";

export interface ExpectedCounts {
  seed: string;
  preset: PresetName;
  persons: number;
  /** Connector id → records its department system serves. */
  perConnector: Record<string, number>;
  /** Connector id → dataset → records. */
  perDataset: Record<string, Record<string, number>>;
}

const MARKER = "EXPECTED_COUNTS ";

/** In this process (the whole plan of the city is built here). */
export function computeExpectedCounts(seed: string, preset: PresetName): ExpectedCounts {
  const city = createCity({ seed, preset });
  const perDataset: Record<string, Record<string, number>> = {};
  const add = (system: DepartmentSystem, dataset: string, n: number) => {
    const id = BUILTIN_CONNECTORS[system].manifest.id;
    perDataset[id] ??= {};
    perDataset[id][dataset] = (perDataset[id][dataset] ?? 0) + n;
  };
  add("grid", "areas", gridAreas().length);
  for (const ds of siloDatasets(city)) {
    let n = 0;
    for (let u = 0; u < ds.unitCount; u++) n += ds.recordCount(u);
    add(ds.silo, ds.name, n);
  }
  const perConnector = Object.fromEntries(
    Object.entries(perDataset).map(([id, sets]) => [id, Object.values(sets).reduce((a, b) => a + b, 0)]),
  );
  return { seed, preset, persons: city.counts.persons, perConnector, perDataset };
}

/** In a child process, so that the caller's memory and CPU figures do not include the plan. */
export async function expectedCountsInChild(
  seed: string,
  preset: PresetName,
  timeoutMs = 300_000,
): Promise<ExpectedCounts> {
  const output = await runCommand(
    process.execPath,
    ["--import", "tsx", "tests/bench/support/expected-counts.ts", "--preset", preset, "--seed", seed],
    { cwd: REPO_ROOT, timeoutMs },
  );
  const line = output.split("\n").find((l) => l.startsWith(MARKER));
  if (!line) throw new Error(`expected-counts.ts printed no counts:\n${output.slice(-2000)}`);
  return JSON.parse(line.slice(MARKER.length)) as ExpectedCounts;
}

const invokedDirectly =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const { values } = parseArgs({
    options: { preset: { type: "string", default: "demo" }, seed: { type: "string", default: "citygraph" } },
    strict: true,
  });
  process.stdout.write(
    `${MARKER}${JSON.stringify(computeExpectedCounts(values.seed, values.preset as PresetName))}\n`,
  );
}
