// The typed documents generated for frontend teams run against a real hub as they are.
import { print } from "graphql";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  AreaOverviewDocument,
  type AreaOverviewQuery,
  GridsUnderDocument,
  type GridsUnderQuery,
} from "../../operations/generated/graphql.js";
import { startTestHub, type TestHub } from "../support/hub.js";

let hub: TestHub;
let token: string;
beforeAll(async () => {
  hub = await startTestHub();
  token = await hub.token({ roles: ["district_commander"], areas: ["320602"] });
});
afterAll(() => hub?.stop());

it("AreaOverview returns what its generated type promises", async () => {
  const r = await hub.gql<AreaOverviewQuery>(print(AreaOverviewDocument), {
    token,
    variables: { code: "320602" },
  });
  expect(r.errors).toBeUndefined();
  const area = r.data!.area!;
  expect(area.name).toBe("崇川区");
  expect(area.ancestors.map((a) => a.code)).toEqual(["320600"]);
  expect(area.children.totalCount).toBe(area.children.edges.length);
});

it("GridsUnder pages through every grid of a district", async () => {
  const codes: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 20; page++) {
    const r: { data?: GridsUnderQuery | null } = await hub.gql<GridsUnderQuery>(print(GridsUnderDocument), {
      token,
      variables: { under: "320602", first: 40, after },
    });
    const areas = r.data!.areas;
    codes.push(...areas.edges.map((e) => e.node.code));
    if (!areas.pageInfo.hasNextPage) {
      expect(codes).toHaveLength(areas.totalCount!);
      expect(new Set(codes).size).toBe(codes.length);
      return;
    }
    after = areas.pageInfo.endCursor ?? null;
  }
  throw new Error("did not reach the last page");
});
