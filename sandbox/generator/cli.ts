// Generate the synthetic city and write it to a directory.
//   npx tsx sandbox/generator/cli.ts --preset test|demo|bench --seed S --out DIR
//   [--persons N] [--no-truth-entities]
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { writeCity } from "./output.js";
import { DEFAULT_PRESET, PRESET_NAMES, type PresetName } from "./presets.js";

function main(): void {
  const { values } = parseArgs({
    options: {
      preset: { type: "string", default: DEFAULT_PRESET },
      seed: { type: "string", default: "citygraph" },
      out: { type: "string" },
      persons: { type: "string" },
      "no-truth-entities": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help || !values.out) {
    console.log(
      "usage: tsx sandbox/generator/cli.ts --preset test|demo|bench --seed S --out DIR [--persons N] [--no-truth-entities]",
    );
    process.exit(values.help ? 0 : 2);
  }
  const preset = values.preset as PresetName;
  if (!PRESET_NAMES.includes(preset)) {
    console.error(`unknown preset "${values.preset}" (${PRESET_NAMES.join("|")})`);
    process.exit(2);
  }
  const persons = values.persons === undefined ? undefined : Number(values.persons);
  const outDir = resolve(values.out);
  const started = performance.now();
  let last = started;
  console.log(
    `generating preset=${preset} seed=${values.seed}${persons ? ` persons=${persons}` : ""} → ${outDir}`,
  );
  const { summary } = writeCity({ seed: values.seed, preset, persons }, outDir, {
    truthEntities: !values["no-truth-entities"],
    onDataset: (ds, records) => {
      const now = performance.now();
      console.log(
        `  ${ds.file.padEnd(38)} ${String(records).padStart(9)} records  ${((now - last) / 1000).toFixed(1)} s`,
      );
      last = now;
    },
  });
  const seconds = (performance.now() - started) / 1000;
  console.log("truth:");
  for (const [k, v] of Object.entries(summary.truth))
    console.log(`  ${k.padEnd(20)} ${String(v).padStart(9)}`);
  console.log("silos:");
  for (const [silo, s] of Object.entries(summary.silos))
    console.log(`  ${silo.padEnd(20)} ${String(s.records).padStart(9)}`);
  console.log(`ground truth records   ${String(summary.groundTruthRecords).padStart(9)}`);
  console.log(`wall time              ${seconds.toFixed(1)} s`);
  console.log(`peak RSS               ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}

main();
