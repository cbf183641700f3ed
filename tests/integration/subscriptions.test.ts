// Published changes reach subscribers over graphql-ws through PostgreSQL LISTEN/NOTIFY, filtered
// by subtree and jurisdiction; a mutation's bad input is refused with the field named.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertAreaTree } from "../../integration/area-registry.js";
import { startTestHub, type TestHub, take } from "../support/hub.js";

let hub: TestHub;
let adminToken: string;

beforeAll(async () => {
  hub = await startTestHub();
  adminToken = await hub.token({ roles: ["area_admin"], areas: ["320600"] });
});
afterAll(() => hub?.stop());

const rename = (code: string, name: string) =>
  hub.gql<{ updateArea: { name: string } }>(
    `mutation($code: String!, $name: String!) { updateArea(input: { code: $code, name: $name }) { code name } }`,
    { token: adminToken, variables: { code, name } },
  );

describe("areaChanged", () => {
  it("delivers a committed change to subscribers of that subtree only", async () => {
    const districtToken = await hub.token({ roles: ["district_commander"], areas: ["320612"] });
    const inTongzhou = hub.wsClient({ authorization: `Bearer ${districtToken}` });
    const inChongchuan = hub.wsClient({ authorization: `Bearer ${adminToken}` });
    const tongzhou = take<{ areaChanged: { code: string; name: string } }>(
      inTongzhou,
      { query: `subscription { areaChanged { code name } }` },
      1,
    );
    const chongchuanEvents: string[] = [];
    const chongchuan = (async () => {
      for await (const r of inChongchuan.iterate<{ areaChanged: { code: string } }>({
        query: `subscription { areaChanged(under: "320602") { code } }`,
      }))
        chongchuanEvents.push(r.data!.areaChanged.code);
    })();
    await new Promise((r) => setTimeout(r, 300)); // both subscriptions are listening

    const renamed = await rename("320612001000", "金沙街道（测试）");
    expect(renamed.errors).toBeUndefined();
    const [event] = await tongzhou;
    expect(event?.data?.areaChanged).toEqual({ code: "320612001000", name: "金沙街道（测试）" });

    // Outside 320602's subtree: the Chongchuan subscriber heard nothing.
    await new Promise((r) => setTimeout(r, 300));
    expect(chongchuanEvents).toEqual([]);
    await inChongchuan.dispose();
    await chongchuan;
  });

  it("delivers the areas the registry adds (a grid) and the names a sync corrects", async () => {
    const client = hub.wsClient({ authorization: `Bearer ${adminToken}` });
    const received: { code: string; name: string }[] = [];
    const running = (async () => {
      for await (const r of client.iterate<{ areaChanged: { code: string; name: string } }>({
        query: `subscription { areaChanged(under: "320602003000") { code name } }`,
      }))
        received.push(r.data!.areaChanged);
    })();
    await new Promise((r) => setTimeout(r, 300)); // listening
    const community = await hub.db.area.findFirstOrThrow({
      where: { level: "COMMUNITY", path: { contains: "320602003000" } },
      orderBy: { code: "asc" },
    });
    const grid = {
      code: `${community.code}097`,
      name: "新增网格",
      level: "GRID" as const,
      parentCode: community.code,
    };
    await upsertAreaTree(hub.db, [grid]); // added
    await upsertAreaTree(hub.db, [{ ...grid, name: "新增网格（更名）" }]); // renamed by the registry
    await upsertAreaTree(hub.db, [{ ...grid, name: "新增网格（更名）" }]); // unchanged: nothing published
    await upsertAreaTree(hub.db, [
      { code: "320612001000", name: "金沙街道", level: "STREET", parentCode: "320612" },
    ]); // elsewhere
    await new Promise((r) => setTimeout(r, 500));
    await client.dispose();
    await running;
    // (each is resolved when delivered: the row as it is then)
    expect(received.map((a) => a.code)).toEqual([grid.code, grid.code]);
    expect(received.at(-1)?.name).toBe("新增网格（更名）");
  });

  it("withholds changes outside the subscriber's jurisdiction", async () => {
    const grid = await hub.gql<{ areas: { edges: { node: { code: string } }[] } }>(
      `{ areas(level: GRID, under: "320602", first: 1) { edges { node { code } } } }`,
      { token: adminToken },
    );
    const gridCode = grid.data!.areas.edges[0]!.node.code;
    const gridWorker = await hub.token({ roles: ["grid_worker"], areas: [gridCode] });
    const received: string[] = [];
    const client = hub.wsClient({ authorization: `Bearer ${gridWorker}` });
    const running = (async () => {
      for await (const r of client.iterate<{ areaChanged: { code: string } }>({
        query: "subscription { areaChanged { code } }",
      }))
        received.push(r.data!.areaChanged.code);
    })();
    await new Promise((r) => setTimeout(r, 300));
    await rename("320612002000", "金新街道（测试）"); // another district
    await rename(gridCode, "本网格（测试）"); // its own grid
    await new Promise((r) => setTimeout(r, 500));
    await client.dispose();
    await running;
    expect(received).toEqual([gridCode]);
  });
});

describe("updateArea input", () => {
  it.each([
    [{ code: "320602", name: "" }, "input.name"],
    [{ code: "320602", name: "x".repeat(51) }, "input.name"],
    [{ code: "320602", latitude: 91 }, "input.latitude"],
    [{ code: "320602", longitude: -181 }, "input.longitude"],
  ])("refuses %j naming %s", async (input, field) => {
    const r = await hub.gql(`mutation($input: UpdateAreaInput!) { updateArea(input: $input) { name } }`, {
      token: adminToken,
      variables: { input },
    });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    const after = await hub.gql<{ area: { name: string } }>(`{ area(code: "320602") { name } }`, {
      token: adminToken,
    });
    expect(after.data?.area.name).toBe("崇川区");
  });

  it("answers NOT_FOUND for an unknown code, and FORBIDDEN outside the admin's jurisdiction", async () => {
    const missing = await hub.gql(`mutation { updateArea(input: { code: "320699", name: "无" }) { name } }`, {
      token: adminToken,
    });
    expect(missing.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const districtAdmin = await hub.token({ roles: ["area_admin"], areas: ["320612"] });
    const outside = await hub.gql(`mutation { updateArea(input: { code: "320602", name: "无" }) { name } }`, {
      token: districtAdmin,
    });
    expect(outside.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN", field: "input.code" });
  });
});

describe("heartbeat", () => {
  it("beats at once and then on its interval, with the database state", async () => {
    const token = await hub.token({ roles: ["analyst"], areas: ["320600"] });
    const started = Date.now();
    const beats = await take<{ heartbeat: { at: string; databaseReady: boolean; instance: string } }>(
      hub.wsClient({ authorization: `Bearer ${token}` }),
      { query: "subscription { heartbeat(everySeconds: 1) { at databaseReady instance } }" },
      2,
    );
    expect(beats.map((b) => b.data?.heartbeat.databaseReady)).toEqual([true, true]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(new Date(beats[1]!.data!.heartbeat.at).getTime()).toBeGreaterThan(
      new Date(beats[0]!.data!.heartbeat.at).getTime(),
    );
  });

  it("is not served to anonymous connections", async () => {
    const [result] = await take(hub.wsClient(), { query: "subscription { heartbeat { at } }" }).catch((e) => [
      { errors: e as { extensions?: Record<string, unknown> }[] },
    ]);
    expect(result?.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});
