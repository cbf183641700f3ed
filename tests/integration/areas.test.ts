// The first vertical slice: node(id), area(code), areas, with parent, children, ancestors and
// subtree counts, over a real hub on the demo area tree, with jurisdiction enforced.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDemoAreaTree } from "../../sandbox/city/areas.js";
import { startTestHub, type TestHub } from "../support/hub.js";

let hub: TestHub;
let cityToken: string;
const tree = buildDemoAreaTree();
const count = (pred: (a: (typeof tree)[number]) => boolean) => tree.filter(pred).length;

beforeAll(async () => {
  hub = await startTestHub();
  cityToken = await hub.token({ roles: ["city_commander"], areas: ["320600"] });
});
afterAll(() => hub?.stop());

describe("area(code)", () => {
  it("returns the city with its children, subtree counts derived from the tree", async () => {
    const r = await hub.gql<{ area: Record<string, unknown> }>(
      `{ area(code: "320600") { code name level depth parent { code }
          subtreeCounts { total districts streets communities grids }
          children(first: 3) { totalCount edges { node { code name level } } pageInfo { hasNextPage endCursor } } } }`,
      { token: cityToken },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.area).toMatchObject({
      code: "320600",
      name: "南通市",
      level: "CITY",
      depth: 0,
      parent: null,
      subtreeCounts: {
        total: tree.length - 1,
        districts: count((a) => a.level === "DISTRICT"),
        streets: count((a) => a.level === "STREET"),
        communities: count((a) => a.level === "COMMUNITY"),
        grids: count((a) => a.level === "GRID"),
      },
      children: {
        totalCount: 7,
        edges: [
          { node: { code: "320602", name: "崇川区", level: "DISTRICT" } },
          { node: { code: "320612", name: "通州区", level: "DISTRICT" } },
          { node: { code: "320614", name: "海门区", level: "DISTRICT" } },
        ],
        pageInfo: { hasNextPage: true },
      },
    });
  });

  it("pages children with the cursor", async () => {
    const first = await hub.gql<{ area: { children: { pageInfo: { endCursor: string } } } }>(
      `{ area(code: "320600") { children(first: 5) { pageInfo { endCursor } } } }`,
      { token: cityToken },
    );
    const after = first.data!.area.children.pageInfo.endCursor;
    const next = await hub.gql<{ area: { children: { edges: { node: { code: string } }[] } } }>(
      `query($after: String) { area(code: "320600") { children(first: 5, after: $after) { edges { node { code } } } } }`,
      { token: cityToken, variables: { after } },
    );
    expect(next.data!.area.children.edges.map((e) => e.node.code)).toEqual(["320682", "320685"]);
  });

  it("lists a grid's ancestors from the city down, and knows townships and villages by their codes", async () => {
    const grid = tree.find((a) => a.level === "GRID" && a.code.startsWith("320612"))!;
    const r = await hub.gql<{ area: { ancestors: { code: string; level: string; kind: string | null }[] } }>(
      `query($code: String!) { area(code: $code) { name ancestors { code level kind } } }`,
      { token: cityToken, variables: { code: grid.code } },
    );
    expect(r.errors).toBeUndefined();
    const ancestors = r.data!.area.ancestors;
    expect(ancestors.map((a) => a.level)).toEqual(["CITY", "DISTRICT", "STREET", "COMMUNITY"]);
    expect(ancestors.map((a) => a.code)).toEqual(grid.path.split("/").filter(Boolean).slice(0, -1));
    // 通州区 has streets (001–099) and towns (100–199); the grid's township kind follows its code.
    const township = ancestors[2]!;
    expect(township.kind).toBe(Number(township.code.slice(6, 9)) >= 100 ? "镇" : "街道");
  });

  it.each([
    ["320602", "崇川区"],
    ["320602000000", "崇川区"], // a county written in its 12-digit statistical form
    [" ３２０６０２ ", "崇川区"], // full-width digits and spaces, as typed
  ])("accepts the code %j", async (code, name) => {
    const r = await hub.gql<{ area: { name: string } }>(
      `query($code: String!) { area(code: $code) { name } }`,
      {
        token: cityToken,
        variables: { code },
      },
    );
    expect(r.data?.area.name).toBe(name);
  });

  it("returns null for a code that names no area", async () => {
    const r = await hub.gql(`{ area(code: "999999") { name } }`, { token: cityToken });
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ area: null });
  });
});

describe("areas and node", () => {
  it("filters by level and subtree and counts the total", async () => {
    const r = await hub.gql<{ areas: { totalCount: number; edges: { node: { code: string } }[] } }>(
      `{ areas(level: COMMUNITY, under: "320602", first: 100) { totalCount edges { node { code } } } }`,
      { token: cityToken },
    );
    const expected = tree
      .filter((a) => a.level === "COMMUNITY" && a.code.startsWith("320602"))
      .map((a) => a.code);
    expect(r.data!.areas.totalCount).toBe(expected.length);
    expect(r.data!.areas.edges.map((e) => e.node.code)).toEqual(expected.sort());
  });

  it("finds areas by name", async () => {
    const r = await hub.gql<{ areas: { edges: { node: { name: string } }[] } }>(
      `{ areas(nameContains: "和平桥", first: 10) { edges { node { name } } } }`,
      { token: cityToken },
    );
    expect(r.data!.areas.edges.map((e) => e.node.name)).toEqual(["和平桥街道"]);
  });

  it("resolves a global ID back to the same area through node(id)", async () => {
    const r = await hub.gql<{ area: { id: string } }>(`{ area(code: "320612") { id } }`, {
      token: cityToken,
    });
    const id = r.data!.area.id;
    expect(Buffer.from(id, "base64").toString()).toMatch(/^Area:/);
    const node = await hub.gql<{ node: { __typename: string; code: string } }>(
      `query($id: ID!) { node(id: $id) { __typename ... on Area { code name } } }`,
      { token: cityToken, variables: { id } },
    );
    expect(node.data?.node).toMatchObject({ __typename: "Area", code: "320612" });
  });
});

describe("jurisdiction", () => {
  it("lets a district commander see its subtree and its ancestors, and nothing beside it", async () => {
    const token = await hub.token({ roles: ["district_commander"], areas: ["320612"] });
    const r = await hub.gql<{ areas: { totalCount: number } }>(`{ areas(first: 1) { totalCount } }`, {
      token,
    });
    const own = count((a) => a.path.includes("/320612/"));
    expect(r.data!.areas.totalCount).toBe(own + 1); // + the city, as an ancestor

    const city = await hub.gql<{ area: { name: string } }>(`{ area(code: "320600") { name } }`, { token });
    expect(city.data?.area.name).toBe("南通市");

    const sibling = await hub.gql(`{ area(code: "320602") { name } }`, { token });
    expect(sibling.data).toEqual({ area: null });
    expect(sibling.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("does not leak areas outside jurisdiction through the city's children", async () => {
    const grid = tree.find((a) => a.level === "GRID")!;
    const token = await hub.token({ roles: ["grid_worker"], areas: [grid.code] });
    const r = await hub.gql<{ areas: { edges: { node: { code: string } }[] } }>(
      `{ areas(first: 50) { edges { node { code } } } }`,
      { token },
    );
    expect(r.data!.areas.edges.map((e) => e.node.code)).toEqual(grid.path.split("/").filter(Boolean).sort());
    const viaParent = await hub.gql(
      `{ area(code: "320600") { children(first: 10) { edges { node { code name } } } } }`,
      {
        token,
      },
    );
    // The district on the grid's own path is visible; every other district is refused, field by field.
    const forbidden = viaParent.errors?.filter((e) => e.extensions?.code === "FORBIDDEN") ?? [];
    expect(forbidden.length).toBeGreaterThan(0);
  });

  it("tells anonymous callers to authenticate", async () => {
    const r = await hub.gql(`{ area(code: "320600") { name } }`);
    expect(r.status).toBe(200);
    expect(r.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(r.data).toEqual({ area: null });
  });

  it("lets authenticated callers introspect the schema, and not anonymous ones (INTROSPECTION)", async () => {
    const token = await hub.token({ roles: ["analyst"], areas: ["320612"] });
    const r = await hub.gql<{ __schema: { queryType: { name: string } } }>(
      `{ __schema { queryType { name } } }`,
      { token },
    );
    expect(r.data?.__schema.queryType.name).toBe("Query");
    const anonymous = await hub.gql(`{ __schema { queryType { name } } }`);
    expect(anonymous.data ?? null).toBeNull();
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });
});
