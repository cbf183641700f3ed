// Mainland mobile numbers (手机号): 11 digits `^1[3-9]\d{9}$` once the country prefix is gone.
// Carrier number blocks (号段) change over time, so they are deliberately not checked.

import { DASHES, INVISIBLES, quote, toHalfWidth } from "./text.js";

export const MOBILE_PATTERN = /^1[3-9]\d{9}$/;

/** Country-code spellings, longest first; bare "86" only counts when 11 digits follow. */
const COUNTRY_PREFIXES: readonly { prefix: string; requiresFullNumber: boolean }[] = [
  { prefix: "+86", requiresFullNumber: false },
  { prefix: "0086", requiresFullNumber: false },
  { prefix: "86", requiresFullNumber: true },
];

/** Separators people type inside numbers: spaces, dashes, dots, brackets (half and full width). */
const SEPARATORS = /[\s.()[\]]/g;

export type MobileProblem = "EMPTY" | "BAD_CHARACTERS" | "NOT_A_MOBILE";

export type MobileResult = { ok: true; value: string } | { ok: false; reason: MobileProblem; detail: string };

export function normaliseMobile(raw: string): MobileResult {
  const s = toHalfWidth(raw).replace(INVISIBLES, "").replace(SEPARATORS, "").replace(DASHES, "");
  if (s === "") return { ok: false, reason: "EMPTY", detail: "no phone number given" };
  if (!/^\+?\d+$/.test(s))
    return { ok: false, reason: "BAD_CHARACTERS", detail: `${quote(raw)} has characters other than digits` };

  let digits = s;
  for (const { prefix, requiresFullNumber } of COUNTRY_PREFIXES) {
    if (!s.startsWith(prefix)) continue;
    if (requiresFullNumber && s.length !== prefix.length + 11) continue;
    digits = s.slice(prefix.length);
    break;
  }
  if (!MOBILE_PATTERN.test(digits))
    return { ok: false, reason: "NOT_A_MOBILE", detail: `${quote(digits)} is not an 11-digit mobile number` };
  return { ok: true, value: digits };
}

/**
 * Display mask (GB/T 35273 display restriction): keep the first 3 and last 4 digits,
 * 13812341234 → 138****1234. Values of 7 characters or fewer are masked entirely.
 */
export function maskMobile(value: string): string {
  const chars = [...value];
  if (chars.length <= 7) return "*".repeat(chars.length);
  return `${chars.slice(0, 3).join("")}${"*".repeat(chars.length - 7)}${chars.slice(-4).join("")}`;
}
