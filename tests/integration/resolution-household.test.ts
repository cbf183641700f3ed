// A caller who gives a housemate's mobile: the resolution pass weighs the phone as the household's
// (people give the family's number) when the holder's home is a household, and not when it is a
// building many people are registered at. A household is counted in persons: a resident whose
// registered and current home are one address has two links to it, and a family of five must not
// look like a building of ten.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { citizenId, ingestDrafts, personDraft, twoCommunities, workOrderDraft } from "../support/drafts.js";
import { startTestHub, stewardAndCommander, type TestHub } from "../support/hub.js";

let hub: TestHub;
let steward: string;
let near: string;
let far: string;

const FAMILY_MOBILE = "13951300001";
const BUILDING_MOBILE = "13951300002";

const id = (n: number) =>
  citizenId(`32060219${String(70 + (n % 30)).padStart(2, "0")}0101${String(n).padStart(3, "0")}`);

/** Registered and living at one address: two links, one person. */
const homeAt = (areaCode: string, text: string) => [
  { kind: "REGISTERED" as const, text, areaCode },
  { kind: "RESIDENT" as const, text, areaCode },
];

const resident = (n: number, name: string, areaCode: string, text: string, phone?: string) =>
  [
    `R${n}`,
    [
      personDraft("person", {
        citizenId: id(n),
        name,
        ...(phone ? { phone } : {}),
        addresses: homeAt(areaCode, text),
      }),
    ],
  ] as [string, ReturnType<typeof personDraft>[]];

const callerOrder = (key: string, name: string, phone: string, areaCode: string) =>
  [key, [personDraft("caller", { name, phone }), workOrderDraft(key, "caller", areaCode)]] as [
    string,
    ReturnType<typeof personDraft>[],
  ];

const entityOf = async (sourceKey: string) =>
  hub.db.entitySource.findFirstOrThrow({
    where: { ref: "caller", sourceRecord: { connectorId: "hotline", sourceKey } },
  });
const registered = async (n: number) =>
  (await hub.db.person.findUniqueOrThrow({ where: { citizenId: id(n) } })).id;
const householdPhone = expect.objectContaining({ feature: "phone", level: "HOUSEHOLD" });

beforeAll(async () => {
  hub = await startTestHub({ SYNC_SCHEDULER: "false" });
  ({ steward } = await stewardAndCommander(hub));
  ({ near, far } = await twoCommunities(hub.db));

  const family = "崇川区和平桥街道青年路8号808室";
  const building = "崇川区和平桥街道青年路9号";
  const surnames = ["孙", "周", "吴", "郑", "冯", "陈", "褚", "蒋"];
  const given = ["一", "二", "三", "四", "五", "六", "七", "八"];
  await ingestDrafts(hub.db, "population", "public_security", [
    // a family of five: the father holds the family's mobile, the daughter none
    resident(1, "钱大海", near, family, FAMILY_MOBILE),
    resident(2, "钱小红", near, family),
    resident(3, "李秀英", near, family),
    resident(4, "钱志强", near, family),
    resident(5, "钱思雨", near, family),
    // her namesake across the city
    resident(6, "钱小红", far, "通州区金沙街道文峰花园1幢1001室"),
    // nine people registered at one building: not a household
    ...Array.from({ length: 9 }, (_, i) =>
      resident(
        10 + i,
        i === 1 ? "卫小明" : `卫${given[i % 8]}${i}`,
        near,
        building,
        i === 0 ? BUILDING_MOBILE : undefined,
      ),
    ),
    resident(20, "卫小明", far, "通州区金沙街道文峰花园2幢201室"),
    // a population large enough that a name two residents bear says something
    ...surnames.flatMap((s, a) =>
      given.map((g, b) =>
        resident(100 + a * 8 + b, `${s}${g}`, far, `通州区金沙街道长江路${a * 8 + b + 1}号`),
      ),
    ),
  ]);
  await ingestDrafts(hub.db, "hotline", "hotline_12345", [
    callerOrder("T1", "钱小红", FAMILY_MOBILE, near),
    callerOrder("T2", "卫小明", BUILDING_MOBILE, near),
  ]);
});
afterAll(async () => {
  await hub?.stop();
});

describe("a caller on a housemate's mobile", () => {
  it("is the resident who lives with the mobile's holder, the phone weighed as the household's", async () => {
    const res = await hub.gql<{ runResolutionPass: { merged: number } }>(
      "mutation { runResolutionPass { merged } }",
      { token: steward },
    );
    expect(res.errors).toBeUndefined();
    const caller = await entityOf("T1");
    expect(caller.entityId).toBe(await registered(2));
    expect(caller.method).toBe("RESOLUTION_PASS");
    expect(caller.reasons).toContainEqual(householdPhone);
  });

  it("gets no household evidence from a building's mobile", async () => {
    // the namesake in the building, where the call was made, is compared (linked or proposed),
    // so the reasons below are those of that comparison
    const occupant = await registered(11);
    const caller = await entityOf("T2");
    const pairs = await hub.db.matchCandidate.findMany({ where: { entityId: caller.entityId } });
    expect(caller.entityId === occupant || pairs.some((p) => p.candidateId === occupant)).toBe(true);
    expect(caller.reasons ?? []).not.toContainEqual(householdPhone);
    for (const pair of pairs) expect(pair.reasons).not.toContainEqual(householdPhone);
  });
});
