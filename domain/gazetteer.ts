// The hub's own gazetteer (地名库): free address text → the area it lies in, from the names of the
// area tree at every level, and the standard address (标准地址) it is, from the standard-address
// registry, so a department needs no division codes or lookup tables of its own.
// The text is parsed into its administrative parts (domain/identifiers/address.ts) and each part
// is looked for among the areas of its level, under the area found above it. A place named under
// another province or city is outside the city. Below the areas, the door plate (road, door
// number, building, unit, room) is compared with the registry's standard addresses that lie in
// the area the text names. Pure: the caller gives the areas and the registry's candidates.
import type { AreaLevel } from "./area.js";
import { type ParsedAddress, parseAddress } from "./identifiers/address.js";
import { PROVINCE_CODES } from "./identifiers/citizen-id.js";

export interface GazetteerArea {
  code: string;
  name: string;
  level: AreaLevel;
  parentCode: string | null;
}

export interface Placement {
  /** The deepest area the text names, or null when it lies outside the city. */
  code: string | null;
  level: AreaLevel | null;
  outside: boolean;
  /** 0–1: how sure (deeper and each part found under the one above it: surer). */
  confidence: number;
}

/** Administrative suffixes: "崇川区" and "崇川" name the same district. */
const SUFFIXES = /(特别行政区|自治区|自治州|自治县|街道办事处|街道|居委会|村委会|社区|省|市|区|县|镇|乡|村)$/;
const stem = (name: string) => {
  const s = name.replace(SUFFIXES, "");
  return s.length >= 2 ? s : name;
};

/**
 * How sure the gazetteer is, 0–1, of each kind of answer. One table, so that the thresholds below
 * and the confidences reported with every placement can be read side by side.
 */
export const GAZETTEER_CONFIDENCE = {
  /** An area named at this level, every part found under the one above it. */
  area: { CITY: 0.4, DISTRICT: 0.7, STREET: 0.85, COMMUNITY: 0.95, GRID: 0.95 },
  /** Times this, for a part found by its name alone (unique in the city), not under the part above. */
  unanchored: 0.85,
  /** A province that is not the city's. */
  otherProvince: 0.9,
  /** A city that is neither ours nor one of our county-level cities. */
  otherCity: 0.8,
  /**
   * The one standard address with the same door plate in the deepest area the text names (NONE:
   * the text names no area; the city's registry is searched as a whole).
   */
  standardAddress: { NONE: 0.8, CITY: 0.85, DISTRICT: 0.92, STREET: 0.95, COMMUNITY: 0.98, GRID: 0.98 },
} as const satisfies {
  area: Record<AreaLevel, number>;
  standardAddress: Record<AreaLevel | "NONE", number>;
  [k: string]: unknown;
};

/** Below these the gazetteer's answer is no answer: the text stays unresolved, and is reported. */
export const GAZETTEER_THRESHOLDS = {
  /** An area (below it, the city as a whole is all the text says: 区划不明). */
  area: 0.6,
  /** A standard address (below it, the text is placed in its area only). */
  standardAddress: 0.85,
} as const;

const LEVEL_CONFIDENCE = GAZETTEER_CONFIDENCE.area;
const UNANCHORED = GAZETTEER_CONFIDENCE.unanchored;

/** A standard address of the registry (标准地址), as the gazetteer compares it. */
export interface StandardAddress {
  id: string;
  fullText: string;
  /** The area it lies in (its grid or community). */
  areaCode: string;
}

/** Where a free-text address lies, and which standard address it is when the gazetteer is sure. */
export interface Location extends Placement {
  /** The standard address the text is (its area is `code`), or null. */
  address: { id: string; fullText: string } | null;
  /** Why a standard address that looked alike was not taken (null when none looked alike or one was). */
  doubt: string | null;
}

/**
 * The door plate of an address: what lies below the areas (road, lane, estate under a village,
 * door number, building, unit, room), as a key under which the spellings of one plate meet —
 * full-width digits, 幢/栋/号楼/#, 室/户/房 or none, 3-1-501 shorthand, a compound named or not.
 * Read from the plate's parts (plateParts), the one reading of a plate. Null when the text has no
 * door plate (no road or place to hang numbers off, or no number).
 */
export function doorPlate(text: string): { key: string } | null {
  const p = plateParts(text);
  if (p === null) return null;
  const anchor = p.road ?? p.compound ?? p.community ?? p.township;
  if (anchor === undefined) return null;
  // a group number under a village (3组12号) is part of the plate; a compound on a road is not
  const group = p.road === undefined ? p.group : undefined;
  const numbers: [string | undefined, string][] = [
    [p.door, "号"],
    [p.building, "栋"],
    [p.unit, "单元"],
    [p.room ?? p.floor, p.room !== undefined ? "室" : "层"],
  ];
  const key = [
    anchor,
    p.lane ?? "",
    group ?? "",
    ...numbers.map(([n, suffix]) => (n === undefined ? "" : n + suffix)),
    p.rest ?? "",
  ].join("");
  return { key };
}

/**
 * The parts of a door plate, as two spellings of one home are compared part by part: the areas the
 * text names above it (district, township, community), the place its numbers hang off (road, lane, compound,
 * a village's group) and the numbers. `compound` is the named estate (小区/新村/花园), also when
 * it comes after the door number (…12号虹桥新村3幢…).
 */
export interface PlateParts {
  district?: string;
  township?: string;
  community?: string;
  road?: string;
  lane?: string;
  compound?: string;
  group?: string;
  door?: string;
  building?: string;
  unit?: string;
  floor?: string;
  room?: string;
  /** What the parser could not read: such a text agrees with nothing but its own spelling. */
  rest?: string;
}

/** A door plate's parts (plateAgreement), or null when the text names no number to find a home by. */
export function plateParts(text: string): PlateParts | null {
  const p = parseAddress(text);
  let compound = p.estate !== undefined && !/^[0-9]/.test(p.estate) ? p.estate : undefined;
  let numbers: Pick<ParsedAddress, "building" | "unit" | "floor" | "room"> = p;
  let rest = p.rest;
  if (p.rest !== undefined && p.doorNumber !== undefined) {
    const tail = parseAddress(p.rest);
    const named = tail.estate ?? tail.community;
    const tailKeys = Object.keys(tail).filter(
      (k) => !["estate", "community", "building", "unit", "floor", "room"].includes(k),
    );
    if (tailKeys.length === 0 && (named === undefined || compound === undefined)) {
      compound ??= named;
      numbers = tail;
      rest = undefined;
    }
  }
  const lane = p.estate !== undefined && /^[0-9]+弄$/.test(p.estate) ? p.estate : undefined;
  const group =
    p.estate !== undefined && /^[0-9]/.test(p.estate) && lane === undefined ? p.estate : undefined;
  if (p.doorNumber === undefined && numbers.building === undefined && numbers.room === undefined) return null;
  const parts: PlateParts = {
    district: p.district,
    township: p.township,
    community: p.community,
    road: p.road,
    lane,
    compound,
    group,
    door: p.doorNumber,
    building: numbers.building,
    unit: numbers.unit,
    floor: numbers.floor,
    room: numbers.room,
    rest,
  };
  for (const k of Object.keys(parts) as (keyof PlateParts)[]) if (parts[k] === undefined) delete parts[k];
  return parts;
}

/**
 * What a text may leave out of a door plate and still name one home, when every part it does give
 * agrees (plateAgreement). Anything else left out — the building, the room, a village's group —
 * names a building or a street, not a home.
 */
export const PLATE_OMISSIONS = {
  roadAndDoor: "the road and door number, the compound being named (阳光花园3幢… for 人民路12号阳光花园3幢…)",
  compound: "the compound's name, the road and door number being given",
  unit: "the unit (单元), the building and room being given",
} as const;
export type PlateOmission = keyof typeof PLATE_OMISSIONS;

/**
 * Whether a text's door plate (`text`) can be the home a standard address (`standard`) is: null
 * when some part both give differs, when the text gives a part the standard address lacks, or when
 * it leaves out more than PLATE_OMISSIONS allows; else what it leaves out ([] for the same plate).
 * Areas (district, township, community) count only when both name them. Says nothing about how many other
 * standard addresses the text could also be: the caller asks of each candidate.
 */
export function plateAgreement(text: PlateParts, standard: PlateParts): PlateOmission[] | null {
  if (text.rest !== undefined || standard.rest !== undefined) return null;
  const omitted: PlateOmission[] = [];
  const both = (k: keyof PlateParts) => text[k] !== undefined && standard[k] !== undefined;
  for (const k of ["district", "township", "community"] as const)
    if (both(k) && text[k] !== standard[k]) return null;
  for (const k of ["lane", "group", "building", "room"] as const) if (text[k] !== standard[k]) return null;
  if (text.room === undefined && standard.room === undefined && text.floor !== standard.floor) return null;
  if (text.unit !== standard.unit) {
    if (text.unit !== undefined) return null;
    omitted.push("unit");
  }
  if (text.road === undefined && text.door === undefined && standard.road !== undefined) {
    if (text.compound === undefined || text.compound !== standard.compound) return null;
    omitted.push("roadAndDoor");
  } else if (text.road !== standard.road || text.door !== standard.door) return null;
  if (text.compound !== standard.compound) {
    if (text.compound !== undefined || text.road === undefined || text.door === undefined) return null;
    omitted.push("compound");
  }
  // the text hangs its numbers off the same place: a road, a compound, else the same village
  const anchored =
    text.road !== undefined ||
    text.compound !== undefined ||
    (text.community !== undefined && text.community === standard.community);
  return anchored ? omitted : null;
}

export class Gazetteer {
  private readonly byStem = new Map<string, GazetteerArea[]>();
  private readonly byCode = new Map<string, GazetteerArea>();

  constructor(areas: readonly GazetteerArea[]) {
    for (const a of areas) {
      this.byCode.set(a.code, a);
      const key = `${a.level}\u0000${stem(a.name)}`;
      this.byStem.set(key, [...(this.byStem.get(key) ?? []), a]);
    }
  }

  private isUnder(area: GazetteerArea, ancestor: string): boolean {
    for (
      let a: GazetteerArea | undefined = area;
      a;
      a = a.parentCode ? this.byCode.get(a.parentCode) : undefined
    )
      if (a.code === ancestor) return true;
    return false;
  }

  /** The one area of a level with this name under `under` (any, when null); null when none or several. */
  private find(level: AreaLevel, name: string | undefined, under: string | null): GazetteerArea | null {
    if (!name) return null;
    const found = (this.byStem.get(`${level}\u0000${stem(name)}`) ?? []).filter(
      (a) => under === null || this.isUnder(a, under),
    );
    return found.length === 1 ? found[0]! : null;
  }

  /** Where a free-text address lies; null when the text names no area the tree knows. */
  place(text: string): Placement | null {
    const p = parseAddress(text);
    const cities = [...this.byCode.values()].filter((a) => a.level === "CITY");
    const provinceOf = (code: string) => PROVINCE_CODES[code.slice(0, 2)] ?? "";
    // another province, or a city that is neither ours nor one of our county-level cities
    if (p.province && !cities.some((c) => stem(p.province!) === provinceOf(c.code)))
      return { code: null, level: null, outside: true, confidence: GAZETTEER_CONFIDENCE.otherProvince };
    const city = this.find("CITY", p.city, null);
    const countyCity = !city && p.city ? this.find("DISTRICT", p.city, null) : null;
    if (p.city && !city && !countyCity)
      return { code: null, level: null, outside: true, confidence: GAZETTEER_CONFIDENCE.otherCity };
    // with one city in the tree, a text that does not name it is looked for in it
    const implicit = city ?? (cities.length === 1 ? cities[0]! : null);
    let deepest: GazetteerArea | null = city;
    let confidence = city ? LEVEL_CONFIDENCE.CITY : 0;
    let anchored = true;
    const step = (level: AreaLevel, name: string | undefined) => {
      if (!name) return;
      const under = deepest?.code ?? implicit?.code ?? null;
      let found = this.find(level, name, under);
      if (!found && under !== null) return;
      if (!found) found = this.find(level, name, null);
      if (!found) return;
      if (under === null && level !== "CITY") anchored = false;
      deepest = found;
      confidence = LEVEL_CONFIDENCE[level];
    };
    if (countyCity) {
      deepest = countyCity;
      confidence = LEVEL_CONFIDENCE.DISTRICT;
    } else step("DISTRICT", p.district);
    step("STREET", p.township);
    step("COMMUNITY", p.community);
    if (!deepest) return null;
    const area: GazetteerArea = deepest;
    return {
      code: area.code,
      level: area.level,
      outside: false,
      confidence: Math.round((anchored ? confidence : confidence * UNANCHORED) * 100) / 100,
    };
  }

  /**
   * Where a free-text address lies and which standard address it is: the one candidate with the
   * same door plate (doorPlate) that lies in the area the text names; a look-alike in another
   * area, or two alike, is no match (said in `doubt`). Null when the text names no area the tree
   * knows and no standard address is sure enough; a placement below GAZETTEER_THRESHOLDS.area is
   * no placement. `candidates` are the registry's addresses whose text the plate's pattern finds.
   */
  locate(text: string, candidates: readonly StandardAddress[]): Location | null {
    // the area the text names scopes the registry even when too vague to place it (the city)
    const named = this.place(text);
    const placed = named && (named.outside || named.confidence >= GAZETTEER_THRESHOLDS.area) ? named : null;
    const asArea = (doubt: string | null): Location | null =>
      placed ? { ...placed, address: null, doubt } : null;
    const plate = named?.outside ? null : doorPlate(text);
    if (!plate) return asArea(null);
    const alike = candidates.filter(
      (c) => doorPlate(c.fullText)?.key === plate.key && this.byCode.has(c.areaCode),
    );
    if (alike.length === 0) return asArea(null);
    const scope = named?.code ? this.byCode.get(named.code)! : null;
    const inside = scope
      ? alike.filter((c) => this.isUnder(this.byCode.get(c.areaCode)!, scope.code))
      : alike;
    if (inside.length === 0)
      return asArea(`the standard address alike (${alike[0]!.fullText}) does not lie in ${scope!.name}`);
    if (inside.length > 1)
      return asArea(
        `${inside.length} standard addresses alike${scope ? ` in ${scope.name}` : ""}: not sure which`,
      );
    const match = inside[0]!;
    const level = named?.level ?? "NONE";
    // a placement found by names alone carries its doubt into the match
    const anchoredShare = named?.level ? named.confidence / LEVEL_CONFIDENCE[named.level] : 1;
    const confidence = Math.round(GAZETTEER_CONFIDENCE.standardAddress[level] * anchoredShare * 100) / 100;
    if (confidence < GAZETTEER_THRESHOLDS.standardAddress)
      return asArea(
        `the standard address alike (${match.fullText}) is only ${confidence} sure (below ${GAZETTEER_THRESHOLDS.standardAddress})`,
      );
    const area = this.byCode.get(match.areaCode)!;
    return {
      code: area.code,
      level: area.level,
      outside: false,
      confidence,
      address: { id: match.id, fullText: match.fullText },
      doubt: null,
    };
  }
}
