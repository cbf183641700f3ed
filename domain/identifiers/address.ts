// Standard address (标准地址, the "一标" of 一标三实): 省 → 市 → 区/县 → 街道/乡镇 → 社区/村 →
// 街路巷 → 门牌号 → 楼栋 → 单元 → 层 → 户室. A heuristic parser driven by a suffix table, plus a
// canonical key under which trivially different spellings of one door plate meet.

import { DASHES, INVISIBLES, toHalfWidth } from "./text.js";

export interface ParsedAddress {
  /** 省/自治区/特别行政区, or a municipality (直辖市) such as "上海市" */
  province?: string;
  /** 市/州/盟/地区 */
  city?: string;
  /** 区/县/旗 or county-level 市 */
  district?: string;
  /** 街道/镇/乡 */
  township?: string;
  /** 社区/村/居委会 */
  community?: string;
  /** 路/街/巷/弄/大道 */
  road?: string;
  /** 门牌号, digits only: "12号" → "12" */
  doorNumber?: string;
  /** Estate or other unsuffixed place name before the building part (小区/新村/大厦, 村民小组) */
  estate?: string;
  /** 栋/幢/号楼/座 */
  building?: string;
  /** 单元 */
  unit?: string;
  /** 层/楼 */
  floor?: string;
  /** 室/户/房 */
  room?: string;
  /** Bracketed remarks, e.g. "(近文峰大世界)" */
  remark?: string;
  /** Unparsed tail */
  rest?: string;
}

export type AddressField = Exclude<keyof ParsedAddress, "remark" | "rest">;

/** A suffix spelling, the canonical form it is stored as, and what may not follow it. */
export interface AddressSuffix {
  text: string;
  canonical?: string;
  /** The suffix is really the start of a longer word: 街道 is not 街, 市场 is not 市. */
  notBefore?: readonly string[];
}

export interface NamedLevel {
  field: AddressField;
  /** Longest first, so 街道办事处 wins over 街道 at the same position. */
  suffixes: readonly AddressSuffix[];
  maxNameLength: number;
  /** Whole names recognised without a suffix rule. */
  names?: readonly string[];
  /** A match ending like this belongs to a lower level (友谊社区 is not a district). */
  rejectEndings?: readonly string[];
}

const NOT_MARKET = ["场"];

/** The suffix table: one row per named level, in hierarchy order. */
export const NAMED_LEVELS: readonly NamedLevel[] = [
  {
    field: "province",
    suffixes: [{ text: "特别行政区" }, { text: "自治区" }, { text: "省" }],
    // 直辖市 are written "上海市", which the 市 rule would read as a city.
    names: ["北京市", "天津市", "上海市", "重庆市"],
    maxNameLength: 8,
  },
  {
    field: "city",
    suffixes: [
      { text: "地区" },
      { text: "市", notBefore: NOT_MARKET },
      { text: "州", notBefore: ["区", "市"] },
      { text: "盟" },
    ],
    maxNameLength: 10,
  },
  {
    field: "district",
    suffixes: [{ text: "区" }, { text: "县" }, { text: "旗" }, { text: "市", notBefore: NOT_MARKET }],
    maxNameLength: 10,
    rejectEndings: ["社区", "小区"],
  },
  {
    field: "township",
    suffixes: [
      { text: "街道办事处", canonical: "街道" },
      { text: "街道办", canonical: "街道" },
      { text: "街道" },
      { text: "镇" },
      { text: "乡" },
    ],
    maxNameLength: 10,
  },
  {
    field: "community",
    suffixes: [
      { text: "社区居民委员会", canonical: "社区" },
      { text: "社区居委会", canonical: "社区" },
      { text: "居民委员会", canonical: "居委会" },
      { text: "村民委员会", canonical: "村" },
      { text: "居委会" },
      { text: "村委会", canonical: "村" },
      { text: "社区" },
      { text: "村" },
    ],
    maxNameLength: 12,
  },
  {
    field: "road",
    suffixes: [
      { text: "大道" },
      { text: "路" },
      { text: "街", notBefore: ["道"] },
      { text: "巷" },
      { text: "弄" },
    ],
    maxNameLength: 12,
  },
];

/** Hierarchy rank of each component; the parser only moves downwards. */
const RANK: Readonly<Record<AddressField, number>> = {
  province: 0,
  city: 1,
  district: 2,
  township: 3,
  community: 4,
  road: 5,
  estate: 6,
  doorNumber: 7,
  building: 8,
  unit: 9,
  floor: 10,
  room: 11,
};

/** Numbered components: the number is stored, the suffix only says which component it is. */
const NUMBERED_SUFFIXES = {
  doorNumber: "号",
  building: "栋|幢|号楼|座",
  unit: "单元",
  floor: "层|楼",
  room: "室|户|房",
} as const;

const CHINESE_DIGITS: Readonly<Record<string, number>> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** 三 → 3, 十二 → 12, 二十 → 20, 一〇一 → 101; null when it is not a numeral this handles. */
export function chineseNumeralToNumber(text: string): number | null {
  const digit = (ch: string | undefined): number | null =>
    ch === undefined ? null : (CHINESE_DIGITS[ch] ?? null);
  const tenAt = text.indexOf("十");
  if (tenAt >= 0) {
    if (text.length > 3 || text.indexOf("十", tenAt + 1) >= 0) return null;
    const tens = tenAt === 0 ? 1 : digit(text[0]);
    const ones = tenAt === text.length - 1 ? 0 : digit(text[tenAt + 1]);
    if (tens === null || ones === null || tenAt > 1) return null;
    return tens * 10 + ones;
  }
  let n = 0;
  for (const ch of text) {
    const d = digit(ch);
    if (d === null) return null;
    n = n * 10 + d;
  }
  return text === "" ? null : n;
}

/** Full-width, spaces, dashes, case, "#", Chinese numerals before 单元/层/栋; remarks split off. */
function prepare(text: string): { s: string; remark: string | undefined } {
  const half = toHalfWidth(text).replace(INVISIBLES, "");
  const remarks: string[] = [];
  const withoutRemarks = half.replace(/[([【]([^()[\]【】]*)[)\]】]/g, (whole) => {
    remarks.push(whole.replace(/\s+/g, ""));
    return "";
  });
  const s = withoutRemarks
    .replace(/\s+/g, "")
    .replace(DASHES, "-")
    .toUpperCase()
    .replace(/#楼/g, "号楼")
    .replace(/([零〇一二两三四五六七八九十]+)(?=单元|层|楼|栋|幢|号楼)/g, (numeral) =>
      String(chineseNumeralToNumber(numeral) ?? numeral),
    );
  return { s, remark: remarks.length > 0 ? remarks.join("") : undefined };
}

interface Match {
  /** Characters consumed */
  length: number;
  values: Partial<Record<AddressField, string>>;
  /** Rank the parser has reached after this match */
  rank: number;
}

/** UTF-16 ranges a place name may contain (after upper-casing); checked per code unit for speed. */
const NAME_UNIT_RANGES: readonly (readonly [number, number])[] = [
  [0x30, 0x39], // 0-9
  [0x41, 0x5a], // A-Z
  [0x3007, 0x3007], // 〇
  [0x3400, 0x9fff], // CJK unified ideographs and extension A
  [0xd800, 0xdfff], // surrogates: supplementary characters in addresses are rare Han (extension B+)
  [0xf900, 0xfaff], // CJK compatibility ideographs
];

function isNameUnit(code: number): boolean {
  for (const [lo, hi] of NAME_UNIT_RANGES) if (code >= lo && code <= hi) return true;
  return false;
}

/**
 * The prepared text, scanned once: for each index, where its run of name characters ends and
 * which named levels have a suffix starting there (bit = index in NAMED_LEVELS).
 */
interface Scan {
  s: string;
  nameRunEnd: Int32Array;
  suffixLevels: Uint8Array;
}

/** For each suffix's first character, the bit mask of the levels that have such a suffix. */
const SUFFIX_START_LEVELS: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>();
  NAMED_LEVELS.forEach((level, bit) => {
    for (const { text } of level.suffixes) m.set(text[0] ?? "", (m.get(text[0] ?? "") ?? 0) | (1 << bit));
  });
  return m;
})();

function scan(s: string): Scan {
  const nameRunEnd = new Int32Array(s.length + 1);
  const suffixLevels = new Uint8Array(s.length + 1);
  nameRunEnd[s.length] = s.length;
  for (let i = s.length - 1; i >= 0; i--) {
    nameRunEnd[i] = isNameUnit(s.charCodeAt(i)) ? (nameRunEnd[i + 1] ?? s.length) : i;
    suffixLevels[i] = SUFFIX_START_LEVELS.get(s[i] ?? "") ?? 0;
  }
  return { s, nameRunEnd, suffixLevels };
}

function matchNamed(levelIndex: number, { s, nameRunEnd, suffixLevels }: Scan, p: number): Match | null {
  const level = NAMED_LEVELS[levelIndex];
  if (level === undefined) return null;
  const rank = RANK[level.field];
  for (const name of level.names ?? []) {
    if (s.startsWith(name, p)) return { length: name.length, values: { [level.field]: name }, rank };
  }
  // Lazy: the shortest run of name characters followed by a suffix.
  const bit = 1 << levelIndex;
  const lastEnd = Math.min(p + level.maxNameLength, nameRunEnd[p] ?? p);
  for (let end = p + 1; end <= lastEnd; end++) {
    if (((suffixLevels[end] ?? 0) & bit) === 0) continue;
    for (const suffix of level.suffixes) {
      if (!s.startsWith(suffix.text, end)) continue;
      const after = end + suffix.text.length;
      if (suffix.notBefore?.some((w) => s.startsWith(w, after))) continue;
      const whole = s.slice(p, after);
      if (level.rejectEndings?.some((w) => whole.endsWith(w))) continue;
      const value = s.slice(p, end) + (suffix.canonical ?? suffix.text);
      return { length: after - p, values: { [level.field]: value }, rank };
    }
  }
  return null;
}

type NumberedMatcher = (s: string, p: number, rank: number) => Match | null;

function numbered(
  field: AddressField,
  pattern: string,
  when: (rank: number) => boolean = () => true,
): NumberedMatcher {
  // Sticky, so matching at p needs no substring copy.
  const re = new RegExp(`(?:${pattern})`, "y");
  return (s, p, rank) => {
    if (!when(rank)) return null;
    re.lastIndex = p;
    const m = re.exec(s);
    return m?.[1] === undefined
      ? null
      : { length: m[0].length, values: { [field]: m[1] }, rank: RANK[field] };
  };
}

const NUM = "[0-9]+[A-Z]?";
const BUILDING_UNIT_ROOM = /([0-9]+[A-Z]?)-([0-9]+)-([0-9]+[A-Z]?)(?:室|户|房)?(?![0-9A-Z号-])/y;
const BUILDING_ROOM_AT_END = /([0-9]+[A-Z]?)-([0-9]+[A-Z]?)(?:室|户|房)?$/y;
const BARE_NUMBER_AT_END = /[0-9]+[A-Z]?$/y;

function stickyExec(re: RegExp, s: string, p: number): RegExpExecArray | null {
  re.lastIndex = p;
  return re.exec(s);
}

/**
 * Numbered components, as patterns over the prepared string. "N#" reads as a door number right
 * after a road (工农路12#) and as a building anywhere else (12号3#, 虹桥新村3#); "N号" after a door
 * number is a building for the same reason.
 */
const NUMBERED_MATCHERS: readonly NumberedMatcher[] = [
  numbered("doorNumber", `(${NUM}(?:[-之]${NUM})?)${NUMBERED_SUFFIXES.doorNumber}(?!楼)`),
  numbered("doorNumber", `(${NUM}(?:[-之]${NUM})?)#`, (rank) => rank === RANK.road),
  numbered("building", `([A-Z0-9]+)(?:${NUMBERED_SUFFIXES.building}|#)`),
  numbered("building", `([A-Z0-9]+)号(?!楼)`, (rank) => rank >= RANK.doorNumber),
  numbered("unit", `([0-9]+)(?:${NUMBERED_SUFFIXES.unit})`),
  numbered("floor", `(-?[0-9]+)(?:${NUMBERED_SUFFIXES.floor})`),
  numbered("room", `([A-Z0-9]+(?:-[A-Z0-9]+)?)(?:${NUMBERED_SUFFIXES.room})`),
  // 3-2-501 is building-unit-room shorthand, 3-501 building-room; never before 号 (12-1号 is a door).
  (s, p) => {
    const m = stickyExec(BUILDING_UNIT_ROOM, s, p);
    if (m === null) return null;
    return { length: m[0].length, values: { building: m[1], unit: m[2], room: m[3] }, rank: RANK.room };
  },
  (s, p, rank) => {
    if (rank < RANK.doorNumber) return null;
    const m = stickyExec(BUILDING_ROOM_AT_END, s, p);
    return m === null
      ? null
      : { length: m[0].length, values: { building: m[1], room: m[2] }, rank: RANK.room };
  },
  // A bare trailing number: the door after a road (工农路12), otherwise the room (2单元501).
  (s, p, rank) => {
    const m = stickyExec(BARE_NUMBER_AT_END, s, p);
    if (m === null || rank < RANK.road) return null;
    const field: AddressField = rank === RANK.road ? "doorNumber" : "room";
    return { length: m[0].length, values: { [field]: m[0] }, rank: RANK[field] };
  },
];

/**
 * The best component starting at `p` below `rank`: the shortest match, ties to the higher level.
 * Shortest wins because each lazy name rule can swallow the next component (南通市崇川区 is a
 * "district" named 南通市崇川 only if 市 were ignored).
 */
function bestMatch(text: Scan, p: number, rank: number): Match | null {
  let best: Match | null = null;
  const candidates: (Match | null)[] = [];
  NAMED_LEVELS.forEach((level, i) => {
    if (RANK[level.field] > rank) candidates.push(matchNamed(i, text, p));
  });
  for (const matcher of NUMBERED_MATCHERS) candidates.push(matcher(text.s, p, rank));
  for (const m of candidates) {
    if (m === null || m.rank <= rank) continue;
    if (best === null || m.length < best.length || (m.length === best.length && m.rank < best.rank)) best = m;
  }
  return best;
}

/** Text with no suffix, followed by a numbered component, is an estate (虹桥新村12幢, 12组5号). */
function findEstate(text: Scan, p: number, rank: number): { estate: string; next: Match; at: number } | null {
  if (rank >= RANK.estate) return null;
  const { s, nameRunEnd } = text;
  const lastStart = Math.min(s.length - 1, nameRunEnd[p] ?? p);
  for (let q = p + 1; q <= lastStart; q++) {
    // every numbered component starts with a digit or a building letter
    if (!/[0-9A-Z]/.test(s[q] ?? "")) continue;
    const next = bestMatch(text, q, RANK.estate);
    if (next !== null && next.rank > RANK.estate) return { estate: s.slice(p, q), next, at: q };
  }
  return null;
}

/**
 * Parse free address text into standard-address components. Heuristic and total: whatever it
 * cannot place ends up in `rest`, never an exception.
 */
export function parseAddress(text: string): ParsedAddress {
  const { s, remark } = prepare(text);
  const scanned = scan(s);
  const out: ParsedAddress = {};
  if (remark !== undefined) out.remark = remark;
  let p = 0;
  let rank = -1;
  while (p < s.length) {
    let m = bestMatch(scanned, p, rank);
    if (m === null) {
      const found = findEstate(scanned, p, rank);
      if (found === null) break;
      out.estate = found.estate;
      m = found.next;
      p = found.at;
    }
    Object.assign(out, m.values);
    p += m.length;
    rank = m.rank;
  }
  if (p < s.length) out.rest = s.slice(p);
  return out;
}

/**
 * Canonical key of a parsed address, for matching within one city. It is built from
 *   area:    district, else city (如皋市 may be parsed as either);
 *   above:   the township and community the text names, when the anchor is not a road: village
 *            and estate names recur across a district's townships (two towns of one county may
 *            each have a 新民村, two streets a 友谊社区 with a 阳光花园), road names do not;
 *   anchor:  the lowest named place that door plates hang off: road, else a named estate, else
 *            community, else township;
 *   estate:  when it is not the anchor and no road + door number already pins the building
 *            (a group number such as 12组 under a village);
 *   numbers: door number, building, unit, room (floor only when there is no room);
 *   rest:    the unparsed tail, so an unparsed difference never merges two addresses.
 * Province, and township/community above a road, are left out: silos omit them freely and within
 * one city they add nothing a road + door plate lacks. A text that leaves out the township of a
 * village or estate gets a key of its own (a missed match, never a wrong one); the gazetteer places
 * it. Remarks are left out. Each number is written with one fixed suffix (号, 栋, 单元, 室, 层), so
 * 3幢/3#楼/3号楼/3-… agree.
 */
export function addressKey(p: ParsedAddress): string {
  const tag = (value: string | undefined, suffix: string): string =>
    value === undefined ? "" : value + suffix;
  // An estate that starts with a digit (12组) is only a number inside its village.
  const namedEstate = p.estate !== undefined && !/^[0-9]/.test(p.estate) ? p.estate : undefined;
  const anchor = p.road ?? namedEstate ?? p.community ?? p.township;
  const pinnedByDoor = p.road !== undefined && p.doorNumber !== undefined;
  const above = p.road === undefined ? [p.township, p.community].filter((n) => n !== anchor) : [];
  return [
    p.district ?? p.city,
    ...above,
    anchor,
    p.estate === anchor || pinnedByDoor ? undefined : p.estate,
    tag(p.doorNumber, "号"),
    tag(p.building, "栋"),
    tag(p.unit, "单元"),
    p.room !== undefined ? tag(p.room, "室") : tag(p.floor, "层"),
    p.rest,
  ]
    .map((part) => part ?? "")
    .join("");
}
