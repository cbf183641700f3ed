import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { envSchema } from "../../gateway/config.js";
import {
  configVariables,
  OPERATING_DOC,
  renderConfigTable,
  TABLE_BEGIN,
  TABLE_END,
  withConfigTable,
} from "../../gateway/config-docs.js";

describe("the configuration table in docs/operating.md", () => {
  it("is the table the environment schema renders today (run `npm run docs:config` when this fails)", () => {
    const doc = fs.readFileSync(OPERATING_DOC, "utf8");
    expect(withConfigTable(doc)).toBe(doc);
  });

  it("lists every variable loadConfig reads, each with a description", () => {
    const doc = fs.readFileSync(OPERATING_DOC, "utf8");
    const table = doc.slice(doc.indexOf(TABLE_BEGIN), doc.indexOf(TABLE_END));
    for (const name of Object.keys(envSchema.shape)) expect(table).toContain(`| \`${name}\` |`);
    for (const v of configVariables()) expect(v.description.length).toBeGreaterThan(10);
  });

  it("shows defaults and allowed values from the schema", () => {
    const rows = Object.fromEntries(configVariables().map((v) => [v.name, v]));
    expect(rows.PORT).toMatchObject({ default: "`4000`", allowed: "integer 0–65535" });
    expect(rows.LOG_LEVEL).toMatchObject({ default: "`info`", allowed: "`debug`, `info`, `warn`, `error`" });
    expect(rows.WEBHOOK_TOKEN).toMatchObject({ default: "unset", allowed: "text, ≥ 16 characters" });
    expect(rows.GRAPHIQL?.default).toBe("`true`");
    expect(rows.SOURCE_GRID_URL?.allowed).toBe("URL");
  });

  it("replaces only the text between its markers", () => {
    const doc = `# Operating\n\nbefore\n${TABLE_BEGIN}\nold table\n${TABLE_END}\nafter\n`;
    expect(withConfigTable(doc)).toBe(
      `# Operating\n\nbefore\n${TABLE_BEGIN}\n${renderConfigTable()}\n${TABLE_END}\nafter\n`,
    );
    expect(() => withConfigTable("# no markers")).toThrow(/markers/);
  });
});
