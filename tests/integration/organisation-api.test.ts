// Organisations through GraphQL: registry facts, a credit code kept though invalid (searchable),
// one outside the city seen by the city and not by a district, each connector's data-quality
// summary, and a steward's merge and unmerge.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ElementDraft } from "../../connectors/contract.js";
import { ingestDrafts } from "../support/drafts.js";
import { startTestHub, stewardAndCommander, type TestHub } from "../support/hub.js";

let hub: TestHub;
let steward: string;
let commander: string;
let district: string;
let districtSteward: string;

const BAD_USCC = "91320602MA1N3K7Q5B";
const org = (fields: Record<string, unknown>): ElementDraft =>
  ({ element: "ORGANISATION", ref: "org", kind: "ENTERPRISE", ...fields }) as ElementDraft;

beforeAll(async () => {
  hub = await startTestHub({ SYNC_SCHEDULER: "false" });
  ({ steward, commander } = await stewardAndCommander(hub));
  district = await hub.token({ roles: ["district_commander"], areas: ["320602"] });
  districtSteward = await hub.token({ roles: ["data_steward"], areas: ["320602"] });
  await hub.db.department.create({ data: { code: "market_regulation", name: "市市场监督管理局" } });
  await hub.db.connector.create({
    data: { id: "market", kind: "DECLARATIVE", departmentCode: "market_regulation", manifest: {} },
  });
  await ingestDrafts(hub.db, "market", "market_regulation", [
    [
      "L1",
      [
        org({
          name: "南通恒达贸易有限公司",
          uscc: BAD_USCC,
          areaCode: "320602",
          registeredOn: "2015-03-02",
          registeringAuthority: "南通市崇川区市场监督管理局",
          status: "REVOKED",
          phone: "13962912345",
        }),
      ],
    ],
    ["L2", [org({ name: "上海远方物流有限公司", areaCode: "310115" })]],
  ]);
  await ingestDrafts(hub.db, "grid", "grid", [
    ["U1", [org({ name: "恒达贸易", uscc: BAD_USCC, areaCode: "320602" })]],
  ]);
});
afterAll(async () => {
  await hub?.stop();
});

const ORG = `{ id name uscc usccValid usccLowTrust registeredOn registeringAuthority status phone area { code name } }`;

describe("organisations", () => {
  it("carry the registry's facts and keep an invalid credit code, found by search and by organisation(uscc:)", async () => {
    const r = await hub.gql<{
      organisation: Record<string, unknown>;
      search: { element: { name?: string } }[];
    }>(
      `{ organisation(uscc: "${BAD_USCC.toLowerCase()}") ${ORG}
         search(text: "${BAD_USCC}") { element { ... on Organisation { name } } } }`,
      { token: commander },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.organisation).toMatchObject({
      name: "南通恒达贸易有限公司",
      uscc: null,
      usccValid: false,
      usccLowTrust: BAD_USCC,
      registeredOn: "2015-03-02",
      registeringAuthority: "南通市崇川区市场监督管理局",
      status: "REVOKED",
      phone: "13962912345",
    });
    expect(r.data!.search.map((h) => h.element.name)).toEqual(["南通恒达贸易有限公司"]);
    // the grid's record with the same invalid code is the same organisation
    expect(await hub.db.organisation.count({ where: { usccLowTrust: BAD_USCC } })).toBe(1);
  });

  it("outside the city: in 市外, seen by the city's commander and by no district's", async () => {
    const query = `{ organisations(filter: { nameContains: "远方物流" }) { edges { node { name area { code name } } } } }`;
    const city = await hub.gql<{ organisations: { edges: { node: { area: { code: string } } }[] } }>(query, {
      token: commander,
    });
    expect(city.errors).toBeUndefined();
    expect(city.data!.organisations.edges.map((e) => e.node.area.code)).toEqual(["320698"]);
    const seen = await hub.gql<{ organisations: { edges: unknown[] } }>(query, { token: district });
    expect(seen.data!.organisations.edges).toEqual([]);
  });

  it("each connector's data-quality summary counts its problems", async () => {
    const r = await hub.gql<{
      connectors: { id: string; dataQuality: { code: string; count: number; examples: string[] }[] }[];
    }>(`{ connectors { id dataQuality { code count lastRunCount quarantined examples } } }`, {
      token: commander,
    });
    expect(r.errors).toBeUndefined();
    const market = r.data!.connectors.find((c) => c.id === "market")!;
    expect(market.dataQuality).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: "INVALID_USCC", count: 1, quarantined: false, examples: ["L1"] }),
        expect.objectContaining({ code: "OUTSIDE_CITY", count: 1, examples: ["L2"] }),
      ]),
    );
  });

  it("merge and unmerge for a data steward within jurisdiction", async () => {
    await ingestDrafts(hub.db, "grid", "grid", [["U2", [org({ name: "恒达商行", areaCode: "320602" })]]]);
    const ids = async () =>
      (
        await hub.gql<{ organisations: { edges: { node: { id: string; name: string } }[] } }>(
          `{ organisations(filter: { nameContains: "恒达" }) { edges { node { id name } } } }`,
          { token: steward },
        )
      ).data!.organisations.edges.map((e) => e.node);
    const [registered, shop] = [
      (await ids()).find((o) => o.name === "南通恒达贸易有限公司")!,
      (await ids()).find((o) => o.name === "恒达商行")!,
    ];
    const far = (await hub.db.organisation.findFirstOrThrow({ where: { name: "上海远方物流有限公司" } })).id;
    const merge = `mutation($s: ID!, $m: ID!) { mergeOrganisations(survivorId: $s, mergedId: $m, reason: "同一企业") {
      id survivor { name } mergedOrganisationId actor } }`;
    // a district steward may not touch an organisation outside the district
    const farId = Buffer.from(`Organisation:${far}`).toString("base64");
    const refused = await hub.gql(merge, {
      token: districtSteward,
      variables: { s: registered.id, m: farId },
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const commanderTry = await hub.gql(merge, {
      token: commander,
      variables: { s: registered.id, m: shop.id },
    });
    expect(commanderTry.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");

    const done = await hub.gql<{ mergeOrganisations: { id: string; survivor: { name: string } } }>(merge, {
      token: steward,
      variables: { s: registered.id, m: shop.id },
    });
    expect(done.errors).toBeUndefined();
    expect(done.data!.mergeOrganisations.survivor.name).toBe("南通恒达贸易有限公司");
    expect((await ids()).map((o) => o.name)).toEqual(["南通恒达贸易有限公司"]);

    const undone = await hub.gql<{ unmergeOrganisations: { undoneBy: string } }>(
      `mutation($id: ID!) { unmergeOrganisations(mergeId: $id, reason: "两家企业") { undoneBy } }`,
      { token: steward, variables: { id: done.data!.mergeOrganisations.id } },
    );
    expect(undone.errors).toBeUndefined();
    expect((await ids()).map((o) => o.id).sort()).toEqual([registered.id, shop.id].sort());
    // the audit trail, for stewards and auditors
    const trail = await hub.gql<{ organisation: { merges: { actor: string; undoneAt: string | null }[] } }>(
      `{ organisation(uscc: "${BAD_USCC}") { merges { actor reason undoneAt undoReason } } }`,
      { token: steward },
    );
    expect(trail.errors).toBeUndefined();
    expect(trail.data!.organisation.merges).toEqual([
      expect.objectContaining({ reason: "同一企业", undoReason: "两家企业", undoneAt: expect.any(String) }),
    ]);
    const hidden = await hub.gql(`{ organisation(uscc: "${BAD_USCC}") { merges { actor } } }`, {
      token: commander,
    });
    expect(hidden.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
