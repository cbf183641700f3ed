import { describe, expect, it } from "vitest";
import { BUILTIN_CONNECTORS } from "../../../connectors/departments/index.js";
import { manifestDisagreements } from "../../../domain/access/manifest-check.js";

describe("connector manifests against the field table", () => {
  it("the built-in connectors agree with the hub's field table", () => {
    for (const spec of Object.values(BUILTIN_CONNECTORS))
      expect(manifestDisagreements(spec.manifest)).toEqual([]);
  });
  it("a manifest declaring a field stricter than the hub serves it is a disagreement", () => {
    const problems = manifestDisagreements({
      id: "market-regulation",
      department: { code: "market_regulation" },
      fields: [
        { element: "PERSON", field: "name", sensitivity: "SENSITIVE" },
        { element: "EVENT", field: "description", sensitivity: "SECRET" },
        { element: "ORGANISATION", field: "uscc", sensitivity: "PUBLIC" },
      ],
    });
    expect(
      problems.some(
        (p) => p.includes("PERSON.name is declared SENSITIVE") && p.includes("Person.name as PERSONAL"),
      ),
    ).toBe(true);
    // A runtime department's events may be of any kind: each kind's description is checked.
    expect(problems.filter((p) => p.includes("EVENT.description"))).toHaveLength(4);
    expect(problems.some((p) => p.includes("uscc"))).toBe(false);
  });
});
