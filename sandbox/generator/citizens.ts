// The true residents: households and their members, generated from (seed, household index).
// A person's citizen ID is built from the plan's ID slot, so IDs are unique without a global set:
// the slot (unique within the ID-issuing district) is scrambled into (day of birth year, sequence),
// and the birth year comes from the household's ages.
import { citizenIdCheckChar } from "../../domain/identifiers/citizen-id.js";
import { dayOf, dayOfYear, formatDate, partsOf, yearsBetween } from "./calendar.js";
import { drawHouseholdShape } from "./households.js";
import { type CityPlan, householdAddress, RESIDENCE_KINDS } from "./plan.js";
import { CITY_CLOCK } from "./presets.js";
import { Permutation, permutationKey, type Rng, streamRng, WeightedTable, weighted } from "./rng.js";
import {
  ETHNICITIES,
  type EthnicityCode,
  ethnicityByCode,
  HAN,
  type Relation,
  type ResidenceCategory,
  type Sex,
} from "./tables/codes.js";
import {
  DOT_NAMES,
  eraOf,
  GIVEN_NAMES,
  MONGOLIAN_NAMES,
  RARE_CHARACTER_SHARE,
  RARE_CHARACTERS,
  SURNAMES,
  TIBETAN_NAME_PARTS,
} from "./tables/names.js";

export interface Person {
  index: number;
  /** Internal truth key, never shown to a silo. */
  key: string;
  householdIndex: number;
  memberRank: number;
  relation: Relation;
  /** Empty for names without a surname (Uyghur, Tibetan, Mongolian). */
  surname: string;
  givenName: string;
  name: string;
  /** The rare character in the name, with its pinyin, when there is one. */
  rareCharacter: { char: string; pinyin: string } | null;
  sex: Sex;
  /** Birth day (days since 1970-01-01) and YYYY-MM-DD. */
  birthDay: number;
  birthDate: string;
  ageAsOf: number;
  ethnicity: string;
  citizenId: string;
  /** The GB 11643-1989 15-digit form, for persons born before 2000. */
  legacyId: string | null;
  /** Own mobile, or null (children, some elderly). */
  phone: string | null;
  /** What the person gives as contact number: own mobile, else the household's family phone. */
  contactPhone: string | null;
  registeredAddress: number;
  currentAddress: number;
  formerAddress: number;
  residence: ResidenceCategory;
  /** Disability grade 1 (most severe) – 4, 0 = none. */
  disability: 0 | 1 | 2 | 3 | 4;
  gridIndex: number;
}

export interface Household {
  index: number;
  key: string;
  gridIndex: number;
  members: Person[];
  currentAddress: number;
  registeredAddress: number;
  formerAddress: number;
  residence: ResidenceCategory;
  /** Day the household moved to its current address, when it moved within the city. */
  movedInDay: number | null;
  /** The number the household is reached on: the first adult's own mobile. */
  familyPhone: string | null;
}

export const personKey = (i: number) => `P${String(i).padStart(7, "0")}`;
export const householdKey = (h: number) => `H${String(h).padStart(7, "0")}`;

export function personIndexOfKey(key: string): number {
  const m = /^P(\d+)$/.exec(key);
  if (!m) throw new Error(`not a person key: ${key}`);
  return Number(m[1]);
}

/** Mobile number blocks (号段) used to make numbers look real. The hub must not rely on them. */
export const MOBILE_PREFIXES = [
  "130",
  "131",
  "132",
  "133",
  "135",
  "136",
  "137",
  "138",
  "139",
  "150",
  "151",
  "152",
  "153",
  "155",
  "156",
  "157",
  "158",
  "159",
  "166",
  "173",
  "177",
  "180",
  "181",
  "182",
  "183",
  "186",
  "187",
  "188",
  "189",
  "191",
  "198",
  "199",
] as const;

/** Share of persons with an own mobile, by age band [minAge, maxAge, share]. */
export const PHONE_OWNERSHIP: readonly (readonly [number, number, number])[] = [
  [0, 13, 0],
  [14, 17, 0.6],
  [18, 69, 0.97],
  [70, 79, 0.75],
  [80, 200, 0.4],
];

/** Disability prevalence by age band and grade weights (1 most severe). */
export const DISABILITY = {
  under60: 0.012,
  from60: 0.05,
  grades: [
    [1, 10],
    [2, 20],
    [3, 35],
    [4, 35],
  ] as const,
} as const;

const SURNAME_TABLE = weighted(SURNAMES);
const ETHNICITY_TABLE = new WeightedTable(ETHNICITIES.map((e) => ({ value: e, weight: e.weight })));
const MINORITY_TABLE = new WeightedTable(
  ETHNICITIES.filter((e) => e.code !== HAN).map((e) => ({ value: e, weight: e.weight })),
);
const DISABILITY_GRADE = weighted(DISABILITY.grades);
const SINGLE_AGE = weighted([
  ["young", 45],
  ["middle", 20],
  ["old", 35],
] as const);

const ASOF_DAY = dayOf(CITY_CLOCK.asOf);
const ASOF_YEAR = partsOf(ASOF_DAY).year;

interface MemberSpec {
  relation: Relation;
  sex: Sex;
  age: number;
  role: "head" | "spouse" | "child" | "elder";
}

const clampAge = (a: number) => Math.max(0, Math.min(104, a));

const childRelation = (sex: Sex): Relation => (sex === 1 ? "子" : "女");

function coupleWith(rng: Rng, headAge: number, headMale: boolean): MemberSpec[] {
  const husbandAge = headMale ? headAge : clampAge(headAge + rng.int(-2, 5));
  const wifeAge = headMale ? clampAge(headAge - rng.int(-2, 5)) : headAge;
  return [
    { relation: "户主", sex: headMale ? 1 : 2, age: headMale ? husbandAge : wifeAge, role: "head" },
    { relation: "配偶", sex: headMale ? 2 : 1, age: headMale ? wifeAge : husbandAge, role: "spouse" },
  ];
}

function childrenOf(rng: Rng, count: number, firstAge: number): MemberSpec[] {
  const out: MemberSpec[] = [];
  let age = firstAge;
  for (let c = 0; c < count; c++) {
    const sex: Sex = rng.chance(0.515) ? 1 : 2;
    out.push({ relation: childRelation(sex), sex, age: Math.max(0, age), role: "child" });
    age -= rng.int(2, 8);
  }
  return out;
}

/** Ages and sexes of the members, by household shape. */
function memberSpecs(rng: Rng, shape: ReturnType<typeof drawHouseholdShape>): MemberSpec[] {
  switch (shape.shape) {
    case 0: {
      const band = SINGLE_AGE.pick(rng);
      const age =
        band === "young"
          ? rng.int(20, 39)
          : band === "middle"
            ? rng.int(40, 64)
            : rng.triangular(65, 75, 100);
      return [{ relation: "户主", sex: rng.chance(band === "old" ? 0.35 : 0.55) ? 1 : 2, age, role: "head" }];
    }
    case 1:
      return coupleWith(rng, rng.triangular(22, 52, 64), rng.chance(0.8));
    case 2:
      return coupleWith(rng, rng.triangular(60, 70, 95), rng.chance(0.85));
    case 3: {
      const firstChild = rng.triangular(0, 12, 32);
      const motherAge = clampAge(firstChild + rng.int(21, 36));
      const headMale = rng.chance(0.85);
      const headAge = headMale ? clampAge(motherAge + rng.int(-2, 5)) : motherAge;
      return [...coupleWith(rng, headAge, headMale), ...childrenOf(rng, shape.children, firstChild)];
    }
    case 4: {
      const firstChild = rng.int(0, 20);
      const sex: Sex = rng.chance(0.25) ? 1 : 2;
      const head: MemberSpec = {
        relation: "户主",
        sex,
        age: clampAge(firstChild + rng.int(22, 36)),
        role: "head",
      };
      return [head, ...childrenOf(rng, shape.children, firstChild)];
    }
    case 5: {
      const firstChild = rng.triangular(0, 6, 18);
      const motherAge = clampAge(firstChild + rng.int(22, 34));
      const headMale = rng.chance(0.75);
      const couple = coupleWith(rng, headMale ? clampAge(motherAge + rng.int(-2, 5)) : motherAge, headMale);
      const headAge = couple[0]!.age;
      const fatherAge = clampAge(headAge + rng.int(24, 33));
      const motherOfHead = clampAge(fatherAge - rng.int(0, 5));
      const elders: MemberSpec[] =
        shape.elders === 2
          ? [
              { relation: "父亲", sex: 1, age: fatherAge, role: "elder" },
              { relation: "母亲", sex: 2, age: motherOfHead, role: "elder" },
            ]
          : rng.chance(0.6)
            ? [{ relation: "母亲", sex: 2, age: motherOfHead, role: "elder" }]
            : [{ relation: "父亲", sex: 1, age: fatherAge, role: "elder" }];
      return [...couple, ...childrenOf(rng, shape.children, firstChild), ...elders];
    }
  }
}

function phoneShare(age: number): number {
  for (const [lo, hi, share] of PHONE_OWNERSHIP) if (age >= lo && age <= hi) return share;
  return 0;
}

/** The first adult's own mobile (head, spouse, then the others), else anyone's. */
function familyPhoneOf(members: readonly Person[]): string | null {
  for (const m of members) if (m.ageAsOf >= 18 && m.phone) return m.phone;
  for (const m of members) if (m.phone) return m.phone;
  return null;
}

function spouseSpec(specs: readonly MemberSpec[]): MemberSpec | undefined {
  for (const s of specs) if (s.role === "spouse") return s;
  return undefined;
}

/** Share of two-character given names composed from two names of the pool (more variety). */
const COMPOSED_NAME_SHARE = 0.5;

function givenNameFor(rng: Rng, sex: Sex, birthYear: number): string {
  const pool = GIVEN_NAMES[eraOf(birthYear)][sex];
  if (rng.chance(pool.singleShare)) return rng.pick(pool.single);
  const name = rng.pick(pool.double);
  if (!rng.chance(COMPOSED_NAME_SHARE)) return name;
  const second = rng.pick(pool.double).slice(1, 2);
  return second === name.slice(0, 1) ? name : `${name.slice(0, 1)}${second}`;
}

export interface PersonFactory {
  household(h: number): Household;
}

/** Builds households for a plan; holds the per-city permutations used for unique numbers. */
export function createPersonFactory(plan: CityPlan): PersonFactory {
  const phoneTails = new Permutation(100_000_000, permutationKey(plan.base, "phoneTails"));
  const districtCodes = plan.districts.map((d) => d.code);

  function household(h: number): Household {
    if (!(h >= 0 && h < plan.householdCount)) throw new Error(`no household ${h}`);
    const rng = streamRng(plan.base, "household", h);
    const shape = drawHouseholdShape(rng);
    const specs = memberSpecs(rng, shape);
    const gridIndex = plan.hhGrid[h]!;
    const first = plan.hhStart[h]!;
    const currentAddress = householdAddress(plan.gridAddrStart, plan.gridHhStart, gridIndex, h);
    const residenceKind = plan.hhResidence[h]!;
    const residence = RESIDENCE_KINDS[residenceKind]!.category;
    const registeredAddress = plan.hhRegisteredAddress[h]!;
    const formerAddress = plan.hhFormerAddress[h]!;
    const movedInDay = formerAddress >= 0 ? ASOF_DAY - rng.int(20, 3650) : null;

    // ethnicity: the head's, the spouse's (usually Han when the head is), the children's
    const headEthnicity = ETHNICITY_TABLE.pick(rng);
    const spouseEthnicity: EthnicityCode =
      headEthnicity.code === HAN
        ? rng.chance(0.004)
          ? MINORITY_TABLE.pick(rng)
          : headEthnicity
        : rng.chance(0.7)
          ? headEthnicity
          : ethnicityByCode(HAN);
    const minorityParent = headEthnicity.code !== HAN ? headEthnicity : spouseEthnicity;

    // surnames: the husband's line for children (sometimes the mother's)
    const headSurname = SURNAME_TABLE.pick(rng);
    const spouseSurname = SURNAME_TABLE.pick(rng);
    const head = specs[0]!;
    const spouse = spouseSpec(specs);
    const fatherSurname = head.sex === 1 || !spouse ? headSurname : spouseSurname;
    const motherSurname = head.sex === 2 ? headSurname : spouseSurname;
    const singleParentOther = SURNAME_TABLE.pick(rng);
    const childSurname =
      shape.shape === 4 && head.sex === 2
        ? rng.chance(0.3)
          ? headSurname
          : singleParentOther
        : rng.chance(0.92)
          ? fatherSurname
          : motherSurname;
    const elderFatherSurname = headSurname;
    const elderMotherSurname = SURNAME_TABLE.pick(rng);

    const members: Person[] = [];
    let fatherGiven: string | null = null;
    for (const [rank, spec] of specs.entries()) {
      const index = first + rank;
      const ethnicity =
        spec.role === "head" || spec.role === "elder"
          ? headEthnicity
          : spec.role === "spouse"
            ? spouseEthnicity
            : minorityParent;
      const surname =
        spec.role === "head"
          ? headSurname
          : spec.role === "spouse"
            ? spouseSurname
            : spec.role === "child"
              ? childSurname
              : spec.sex === 1
                ? elderFatherSurname
                : elderMotherSurname;

      // birth date and citizen ID from the ID slot
      const districtIndex = plan.hhIdDistrict[h]!;
      const slot = plan.hhIdRank[h]! + rank;
      const p = plan.idSlotPermutations[districtIndex]!.apply(slot);
      const doy = p % 365;
      const rest = Math.floor(p / 365);
      const seq = `${String(rest % 100).padStart(2, "0")}${2 * Math.floor(rest / 100) + (spec.sex === 1 ? 1 : 0)}`;
      let birthDay = dayOfYear(ASOF_YEAR - spec.age, doy);
      if (birthDay > ASOF_DAY) birthDay = dayOfYear(ASOF_YEAR - spec.age - 1, doy);
      const birthDate = formatDate(birthDay, "iso");
      const compact = formatDate(birthDay, "compact");
      const addressCode = districtCodes[districtIndex]!;
      const first17 = `${addressCode}${compact}${seq}`;
      const citizenId = first17 + citizenIdCheckChar(first17);
      const birthYear = partsOf(birthDay).year;
      const legacyId = birthYear < 2000 ? `${addressCode}${compact.slice(2)}${seq}` : null;

      // name
      let givenName: string;
      let personSurname = surname;
      let name: string;
      let rareCharacter: Person["rareCharacter"] = null;
      switch (ethnicity.nameStyle) {
        case "dot": {
          givenName = rng.pick(DOT_NAMES[spec.sex]);
          const father = spec.role === "child" && fatherGiven ? fatherGiven : rng.pick(DOT_NAMES[1]);
          personSurname = "";
          name = `${givenName}·${father}`;
          break;
        }
        case "tibetan": {
          givenName = `${rng.pick(TIBETAN_NAME_PARTS[1])}${rng.pick(TIBETAN_NAME_PARTS[spec.sex])}`;
          personSurname = "";
          name = givenName;
          break;
        }
        case "mongolian": {
          if (rng.chance(0.5)) {
            givenName = rng.pick(MONGOLIAN_NAMES[spec.sex]);
            personSurname = "";
            name = givenName;
            break;
          }
          givenName = givenNameFor(rng, spec.sex, birthYear);
          name = surname + givenName;
          break;
        }
        default: {
          givenName = givenNameFor(rng, spec.sex, birthYear);
          if (rng.chance(RARE_CHARACTER_SHARE)) {
            const [char, pinyin] = rng.pick(RARE_CHARACTERS);
            givenName = givenName.length === 1 ? char : `${givenName.slice(0, 1)}${char}`;
            rareCharacter = { char, pinyin };
          }
          name = surname + givenName;
        }
      }
      if (
        spec.sex === 1 &&
        (spec.role === "head" || spec.role === "spouse") &&
        ethnicity.nameStyle === "dot"
      ) {
        fatherGiven = givenName;
      }

      // phone
      const ageAsOf = yearsBetween(birthDay, ASOF_DAY);
      const prefix = rng.pick(MOBILE_PREFIXES);
      const phone = rng.chance(phoneShare(ageAsOf))
        ? `${prefix}${String(phoneTails.apply(index)).padStart(8, "0")}`
        : null;

      const disabled = rng.chance(ageAsOf >= 60 ? DISABILITY.from60 : DISABILITY.under60);
      const disability = disabled ? DISABILITY_GRADE.pick(rng) : 0;

      members.push({
        index,
        key: personKey(index),
        householdIndex: h,
        memberRank: rank,
        relation: spec.relation,
        surname: personSurname,
        givenName,
        name,
        rareCharacter,
        sex: spec.sex,
        birthDay,
        birthDate,
        ageAsOf,
        ethnicity: ethnicity.code,
        citizenId,
        legacyId,
        phone,
        contactPhone: phone,
        registeredAddress,
        currentAddress,
        formerAddress,
        residence,
        disability,
        gridIndex,
      });
    }

    const familyPhone = familyPhoneOf(members);
    for (const m of members) if (!m.phone) m.contactPhone = familyPhone;

    return {
      index: h,
      key: householdKey(h),
      gridIndex,
      members,
      currentAddress,
      registeredAddress,
      formerAddress,
      residence,
      movedInDay,
      familyPhone,
    };
  }

  return { household };
}
