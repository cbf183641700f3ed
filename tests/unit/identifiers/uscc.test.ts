import { describe, expect, it } from "vitest";
import {
  normaliseUscc,
  ORG_CODE_WEIGHTS,
  orgCodeCheckChar,
  orgTypeName,
  registeringAuthorityName,
  USCC_ALPHABET,
  USCC_WEIGHTS,
  type UsccProblem,
  usccCheckChar,
} from "../../../domain/identifiers/index.js";
import { pick, seededRandom, substitute } from "./random.js";

const EXAMPLE = "91110000600037341L";

/** Valid codes computed by an independent implementation (Python), one per interesting check value. */
const INDEPENDENT_CODES: readonly [string, string][] = [
  ["worked example", EXAMPLE],
  ["civil-affairs social group, org check X", "51320602MJ000000XD"],
  ["public institution", "12320600466945639E"],
  ["individual business, letters in the org code", "92320602MA1MXXX17M"],
  ["foundation", "53320600500000007B"],
  ["authority Y", "Y132060240000000XD"],
  ["org check 11 → 0", "91320600000000000Y"],
];

function makeUscc(prefix8: string, orgBody8: string): string {
  const first17 = prefix8 + orgBody8 + orgCodeCheckChar(orgBody8);
  return first17 + usccCheckChar(first17);
}

describe("USCC tables", () => {
  it("has 31 symbols without I O S V Z", () => {
    expect(USCC_ALPHABET).toHaveLength(31);
    expect(new Set(USCC_ALPHABET).size).toBe(31);
    for (const letter of "IOSVZ") expect(USCC_ALPHABET).not.toContain(letter);
  });

  it("uses weights 3^(i−1) mod 31", () => {
    expect(USCC_WEIGHTS).toEqual(Array.from({ length: 17 }, (_, i) => 3 ** i % 31));
  });

  it("uses the GB 11714 weights 3 7 9 10 5 8 4 2", () => {
    expect(ORG_CODE_WEIGHTS).toEqual([3, 7, 9, 10, 5, 8, 4, 2]);
  });
});

describe("orgCodeCheckChar", () => {
  it.each([
    ["60003734", "1"],
    // the GB 11714 example D2143569-X
    ["D2143569", "X"],
    // Σ = 0: 11 − 0 = 11 → "0"
    ["00000000", "0"],
    // Σ = 12 ≡ 1: 11 − 1 = 10 → "X"
    ["40000000", "X"],
    // A = 10: Σ = 30 ≡ 8 → 3
    ["A0000000", "3"],
    ["00000002", "7"],
  ])("%s → %s", (body, check) => {
    expect(orgCodeCheckChar(body)).toBe(check);
  });

  it.each(["", "6000373", "600037341", "6000373a", "6000373-"])("returns no check char for %j", (bad) => {
    expect(orgCodeCheckChar(bad)).toBe("");
  });
});

describe("usccCheckChar", () => {
  it.each(INDEPENDENT_CODES)("%s: %s", (_label, code) => {
    expect(usccCheckChar(code.slice(0, 17))).toBe(code[17]);
  });

  it.each(["", "9111000060003734", "911100006000373411", "9111000060003734I", "92320602MA1mxxx17"])(
    "returns no check char for %j",
    (bad) => {
      expect(usccCheckChar(bad)).toBe("");
    },
  );
});

describe("normaliseUscc", () => {
  it("accepts and splits the worked example", () => {
    expect(normaliseUscc(EXAMPLE)).toEqual({
      ok: true,
      value: EXAMPLE,
      registeringAuthority: "9",
      orgType: "1",
      divisionCode: "110000",
      organisationCode: "600037341",
    });
  });

  it.each(INDEPENDENT_CODES)("accepts %s", (_label, code) => {
    expect(normaliseUscc(code)).toMatchObject({ ok: true, value: code });
  });

  it.each([
    ["lower case", "91110000600037341l"],
    ["full width", "９１１１００００６０００３７３４１Ｌ"],
    ["spaces and hyphens", " 9111 0000 6000 3734-1L "],
    ["ideographic space", "911100006000\u300037341L"],
  ])("cleans %s", (_label, raw) => {
    expect(normaliseUscc(raw)).toMatchObject({ ok: true, value: EXAMPLE });
  });

  const badOrgCheck = `${EXAMPLE.slice(0, 16)}2${EXAMPLE[17]}`;
  const badCheck = `${EXAMPLE.slice(0, 17)}M`;
  const badAuthority = `8${EXAMPLE.slice(1)}`;
  it.each<[string, string, UsccProblem, string | null]>([
    ["empty", "", "EMPTY", null],
    ["only spaces", " \u3000 ", "EMPTY", null],
    ["letter I", "9111000060003734IL", "BAD_CHARACTERS", null],
    ["letter O", "91110000600037341O", "BAD_CHARACTERS", null],
    ["letter S", "S1110000600037341L", "BAD_CHARACTERS", null],
    ["letter V", "9111000060003734VL", "BAD_CHARACTERS", null],
    ["letter Z", "91110000600037341Z", "BAD_CHARACTERS", null],
    ["punctuation", "91110000.600037341L", "BAD_CHARACTERS", null],
    ["Chinese text", "统一社会信用代码", "BAD_CHARACTERS", null],
    ["17 symbols", EXAMPLE.slice(0, 17), "BAD_LENGTH", null],
    ["15-char registration number", "110000000000001", "BAD_LENGTH", null],
    ["9-char organisation code", "600037341", "BAD_LENGTH", null],
    ["19 symbols", `${EXAMPLE}1`, "BAD_LENGTH", null],
    ["wrong organisation-code check", badOrgCheck, "BAD_ORG_CODE_CHECK", badOrgCheck],
    ["wrong pos-18 check", badCheck, "BAD_CHECK_CHAR", badCheck],
    ["changed registering authority", badAuthority, "BAD_CHECK_CHAR", badAuthority],
  ])("%s → %s", (_label, raw, reason, lowTrustKey) => {
    const r = normaliseUscc(raw);
    expect(r).toMatchObject({ ok: false, reason, lowTrustKey });
    expect(r.ok || r.detail.length > 0).toBe(true);
  });
});

describe("registering authorities", () => {
  it.each([
    ["1", "机构编制"],
    ["5", "民政"],
    ["9", "工商/市场监管"],
    ["Y", "其他"],
    ["N", "农业"],
  ])("%s → %s", (code, name) => {
    expect(registeringAuthorityName(code)).toBe(name);
  });

  it.each(["0", "B", "", "91"])("%j is unknown", (code) => {
    expect(registeringAuthorityName(code)).toBeNull();
  });

  it.each([
    ["5", "1", "社会团体"],
    ["5", "3", "基金会"],
    ["9", "2", "个体工商户"],
    ["1", "2", "事业单位"],
  ])("type %s%s → %s", (authority, type, name) => {
    expect(orgTypeName(authority, type)).toBe(name);
  });

  it("knows no type 4 under 民政", () => {
    expect(orgTypeName("5", "4")).toBeNull();
  });
});

describe("normaliseUscc: properties", () => {
  const rand = seededRandom(32100);
  const prefixes = [
    "11320602",
    "12320600",
    "51320602",
    "52320612",
    "53320600",
    "91320600",
    "92320682",
    "Y1320623",
  ];
  const orgSymbols = [...USCC_ALPHABET];
  const codes = Array.from({ length: 500 }, () => {
    // keep bodies whose org check char is itself a USCC symbol (always true: 0-9 or X)
    const body = Array.from({ length: 8 }, () => pick(rand, orgSymbols)).join("");
    return makeUscc(pick(rand, prefixes), body);
  });

  it("accepts every code built from computed check chars", () => {
    for (const code of codes) expect(normaliseUscc(code)).toMatchObject({ ok: true, value: code });
  });

  it("rejects every single-symbol substitution", () => {
    for (const code of codes.slice(0, 100)) {
      for (let i = 0; i < 18; i++) {
        const corrupted = substitute(rand, code, i, USCC_ALPHABET);
        const r = normaliseUscc(corrupted);
        expect(r).toMatchObject({ ok: false, lowTrustKey: corrupted });
        if (r.ok) continue;
        // positions 9–17 belong to the organisation code, whose own check catches digit changes
        if (i < 8 || i === 17) expect(r.reason).toBe("BAD_CHECK_CHAR");
        else expect(["BAD_ORG_CODE_CHECK", "BAD_CHECK_CHAR"]).toContain(r.reason);
      }
    }
  });

  it("reports digit changes inside the organisation code as BAD_ORG_CODE_CHECK", () => {
    for (const code of codes.slice(0, 100)) {
      for (let i = 8; i < 17; i++) {
        if (!/\d/.test(code[i] ?? "")) continue;
        const corrupted = substitute(rand, code, i, "0123456789");
        expect(normaliseUscc(corrupted)).toMatchObject({ ok: false, reason: "BAD_ORG_CODE_CHECK" });
      }
    }
  });
});
