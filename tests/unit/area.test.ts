import { describe, expect, it } from "vitest";
import {
  type AreaLevel,
  checkAreaCode,
  communityKind,
  isInSubtree,
  normaliseAreaCode,
  pathCodes,
  townshipKind,
} from "../../domain/area.js";
import { buildDemoAreaTree } from "../../sandbox/city/areas.js";

describe("checkAreaCode", () => {
  it.each<[AreaLevel, string, string | null]>([
    ["CITY", "320600", null],
    ["DISTRICT", "320602", "320600"],
    ["STREET", "320602001000", "320602"],
    ["STREET", "320612100000", "320612"],
    ["COMMUNITY", "320602001001", "320602001000"],
    ["COMMUNITY", "320612100201", "320612100000"],
    ["GRID", "320602001001003", "320602001001"],
  ])("accepts a %s code %s", (level, code, parent) => {
    expect(checkAreaCode(level, code, parent)).toBeNull();
  });

  it.each<[AreaLevel, string, string | null, string]>([
    ["CITY", "32060A", null, "NOT_DIGITS"],
    ["CITY", "3206", null, "BAD_LENGTH"],
    ["CITY", "320000", null, "OUT_OF_RANGE"], // a province
    ["DISTRICT", "320600", "320600", "OUT_OF_RANGE"],
    ["DISTRICT", "320102", "320600", "NOT_A_CHILD"],
    ["STREET", "320602001000", "320612", "NOT_A_CHILD"],
    ["STREET", "320602400000", "320602", "OUT_OF_RANGE"],
    ["STREET", "320602001001", "320602", "OUT_OF_RANGE"],
    ["COMMUNITY", "320602001000", "320602001000", "OUT_OF_RANGE"],
    ["COMMUNITY", "320602002001", "320602001000", "NOT_A_CHILD"],
    ["GRID", "320602001001000", "320602001001", "OUT_OF_RANGE"],
    ["GRID", "320602001002001", "320602001001", "NOT_A_CHILD"],
  ])("refuses a %s code %s under %s: %s", (level, code, parent, reason) => {
    expect(checkAreaCode(level, code, parent)?.reason).toBe(reason);
  });
});

describe("code ranges", () => {
  it.each([
    ["320602001000", "街道"],
    ["320602099000", "街道"],
    ["320612100000", "镇"],
    ["320612200000", "乡"],
    ["320612400000", null],
  ])("township %s is a %s", (code, kind) => expect(townshipKind(code)).toBe(kind));

  it.each([
    ["320602001001", "居委会"],
    ["320602001199", "居委会"],
    ["320612100201", "村委会"],
    ["320612100400", null],
  ])("community %s is a %s", (code, kind) => expect(communityKind(code)).toBe(kind));
});

describe("normaliseAreaCode", () => {
  it.each([
    ["320602", "320602"],
    [" 320602 ", "320602"],
    ["３２０６０２", "320602"],
    ["320602000000", "320602"],
    ["320602001000", "320602001000"],
  ])("%j → %s", (input, code) => expect(normaliseAreaCode(input)).toBe(code));
});

describe("paths", () => {
  it("splits and compares subtrees", () => {
    expect(pathCodes("/320600/320602/")).toEqual(["320600", "320602"]);
    expect(isInSubtree("/320600/320602/320602001000/", "/320600/320602/")).toBe(true);
    expect(isInSubtree("/320600/320602/", "/320600/320602/")).toBe(true);
    // A prefix of the code is not a prefix of the path: 3206021 is not under 320602.
    expect(isInSubtree("/320600/3206021/", "/320600/320602/")).toBe(false);
  });
});

describe("the demo tree", () => {
  const tree = buildDemoAreaTree();
  it("has valid, unique codes whose parents precede them", () => {
    const seen = new Set<string>();
    for (const area of tree) {
      expect(checkAreaCode(area.level, area.code, area.parentCode), area.code).toBeNull();
      if (area.parentCode) expect(seen.has(area.parentCode), area.code).toBe(true);
      expect(seen.has(area.code)).toBe(false);
      seen.add(area.code);
    }
  });
  it("covers every level of one prefecture-level city", () => {
    const levels = new Set(tree.map((a) => a.level));
    expect([...levels]).toEqual(["CITY", "DISTRICT", "STREET", "COMMUNITY", "GRID"]);
    expect(tree.filter((a) => a.level === "CITY")).toHaveLength(1);
    expect(tree.filter((a) => a.level === "GRID").length).toBeGreaterThan(500);
  });
});
