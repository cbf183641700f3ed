// Organisation names as callers and clerks write them: "南通市崇川区顺达物流有限公司" is
// also "崇川区顺达物流公司". The key drops what people leave out — the province and city prefix
// (a company is registered under its district's authority, where its name is unique) and the
// legal-form wording — so the spoken and the registered name meet.
import { PROVINCE_CODES } from "./citizen-id.js";
import { toHalfWidth } from "./text.js";

/** Legal-form endings, longest first, and what they are keyed as. */
const LEGAL_FORMS: readonly [string, string][] = [
  ["股份有限公司", "股份公司"],
  ["有限责任公司", "公司"],
  ["有限公司", "公司"],
];

const PROVINCES = Object.values(PROVINCE_CODES).sort((a, b) => b.length - a.length);

/** Strip `prefix` (with or without its suffix character) when something is left after it. */
function stripPrefix(s: string, base: string, suffixes: readonly string[]): string {
  for (const suffix of [...suffixes, ""]) {
    const prefix = base + suffix;
    if (s.startsWith(prefix) && [...s].length - [...prefix].length >= 2) return s.slice(prefix.length);
  }
  return s;
}

/** The key two spellings of one organisation's name share; `cityNames` are the city's own names. */
export function organisationNameKey(name: string, cityNames: readonly string[] = []): string {
  let s = toHalfWidth(name).replace(/\s+/g, "").replace(/[（(]/g, "(").replace(/[）)]/g, ")");
  for (const province of PROVINCES) {
    const stripped = stripPrefix(s, province, ["省", "市", "自治区"]);
    if (stripped !== s) {
      s = stripped;
      break;
    }
  }
  for (const city of cityNames) {
    const stripped = stripPrefix(s, city.replace(/市$/, ""), ["市"]);
    if (stripped !== s) {
      s = stripped;
      break;
    }
  }
  for (const [form, key] of LEGAL_FORMS)
    if (s.endsWith(form)) {
      s = s.slice(0, -form.length) + key;
      break;
    }
  return s;
}
