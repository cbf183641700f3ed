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

/** A name taken apart: how it is written, its key, and the place its prefix named. */
export interface OrganisationNameParts {
  /** Half-width, without spaces, one kind of bracket: two writings of one spelling are equal. */
  spelled: string;
  /** organisationNameKey. */
  key: string;
  /** The province or city the key dropped ("江苏", "南通": 南通市 and 南通 alike), or null. */
  prefix: string | null;
}

/** The parts of an organisation's name; `cityNames` are the city's own names. */
export function organisationNameParts(
  name: string,
  cityNames: readonly string[] = [],
): OrganisationNameParts {
  const spelled = toHalfWidth(name).replace(/\s+/g, "").replace(/[（(]/g, "(").replace(/[）)]/g, ")");
  let s = spelled;
  let prefix: string | null = null;
  for (const province of PROVINCES) {
    const stripped = stripPrefix(s, province, ["省", "市", "自治区"]);
    if (stripped !== s) {
      s = stripped;
      prefix = province;
      break;
    }
  }
  for (const city of cityNames) {
    const base = city.replace(/市$/, "");
    const stripped = stripPrefix(s, base, ["市"]);
    if (stripped !== s) {
      s = stripped;
      prefix = base;
      break;
    }
  }
  for (const [form, key] of LEGAL_FORMS)
    if (s.endsWith(form)) {
      s = s.slice(0, -form.length) + key;
      break;
    }
  return { spelled, key: s, prefix };
}

/** The key two spellings of one organisation's name share; `cityNames` are the city's own names. */
export function organisationNameKey(name: string, cityNames: readonly string[] = []): string {
  return organisationNameParts(name, cityNames).key;
}
