// Unified social credit code (统一社会信用代码), GB 32100-2015: 18 chars over 31 symbols.
// Pos 1 registering authority (登记管理部门), pos 2 organisation type (机构类别), pos 3–8 division
// code (登记管理机关行政区划码), pos 9–17 organisation code (组织机构代码, GB 11714, own check at
// pos 17), pos 18 check char.

import { DASHES, quote, stripSpaces, toHalfWidth } from "./text.js";

/** The 31 code symbols in value order (0–30): 0-9A-Z without I O S V Z, which read like digits. */
export const USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/** Weights 3^(i−1) mod 31 for positions 1–17. */
export const USCC_WEIGHTS: readonly number[] = [
  1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/** GB 11714 organisation code weights over its 8 body chars. */
export const ORG_CODE_WEIGHTS: readonly number[] = [3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11714 check values 10 and 11 are written as characters. */
const ORG_CODE_CHECK_SPECIAL: Readonly<Record<number, string>> = { 10: "X", 11: "0" };

/** GB 11714 letter values: digits as themselves, A=10 … Z=35. */
const ORG_CODE_SYMBOLS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/**
 * Registering authorities (登记管理部门代码) and their organisation types (机构类别代码),
 * GB 32100-2015 Appendix A and later amendments (A 军队, N 农业).
 */
export const REGISTERING_AUTHORITIES: Readonly<
  Record<string, { name: string; types: Readonly<Record<string, string>> }>
> = {
  "1": {
    name: "机构编制",
    types: { "1": "机关", "2": "事业单位", "3": "中央编办直接管理的群众团体", "9": "其他" },
  },
  "2": { name: "外交", types: { "1": "外国常驻新闻机构", "9": "其他" } },
  "3": {
    name: "司法行政",
    types: {
      "1": "律师执业机构",
      "2": "公证处",
      "3": "基层法律服务所",
      "4": "司法鉴定机构",
      "5": "仲裁委员会",
      "9": "其他",
    },
  },
  "4": { name: "文化", types: { "1": "外国在华文化中心", "9": "其他" } },
  "5": { name: "民政", types: { "1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他" } },
  "6": {
    name: "旅游",
    types: { "1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻代表机构", "9": "其他" },
  },
  "7": { name: "宗教", types: { "1": "宗教活动场所", "2": "宗教院校", "9": "其他" } },
  "8": { name: "工会", types: { "1": "基层工会", "9": "其他" } },
  "9": { name: "工商/市场监管", types: { "1": "企业", "2": "个体工商户", "3": "农民专业合作社" } },
  A: { name: "中央军委改革和编制办公室", types: { "1": "军队事业单位", "9": "其他" } },
  N: {
    name: "农业",
    types: { "1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他" },
  },
  Y: { name: "其他", types: { "1": "其他" } },
};

export type UsccProblem = "EMPTY" | "BAD_CHARACTERS" | "BAD_LENGTH" | "BAD_ORG_CODE_CHECK" | "BAD_CHECK_CHAR";

export type UsccResult =
  | {
      ok: true;
      value: string;
      registeringAuthority: string;
      orgType: string;
      divisionCode: string;
      organisationCode: string;
    }
  | { ok: false; reason: UsccProblem; detail: string; lowTrustKey: string | null };

/**
 * Pos-18 check char from the first 17 symbols: C18 = (31 − Σ value·weight mod 31) mod 31.
 * Returns "" when `first17` is not 17 code symbols (no check char exists).
 */
export function usccCheckChar(first17: string): string {
  if (first17.length !== 17) return "";
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_ALPHABET.indexOf(first17[i] ?? "");
    if (value < 0) return "";
    sum += value * (USCC_WEIGHTS[i] ?? 0);
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31] ?? "";
}

/**
 * GB 11714 organisation code check char from its 8 body chars: C = 11 − (Σ value·weight mod 11),
 * 10 → "X", 11 → "0". Returns "" when `first8` is not 8 chars of 0-9A-Z.
 */
export function orgCodeCheckChar(first8: string): string {
  if (!/^[0-9A-Z]{8}$/.test(first8)) return "";
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += ORG_CODE_SYMBOLS.indexOf(first8[i] ?? "") * (ORG_CODE_WEIGHTS[i] ?? 0);
  const check = 11 - (sum % 11);
  return ORG_CODE_CHECK_SPECIAL[check] ?? String(check);
}

/** Name of a registering authority code (pos 1), or null when it is not in the table. */
export function registeringAuthorityName(code: string): string | null {
  return REGISTERING_AUTHORITIES[code]?.name ?? null;
}

/** Name of an organisation type (pos 2) under a registering authority, or null. */
export function orgTypeName(registeringAuthority: string, orgType: string): string | null {
  return REGISTERING_AUTHORITIES[registeringAuthority]?.types[orgType] ?? null;
}

/**
 * Clean and validate a unified social credit code. Problems are reported in the order
 * characters → length → embedded organisation code check → pos-18 check; once the value is a
 * well-formed 18-symbol string, failures carry it as `lowTrustKey`.
 * Letters I O S V Z are rejected, not guessed as 1 0 5 U 2: that would invent identifiers.
 */
export function normaliseUscc(raw: string): UsccResult {
  const fail = (reason: UsccProblem, detail: string, lowTrustKey: string | null = null): UsccResult => ({
    ok: false,
    reason,
    detail,
    lowTrustKey,
  });

  const s = stripSpaces(toHalfWidth(raw)).replace(DASHES, "").toUpperCase();
  if (s === "") return fail("EMPTY", "no unified social credit code given");
  const bad = [...s].filter((ch) => !USCC_ALPHABET.includes(ch));
  if (bad.length > 0)
    return fail(
      "BAD_CHARACTERS",
      `${quote(s)} contains ${quote([...new Set(bad)].join(""))}, not code symbols`,
    );
  if (s.length !== 18) return fail("BAD_LENGTH", `${quote(s)} has ${s.length} characters, expected 18`);

  const organisationCode = s.slice(8, 17);
  const orgCheck = orgCodeCheckChar(organisationCode.slice(0, 8));
  if (organisationCode[8] !== orgCheck)
    return fail(
      "BAD_ORG_CODE_CHECK",
      `organisation code ${organisationCode} has check ${organisationCode[8]}, expected ${orgCheck}`,
      s,
    );
  const check = usccCheckChar(s.slice(0, 17));
  if (s[17] !== check) return fail("BAD_CHECK_CHAR", `check char is ${s[17]}, expected ${check}`, s);

  return {
    ok: true,
    value: s,
    registeringAuthority: s.slice(0, 1),
    orgType: s.slice(1, 2),
    divisionCode: s.slice(2, 8),
    organisationCode,
  };
}
