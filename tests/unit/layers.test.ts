// The layer rule is checked by dependency-cruiser with the project's own configuration
// (.dependency-cruiser.cjs, npm run lint:layers). On a tree that breaks it on purpose
// (tests/fixtures/layers, each break marked `// violates <rule>`) it reports exactly those breaks;
// on the hub's own code it reports none.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { cruise, type ICruiseResult } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
const fixture = join(root, "tests/fixtures/layers");
const PRODUCT_FOLDERS = ["gateway", "schema", "resolvers", "integration", "domain", "prisma", "connectors"];

async function violations(baseDir: string, folders: string[]): Promise<string[]> {
  const options = await extractDepcruiseOptions(join(root, ".dependency-cruiser.cjs"));
  const result = await cruise(folders, { ...options, baseDir, validate: true, outputType: "json" });
  const output = result.output as ICruiseResult | string;
  const parsed: ICruiseResult = typeof output === "string" ? JSON.parse(output) : output;
  return parsed.summary.violations.map((v) => `${v.rule.name}: ${v.from}`).sort();
}

/** "rule: file" for every `// violates rule` comment in the fixture. */
function marked(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts"))
        for (const m of readFileSync(path, "utf8").matchAll(/\/\/ violates ([a-z-]+)/g))
          out.push(`${m[1]}: ${relative(fixture, path)}`);
    }
  };
  walk(fixture);
  return out.sort();
}

describe("layer rule", () => {
  it("reports every break in a tree that breaks it, and nothing it allows", async () => {
    const expected = marked();
    expect(expected.length).toBeGreaterThanOrEqual(8);
    expect(await violations(fixture, ["."])).toEqual(expected);
  }, 60_000);

  it("finds no break in the hub's own code", async () => {
    expect(await violations(root, PRODUCT_FOLDERS)).toEqual([]);
  }, 120_000);
});
