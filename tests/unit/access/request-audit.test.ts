// What one request hands to the audit trail: one entry per outcome and set of fields, naming every
// element that set was read on, so that the trail grows by request while which fields of which
// element stays exact.
import { describe, expect, it } from "vitest";
import { DEFAULT_PURPOSES } from "../../../domain/access/purposes.js";
import { RequestAccess } from "../../../domain/access/request.js";
import { ANONYMOUS } from "../../../domain/principal.js";

const access = () => new RequestAccess({ ...ANONYMOUS, roles: ["city_commander"] }, null, DEFAULT_PURPOSES);

describe("RequestAccess.drain", () => {
  it("groups elements read alike into one entry, sorted", () => {
    const a = access();
    for (const id of ["e3", "e1", "e2"]) {
      a.record("READ", "Event.description", id);
      a.record("READ", "Event.reporterPhone", id);
    }
    expect(a.drain()).toEqual([
      {
        outcome: "READ",
        entityIds: ["e1", "e2", "e3"],
        fields: ["Event.description", "Event.reporterPhone"],
      },
    ]);
  });

  it("keeps each field set, each outcome and root fields apart", () => {
    const a = access();
    a.record("READ", "Person.name", "p1");
    a.record("READ", "Person.name", "p2");
    a.record("READ", "Person.phone", "p2");
    a.record("DENIED", "Person.citizenId", "p1");
    a.record("READ", "Query.personByCitizenId", null);
    const out = a.drain();
    expect(out).toHaveLength(4);
    expect(out).toEqual(
      expect.arrayContaining([
        { outcome: "READ", entityIds: ["p1"], fields: ["Person.name"] },
        { outcome: "READ", entityIds: ["p2"], fields: ["Person.name", "Person.phone"] },
        { outcome: "DENIED", entityIds: ["p1"], fields: ["Person.citizenId"] },
        { outcome: "READ", entityIds: [], fields: ["Query.personByCitizenId"] },
      ]),
    );
  });

  it("hands over once", () => {
    const a = access();
    a.record("READ", "Person.name", "p1");
    expect(a.drain()).toHaveLength(1);
    expect(a.drain()).toEqual([]);
  });
});
