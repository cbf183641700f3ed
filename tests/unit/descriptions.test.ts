// Analysts read the schema in GraphiQL: every type, field, argument and enum value says what it is.
import { describe, expect, it } from "vitest";
import { describedParts } from "../../schema/descriptions.js";
import { buildSchema } from "../../schema/index.js";

describe("schema descriptions", () => {
  it("describe every type, field, argument and enum value in words of their own", () => {
    const missing = [...describedParts(buildSchema())]
      .filter(([, part]) => {
        // The field policy appends "Sensitivity: … Owner: …"; that alone is no description.
        const own = (part.description ?? "").replace(/Sensitivity: .*$/s, "").trim();
        return own.length === 0;
      })
      .map(([name]) => name);
    expect(missing).toEqual([]);
  });
});
