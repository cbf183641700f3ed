import { describe, expect, it } from "vitest";
import {
  type NameQuality,
  nameBlockingKey,
  namesSimilarity,
  normalisePersonName,
} from "../../../domain/identifiers/index.js";

describe("normalisePersonName: cleaning", () => {
  it.each([
    ["plain", "张三", "张三"],
    ["surrounding spaces", "  张三 ", "张三"],
    ["ideographic-space padding", "张\u3000三", "张三"],
    ["ASCII padding", "王  小明", "王小明"],
    ["full-width Latin", "Ｊｏｈｎ　Ｓｍｉｔｈ", "John Smith"],
    ["collapsed Latin spaces", " John \t  Smith ", "John Smith"],
    ["zero-width space", "张\u200b三", "张三"],
    ["full-width question mark", "王？明", "王?明"],
  ])("%s: %j → %j", (_label, raw, value) => {
    expect(normalisePersonName(raw)).toMatchObject({ ok: true, value });
  });

  it.each([
    ["U+00B7 middle dot", "买买提\u00b7艾力"],
    ["U+2022 bullet", "买买提\u2022艾力"],
    ["U+2027 hyphenation point", "买买提\u2027艾力"],
    ["U+30FB katakana middle dot", "买买提\u30fb艾力"],
    ["U+FF0E full-width full stop", "买买提\uff0e艾力"],
    ["U+FF65 half-width katakana middle dot", "买买提\uff65艾力"],
    ["U+2219 bullet operator", "买买提\u2219艾力"],
    ["ASCII full stop between Han", "买买提.艾力"],
    ["spaced full stop", "买买提 . 艾力"],
    ["spaced middle dot", "买买提 · 艾力"],
    ["doubled dot", "买买提··艾力"],
  ])("maps %s to U+00B7", (_label, raw) => {
    expect(normalisePersonName(raw)).toMatchObject({ ok: true, value: "买买提·艾力" });
  });

  it("leaves a full stop in a Latin name alone", () => {
    expect(normalisePersonName("J. Smith")).toMatchObject({ ok: true, value: "J. Smith" });
  });
});

describe("normalisePersonName: quality", () => {
  it.each<[string, string, NameQuality]>([
    ["Han", "张三", "CLEAN"],
    ["minority name", "阿依古丽·买买提", "CLEAN"],
    ["foreign Latin name", "John Smith", "CLEAN"],
    ["foreign name with initial", "J. Smith", "CLEAN"],
    ["question mark", "王?明", "PLACEHOLDER"],
    ["full-width question mark", "王？明", "PLACEHOLDER"],
    ["replacement character", "王\ufffd明", "PLACEHOLDER"],
    ["white square", "王\u25a1明", "PLACEHOLDER"],
    ["placeholder beats pinyin", "王?ming", "PLACEHOLDER"],
    ["pinyin for one character", "王zhe明", "PINYIN"],
    ["all pinyin", "Zhang San", "PINYIN"],
    ["all pinyin upper case", "ZHANG SAN", "PINYIN"],
    ["pinyin with ü", "Lü Xiaohong", "PINYIN"],
    ["pinyin with v", "LV XIAOHONG", "PINYIN"],
  ])("%s: %j → %s", (_label, raw, quality) => {
    expect(normalisePersonName(raw)).toMatchObject({ ok: true, quality });
  });
});

describe("normalisePersonName: reasons", () => {
  it.each([
    ["empty", ""],
    ["spaces", " \u3000 \t"],
    ["zero-width only", "\u200b"],
  ])("%s → EMPTY", (_label, raw) => {
    expect(normalisePersonName(raw)).toMatchObject({ ok: false, reason: "EMPTY" });
  });

  it.each([
    ["51 Han", "张".repeat(51), false],
    ["50 Han", "张".repeat(50), true],
    ["50 characters outside the BMP count as 50", "𠮷".repeat(50), true],
    ["padding does not count", ` ${"张".repeat(50)}\u3000`, true],
  ])("%s", (_label, raw, ok) => {
    const r = normalisePersonName(raw);
    expect(r.ok).toBe(ok);
    if (!r.ok) expect(r).toMatchObject({ reason: "TOO_LONG" });
  });
});

describe("nameBlockingKey", () => {
  it.each([
    ["张三", "zhangsan"],
    ["张珊", "zhangshan"],
    ["李娜", "lina"],
    ["王小明", "wangxiaoming"],
    ["买买提·艾力", "maimaitiaili"],
    // surname readings for the first character
    ["单田芳", "shantianfang"],
    ["曾小贤", "zengxiaoxian"],
    ["尉迟恭", "yuchigong"],
    // ü written v
    ["吕小红", "lvxiaohong"],
    ["Lü Xiaohong", "lvxiaohong"],
    // Latin passes through lower-cased, separators dropped
    ["Zhang San", "zhangsan"],
    ["张San", "zhangsan"],
    ["John Smith", "johnsmith"],
    // placeholders dropped
    ["王?明", "wangming"],
    ["王\ufffd明", "wangming"],
    // a character the dictionary lacks stays itself
    ["王𠮷明", "wang𠮷ming"],
    ["", ""],
    ["???", ""],
  ])("%j → %j", (name, key) => {
    expect(nameBlockingKey(name)).toBe(key);
  });

  it.each([
    ["李娜", "李纳"],
    ["王小明", "王晓明"],
    ["张伟", "张威"],
    ["刘洋", "刘阳"],
    ["陈静", "陈晶"],
    ["张三", "Zhang San"],
    ["张　三", "张三"],
    ["买买提.艾力", "买买提·艾力"],
  ])("%s and %s share a key", (a, b) => {
    expect(nameBlockingKey(a)).toBe(nameBlockingKey(b));
  });

  it.each([
    ["张三", "张珊"],
    ["李娜", "李明"],
  ])("%s and %s do not share a key", (a, b) => {
    expect(nameBlockingKey(a)).not.toBe(nameBlockingKey(b));
  });
});

describe("namesSimilarity", () => {
  it.each([
    ["homophones", "李娜", "李纳", 1],
    ["same name", "张三", "张三", 1],
    ["nothing comparable", "???", "张三", 0],
    ["both empty", "", "", 0],
  ])("%s: %s ~ %s = %d", (_label, a, b, score) => {
    expect(namesSimilarity(a, b)).toBe(score);
  });

  // textbook Jaro-Winkler values (Latin passes through the blocking key unchanged)
  it.each([
    ["martha", "marhta", 0.9611],
    ["dwayne", "duane", 0.84],
    ["dixon", "dicksonx", 0.8133],
  ])("%s ~ %s ≈ %d", (a, b, score) => {
    expect(namesSimilarity(a, b)).toBeCloseTo(score, 4);
  });

  it("ranks a near homophone above a different name", () => {
    expect(namesSimilarity("张三", "张珊")).toBeGreaterThan(0.9);
    expect(namesSimilarity("张三", "李四")).toBeLessThan(0.7);
  });

  it("is symmetric and stays in [0, 1]", () => {
    const names = ["张三", "张珊", "李娜", "欧阳娜娜", "买买提·艾力", "John Smith", "王?明", ""];
    for (const a of names) {
      for (const b of names) {
        const s = namesSimilarity(a, b);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
        expect(s).toBeCloseTo(namesSimilarity(b, a), 12);
      }
    }
  });
});
