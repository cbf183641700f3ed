// Start the sandbox department systems.
//   npx tsx sandbox/services/cli.ts --preset demo --seed citygraph
//     [--persons N] [--only petition[,grid…]] [--port-base 4101] [--host 127.0.0.1] [--webhook-url URL]
// Ports: port-base + 0…4 for public security, civil affairs, hotline, petition, grid (0 = any).
// Stops on SIGINT / SIGTERM.
import { parseArgs } from "node:util";
import { DEFAULT_PRESET, PRESET_NAMES, type PresetName } from "../generator/presets.js";
import { SERVICE_NAMES, type ServiceName } from "./common.js";
import { startSandbox } from "./index.js";

const USAGE =
  "usage: tsx sandbox/services/cli.ts --preset test|demo|bench --seed S [--persons N] " +
  `[--only ${SERVICE_NAMES.join("|")}|public-security|civil-affairs…] [--port-base 4101] [--host H] [--webhook-url URL]`;

const ALIASES: Record<string, ServiceName> = {
  "public-security": "publicSecurity",
  "civil-affairs": "civilAffairs",
};

function fail(message: string): never {
  console.error(message);
  console.error(USAGE);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      preset: { type: "string", default: DEFAULT_PRESET },
      seed: { type: "string", default: "citygraph" },
      persons: { type: "string" },
      only: { type: "string" },
      "port-base": { type: "string", default: "4101" },
      host: { type: "string", default: "127.0.0.1" },
      "webhook-url": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const preset = values.preset as PresetName;
  if (!PRESET_NAMES.includes(preset)) fail(`unknown preset "${values.preset}"`);
  const persons = values.persons === undefined ? undefined : Number(values.persons);
  if (persons !== undefined && !Number.isInteger(persons)) fail("--persons must be an integer");
  const portBase = Number(values["port-base"]);
  if (!Number.isInteger(portBase) || portBase < 0 || portBase > 65_530)
    fail("--port-base must be a port number");
  let only: ServiceName[] | undefined;
  if (values.only) {
    only = values.only.split(",").map((s) => {
      const name = ALIASES[s.trim()] ?? s.trim();
      if (!(SERVICE_NAMES as readonly string[]).includes(name)) fail(`unknown service "${s}"`);
      return name as ServiceName;
    });
  }
  const ports: Partial<Record<ServiceName, number>> = {};
  SERVICE_NAMES.forEach((name, i) => {
    ports[name] = portBase === 0 ? 0 : portBase + i;
  });

  const started = performance.now();
  const sandbox = await startSandbox({
    seed: values.seed,
    preset,
    persons,
    ports,
    host: values.host,
    webhookUrl: values["webhook-url"],
    only,
  });
  console.log(
    `sandbox seed=${values.seed} preset=${preset}${persons ? ` persons=${persons}` : ""} ready in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  for (const s of sandbox.services) console.log(`  ${s.name.padEnd(16)} ${s.url}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    sandbox.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
