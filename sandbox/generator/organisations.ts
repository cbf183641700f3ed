// Organisations: social organisations registered with civil affairs (统一社会信用代码 "5…") and
// companies / sole traders registered with market regulation ("9…"). Derived from (seed, index).
// Codes and names are unique by construction: both come from a keyed bijection of the index.
import { orgCodeCheckChar, USCC_ALPHABET, usccCheckChar } from "../../domain/identifiers/uscc.js";
import { DEMO_CITY } from "../city/areas.js";
import { dayFromParts } from "./calendar.js";
import type { Person } from "./citizens.js";
import { type CityPlan, gridOfAddress } from "./plan.js";
import { Permutation, permutationKey, type Rng, streamRng, WeightedTable, weighted } from "./rng.js";
import { COMPANY_TYPES, SOCIAL_ORG_TYPES } from "./tables/codes.js";
import { BRAND_CHARS, BUSINESS_SUPERVISORS, INDUSTRIES, SOCIAL_ORG_STEMS } from "./tables/places.js";

export type OrganisationKind = "socialOrg" | "company";

export interface Organisation {
  index: number;
  key: string;
  kind: OrganisationKind;
  uscc: string;
  name: string;
  /** 社会团体 / 民办非企业单位 / 基金会 / 企业 / 个体工商户 */
  orgType: string;
  /** Person index of the legal representative (法定代表人 / 经营者). */
  legalRepresentative: number;
  addressIndex: number;
  /** Division code of the registering authority (USCC pos 3–8). */
  divisionCode: string;
  registrationAuthority: string;
  registeredDay: number;
  status: string;
  phone: string;
  /** 注册资金 / 注册资本, 万元. */
  registeredCapital: number;
  /** 业务主管单位 (social organisations only). */
  businessSupervisor: string | null;
  industry: string | null;
}

export const organisationKey = (k: number) => `O${String(k).padStart(6, "0")}`;

export function organisationIndexOfKey(key: string): number {
  const m = /^O(\d+)$/.exec(key);
  if (!m) throw new Error(`not an organisation key: ${key}`);
  return Number(m[1]);
}

export interface OrganisationCounts {
  socialOrganisations: number;
  companies: number;
}

export interface OrganisationFactory {
  count: number;
  socialCount: number;
  organisation(k: number): Organisation;
  /** A random company (for complaints and labour disputes). */
  randomCompany(rng: Rng): Organisation;
}

const SOCIAL_TYPE_TABLE = new WeightedTable(SOCIAL_ORG_TYPES.map((t) => ({ value: t, weight: t.weight })));
const COMPANY_TYPE_TABLE = new WeightedTable(COMPANY_TYPES.map((t) => ({ value: t, weight: t.weight })));
const SOCIAL_STATUS = weighted([
  ["正常", 92],
  ["注销", 5],
  ["撤销", 3],
] as const);
const COMPANY_STATUS = weighted([
  ["存续", 90],
  ["注销", 7],
  ["吊销", 3],
] as const);
const COMPANY_PREFIXES = ["南通", "江苏", "南通市"] as const;
const BRAND_PAIRS = BRAND_CHARS.length * (BRAND_CHARS.length - 1);

export function createOrganisationFactory(
  plan: CityPlan,
  counts: OrganisationCounts,
  randomAdult: (rng: Rng, minAge: number, maxAge: number) => Person,
): OrganisationFactory {
  const streets = plan.tree.filter((a) => a.level === "STREET");
  const gridsByStreet = new Map<string, number[]>();
  for (const g of plan.grids) {
    const list = gridsByStreet.get(g.street.code) ?? [];
    list.push(g.index);
    gridsByStreet.set(g.street.code, list);
  }
  const stems = SOCIAL_ORG_STEMS.length;
  const socialCapacity = stems + streets.length * stems;
  const companyCapacity = BRAND_PAIRS * INDUSTRIES.length * COMPANY_PREFIXES.length;
  if (counts.socialOrganisations > socialCapacity)
    throw new Error(`at most ${socialCapacity} social organisations`);
  if (counts.companies > companyCapacity) throw new Error(`at most ${companyCapacity} companies`);
  const socialNames = new Permutation(
    Math.max(1, counts.socialOrganisations),
    permutationKey(plan.base, "socialNames"),
  );
  const companyNames = new Permutation(
    Math.max(1, counts.companies),
    permutationKey(plan.base, "companyNames"),
  );
  const socialCodes = new Permutation(10_000_000, permutationKey(plan.base, "socialCodes"));
  const companyCodes = new Permutation(31 ** 6, permutationKey(plan.base, "companyCodes"));

  const randomAddressInGrids = (rng: Rng, grids: readonly number[]) => {
    const g = rng.pick(grids);
    return rng.int(plan.gridAddrStart[g]!, plan.gridAddrStart[g + 1]! - 1);
  };
  const uscc = (authority: string, type: string, division: string, body8: string) => {
    const first17 = `${authority}${type}${division}${body8}${orgCodeCheckChar(body8)}`;
    return first17 + usccCheckChar(first17);
  };
  const landline = (rng: Rng) => `0513-8${rng.digits(7)}`;

  function social(k: number): Organisation {
    const rng = streamRng(plan.base, "socialOrg", k);
    const type = SOCIAL_TYPE_TABLE.pick(rng);
    const u = socialNames.apply(k);
    let name: string;
    let divisionCode: string;
    let authority: string;
    let addressIndex: number;
    if (u < stems) {
      name = `${DEMO_CITY.name}${SOCIAL_ORG_STEMS[u]}${rng.pick(type.suffixes)}`;
      divisionCode = DEMO_CITY.code;
      authority = `${DEMO_CITY.name}民政局`;
      addressIndex = rng.int(0, plan.addressCount - 1);
    } else {
      const v = u - stems;
      const street = streets[v % streets.length]!;
      const district = plan.areaByCode.get(street.parentCode!)!;
      name = `${district.name}${street.name}${SOCIAL_ORG_STEMS[Math.floor(v / streets.length)]}${rng.pick(type.suffixes)}`;
      divisionCode = district.code;
      authority = `${district.name}民政局`;
      addressIndex = randomAddressInGrids(rng, gridsByStreet.get(street.code)!);
    }
    const body8 = `5${String(socialCodes.apply(k)).padStart(7, "0")}`;
    const registeredDay = dayFromParts(2000, 1, 1) + rng.int(0, 25 * 365);
    const rep = randomAdult(rng, 30, 75);
    const capital = type.type === "基金会" ? rng.int(200, 2000) : rng.int(3, 50);
    return {
      index: k,
      key: organisationKey(k),
      kind: "socialOrg",
      uscc: uscc("5", type.code, divisionCode, body8),
      name,
      orgType: type.type,
      legalRepresentative: rep.index,
      addressIndex,
      divisionCode,
      registrationAuthority: authority,
      registeredDay,
      status: SOCIAL_STATUS.pick(rng),
      phone: rng.chance(0.6) ? landline(rng) : (rep.contactPhone ?? landline(rng)),
      registeredCapital: capital,
      businessSupervisor: rng.pick(BUSINESS_SUPERVISORS),
      industry: null,
    };
  }

  function company(k: number): Organisation {
    const local = k - counts.socialOrganisations;
    const rng = streamRng(plan.base, "company", local);
    const type = COMPANY_TYPE_TABLE.pick(rng);
    const u = companyNames.apply(local);
    const pair = u % BRAND_PAIRS;
    const b1 = Math.floor(pair / (BRAND_CHARS.length - 1));
    const b2raw = pair % (BRAND_CHARS.length - 1);
    const brand = `${BRAND_CHARS[b1]}${BRAND_CHARS[b2raw >= b1 ? b2raw + 1 : b2raw]}`;
    const rest = Math.floor(u / BRAND_PAIRS);
    const industry = INDUSTRIES[rest % INDUSTRIES.length]!;
    const variant = Math.floor(rest / INDUSTRIES.length);
    const addressIndex = rng.int(0, plan.addressCount - 1);
    const grid = plan.grids[gridOfAddress(plan, addressIndex)]!;
    const name =
      type.code === "1"
        ? `${COMPANY_PREFIXES[variant]}${brand}${industry}${type.suffixes[variant]}`
        : `南通市${grid.district.name}${brand}${industry}${type.suffixes[variant]}`;
    let code = companyCodes.apply(local);
    let body6 = "";
    for (let i = 0; i < 6; i++) {
      body6 = USCC_ALPHABET[code % 31] + body6;
      code = Math.floor(code / 31);
    }
    const rep = randomAdult(rng, 22, 70);
    const registeredDay = dayFromParts(1995, 1, 1) + rng.int(0, 30 * 365);
    return {
      index: k,
      key: organisationKey(k),
      kind: "company",
      uscc: uscc("9", type.code, grid.district.code, `MA${body6}`),
      name,
      orgType: type.type,
      legalRepresentative: rep.index,
      addressIndex,
      divisionCode: grid.district.code,
      registrationAuthority: `${grid.district.name}市场监督管理局`,
      registeredDay,
      status: COMPANY_STATUS.pick(rng),
      phone: type.code === "2" ? (rep.contactPhone ?? landline(rng)) : landline(rng),
      registeredCapital: type.code === "2" ? rng.int(1, 20) : rng.pick([50, 100, 200, 500, 1000, 3000]),
      businessSupervisor: null,
      industry,
    };
  }

  const count = counts.socialOrganisations + counts.companies;
  function organisation(k: number): Organisation {
    if (!(k >= 0 && k < count)) throw new Error(`no organisation ${k}`);
    return k < counts.socialOrganisations ? social(k) : company(k);
  }

  return {
    count,
    socialCount: counts.socialOrganisations,
    organisation,
    randomCompany: (rng) => company(counts.socialOrganisations + rng.int(0, counts.companies - 1)),
  };
}
