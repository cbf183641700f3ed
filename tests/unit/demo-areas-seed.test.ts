// The demo area tree the hub seeds (prisma/seed/demo-areas.json, read by integration/demo-areas.ts)
// is the sandbox city's tree, byte for byte as sandbox/city/write-seed.ts writes it: the sandbox's
// people and events are placed in areas the hub has.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEMO_AREAS_FILE, demoAreaTree } from "../../integration/demo-areas.js";
import { buildDemoAreaTree } from "../../sandbox/city/areas.js";
import { demoAreasJson } from "../../sandbox/city/write-seed.js";

describe("the demo area tree's seed data", () => {
  it("is the sandbox city's tree (rewrite it with npx tsx sandbox/city/write-seed.ts)", () => {
    expect(readFileSync(DEMO_AREAS_FILE, "utf8")).toBe(demoAreasJson());
    const tree = demoAreaTree();
    expect(tree).toEqual(
      buildDemoAreaTree().map(({ code, name, level, parentCode }) => ({ code, name, level, parentCode })),
    );
    expect(tree).toHaveLength(836);
    // parents before children, as the seed inserts them
    const seen = new Set<string>();
    for (const a of tree) {
      if (a.parentCode) expect(seen.has(a.parentCode), a.code).toBe(true);
      seen.add(a.code);
    }
  });
});
