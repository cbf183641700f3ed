// The hub's gazetteer: free address text → the area it lies in, from the area tree's names, and
// the standard address it is, from the standard-address registry.
import { describe, expect, it } from "vitest";
import {
  doorPlate,
  GAZETTEER_CONFIDENCE,
  GAZETTEER_THRESHOLDS,
  Gazetteer,
  plateAgreement,
  plateParts,
  type StandardAddress,
} from "../../domain/gazetteer.js";
import { buildDemoAreaTree } from "../../sandbox/city/areas.js";

const tree = buildDemoAreaTree();
const gazetteer = new Gazetteer(tree);
const named = (name: string, level: string) => tree.find((a) => a.name === name && a.level === level)!;

describe("the gazetteer", () => {
  it("places a full address at its community, sure of it", () => {
    const street = named("和平桥街道", "STREET");
    const community = tree.find((a) => a.parentCode === street.code && a.level === "COMMUNITY")!;
    const p = gazetteer.place(`江苏省南通市崇川区和平桥街道${community.name}青年路1号`);
    expect(p).toMatchObject({ code: community.code, level: "COMMUNITY", outside: false, confidence: 0.95 });
  });

  it("places a text without the city's name in its district and street", () => {
    expect(gazetteer.place("崇川区和平桥街道青年东路8号")).toMatchObject({
      code: named("和平桥街道", "STREET").code,
      level: "STREET",
    });
    // a county-level city of the city, written as a city
    expect(gazetteer.place("启东市汇龙镇人民路1号")).toMatchObject({
      code: named("汇龙镇", "STREET").code,
      level: "STREET",
    });
  });

  it("says when an address is in another city or province", () => {
    expect(gazetteer.place("上海市浦东新区世纪大道100号")).toMatchObject({ code: null, outside: true });
    expect(gazetteer.place("浙江省杭州市西湖区文三路1号")).toMatchObject({ outside: true });
  });

  it("finds nothing in a text that names no area", () => {
    expect(gazetteer.place("青年路1号")).toBeNull();
  });

  it("a community name borne in several streets is placed only under its street", () => {
    const shared = tree.filter((a) => a.level === "COMMUNITY" && a.name === "友谊社区");
    expect(shared.length).toBeGreaterThan(1);
    const p = gazetteer.place("南通市友谊社区青年路1号");
    expect(p?.level).toBe("CITY");
  });
});

describe("a door plate (the address below its areas)", () => {
  const key = (text: string) => doorPlate(text)?.key;

  it("is the same key however one door plate is written", () => {
    const spellings = [
      "江苏省南通市崇川区和平桥街道桃园社区工农路12号虹桥新村3幢1单元501室",
      "工农路１２号３栋１单元５０１", // full-width digits, 栋, no 室
      "南通市工农路12号3-1-501", // city prefix, building-unit-room shorthand
      "崇川区工农路12号3号楼1单元501户", // 号楼, 户
      "工农路12号3#1单元501房",
    ];
    expect(new Set(spellings.map(key))).toEqual(new Set(["工农路12号3栋1单元501室"]));
  });

  it("keeps what tells door plates apart: the door, the room, a lane, a village's group", () => {
    expect(key("工农路14号3幢1单元501室")).not.toBe(key("工农路12号3幢1单元501室"));
    expect(key("工农路12号3幢1单元502室")).not.toBe(key("工农路12号3幢1单元501室"));
    expect(key("南京东路123弄5号")).not.toBe(key("南京东路456弄5号"));
    expect(key("如皋市白蒲镇林梓村3组12号")).toBe("林梓村3组12号");
    expect(key("江苏省南通市如皋市白蒲镇林梓村3组12号")).toBe("林梓村3组12号");
    expect(key("如皋市白蒲镇新街村3组12号")).not.toBe(key("如皋市白蒲镇林梓村3组12号"));
  });

  it("is none without a place to hang numbers off, or without a number", () => {
    expect(doorPlate("3组12号")).toBeNull();
    expect(doorPlate("崇川区和平桥街道桃园社区")).toBeNull();
  });

  it("is the key of the registry's spelling of the same plate", () => {
    expect(key("工农路１２号３栋１单元５０１")).toBe(
      key("江苏省南通市崇川区和平桥街道桃园社区工农路12号虹桥新村3幢1单元501室"),
    );
    expect(key("工农路１２号３栋１单元５０２")).not.toBe(
      key("江苏省南通市崇川区和平桥街道桃园社区工农路12号虹桥新村3幢1单元501室"),
    );
  });
});

describe("the gazetteer and the standard-address registry", () => {
  const street = named("和平桥街道", "STREET");
  const [taoyuan, wenfeng] = tree.filter((a) => a.parentCode === street.code && a.level === "COMMUNITY");
  const gridOf = (community: { code: string }) =>
    tree.find((a) => a.parentCode === community.code && a.level === "GRID")!;
  const plate = "工农路12号虹桥新村3幢1单元501室";
  const standard: StandardAddress = {
    id: "a-taoyuan",
    fullText: `江苏省南通市崇川区和平桥街道${taoyuan!.name}${plate}`,
    areaCode: gridOf(taoyuan!).code,
  };

  it("matches a text to its standard address, surer the deeper the text names the area it lies in", () => {
    const texts = [
      `崇川区和平桥街道${taoyuan!.name}工农路12号3-1-501`,
      "崇川区和平桥街道工农路12号3-1-501",
      "崇川区工农路１２号３栋１单元５０１",
      "南通市工农路12号3号楼1单元501户",
    ];
    const found = texts.map((t) => gazetteer.locate(t, [standard]));
    for (const l of found)
      expect(l).toMatchObject({ code: standard.areaCode, level: "GRID", address: { id: "a-taoyuan" } });
    expect(found.map((l) => l!.confidence)).toEqual([
      GAZETTEER_CONFIDENCE.standardAddress.COMMUNITY,
      GAZETTEER_CONFIDENCE.standardAddress.STREET,
      GAZETTEER_CONFIDENCE.standardAddress.DISTRICT,
      GAZETTEER_CONFIDENCE.standardAddress.CITY,
    ]);
    expect([...found.map((l) => l!.confidence)].sort().reverse()).toEqual(found.map((l) => l!.confidence));
  });

  it("does not match a look-alike in another community: the text stays in the community it names", () => {
    const l = gazetteer.locate(`崇川区和平桥街道${wenfeng!.name}工农路12号3幢1单元501室`, [standard]);
    expect(l).toMatchObject({ code: wenfeng!.code, level: "COMMUNITY", address: null });
    expect(l!.doubt).toMatch(/does not lie in/);
  });

  it("does not match when two standard addresses are alike and the text does not say which", () => {
    const twin: StandardAddress = {
      id: "a-wenfeng",
      fullText: `江苏省南通市崇川区和平桥街道${wenfeng!.name}${plate}`,
      areaCode: gridOf(wenfeng!).code,
    };
    const l = gazetteer.locate("崇川区和平桥街道工农路12号3幢1单元501室", [standard, twin]);
    expect(l).toMatchObject({ code: street.code, level: "STREET", address: null });
    expect(l!.doubt).toMatch(/2 standard addresses alike in 和平桥街道/);
    expect(gazetteer.locate("南通市工农路12号3幢1单元501室", [standard, twin])).toBeNull();
    // naming the community settles it
    const settled = gazetteer.locate(`和平桥街道${wenfeng!.name}工农路12号3幢1单元501室`, [standard, twin]);
    expect(settled?.address?.id).toBe("a-wenfeng");
  });

  it("leaves a text that names no area unresolved: the one alike is below the threshold", () => {
    expect(GAZETTEER_CONFIDENCE.standardAddress.NONE).toBeLessThan(GAZETTEER_THRESHOLDS.standardAddress);
    expect(gazetteer.locate("工农路12号3幢1单元501室", [standard])).toBeNull();
  });

  it("does not match another door, or a text outside the city", () => {
    expect(gazetteer.locate("崇川区工农路14号3幢1单元501室", [standard])).toMatchObject({
      address: null,
      doubt: null,
    });
    expect(gazetteer.locate("上海市黄浦区工农路12号3幢1单元501室", [standard])).toMatchObject({
      outside: true,
      address: null,
    });
  });

  it("places a text by its areas when the registry has nothing alike", () => {
    expect(gazetteer.locate(`崇川区和平桥街道${taoyuan!.name}青年路1号`, [])).toMatchObject({
      code: taoyuan!.code,
      address: null,
      confidence: GAZETTEER_CONFIDENCE.area.COMMUNITY,
    });
    expect(gazetteer.locate("青年路1号", [])).toBeNull();
  });
});

describe("a door plate's parts, and whether a text can be a standard address", () => {
  const REGISTRY = "江苏省南通市崇川区和平桥街道友谊社区人民路12号阳光花园3幢1单元501室";
  const agreement = (text: string, standard = REGISTRY) =>
    plateAgreement(plateParts(text)!, plateParts(standard)!);

  it("reads the compound after the door number, and the areas the text names", () => {
    expect(plateParts(REGISTRY)).toEqual({
      district: "崇川区",
      township: "和平桥街道",
      community: "友谊社区",
      road: "人民路",
      door: "12",
      compound: "阳光花园",
      building: "3",
      unit: "1",
      room: "501",
    });
    expect(plateParts("崇川区和平桥街道友谊社区阳光花园3幢501室")).toEqual({
      district: "崇川区",
      township: "和平桥街道",
      community: "友谊社区",
      compound: "阳光花园",
      building: "3",
      room: "501",
    });
    expect(plateParts("崇川区和平桥街道友谊社区")).toBeNull();
  });

  it("agrees part for part, with nothing left out, for the same plate spelt otherwise", () => {
    expect(agreement("江苏省南通市崇川区人民路12号阳光花园3幢1单元501室")).toEqual([]);
    expect(agreement("崇川区人民路１２号阳光花园3-1-501")).toEqual([]);
  });

  it("lets a text leave out the road and door, the unit, or the compound, and says which", () => {
    expect(agreement("崇川区和平桥街道友谊社区阳光花园3幢501室")).toEqual(["unit", "roadAndDoor"]);
    expect(agreement("南通市崇川区和平桥街道阳光花园3幢1单元501室")).toEqual(["roadAndDoor"]);
    expect(agreement("崇川区人民路12号3幢1单元501室")).toEqual(["compound"]);
  });

  it("disagrees when a part both give differs, or the text gives more, or leaves out the home", () => {
    for (const text of [
      "崇川区和平桥街道友谊社区阳光花园3幢502室", // another room
      "崇川区和平桥街道友谊社区阳光花园4幢501室", // another building
      "崇川区和平桥街道友谊社区阳光花园3幢2单元501室", // another unit
      "崇川区和平桥街道桃园社区阳光花园3幢501室", // another community
      "崇川区城东街道友谊社区阳光花园3幢501室", // another street
      "通州区和平桥街道友谊社区阳光花园3幢501室", // another district
      "崇川区友谊社区翠苑小区3幢501室", // another compound
      "崇川区人民路14号阳光花园3幢1单元501室", // another door
      "崇川区和平桥街道友谊社区阳光花园3幢", // the building, not a home
      "崇川区人民路12号", // the gate, not a home
      "崇川区人民路12号阳光花园3幢1单元501室东边", // an unread tail
    ])
      expect(agreement(text), text).toBeNull();
    // a room the standard address does not have
    expect(agreement("崇川区人民路12号3幢1单元501室", "崇川区人民路12号3幢")).toBeNull();
  });

  it("keeps a village's group and door, and its village", () => {
    const house = "江苏省南通市通州区西亭镇新民村3组12号";
    expect(agreement("通州区西亭镇新民村3组12号", house)).toEqual([]);
    expect(agreement("通州区西亭镇新民村4组12号", house)).toBeNull();
    expect(agreement("通州区西亭镇新民村3组13号", house)).toBeNull();
    expect(agreement("通州区平潮镇新民村3组12号", house)).toBeNull();
    expect(agreement("通州区西亭镇东兴村3组12号", house)).toBeNull();
  });
});
