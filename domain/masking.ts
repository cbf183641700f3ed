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
