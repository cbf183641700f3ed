// Writes the demo area tree to the hub's seed data (prisma/seed/demo-areas.json), one area a line,
// parents before children: run after changing the demo city (areas.ts).
//   npx tsx sandbox/city/write-seed.ts
import { writeFileSync } from "node:fs";
import { DEMO_AREAS_FILE } from "../../integration/demo-areas.js";
import { buildDemoAreaTree } from "./areas.js";

/** One area a line, formatted as the project's formatter (Biome) leaves JSON. */
export function demoAreasJson(): string {
  const rows = buildDemoAreaTree().map(({ code, name, level, parentCode }) => {
    const fields = Object.entries({ code, name, level, parentCode });
    return `{ ${fields.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(", ")} }`;
  });
  return `[\n${rows.map((r) => `  ${r}`).join(",\n")}\n]\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(DEMO_AREAS_FILE, demoAreasJson());
  console.log(`wrote ${DEMO_AREAS_FILE.pathname}`);
}
