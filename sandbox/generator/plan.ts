// The city plan: the only thing built up front. It places households in grids and addresses, and
// hands out identifier slots, in compact typed arrays (a few bytes per household), so that person
// i, address a or household h can then be generated on its own from (seed, index).
//
// Layout: grids in area-tree order; each grid owns a contiguous range of households, and each
// household a contiguous range of persons. Each grid also owns a contiguous range of standard
// addresses (a few more than households: vacant flats).
import { buildDemoAreaTree, DEMO_COUNTIES, type DemoArea } from "../city/areas.js";
import { drawHouseholdShape } from "./households.js";
import type { ResolvedOptions } from "./presets.js";
import { hashSeed, Permutation, permutationKey, type SeedState, streamRng, weighted } from "./rng.js";
import { BUILDING_LAYOUTS, DISTRICT_CENTRES, ROAD_NAMES, VILLAGE_HOUSES_PER_GROUP } from "./tables/places.js";

/** Where a household is registered relative to where it lives (户籍 vs 居住). */
export const RESIDENCE_KINDS = [
  { kind: 0, category: "户籍人口", weight: 80, description: "lives at its registered address" },
  {
    kind: 1,
    category: "常住人口",
    weight: 8,
    description: "人户分离: registered elsewhere in the same district",
  },
  { kind: 2, category: "流动人口", weight: 12, description: "registered in another district of the city" },
] as const;

/** Share of 户籍 households that moved (and moved their registration) at some point: a former address. */
export const FORMER_ADDRESS_SHARE = 0.2;

/** Share of households whose ID numbers were first issued in another district than the registered one. */
export const ID_ISSUED_ELSEWHERE_SHARE = 0.05;

/** Citizen-ID slots per district: 365 birth days of a year × 500 sequence numbers per sex. */
export const ID_SLOTS_PER_DISTRICT = 365 * 500;

export interface UrbanLayout {
  kind: "urban";
  roads: readonly [string, string];
  unitsPerBuilding: number;
  floors: number;
  roomsPerFloor: number;
  buildingsPerCompound: number;
}

export interface RuralLayout {
  kind: "rural";
  housesPerGroup: number;
  /** Village group (组) number of this grid's first group. */
  firstGroup: number;
}

export interface GridInfo {
  index: number;
  code: string;
  name: string;
  community: DemoArea;
  street: DemoArea;
  district: DemoArea;
  districtIndex: number;
  urban: boolean;
  layout: UrbanLayout | RuralLayout;
  centre: readonly [number, number];
}

export interface CityPlan {
  options: ResolvedOptions;
  base: SeedState;
  tree: readonly DemoArea[];
  areaByCode: ReadonlyMap<string, DemoArea>;
  districts: readonly DemoArea[];
  grids: readonly GridInfo[];
  gridsByDistrict: readonly (readonly number[])[];
  householdCount: number;
  personCount: number;
  addressCount: number;
  /** Household h's persons are [hhStart[h], hhStart[h+1]). */
  hhStart: Int32Array;
  hhGrid: Uint16Array;
  hhResidence: Uint8Array;
  hhRegisteredAddress: Int32Array;
  /** −1 when the household never moved within the city. */
  hhFormerAddress: Int32Array;
  hhIdDistrict: Uint8Array;
  hhIdRank: Int32Array;
  /** Grid g's households are [gridHhStart[g], gridHhStart[g+1]). */
  gridHhStart: Int32Array;
  /** Grid g's standard addresses are [gridAddrStart[g], gridAddrStart[g+1]). */
  gridAddrStart: Int32Array;
  /** Per district: the bijection that turns an ID slot into (birth day of year, sequence). */
  idSlotPermutations: readonly Permutation[];
}

const RESIDENCE_TABLE = weighted(RESIDENCE_KINDS.map((r) => [r.kind as number, r.weight] as const));
const LAYOUT_TABLE = weighted(BUILDING_LAYOUTS.map((l) => [l, l[3]] as const));

/** Largest index i with arr[i] <= value, for a non-decreasing array (binary search). */
export function rangeIndex(arr: Int32Array, value: number, count: number): number {
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (arr[mid]! <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function buildPlan(options: ResolvedOptions): CityPlan {
  const base = hashSeed(options.seed);
  const tree = buildDemoAreaTree();
  const areaByCode = new Map(tree.map((a) => [a.code, a]));
  const districts = DEMO_COUNTIES.map((c) => areaByCode.get(c.code)!);
  const districtIndexByCode = new Map(districts.map((d, i) => [d.code, i]));

  // ---- grids and their layouts ----
  const grids: GridInfo[] = [];
  const ruralGroupCounter = new Map<string, number>();
  const gridAreas = tree.filter((a) => a.level === "GRID");
  for (const [index, area] of gridAreas.entries()) {
    const community = areaByCode.get(area.parentCode!)!;
    const street = areaByCode.get(community.parentCode!)!;
    const district = areaByCode.get(street.parentCode!)!;
    const urban = Number(community.code.slice(9, 12)) < 200;
    const rng = streamRng(base, "grid", index);
    let layout: UrbanLayout | RuralLayout;
    if (urban) {
      const [units, floors, rooms] = LAYOUT_TABLE.pick(rng);
      const first = rng.pick(ROAD_NAMES);
      let second = rng.pick(ROAD_NAMES);
      if (second === first) second = ROAD_NAMES[(ROAD_NAMES.indexOf(first) + 7) % ROAD_NAMES.length]!;
      layout = {
        kind: "urban",
        roads: [first, second],
        unitsPerBuilding: units,
        floors,
        roomsPerFloor: rooms,
        buildingsPerCompound: rng.int(6, 24),
      };
    } else {
      layout = { kind: "rural", housesPerGroup: rng.int(...VILLAGE_HOUSES_PER_GROUP), firstGroup: 0 };
    }
    const centre = DISTRICT_CENTRES[district.code] ?? [120.9, 32.0];
    grids.push({
      index,
      code: area.code,
      name: area.name,
      community,
      street,
      district,
      districtIndex: districtIndexByCode.get(district.code)!,
      urban,
      layout,
      centre: [
        round6(centre[0] + (rng.float() - 0.5) * (urban ? 0.08 : 0.2)),
        round6(centre[1] + (rng.float() - 0.5) * (urban ? 0.06 : 0.16)),
      ],
    });
  }
  const gridsByDistrict: number[][] = districts.map(() => []);
  for (const g of grids) gridsByDistrict[g.districtIndex]!.push(g.index);

  // ---- households, filled grid by grid towards a cumulative target ----
  const weights = grids.map((g) => {
    const rng = streamRng(base, "gridWeight", g.index);
    return (g.urban ? 1.4 : 0.8) * (0.6 + 0.8 * rng.float());
  });
  const totalWeight = weights.reduce((s, w) => s + w, 0);
  const maxHouseholds = options.persons + grids.length + 1;
  const hhStart = new Int32Array(maxHouseholds + 1);
  const hhGridTmp = new Uint16Array(maxHouseholds);
  const gridHhStart = new Int32Array(grids.length + 1);
  let h = 0;
  let persons = 0;
  let cumulative = 0;
  for (const g of grids) {
    gridHhStart[g.index] = h;
    cumulative += weights[g.index]!;
    const target = Math.round((options.persons * cumulative) / totalWeight);
    while (persons < target) {
      const shape = drawHouseholdShape(streamRng(base, "household", h));
      hhStart[h] = persons;
      hhGridTmp[h] = g.index;
      persons += shape.size;
      h++;
    }
  }
  gridHhStart[grids.length] = h;
  hhStart[h] = persons;
  const householdCount = h;

  // ---- addresses: a few more than households per grid (vacant housing) ----
  const gridAddrStart = new Int32Array(grids.length + 1);
  let addresses = 0;
  for (const g of grids) {
    gridAddrStart[g.index] = addresses;
    const households = gridHhStart[g.index + 1]! - gridHhStart[g.index]!;
    const rng = streamRng(base, "gridVacancy", g.index);
    addresses += households + Math.ceil(households * (0.06 + 0.14 * rng.float())) + 2;
    if (g.layout.kind === "rural") {
      const count = addresses - gridAddrStart[g.index]!;
      const groups = Math.ceil(count / g.layout.housesPerGroup);
      const before = ruralGroupCounter.get(g.community.code) ?? 0;
      g.layout.firstGroup = before + 1;
      ruralGroupCounter.set(g.community.code, before + groups);
    }
  }
  gridAddrStart[grids.length] = addresses;

  // ---- residence, registration and ID-issuing district per household ----
  const hhResidence = new Uint8Array(householdCount);
  const hhRegisteredAddress = new Int32Array(householdCount);
  const hhFormerAddress = new Int32Array(householdCount);
  const hhIdDistrict = new Uint8Array(householdCount);
  const hhIdRank = new Int32Array(householdCount);
  const idUsed = new Array<number>(districts.length).fill(0);
  const randomAddressIn = (gridIndex: number, u: number) => {
    const start = gridAddrStart[gridIndex]!;
    const count = gridAddrStart[gridIndex + 1]! - start;
    return start + Math.floor(u * count);
  };
  const currentAddressOf = (hh: number) => householdAddress(gridAddrStart, gridHhStart, hhGridTmp[hh]!, hh);
  for (let hh = 0; hh < householdCount; hh++) {
    const rng = streamRng(base, "residence", hh);
    const gridIndex = hhGridTmp[hh]!;
    const grid = grids[gridIndex]!;
    const current = currentAddressOf(hh);
    const kind = RESIDENCE_TABLE.pick(rng);
    let registered = current;
    let former = -1;
    if (kind === 1) {
      const pool = gridsByDistrict[grid.districtIndex]!;
      let other = rng.pick(pool);
      if (other === gridIndex && pool.length > 1) other = pool[(pool.indexOf(other) + 1) % pool.length]!;
      registered = randomAddressIn(other, rng.float());
      former = registered;
    } else if (kind === 2) {
      const otherDistrict = (grid.districtIndex + rng.int(1, districts.length - 1)) % districts.length;
      registered = randomAddressIn(rng.pick(gridsByDistrict[otherDistrict]!), rng.float());
      former = registered;
    } else if (rng.chance(FORMER_ADDRESS_SHARE)) {
      former = randomAddressIn(rng.int(0, grids.length - 1), rng.float());
      if (former === current) former = -1;
    }
    hhResidence[hh] = kind;
    hhRegisteredAddress[hh] = registered;
    hhFormerAddress[hh] = former;

    const size = hhStart[hh + 1]! - hhStart[hh]!;
    const registeredGrid = grids[rangeIndex(gridAddrStart, registered, grids.length)]!;
    let district = rng.chance(ID_ISSUED_ELSEWHERE_SHARE)
      ? rng.int(0, districts.length - 1)
      : registeredGrid.districtIndex;
    for (let tries = 0; idUsed[district]! + size > ID_SLOTS_PER_DISTRICT; tries++) {
      if (tries >= districts.length) {
        throw new Error(
          `the demo tree's citizen-ID space is full: at most ~${ID_SLOTS_PER_DISTRICT * districts.length} persons`,
        );
      }
      district = (district + 1) % districts.length;
    }
    hhIdDistrict[hh] = district;
    hhIdRank[hh] = idUsed[district]!;
    idUsed[district]! += size;
  }

  const idSlotPermutations = districts.map(
    (d) => new Permutation(ID_SLOTS_PER_DISTRICT, permutationKey(base, `idSlots:${d.code}`)),
  );

  return {
    options,
    base,
    tree,
    areaByCode,
    districts,
    grids,
    gridsByDistrict,
    householdCount,
    personCount: persons,
    addressCount: addresses,
    hhStart: hhStart.slice(0, householdCount + 1),
    hhGrid: hhGridTmp.slice(0, householdCount),
    hhResidence,
    hhRegisteredAddress,
    hhFormerAddress,
    hhIdDistrict,
    hhIdRank,
    gridHhStart,
    gridAddrStart,
    idSlotPermutations,
  };
}

/** The standard address a household lives at: households spread over the grid's addresses. */
export function householdAddress(
  gridAddrStart: Int32Array,
  gridHhStart: Int32Array,
  gridIndex: number,
  h: number,
): number {
  const hhFirst = gridHhStart[gridIndex]!;
  const hhCount = gridHhStart[gridIndex + 1]! - hhFirst;
  const addrFirst = gridAddrStart[gridIndex]!;
  const addrCount = gridAddrStart[gridIndex + 1]! - addrFirst;
  return addrFirst + Math.floor(((h - hhFirst) * addrCount) / Math.max(1, hhCount));
}

export function householdOfPerson(plan: CityPlan, personIndex: number): number {
  if (!(personIndex >= 0 && personIndex < plan.personCount)) throw new Error(`no person ${personIndex}`);
  return rangeIndex(plan.hhStart, personIndex, plan.householdCount);
}

export function gridOfAddress(plan: CityPlan, addressIndex: number): number {
  if (!(addressIndex >= 0 && addressIndex < plan.addressCount)) throw new Error(`no address ${addressIndex}`);
  return rangeIndex(plan.gridAddrStart, addressIndex, plan.grids.length);
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
