import { describe, expect, it } from "vitest";
import {
  addressKey,
  chineseNumeralToNumber,
  type ParsedAddress,
  parseAddress,
} from "../../../domain/identifiers/index.js";
import { pick, seededRandom } from "./random.js";

describe("parseAddress", () => {
  it.each<[string, string, ParsedAddress]>([
    [
      "full standard address with spaces",
      "江苏省南通市崇川区和平桥街道友谊社区工农路 12 号 3 栋 2 单元 501 室",
      {
        province: "江苏省",
        city: "南通市",
        district: "崇川区",
        township: "和平桥街道",
        community: "友谊社区",
        road: "工农路",
        doorNumber: "12",
        building: "3",
        unit: "2",
        room: "501",
      },
    ],
    [
      "no province, 幢, bare room",
      "南通市崇川区工农路12号3幢2单元501",
      {
        city: "南通市",
        district: "崇川区",
        road: "工农路",
        doorNumber: "12",
        building: "3",
        unit: "2",
        room: "501",
      },
    ],
    [
      "full-width digits, 3#楼, Chinese-numeral unit",
      "南通市崇川区工农路１２号３＃楼二单元５０１室",
      {
        city: "南通市",
        district: "崇川区",
        road: "工农路",
        doorNumber: "12",
        building: "3",
        unit: "2",
        room: "501",
      },
    ],
    [
      "building-unit-room shorthand",
      "崇川区工农路12号3-2-501",
      { district: "崇川区", road: "工农路", doorNumber: "12", building: "3", unit: "2", room: "501" },
    ],
    [
      "bare # after the door number is the building",
      "崇川区工农路12号3#2单元501",
      { district: "崇川区", road: "工农路", doorNumber: "12", building: "3", unit: "2", room: "501" },
    ],
    [
      "# right after the road is the door number",
      "崇川区工农路12#",
      { district: "崇川区", road: "工农路", doorNumber: "12" },
    ],
    [
      "county-level city under the prefecture",
      "江苏省南通市如皋市如城街道海阳南路100号",
      {
        province: "江苏省",
        city: "南通市",
        district: "如皋市",
        township: "如城街道",
        road: "海阳南路",
        doorNumber: "100",
      },
    ],
    [
      "county, 街道办事处 canonicalised",
      "如东县掘港街道办事处人民路1号",
      { district: "如东县", township: "掘港街道", road: "人民路", doorNumber: "1" },
    ],
    [
      "社区居委会 canonicalised",
      "南通市通州区金沙街道金乐社区居委会新金路88号",
      {
        city: "南通市",
        district: "通州区",
        township: "金沙街道",
        community: "金乐社区",
        road: "新金路",
        doorNumber: "88",
      },
    ],
    [
      "village group as estate",
      "南通市海安市城东镇新港村12组5号",
      {
        city: "南通市",
        district: "海安市",
        township: "城东镇",
        community: "新港村",
        estate: "12组",
        doorNumber: "5",
      },
    ],
    [
      "estate with a city-like name",
      "南通市崇川区城市花园3幢502室",
      { city: "南通市", district: "崇川区", estate: "城市花园", building: "3", room: "502" },
    ],
    [
      "estate with a phase number, floor, Chinese numerals",
      "南通市崇川区任港街道文峰小区5号楼一单元十一层1101室",
      {
        city: "南通市",
        district: "崇川区",
        township: "任港街道",
        estate: "文峰小区",
        building: "5",
        unit: "1",
        floor: "11",
        room: "1101",
      },
    ],
    [
      "estate is not a district although it ends in 区",
      "南通市文峰小区3幢101室",
      { city: "南通市", estate: "文峰小区", building: "3", room: "101" },
    ],
    [
      "letter building, lower case",
      "崇川区世纪大道8号a座1201室",
      { district: "崇川区", road: "世纪大道", doorNumber: "8", building: "A", room: "1201" },
    ],
    [
      "door number with a sub-number",
      "崇川区青年中路12-1号",
      { district: "崇川区", road: "青年中路", doorNumber: "12-1" },
    ],
    [
      "remark split off",
      "崇川区工农路12号（近文峰大世界）",
      { district: "崇川区", road: "工农路", doorNumber: "12", remark: "(近文峰大世界)" },
    ],
    [
      "unparsed tail kept",
      "崇川区工农路12号门面房",
      { district: "崇川区", road: "工农路", doorNumber: "12", rest: "门面房" },
    ],
    [
      "菜市场 is not a city",
      "江苏省南通市崇川区菜市场",
      { province: "江苏省", city: "南通市", district: "崇川区", rest: "菜市场" },
    ],
    ["bare door number after a road", "工农路12", { road: "工农路", doorNumber: "12" }],
    [
      "a district whose name ends in 州 is not a city 通州",
      "通州区西亭镇新民村3组12号",
      { district: "通州区", township: "西亭镇", community: "新民村", estate: "3组", doorNumber: "12" },
    ],
    ["…nor is a city written with its 市", "杭州市西湖区", { city: "杭州市", district: "西湖区" }],
    [
      "municipality",
      "上海市黄浦区南京东路100号",
      { province: "上海市", district: "黄浦区", road: "南京东路", doorNumber: "100" },
    ],
    [
      "autonomous region",
      "广西壮族自治区南宁市青秀区民族大道100号",
      { province: "广西壮族自治区", city: "南宁市", district: "青秀区", road: "民族大道", doorNumber: "100" },
    ],
    ["empty", "", {}],
    ["only spaces", " \u3000 ", {}],
    ["not an address", "不详", { rest: "不详" }],
  ])("%s", (_label, text, parsed) => {
    expect(parseAddress(text)).toEqual(parsed);
  });
});

describe("addressKey", () => {
  const KEY = "崇川区工农路12号3栋2单元501室";
  it.each([
    "江苏省南通市崇川区和平桥街道友谊社区工农路 12 号 3 栋 2 单元 501 室",
    "南通市崇川区工农路12号3幢2单元501",
    "南通市崇川区工农路１２号３＃楼二单元５０１室",
    "崇川区工农路12号3号楼2单元5层501室",
    "崇川区工农路12号3-2-501",
    "崇川区工农路12号3#2单元501户",
    "崇川区 工农路 12号 3栋 2单元 501室（东门）",
  ])("%s → the same key", (text) => {
    expect(addressKey(parseAddress(text))).toBe(KEY);
  });

  it.each([
    ["如皋市 as district or as city", "南通市如皋市如城街道海阳南路100号", "如皋市如城街道海阳南路100号"],
    ["township and community above a road", "海门区海门街道解放中路88号", "海门区解放中路88号"],
    [
      "a named estate under its township, spelt two ways",
      "崇川区任港街道文峰小区5号楼1单元1101室",
      "崇川区任港街道文峰小区5幢一单元1101",
    ],
    [
      "a village under its town, spelt two ways",
      "海安市城东镇新港村12组5号",
      "南通市海安市城东镇新港村12组５号",
    ],
    ["新村 read as community or estate", "崇川区虹桥新村12幢302室", "崇川区虹桥新村12#302室"],
  ])("%s: equal keys", (_label, a, b) => {
    expect(addressKey(parseAddress(a))).toBe(addressKey(parseAddress(b)));
  });

  it.each([
    ["another room", "崇川区工农路12号3栋2单元501室", "崇川区工农路12号3栋2单元502室"],
    ["another building", "崇川区工农路12号3栋2单元501室", "崇川区工农路12号4栋2单元501室"],
    ["another door", "崇川区工农路12号", "崇川区工农路14号"],
    ["another road", "崇川区工农路12号", "崇川区人民路12号"],
    ["another district", "崇川区人民路12号", "通州区人民路12号"],
    ["another village group", "海安市新港村12组5号", "海安市新港村13组5号"],
    ["another village", "海安市新港村12组5号", "海安市东港村12组5号"],
    ["another estate", "崇川区城市花园3幢502室", "崇川区文峰小区3幢502室"],
    // village and estate names recur across a district's townships; road names do not
    ["a village of the same name in another town", "通州区西亭镇新民村3组12号", "通州区平潮镇新民村3组12号"],
    [
      "an estate of the same name under another street's community",
      "崇川区和平桥街道友谊社区阳光花园3幢501室",
      "崇川区城东街道友谊社区阳光花园3幢501室",
    ],
    ["a village named with and without its town", "海安市城东镇新港村12组5号", "海安市新港村12组5号"],
    ["an unparsed tail", "崇川区工农路12号", "崇川区工农路12号门面房"],
  ])("%s: different keys", (_label, a, b) => {
    expect(addressKey(parseAddress(a))).not.toBe(addressKey(parseAddress(b)));
  });

  it("uses the floor only when there is no room", () => {
    expect(addressKey(parseAddress("崇川区世纪大道8号A座12层"))).toBe("崇川区世纪大道8号A栋12层");
  });

  it("is empty for an empty address", () => {
    expect(addressKey({})).toBe("");
  });
});

describe("addressKey: properties", () => {
  const addresses = [
    "江苏省南通市崇川区和平桥街道友谊社区工农路12号3栋2单元501室",
    "南通市海安市城东镇新港村12组5号",
    "南通市崇川区任港街道文峰小区5号楼1单元11层1101室",
    "如东县掘港街道人民路1号",
  ];
  const fullWidth = (ch: string): string =>
    /[0-9A-Za-z#-]/.test(ch) ? String.fromCodePoint((ch.codePointAt(0) ?? 0) + 0xfee0) : ch;

  it("ignores random spaces and full-width forms", () => {
    const rand = seededRandom(2260);
    for (const text of addresses) {
      const key = addressKey(parseAddress(text));
      for (let k = 0; k < 50; k++) {
        const noisy = [...text]
          .map(
            (ch) =>
              (rand() < 0.3 ? fullWidth(ch) : ch) +
              (rand() < 0.2 ? pick(rand, [" ", "\u3000", "\u00a0"]) : ""),
          )
          .join("");
        expect(addressKey(parseAddress(noisy))).toBe(key);
      }
    }
  });
});

describe("chineseNumeralToNumber", () => {
  it.each<[string, number | null]>([
    ["一", 1],
    ["两", 2],
    ["十", 10],
    ["十一", 11],
    ["二十", 20],
    ["二十三", 23],
    ["一〇一", 101],
    ["零", 0],
    ["", null],
    ["百", null],
    ["十十", null],
    ["一二十", null],
    ["三A", null],
  ])("%j → %s", (text, n) => {
    expect(chineseNumeralToNumber(text)).toBe(n);
  });
});
