import { describe, expect, it } from "vitest";
import {
  applyMask,
  maskAddress,
  maskCitizenId,
  maskFreeText,
  maskJson,
  maskMobile,
  maskName,
} from "../../domain/masking.js";

describe("masking", () => {
  it.each([
    ["11010519491231002X", "110*************2X"],
    ["110105491231002", "110**********02"],
    ["1234", "****"],
  ])("citizen ID %s → %s (the birth date never shows)", (id, masked) => {
    expect(maskCitizenId(id)).toBe(masked);
    expect(maskCitizenId(id)).not.toContain("1949");
  });
  it.each([
    ["张三", "张*"],
    ["欧阳娜娜", "欧***"],
    ["阿依古丽·买买提", "阿*******"],
    ["李", "李"],
  ])("name %s → %s", (name, masked) => expect(maskName(name)).toBe(masked));
  it("phone keeps 3 + 4", () => expect(maskMobile("13812341234")).toBe("138****1234"));
});

describe("masks per data type", () => {
  it.each([
    ["江苏省南通市崇川区和平桥街道学田社区工农路12号3栋201室", "江苏省南通市崇川区和平桥街道学田社区***"],
    ["南通市通州区金沙镇三里墩村6组18号", "南通市通州区金沙镇三里墩村***"],
    ["崇川区和平桥街道工农路12号", "崇川区和平桥街道***"],
    ["工农路12号", "工农路1***"],
  ])("address %s → %s (down to community level)", (text, masked) => {
    expect(maskAddress(text)).toBe(masked);
    expect(maskAddress(text)).not.toMatch(/\d+号/u);
  });
  it("free text loses identifiers, phones and labelled names", () => {
    const text =
      "报警人张三丰（身份证32060219850312451X，电话13812341234）称邻居王先生在家中吵闹，座机0513-85123456。";
    const masked = maskFreeText(text);
    for (const secret of ["张三丰", "32060219850312451X", "13812341234", "王先生", "85123456"])
      expect(masked).not.toContain(secret);
    expect(masked).toContain("邻居");
    expect(masked).toContain("[身份证号]");
    expect(masked).toContain("[手机号]");
  });
  it("JSON payloads are masked string by string, structure kept", () => {
    expect(maskJson({ idNo: "32060219850312451X", n: 3, nested: ["13812341234", null] })).toEqual({
      idNo: "[身份证号]",
      n: 3,
      nested: ["[手机号]", null],
    });
  });
  it("applyMask masks lists item by item and withholds what has no mask", () => {
    expect(applyMask("name", ["张三", "李四"])).toEqual(["张*", "李*"]);
    expect(applyMask("withhold", "anything")).toBeNull();
    expect(applyMask("date", "1985-03-12")).toBe("1985-**-**");
    expect(applyMask("citizenId", null)).toBeNull();
  });
});
