// Character-level cleaning shared by the identifier rules. Legacy silos were fed from Chinese
// input methods, so full-width forms (全角), ideographic spaces and assorted dashes are routine.

/** Full-width ASCII block U+FF01–U+FF5E maps onto U+0021–U+007E by a fixed offset. */
const FULL_WIDTH_FIRST = 0xff01;
const FULL_WIDTH_LAST = 0xff5e;
const FULL_WIDTH_OFFSET = 0xfee0;

/** Full-width ASCII to half-width and U+3000 (ideographic space) to a plain space. */
export function toHalfWidth(s: string): string {
  let out = "";
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= FULL_WIDTH_FIRST && cp <= FULL_WIDTH_LAST) out += String.fromCodePoint(cp - FULL_WIDTH_OFFSET);
    else if (cp === 0x3000) out += " ";
    else out += ch;
  }
  return out;
}

/** Hyphen-like characters typed as separators: hyphen, non-breaking hyphen, figure dash, en/em dash, minus. */
export const DASHES = /[-\u2010\u2011\u2012\u2013\u2014\u2015\u2212]/g;

/**
 * Invisible characters that survive copy-paste: zero-width space/joiners, BOM, soft hyphen.
 * `\s` in JS already covers NBSP, U+3000 and the other Unicode spaces.
 */
export const INVISIBLES = /[\u200b-\u200d\u2060\ufeff\u00ad]/g;

/** Remove every space-like and invisible character. */
export function stripSpaces(s: string): string {
  return s.replace(/\s+/g, "").replace(INVISIBLES, "");
}

/** Show a raw value safely inside a `detail` message. */
export function quote(s: string): string {
  return JSON.stringify(s);
}
