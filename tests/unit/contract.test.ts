// The schema contract frontend teams build against: schema.graphql and the typed operations in
// operations/generated must be what `npm run codegen` would write now.
import fs from "node:fs";
import path from "node:path";
import { generate } from "@graphql-codegen/cli";
import { describe, expect, it } from "vitest";
import config from "../../codegen.js";
import { printHubSchema, SCHEMA_FILE } from "../../schema/print.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

describe("generated contract", () => {
  it("schema.graphql is up to date (run npm run codegen)", () => {
    expect(fs.readFileSync(SCHEMA_FILE, "utf8")).toBe(printHubSchema());
  });

  it("operations/generated is up to date (run npm run codegen)", async () => {
    const outputs = await generate({ ...config, cwd: ROOT, silent: true }, false);
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) {
      const committed = fs.readFileSync(path.resolve(ROOT, output.filename), "utf8");
      expect(committed, output.filename).toBe(output.content);
    }
  }, 30_000);
});
