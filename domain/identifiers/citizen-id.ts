// Citizen ID (居民身份证号), GB 11643-1999: 6-digit address code (GB/T 2260 at first issue) +
// YYYYMMDD birth date + 3-digit sequence (odd male, even female) + ISO 7064 MOD 11-2 check char.
// Legacy 15-digit numbers (GB 11643-1989) have a YYMMDD date and no check char.

import { DASHES, quote, stripSpaces, toHalfWidth } from "./text.js";

/** ISO 7064 MOD 11-2 weights (2^(18−i) mod 11) over the first 17 digits. */
export const CITIZEN_ID_WEIGHTS: readonly number[] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/**
 * Province-level codes (省级行政区划代码, GB/T 2260), first two digits of the address code.
 * Residence permits for Hong Kong/Macao (81/82) share the format; 83 (Taiwan residents'
 * residence permit) is deliberately absent from the brief's list and fails as BAD_ADDRESS_CODE.
 */
export const PROVINCE_CODES: Readonly<Record<string, string>> = {
  "11": "北京",
  "12": "天津",
  "13": "河北",
  "14": "山西",
  "15": "内蒙古",
  "21": "辽宁",
  "22": "吉林",
  "23": "黑龙江",
  "31": "上海",
  "32": "江苏",
  "33": "浙江",
  "34": "安徽",
  "35": "福建",
  "36": "江西",
  "37": "山东",
  "41": "河南",
  "42": "湖北",
  "43": "湖南",
  "44": "广东",
  "45": "广西",
  "46": "海南",
  "50": "重庆",
  "51": "四川",
  "52": "贵州",
  "53": "云南",
  "54": "西藏",
  "61": "陕西",
  "62": "甘肃",
  "63": "青海",
  "64": "宁夏",
  "65": "新疆",
  "71": "台湾",
  "81": "香港",
  "82": "澳门",
};

/** Earliest birth year accepted as plausible. */
export const MIN_BIRTH_YEAR = 1900;

/** Offset of China Standard Time (no daylight saving), so "today" does not depend on the host zone. */
const CHINA_UTC_OFFSET_MS = 8 * 60 * 60 * 1000;

export type CitizenIdProblem =
  | "EMPTY"
  | "BAD_CHARACTERS"
  | "BAD_LENGTH"
  | "BAD_ADDRESS_CODE"
  | "BAD_BIRTH_DATE"
  | "BAD_CHECK_CHAR";

export type CitizenIdResult =
  | {
      ok: true;
      value: string;
      /** YYYY-MM-DD */
      birthDate: string;
      sex: "MALE" | "FEMALE";
      addressCode: string;
      upgradedFrom15: boolean;
    }
  | { ok: false; reason: CitizenIdProblem; detail: string; lowTrustKey: string | null };

/**
 * Check char of an 18-digit ID from its first 17 digits: S = Σ digit·weight,
 * check = (12 − S mod 11) mod 11, with 10 written "X".
 * Returns "" when `first17` is not exactly 17 digits: no check char exists, and an ID built
 * from it fails validation with a typed reason rather than an exception here.
 */
export function citizenIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) return "";
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (CITIZEN_ID_WEIGHTS[i] ?? 0);
  const check = (12 - (sum % 11)) % 11;
  return check === 10 ? "X" : String(check);
}

/** Full-width digits/X to half-width, drop spaces and hyphens, x → X. */
function cleanCitizenId(raw: string): string {
  return stripSpaces(toHalfWidth(raw)).replace(DASHES, "").toUpperCase();
}

/** YYYYMMDD → YYYY-MM-DD when it is a real calendar date, otherwise null. */
function calendarDate(yyyymmdd: string): string | null {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  const date = new Date(Date.UTC(y, m - 1, d));
  // Date.UTC rolls 1949-02-30 over to March: a round trip exposes impossible dates.
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

/** Today's date in China as YYYY-MM-DD. */
function chinaDate(today: Date): string {
  return new Date(today.getTime() + CHINA_UTC_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * Clean, upgrade and validate a citizen ID. Problems are reported in the order
 * characters → length → address code → birth date → check char; only the first is returned.
 * Once the value is a well-formed 18-char string, failures carry it as `lowTrustKey` so the
 * record can still be linked, with low trust, instead of being dropped.
 */
export function normaliseCitizenId(raw: string, today: Date = new Date()): CitizenIdResult {
  const hopeless = (reason: CitizenIdProblem, detail: string): CitizenIdResult => ({
    ok: false,
    reason,
    detail,
    lowTrustKey: null,
  });

  const s = cleanCitizenId(raw);
  if (s === "") return hopeless("EMPTY", "no citizen ID given");
  if (!/^[0-9X]+$/.test(s))
    return hopeless("BAD_CHARACTERS", `${quote(raw)} has characters other than digits and X`);
  if (s.length !== 15 && s.length !== 18)
    return hopeless("BAD_LENGTH", `${quote(s)} has ${s.length} characters, expected 18 (or legacy 15)`);
  if (s.length === 15 && !/^\d{15}$/.test(s))
    return hopeless("BAD_CHARACTERS", `legacy 15-digit ID ${quote(s)} must be digits only`);
  if (s.length === 18 && !/^\d{17}[0-9X]$/.test(s))
    return hopeless("BAD_CHARACTERS", `${quote(s)}: X may only be the check char (position 18)`);

  const upgradedFrom15 = s.length === 15;
  // GB 11643-1989 numbers carry a two-digit year, always 19xx.
  const body = upgradedFrom15 ? `${s.slice(0, 6)}19${s.slice(6)}` : s.slice(0, 17);
  const expectedCheck = citizenIdCheckChar(body);
  const value = upgradedFrom15 ? body + expectedCheck : s;
  const lowTrust = (reason: CitizenIdProblem, detail: string): CitizenIdResult => ({
    ok: false,
    reason,
    detail,
    lowTrustKey: value,
  });

  const addressCode = value.slice(0, 6);
  if (!(addressCode.slice(0, 2) in PROVINCE_CODES))
    return lowTrust("BAD_ADDRESS_CODE", `address code ${addressCode} does not start with a province code`);

  const birthDate = calendarDate(value.slice(6, 14));
  if (birthDate === null) return lowTrust("BAD_BIRTH_DATE", `${value.slice(6, 14)} is not a calendar date`);
  if (Number(birthDate.slice(0, 4)) < MIN_BIRTH_YEAR)
    return lowTrust("BAD_BIRTH_DATE", `birth date ${birthDate} is before ${MIN_BIRTH_YEAR}`);
  if (birthDate > chinaDate(today))
    return lowTrust("BAD_BIRTH_DATE", `birth date ${birthDate} is in the future`);

  const actualCheck = value.slice(17);
  if (actualCheck !== expectedCheck)
    return lowTrust("BAD_CHECK_CHAR", `check char is ${actualCheck}, expected ${expectedCheck}`);

  return {
    ok: true,
    value,
    birthDate,
    sex: Number(value[16]) % 2 === 1 ? "MALE" : "FEMALE",
    addressCode,
    upgradedFrom15,
  };
}
