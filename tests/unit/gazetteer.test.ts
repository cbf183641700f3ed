// The hub's gazetteer: free address text → the area it lies in, from the area tree's names.
import { describe, expect, it } from "vitest";
import { Gazetteer } from "../../domain/gazetteer.js";
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
