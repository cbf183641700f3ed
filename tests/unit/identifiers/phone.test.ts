import { describe, expect, it } from "vitest";
import { type MobileProblem, maskMobile, normaliseMobile } from "../../../domain/identifiers/index.js";
import { digits, pick, seededRandom } from "./random.js";

describe("normaliseMobile", () => {
  it.each([
    ["plain", "13812345678"],
    ["+86 with spaces", "+86 138 1234 5678"],
    ["+86 with hyphens", "+86-138-1234-5678"],
    ["0086", "0086 13812345678"],
    ["bare 86", "8613812345678"],
    ["bracketed +86 and dots", "(+86)138.1234.5678"],
    ["full-width digits", "１３８１２３４５６７８"],
    ["full-width plus and brackets", "（＋８６）１３８１２３４５６７８"],
    ["ideographic space and NBSP", "138\u30001234\u00a05678"],
    ["em dashes", "138—1234—5678"],
    ["zero-width space", "1381234\u200b5678"],
  ])("accepts %s", (_label, raw) => {
    expect(normaliseMobile(raw)).toEqual({ ok: true, value: "13812345678" });
  });

  it.each(["13012345678", "14512345678", "16612345678", "17012345678", "19912345678"])(
    "accepts any 1[3-9] block without a carrier list: %s",
    (raw) => {
      expect(normaliseMobile(raw)).toEqual({ ok: true, value: raw });
    },
  );

  it.each<[string, string, MobileProblem]>([
    ["empty", "", "EMPTY"],
    ["only separators", " - ( ) . ", "EMPTY"],
    ["a letter", "138-1234-567a", "BAD_CHARACTERS"],
    ["an extension", "13812345678转123", "BAD_CHARACTERS"],
    ["two numbers", "13812345678/13987654321", "BAD_CHARACTERS"],
    ["plus in the middle", "138+12345678", "BAD_CHARACTERS"],
    ["second digit 2", "12812345678", "NOT_A_MOBILE"],
    ["second digit 1", "11812345678", "NOT_A_MOBILE"],
    ["10 digits", "1381234567", "NOT_A_MOBILE"],
    ["12 digits", "138123456789", "NOT_A_MOBILE"],
    ["landline with area code", "(0513)8555-1234", "NOT_A_MOBILE"],
    ["Hong Kong number", "+852 9123 4567", "NOT_A_MOBILE"],
    ["86 then only 9 digits", "86138123456", "NOT_A_MOBILE"],
    ["+86 landline", "+86 513 8555 1234", "NOT_A_MOBILE"],
  ])("%s → %s", (_label, raw, reason) => {
    const r = normaliseMobile(raw);
    expect(r).toMatchObject({ ok: false, reason });
    expect(r.ok || r.detail.length > 0).toBe(true);
  });

  it("accepts every random mobile in any common spelling", () => {
    const rand = seededRandom(86);
    const spellings: readonly ((n: string) => string)[] = [
      (n) => n,
      (n) => `+86${n}`,
      (n) => `0086 ${n}`,
      (n) => `86${n}`,
      (n) => `${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}`,
      (n) => `${n.slice(0, 3)}-${n.slice(3, 7)}-${n.slice(7)}`,
      (n) => [...n].map((d) => String.fromCodePoint(0xff10 + Number(d))).join(""),
    ];
    for (let k = 0; k < 500; k++) {
      const n = `1${3 + Math.floor(rand() * 7)}${digits(rand, 9)}`;
      expect(normaliseMobile(pick(rand, spellings)(n))).toEqual({ ok: true, value: n });
    }
  });
});

describe("maskMobile", () => {
  it.each([
    ["13812341234", "138****1234"],
    ["19900000000", "199****0000"],
    ["051385551234", "051*****1234"],
    ["1234567", "*******"],
    ["", ""],
  ])("%s → %s", (value, masked) => {
    expect(maskMobile(value)).toBe(masked);
  });
});
