// Display restriction (GB/T 35273-2020 §3.14 去标识化 on screens): how a value is shown to a
// principal the access policy clears only for a masked view. One mask per data type, declared
// here; the field table (schema/field-policy.ts) names the data type of each field and the access
// plugin applies the mask. No resolver masks anything itself.
import { maskMobile } from "./identifiers/phone.js";

/** Citizen ID: the first 3 and last 2 characters (6+4 would reveal the birth date). */
export function maskCitizenId(id: string): string {
  if (id.length <= 5) return "*".repeat(id.length);
  return `${id.slice(0, 3)}${"*".repeat(id.length - 5)}${id.slice(-2)}`;
}

/** Name: the surname and "*" for each other character (compound surnames are not guessed). */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return name;
  return chars[0] + "*".repeat(chars.length - 1);
}

// Address levels down to the community (社区/村): what is kept of a masked address. The first
// marker found, finest first, ends the kept part; what follows (road, number, building, room) goes.
const ADDRESS_KEEP_UNTIL = [/社区|居委会|村委会|[^\s]村/u, /街道|镇|乡/u, /[区县]/u, /市/u];

/** Address: kept down to community level, the rest replaced by "***". */
export function maskAddress(text: string): string {
  for (const marker of ADDRESS_KEEP_UNTIL) {
    const m = marker.exec(text);
    if (m) {
      const end = m.index + m[0].length;
      return end >= text.length ? text : `${text.slice(0, end)}***`;
    }
  }
  return `${[...text].slice(0, 4).join("")}***`;
}

// What free text may carry about people: identifiers by shape, and names by the forms of
// address and labels that precede them. Names written bare in prose cannot be told from other
// words by a pattern; those texts stay behind the field's class for principals not cleared.
const FREE_TEXT_REDACTIONS: readonly [RegExp, string][] = [
  [/(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])|(?<![0-9])\d{15}(?![0-9])/gu, "[身份证号]"],
  [/(?<![0-9])(?:\+?86[-\s]?)?1[3-9]\d{9}(?![0-9])/gu, "[手机号]"],
  [/(?<![0-9])0\d{2,3}-?\d{7,8}(?![0-9])/gu, "[电话]"],
  [/(姓名|报警人|来电人|当事人|信访人|申请人|联系人|户主)([:：\s]*)[\u4e00-\u9fa5·]{2,5}/gu, "$1$2[姓名]"],
  [/[\u4e00-\u9fa5](先生|女士|师傅|阿姨|大爷|大妈)/gu, "某$1"],
];

/** Free text: identifiers, phones and labelled names inside it redacted. */
export function maskFreeText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of FREE_TEXT_REDACTIONS) out = out.replace(pattern, replacement);
  return out;
}

/** A date (YYYY-MM-DD or an instant): only the year is kept. */
export function maskDate(value: string): string {
  return `${value.slice(0, 4)}-**-**`;
}

/** JSON (raw source records, mapped drafts): every string inside masked as free text. */
export function maskJson(value: unknown): unknown {
  if (typeof value === "string") return maskFreeText(value);
  if (Array.isArray(value)) return value.map(maskJson);
  if (value && typeof value === "object" && !(value instanceof Date))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskJson(v)]));
  return value;
}

/**
 * The masks, one per data type. `keep` is for values that are shown as they are in a masked
 * view (sex, a birth year: what statistics need); `withhold` shows nothing (null).
 */
export const MASKS = {
  name: maskName,
  citizenId: maskCitizenId,
  phone: maskMobile,
  address: maskAddress,
  freeText: maskFreeText,
  date: maskDate,
  json: maskJson,
  keep: (value: unknown) => value,
  withhold: () => null,
} as const;

export type MaskKind = keyof typeof MASKS;

/** Apply a mask to a value of any shape: strings directly, lists item by item, null as null. */
export function applyMask(kind: MaskKind, value: unknown): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (kind === "json" || kind === "keep" || kind === "withhold")
    return (MASKS[kind] as (v: unknown) => unknown)(value);
  if (Array.isArray(value)) return value.map((v) => applyMask(kind, v));
  if (value instanceof Date) return kind === "date" ? maskDate(value.toISOString()) : null;
  if (typeof value !== "string") return value;
  return (MASKS[kind] as (v: string) => string)(value);
}

export { maskMobile };
