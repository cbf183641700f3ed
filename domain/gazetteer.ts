// The hub's own gazetteer (地名库): free address text → the area it lies in, from the names of the
// area tree at every level, so a department needs no division codes or lookup tables of its own.
// The text is parsed into its administrative parts (domain/identifiers/address.ts) and each part
// is looked for among the areas of its level, under the area found above it. A place named under
// another province or city is outside the city. Pure: the caller gives the areas.
import type { AreaLevel } from "./area.js";
import { parseAddress } from "./identifiers/address.js";
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

/** Certainty of a placement at each level, when every part was found under the one above it. */
const LEVEL_CONFIDENCE: Readonly<Record<AreaLevel, number>> = {
  CITY: 0.4,
  DISTRICT: 0.7,
  STREET: 0.85,
  COMMUNITY: 0.95,
  GRID: 0.95,
};
/** A part found by its name alone (unique in the city), not under the part above it. */
const UNANCHORED = 0.85;

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
      return { code: null, level: null, outside: true, confidence: 0.9 };
    const city = this.find("CITY", p.city, null);
    const countyCity = !city && p.city ? this.find("DISTRICT", p.city, null) : null;
    if (p.city && !city && !countyCity) return { code: null, level: null, outside: true, confidence: 0.8 };
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
}
