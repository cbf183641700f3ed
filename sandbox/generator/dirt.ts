// Dirt: how real department data differs from the truth, at rates declared in one table.
//
// Kinds that exclude each other share a group and one uniform draw u per reference: the group's
// kinds own consecutive segments of [0, 1) of their rate's length, in table order, and a kind is
// applied when u falls in its segment AND the reference is eligible for it (a lower-case x needs
// an ID ending in X; a legacy 15-digit ID needs a birth before 1985 ...). So for every kind,
// P(applied | eligible) is exactly its rate in the table, whatever the other kinds do.
// Draws come from a stream of their own (per record), so dirt never shifts the content streams.
import type { Household, Person } from "./citizens.js";
import type { Rng } from "./rng.js";
import { HONORIFICS, homophonesOf, LOOKALIKES } from "./tables/names.js";

export const SILOS = ["publicSecurity", "civilAffairs", "hotline", "petition", "grid"] as const;
export type Silo = (typeof SILOS)[number];

export const DIRT_GROUPS = [
  "idPresence",
  "idForm",
  "namePresence",
  "nameForm",
  "nameRare",
  "phoneForm",
  "sexPresence",
  "sexForm",
  "address",
  "record",
] as const;
export type DirtGroup = (typeof DIRT_GROUPS)[number];

export interface DirtRule {
  kind: string;
  group: DirtGroup;
  description: string;
  /** Who can get it (the rate is per eligible reference). */
  eligible: string;
  rates: Readonly<Record<Silo, number>>;
}

const r = (
  publicSecurity: number,
  civilAffairs: number,
  hotline: number,
  petition: number,
  grid: number,
) => ({
  publicSecurity,
  civilAffairs,
  hotline,
  petition,
  grid,
});

/**
 * The dirt table. Columns: public security, civil affairs, 12345 hotline, petitions, grid.
 * Rates are per eligible person reference (or per record for "duplicate").
 */
export const DIRT_TABLE = [
  {
    kind: "idMissing",
    group: "idPresence",
    description: "no citizen ID recorded",
    eligible: "every person reference",
    rates: r(0, 0.01, 0.7, 0.3, 0.05),
  },
  {
    kind: "idLegacy15",
    group: "idForm",
    description: "legacy 15-digit ID (GB 11643-1989)",
    eligible: "ID present, born before 1985",
    rates: r(0.002, 0.05, 0.03, 0.05, 0.02),
  },
  {
    kind: "idLowerX",
    group: "idForm",
    description: "check char written as lower-case x",
    eligible: "ID present, check char X",
    rates: r(0.03, 0.3, 0.4, 0.3, 0.3),
  },
  {
    kind: "idFullWidth",
    group: "idForm",
    description: "full-width digits (全角)",
    eligible: "ID present",
    rates: r(0, 0.02, 0.03, 0.04, 0.01),
  },
  {
    kind: "idSpaces",
    group: "idForm",
    description: "stray spaces around or inside the ID",
    eligible: "ID present",
    rates: r(0, 0.03, 0.04, 0.03, 0.02),
  },
  {
    kind: "idBadCheck",
    group: "idForm",
    description: "wrong check char (typing slip)",
    eligible: "ID present",
    rates: r(0.0005, 0.01, 0.02, 0.02, 0.01),
  },
  {
    kind: "nameMissing",
    group: "namePresence",
    description: "anonymous: no name given",
    eligible: "every person reference",
    rates: r(0, 0, 0.05, 0, 0),
  },
  {
    kind: "nameHonorific",
    group: "namePresence",
    description: "surname + 先生/女士 only",
    eligible: "names with a surname",
    rates: r(0, 0, 0.3, 0, 0),
  },
  {
    kind: "nameHomophone",
    group: "nameForm",
    description: "a given-name character swapped for a same-pinyin one",
    eligible: "full name given, a given-name character with known homophones",
    rates: r(0.002, 0.01, 0.05, 0.02, 0.02),
  },
  {
    kind: "nameTypo",
    group: "nameForm",
    description: "look-alike character (形近字) or the two given-name characters transposed",
    eligible: "full name given, a look-alike character or two different given-name characters",
    rates: r(0.001, 0.01, 0.01, 0.01, 0.01),
  },
  {
    kind: "nameSpaces",
    group: "nameForm",
    description: "stray (half- or full-width) space in the name",
    eligible: "full name given, with a surname",
    rates: r(0, 0.01, 0.01, 0.02, 0.01),
  },
  {
    kind: "nameDot",
    group: "nameForm",
    description: "the name dot · written as . or • or omitted",
    eligible: "full name given, containing ·",
    rates: r(0, 0.3, 0.5, 0.3, 0.3),
  },
  {
    kind: "rareCharSubstitute",
    group: "nameRare",
    description: "rare character replaced by its pinyin or ?",
    eligible: "full name given, containing a rare character",
    rates: r(0.1, 0.6, 0.8, 0.5, 0.5),
  },
  {
    kind: "familyPhone",
    group: "phoneForm",
    description: "another family member's mobile instead of the person's own",
    eligible: "person has an own mobile and another member of the household has a different one",
    rates: r(0.01, 0.15, 0.08, 0.1, 0.05),
  },
  {
    kind: "phoneFormat",
    group: "phoneForm",
    description: "+86 / 0086 prefix, dashes or spaces in the mobile",
    eligible: "a phone is given",
    rates: r(0, 0.05, 0.02, 0.05, 0.03),
  },
  {
    kind: "sexMissing",
    group: "sexPresence",
    description: "the sex of a caller or party (来电人性别, 报警人性别) left blank",
    eligible: "a silo that writes down the sex of someone it heard or met, the name given no 先生/女士",
    rates: r(0.05, 0, 0.1, 0, 0),
  },
  {
    kind: "sexMisjudged",
    group: "sexForm",
    description: "the other sex written down (a voice on the phone misjudged)",
    eligible: "sex written down, the name given no 先生/女士",
    rates: r(0.005, 0, 0.01, 0, 0),
  },
  {
    kind: "staleAddress",
    group: "address",
    description: "the person's former address instead of the current one",
    eligible: "record carries the person's current address and the household has a former address",
    rates: r(0.03, 0.25, 0, 0.15, 0.1),
  },
  {
    kind: "duplicate",
    group: "record",
    description: "the same submission recorded twice under another source key",
    eligible: "every organic hotline order / petition",
    rates: r(0, 0, 0.04, 0.05, 0),
  },
] as const satisfies readonly DirtRule[];

export type DirtKind = (typeof DIRT_TABLE)[number]["kind"];
export const DIRT_KINDS: readonly DirtKind[] = DIRT_TABLE.map((d) => d.kind);

export function dirtRate(kind: DirtKind, silo: Silo): number {
  return DIRT_TABLE.find((d) => d.kind === kind)!.rates[silo];
}

for (const silo of SILOS) {
  for (const group of DIRT_GROUPS) {
    const sum = DIRT_TABLE.filter((d) => d.group === group).reduce((s, d) => s + d.rates[silo], 0);
    if (sum > 1) throw new Error(`dirt table: group ${group} sums to ${sum} > 1 for ${silo}`);
  }
}

export interface AppliedDirt {
  field: string;
  kind: DirtKind;
  /** What the clean value was, when useful to explain the dirt. */
  note?: string;
}

/** Per-record dirt bookkeeping: what was applied, and which kinds the record was eligible for. */
export class DirtLog {
  readonly applied: AppliedDirt[] = [];
  readonly eligible: DirtKind[] = [];

  constructor(
    readonly silo: Silo,
    readonly rng: Rng,
  ) {}

  /**
   * One draw for a group; returns the kind to apply (eligible and drawn) or null. Every kind the
   * reference is eligible for is tallied.
   */
  draw(group: DirtGroup, isEligible: (kind: DirtKind) => boolean): DirtKind | null {
    const u = this.rng.float();
    let lo = 0;
    let chosen: DirtKind | null = null;
    for (const rule of DIRT_TABLE) {
      if (rule.group !== group) continue;
      const rate = rule.rates[this.silo];
      if (rate > 0 && isEligible(rule.kind)) {
        this.eligible.push(rule.kind);
        if (u >= lo && u < lo + rate) chosen = rule.kind;
      }
      lo += rate;
    }
    return chosen;
  }

  record(field: string, kind: DirtKind, note?: string): void {
    this.applied.push(note === undefined ? { field, kind } : { field, kind, note });
  }
}

const FULL_WIDTH_OFFSET = 0xfee0;
const toFullWidth = (s: string) =>
  s.replace(/[0-9X]/g, (c) => String.fromCharCode(c.charCodeAt(0) + FULL_WIDTH_OFFSET));

/** The citizen ID as this silo holds it (null when missing). */
export function idAsSeen(log: DirtLog, person: Person, field: string): string | null {
  if (log.draw("idPresence", () => true) === "idMissing") {
    log.record(field, "idMissing");
    return null;
  }
  const id = person.citizenId;
  const kind = log.draw("idForm", (k) => {
    if (k === "idLegacy15") return person.legacyId !== null && person.birthDay < LEGACY_BIRTH_LIMIT;
    if (k === "idLowerX") return id.endsWith("X");
    return true;
  });
  if (kind === null) return id;
  log.record(field, kind);
  const rng = log.rng;
  switch (kind) {
    case "idLegacy15":
      return person.legacyId!;
    case "idLowerX":
      return `${id.slice(0, 17)}x`;
    case "idFullWidth":
      return toFullWidth(id);
    case "idSpaces": {
      const v = rng.int(0, 3);
      if (v === 0) return ` ${id}`;
      if (v === 1) return `${id} `;
      if (v === 2) return `${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14)}`;
      return `${id.slice(0, 10)} ${id.slice(10)}`;
    }
    case "idBadCheck": {
      const symbols = "0123456789X".replace(id[17]!, "");
      return id.slice(0, 17) + symbols[rng.int(0, symbols.length - 1)];
    }
    default:
      return id;
  }
}

/** Birth day (days since 1970) before which a person may still carry a 15-digit ID: 1985-01-01. */
export const LEGACY_BIRTH_LIMIT = Math.floor(Date.UTC(1985, 0, 1) / 86_400_000);

function homophoneSwap(person: Person, rng: Rng): string | null {
  const given = [...person.givenName];
  const positions = given.map((c, i) => (homophonesOf(c).length > 0 ? i : -1)).filter((i) => i >= 0);
  if (positions.length === 0) return null;
  const pos = rng.pick(positions);
  const next = [...given];
  next[pos] = rng.pick(homophonesOf(given[pos]!));
  return rebuildName(person, next.join(""));
}

function rebuildName(person: Person, given: string): string {
  return person.name.startsWith(person.surname) && person.surname !== ""
    ? person.surname + given
    : person.name.replace(person.givenName, given);
}

function typoCandidates(person: Person): { lookalike: number[]; transpose: boolean } {
  const chars = [...person.name];
  const lookalike = chars.map((c, i) => (LOOKALIKES[c] ? i : -1)).filter((i) => i >= 0);
  const given = [...person.givenName];
  const transpose = person.surname !== "" && given.length === 2 && given[0] !== given[1];
  return { lookalike, transpose };
}

/** Options for how a silo takes names. */
export interface NameOptions {
  /** The silo may record callers as 张先生 / anonymous (12345). */
  spoken?: boolean;
}

/** The name as this silo holds it (null when anonymous). */
export function nameAsSeen(
  log: DirtLog,
  person: Person,
  field: string,
  options: NameOptions = {},
): string | null {
  const rng = log.rng;
  if (options.spoken) {
    const presence = log.draw("namePresence", (k) => (k === "nameHonorific" ? person.surname !== "" : true));
    if (presence === "nameMissing") {
      log.record(field, "nameMissing");
      return null;
    }
    if (presence === "nameHonorific") {
      log.record(field, "nameHonorific");
      return `${person.surname}${HONORIFICS[person.sex]}`;
    }
  }
  let name = person.name;
  const typo = typoCandidates(person);
  const form = log.draw("nameForm", (k) => {
    switch (k) {
      case "nameHomophone":
        return [...person.givenName].some((c) => homophonesOf(c).length > 0);
      case "nameTypo":
        return typo.lookalike.length > 0 || typo.transpose;
      case "nameSpaces":
        return person.surname !== "";
      case "nameDot":
        return person.name.includes("·");
      default:
        return false;
    }
  });
  switch (form) {
    case "nameHomophone":
      name = homophoneSwap(person, rng) ?? name;
      break;
    case "nameTypo": {
      if (typo.lookalike.length > 0 && (!typo.transpose || rng.chance(0.5))) {
        const chars = [...name];
        const pos = rng.pick(typo.lookalike);
        chars[pos] = LOOKALIKES[chars[pos]!]!;
        name = chars.join("");
      } else {
        const g = [...person.givenName];
        name = person.surname + g[1] + g[0];
      }
      break;
    }
    case "nameSpaces": {
      const v = rng.int(0, 2);
      name =
        v === 0
          ? `${person.surname} ${name.slice(person.surname.length)}`
          : v === 1
            ? `${person.surname}\u3000${name.slice(person.surname.length)}`
            : `${name} `;
      break;
    }
    case "nameDot":
      name = name.replace("·", rng.pick([".", "•", "．", ""]));
      break;
    default:
      break;
  }
  if (form) log.record(field, form, person.name);
  if (person.rareCharacter) {
    const rare = person.rareCharacter;
    if (log.draw("nameRare", (k) => k === "rareCharSubstitute") === "rareCharSubstitute") {
      name = name.replace(rare.char, rng.chance(0.5) ? rare.pinyin : "?");
      log.record(field, "rareCharSubstitute", person.name);
    }
  }
  return name;
}

/** The mobile as this silo holds it: the contact phone, maybe a relative's, maybe oddly formatted. */
export function phoneAsSeen(
  log: DirtLog,
  person: Person,
  household: Household,
  field: string,
): string | null {
  const others = household.members.filter(
    (m) => m.index !== person.index && m.phone && m.phone !== person.phone,
  );
  let phone = person.contactPhone;
  const kind = log.draw("phoneForm", (k) =>
    k === "familyPhone" ? person.phone !== null && others.length > 0 : phone !== null,
  );
  if (kind === "familyPhone") {
    phone = log.rng.pick(others).phone;
    log.record(field, "familyPhone", person.phone ?? undefined);
  } else if (kind === "phoneFormat" && phone) {
    const p = phone;
    const v = log.rng.int(0, 3);
    phone =
      v === 0
        ? `+86 ${p}`
        : v === 1
          ? `${p.slice(0, 3)}-${p.slice(3, 7)}-${p.slice(7)}`
          : v === 2
            ? `0086${p}`
            : `${p.slice(0, 3)} ${p.slice(3, 7)} ${p.slice(7)}`;
    log.record(field, "phoneFormat");
  }
  return phone;
}

/**
 * The sex a silo writes down for someone it heard or met (12345's 来电人性别, 110's 报警人性别 and
 * 涉事人员性别): 1 male, 2 female, null when left blank. A caller who gave "王先生" was written
 * down by the same ear, so the form of address and the sex agree.
 */
export function sexAsSeen(
  log: DirtLog,
  person: Person,
  field: string,
  nameGiven: string | null,
): 1 | 2 | null {
  for (const sex of [1, 2] as const)
    if (person.surname !== "" && nameGiven === `${person.surname}${HONORIFICS[sex]}`) return sex;
  if (log.draw("sexPresence", () => true) === "sexMissing") {
    log.record(field, "sexMissing");
    return null;
  }
  if (log.draw("sexForm", () => true) === "sexMisjudged") {
    log.record(field, "sexMisjudged");
    return person.sex === 1 ? 2 : 1;
  }
  return person.sex;
}

/** The address index a silo holds as the person's current address (maybe the former one). */
export function currentAddressAsSeen(log: DirtLog, person: Person, field: string): number {
  const kind = log.draw("address", () => person.formerAddress >= 0);
  if (kind === "staleAddress") {
    log.record(field, "staleAddress");
    return person.formerAddress;
  }
  return person.currentAddress;
}

/** Whether this record is submitted twice. */
export function isDuplicated(log: DirtLog): boolean {
  return log.draw("record", () => true) === "duplicate";
}
