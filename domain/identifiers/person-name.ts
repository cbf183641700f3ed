// Person names (姓名): up to 50 characters; minority and foreign names separate parts with the
// middle dot "·" (U+00B7, 间隔号). Legacy silos could not store rare characters (生僻字) and held
// "?", U+FFFD or pinyin in their place, so a name also gets a quality grade and a pinyin
// blocking key under which homophone typos (李娜/李纳) meet.

import { pinyin } from "pinyin-pro";
import { INVISIBLES, quote, toHalfWidth } from "./text.js";

export const MAX_NAME_LENGTH = 50;

/** The canonical separator in 少数民族/外国人 names. */
export const NAME_DOT = "\u00b7";

/**
 * Characters typed in place of "·": bullet, hyphenation point, katakana middle dot (full and half
 * width), full-width full stop, bullet operator, dot operator, Greek ano teleia.
 * Mapped before full-width folding, which would otherwise turn U+FF0E into ".".
 */
const MIDDLE_DOT_VARIANTS = /[\u00b7\u2022\u2027\u30fb\uff0e\uff65\u2219\u22c5\u0387]/g;

/** Characters that stand for a character the source system could not store. */
export const NAME_PLACEHOLDERS: readonly string[] = ["?", "\ufffd", "\u25a1"];

/**
 * One pinyin syllable (toneless, ü written v or ü): optional initial + final. Permissive on purpose:
 * it only has to tell romanised Chinese ("Zhang San") from other Latin names ("John Smith").
 */
const PINYIN_WORD =
  /^(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ang|eng|ing|ong|iao|ian|uai|uan|van|üan|ai|ei|ui|ao|ou|iu|ie|ue|ve|üe|er|an|en|in|un|vn|ün|ia|ua|uo|a|o|e|i|u|v|ü))+$/;

const HAN = /\p{Script=Han}/u;
const LATIN_WORDS = /[a-zü]+/gi;

export type NameQuality = "CLEAN" | "PLACEHOLDER" | "PINYIN";
export type PersonNameProblem = "EMPTY" | "TOO_LONG";
export type PersonNameResult =
  | { ok: true; value: string; quality: NameQuality }
  | { ok: false; reason: PersonNameProblem; detail: string };

/** The cleaning shared by normalisation and the blocking key. */
function cleanName(raw: string): string {
  return (
    toHalfWidth(raw.replace(INVISIBLES, "").replace(MIDDLE_DOT_VARIANTS, NAME_DOT))
      // "阿依古丽.买买提": an ASCII full stop between Han characters is a mistyped "·".
      .replace(/(\p{Script=Han})\s*\.\s*(?=\p{Script=Han})/gu, `$1${NAME_DOT}`)
      .replace(/\s*\u00b7[\s\u00b7]*/g, NAME_DOT)
      // "张　三": padding between Han characters aligns columns in old forms, it is not part of the name.
      .replace(/(\p{Script=Han})\s+(?=\p{Script=Han})/gu, "$1")
      .replace(/\s+/g, " ")
      .trim()
  );
}

function nameQuality(value: string): NameQuality {
  if (NAME_PLACEHOLDERS.some((p) => value.includes(p))) return "PLACEHOLDER";
  const latinWords = value.match(LATIN_WORDS);
  if (latinWords === null) return "CLEAN";
  // Latin next to Han means letters stand in for characters; all-Latin counts only when it reads as pinyin.
  if (HAN.test(value)) return "PINYIN";
  return latinWords.every((w) => PINYIN_WORD.test(w.toLowerCase())) ? "PINYIN" : "CLEAN";
}

export function normalisePersonName(raw: string): PersonNameResult {
  const value = cleanName(raw);
  if (value === "") return { ok: false, reason: "EMPTY", detail: "no name given" };
  // Count code points: rare characters outside the BMP (e.g. 𠮷) are one character, two UTF-16 units.
  const length = [...value].length;
  if (length > MAX_NAME_LENGTH)
    return {
      ok: false,
      reason: "TOO_LONG",
      detail: `${quote(value.slice(0, 20))}… has ${length} characters, at most ${MAX_NAME_LENGTH} allowed`,
    };
  return { ok: true, value, quality: nameQuality(value) };
}

/**
 * Toneless lower-case pinyin without separators: 张三 → "zhangsan", 李娜 and 李纳 → "lina".
 * Surname readings apply to the first character (单 → shan, 曾 → zeng); ü is written v.
 * Latin segments pass through lower-cased; placeholders, "·", spaces and punctuation are dropped;
 * a Han character unknown to the dictionary is kept as itself so it still discriminates.
 */
export function nameBlockingKey(name: string): string {
  const syllables = pinyin(cleanName(name), {
    toneType: "none",
    type: "array",
    nonZh: "consecutive",
    surname: "head",
    v: true,
  });
  return syllables
    .join("")
    .toLowerCase()
    .replace(/ü/g, "v")
    .replace(/[^a-z\p{Script=Han}]/gu, "");
}

/** Jaro similarity over code points. */
function jaro(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatched: boolean[] = new Array(a.length).fill(false);
  const bMatched: boolean[] = new Array(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(b.length - 1, i + window);
    for (let j = lo; j <= hi; j++) {
      if (bMatched[j] || a[i] !== b[j]) continue;
      aMatched[i] = true;
      bMatched[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[j]) j++;
    if (a[i] !== b[j]) transpositions++;
    j++;
  }
  const m = matches;
  return (m / a.length + m / b.length + (m - transpositions / 2) / m) / 3;
}

/** Winkler's prefix bonus: up to 4 shared leading characters, scale 0.1. */
const WINKLER_PREFIX_MAX = 4;
const WINKLER_SCALE = 0.1;

/**
 * Jaro-Winkler similarity in [0, 1] of the two names' blocking keys, so homophones score 1.
 * Names with an empty key (nothing but placeholders) score 0 against everything.
 */
export function namesSimilarity(a: string, b: string): number {
  const ka = [...nameBlockingKey(a)];
  const kb = [...nameBlockingKey(b)];
  const j = jaro(ka, kb);
  let prefix = 0;
  while (prefix < WINKLER_PREFIX_MAX && prefix < ka.length && ka[prefix] === kb[prefix]) prefix++;
  return Math.min(1, j + prefix * WINKLER_SCALE * (1 - j));
}

/**
 * Forms of address callers give instead of a name (the 12345 hotline's "王先生"), with the sex
 * they imply where they imply one. Declared once; matching reads only the surname from such a name.
 */
export const HONORIFIC_SUFFIXES: Readonly<Record<string, "MALE" | "FEMALE" | null>> = {
  先生: "MALE",
  女士: "FEMALE",
  小姐: "FEMALE",
  阿姨: "FEMALE",
  大爷: "MALE",
  大妈: "FEMALE",
  师傅: null,
  老师: null,
};

/** "王先生" → { surname: "王", sex: "MALE" }; a real name → null. Surnames of one or two characters. */
const HONORIFIC_ENDINGS = new Set(Object.keys(HONORIFIC_SUFFIXES).map((s) => s.at(-1)));

export function honorificName(name: string): { surname: string; sex: "MALE" | "FEMALE" | null } | null {
  // Most names end in no form of address: answer those without cleaning (matching asks often).
  if (!HONORIFIC_ENDINGS.has(name.trim().at(-1))) return null;
  const chars = [...cleanName(name)];
  for (const [suffix, sex] of Object.entries(HONORIFIC_SUFFIXES)) {
    const n = [...suffix].length;
    const surnameLength = chars.length - n;
    if (surnameLength < 1 || surnameLength > 2) continue;
    if (chars.slice(surnameLength).join("") !== suffix) continue;
    const surname = chars.slice(0, surnameLength).join("");
    if (!/^\p{Script=Han}+$/u.test(surname)) continue;
    return { surname, sex };
  }
  return null;
}
