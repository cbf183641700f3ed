// Display restriction (GB/T 35273-2020 §3.14 去标识化 on screens): how personal values are shown
// when a principal is not cleared for the full value. Declared once, applied by the schema.
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

export { maskMobile };

/**
 * Claimed person attribute values (provenance) are shown like the person's own fields: SENSITIVE
 * ones need a declared purpose, PERSONAL ones a role that works with people. Unlisted attributes
 * are PERSONAL.
 */
const CLAIM_MASKS: Readonly<
  Record<string, { class: "PERSONAL" | "SENSITIVE"; mask: (v: string) => string }>
> = {
  citizenId: { class: "SENSITIVE", mask: maskCitizenId },
  citizenIdLowTrust: { class: "SENSITIVE", mask: maskCitizenId },
  ethnicity: { class: "SENSITIVE", mask: () => "**" },
  name: { class: "PERSONAL", mask: maskName },
  phone: { class: "PERSONAL", mask: maskMobile },
  birthDate: { class: "PERSONAL", mask: (v) => `${v.slice(0, 4)}-**-**` },
  sex: { class: "PERSONAL", mask: (v) => v },
};
const maskAddress = (v: string) => `${[...v].slice(0, 8).join("")}***`;

export function maskClaimValue(
  attribute: string,
  value: unknown,
  clearance: { personal: boolean; sensitive: boolean },
): unknown {
  if (typeof value !== "string") return value;
  const rule = CLAIM_MASKS[attribute] ?? { class: "PERSONAL" as const, mask: maskAddress };
  const cleared = rule.class === "SENSITIVE" ? clearance.sensitive : clearance.personal;
  return cleared ? value : rule.mask(value);
}
