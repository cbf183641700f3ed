// The answer comparison of bench:query: key facts read from the hub's shape and from PostGraphile's,
// the differences between them, and the ratio formatting of its tables.
import { describe, expect, it } from "vitest";
import {
  areaEventFacts,
  dataOf,
  decodeGlobalId,
  factDifferences,
  firstDifference,
  formatRatio,
  personFacts,
  ratio,
  withSortedSources,
} from "../../bench/support/query-facts.js";

const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString("base64");
const P = "0190a0b0-0000-7000-8000-000000000001";
const E1 = "0190a0b0-0000-7000-8000-0000000000e1";
const E2 = "0190a0b0-0000-7000-8000-0000000000e2";

const hubPerson = {
  data: {
    person: {
      id: gid("Person", P),
      name: "孙振生",
      addresses: [{ kind: "REGISTERED" }, { kind: "RESIDENT" }],
      organisations: [],
      events: {
        totalCount: 3,
        edges: [
          { role: "REPORTER", node: { id: gid("HotlineTicket", E1) } },
          { role: "PARTY", node: { id: gid("PoliceIncident", E2) } },
        ],
      },
      sources: [
        { connectorId: "public-security", sourceKey: "population:R1" },
        { connectorId: "hotline-12345", sourceKey: "workOrders:2" },
      ],
    },
  },
};

const pglPerson = {
  data: {
    allPeople: {
      nodes: [
        {
          rowId: P,
          name: "孙振生",
          personAddressesByPersonId: { nodes: [{}, {}] },
          personOrganisationsByPersonId: { nodes: [] },
          eventParts: {
            totalCount: 3,
            nodes: [{ eventByEventId: { rowId: E1 } }, { eventByEventId: { rowId: E2 } }],
          },
          sources: {
            nodes: [
              { sourceRecordBySourceRecordId: { connectorId: "hotline-12345", sourceKey: "workOrders:2" } },
              {
                sourceRecordBySourceRecordId: { connectorId: "public-security", sourceKey: "population:R1" },
              },
            ],
          },
        },
      ],
    },
  },
};

describe("decodeGlobalId", () => {
  it("splits a Relay id at the first colon", () => {
    expect(decodeGlobalId(gid("PoliceIncident", E1))).toEqual({ type: "PoliceIncident", id: E1 });
  });
  it("refuses what is not one", () => {
    expect(() => decodeGlobalId(Buffer.from("nocolon").toString("base64"))).toThrow(/not a global id/);
  });
});

describe("personFacts", () => {
  it("reads the same facts from the hub's shape and PostGraphile's (sources in any order)", () => {
    const hub = personFacts("hub", hubPerson);
    expect(hub).toEqual({
      personId: P,
      name: "孙振生",
      addresses: 2,
      organisations: 0,
      eventsTotal: 3,
      eventIds: [E1, E2],
      sources: ["hotline-12345 workOrders:2", "public-security population:R1"],
    });
    expect(personFacts("postgraphile", pglPerson)).toEqual(hub);
    expect(personFacts("sql", hubPerson)).toEqual(hub);
  });

  it("null when the person is not found", () => {
    expect(personFacts("hub", { data: { person: null } })).toBeNull();
    expect(personFacts("postgraphile", { data: { allPeople: { nodes: [] } } })).toBeNull();
  });

  it("an errors member is an error, not an empty answer", () => {
    expect(() => personFacts("hub", { data: null, errors: [{ message: "FORBIDDEN" }] })).toThrow(/FORBIDDEN/);
    expect(() => dataOf("text")).toThrow(/not an object/);
  });
});

describe("areaEventFacts", () => {
  it("reads total, next page and event order from both shapes", () => {
    const hub = areaEventFacts("hub", {
      data: {
        events: {
          totalCount: 53,
          pageInfo: { hasNextPage: true },
          edges: [{ node: { id: gid("Dispute", E2) } }, { node: { id: gid("Petition", E1) } }],
        },
      },
    });
    const pgl = areaEventFacts("postgraphile", {
      data: {
        allAreas: {
          nodes: [
            {
              eventsInSubtree: {
                totalCount: 53,
                pageInfo: { hasNextPage: true },
                edges: [{ node: { rowId: E2 } }, { node: { rowId: E1 } }],
              },
            },
          ],
        },
      },
    });
    expect(hub).toEqual({ totalCount: 53, hasNextPage: true, eventIds: [E2, E1] });
    expect(factDifferences(hub, pgl)).toEqual([]);
  });
});

describe("factDifferences", () => {
  it("names each differing key, order of events included", () => {
    const a = { totalCount: 2, eventIds: [E1, E2] };
    expect(factDifferences(a, { totalCount: 2, eventIds: [E2, E1] })).toEqual([
      `eventIds: ${JSON.stringify([E1, E2])} vs ${JSON.stringify([E2, E1])}`,
    ]);
    expect(factDifferences(a, null)).toEqual(["found: true vs false"]);
    expect(factDifferences(null, null)).toEqual([]);
  });
});

describe("firstDifference", () => {
  it("points at the first differing path", () => {
    expect(firstDifference({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] })).toBe("$.a[1].b (2 vs 3)");
    expect(firstDifference([1, 2], [1])).toBe("$.length (2 vs 1)");
    expect(firstDifference({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe("$ keys (a,b vs b,a)");
    expect(firstDifference({ a: [1, null] }, { a: [1, null] })).toBeNull();
  });
});

describe("ratio and formatRatio", () => {
  it("divides, and says n/a rather than Infinity or NaN", () => {
    expect(ratio(10, 4)).toBe(2.5);
    expect(Number.isNaN(ratio(1, 0))).toBe(true);
    expect(Number.isNaN(ratio(null, 2))).toBe(true);
    expect(formatRatio(2.5)).toBe("2.5×");
    expect(formatRatio(0.04234)).toBe("0.042×");
    expect(formatRatio(12.34)).toBe("12.3×");
    expect(formatRatio(Number.NaN)).toBe("n/a");
  });
});

describe("withSortedSources", () => {
  it("sorts a person's provenance by connector and key, leaving the input alone", () => {
    const body = {
      data: {
        person: {
          name: "x",
          sources: [
            { connectorId: "petition", sourceKey: "2" },
            { connectorId: "grid", sourceKey: "9" },
          ],
        },
      },
    };
    expect(withSortedSources(body)).toEqual({
      data: {
        person: {
          name: "x",
          sources: [
            { connectorId: "grid", sourceKey: "9" },
            { connectorId: "petition", sourceKey: "2" },
          ],
        },
      },
    });
    expect(body.data.person.sources[0]?.connectorId).toBe("petition");
    const other = { data: { events: { edges: [] } } };
    expect(withSortedSources(other)).toBe(other);
  });
});
