// The truth of the city: one object that answers "who is person i, what is address a, which
// organisation is k, who works grid g" from (seed, index), with only the plan held in memory.
import { type StandardAddress, standardAddress } from "./addresses.js";
import { dayOf } from "./calendar.js";
import { createPersonFactory, type Household, type Person } from "./citizens.js";
import { createOrganisationFactory, type Organisation } from "./organisations.js";
import { buildPlan, type CityPlan, gridOfAddress, householdOfPerson } from "./plan.js";
import {
  CITY_CLOCK,
  CROSS_SILO_LINKS,
  type GeneratorOptions,
  type ResolvedOptions,
  resolveOptions,
  volume,
} from "./presets.js";
import { type Rng, streamRng } from "./rng.js";

export interface CityCounts {
  persons: number;
  households: number;
  addresses: number;
  grids: number;
  gridWorkers: number;
  socialOrganisations: number;
  companies: number;
  incidents: number;
  /** Organic 12345 orders (transfers from 110 come on top). */
  hotlineOrders: number;
  /** 110 calls transferred to 12345. */
  hotlineTransfers: number;
  petitions: number;
  patrolReports: number;
  /** Organic disputes (those handed over by 110 come on top). */
  disputes: number;
  disputeTransfers: number;
}

export interface GridWorker {
  gridIndex: number;
  ordinal: number;
  /** 网格员编号 */
  workerNo: string;
  personIndex: number;
  post: "专职网格员" | "兼职网格员";
  sinceDay: number;
}

export interface City {
  options: ResolvedOptions;
  plan: CityPlan;
  counts: CityCounts;
  clock: { fromDay: number; asOfDay: number };
  household(h: number): Household;
  person(i: number): Person;
  address(a: number): StandardAddress;
  organisation(k: number): Organisation;
  randomCompany(rng: Rng): Organisation;
  gridWorkerCount(g: number): number;
  gridWorkers(g: number): GridWorker[];
  /** A person aged [minAge, maxAge], from grid `nearGrid` when it has one, else the whole city. */
  randomAdult(rng: Rng, minAge: number, maxAge: number, nearGrid?: number): Person;
  /** The household living at an address, or null when the flat is vacant. */
  householdAt(addressIndex: number): number | null;
}

/** How many indices below `count` are ≡ offset (mod stride). */
export function strideCount(count: number, link: { stride: number; offset: number }): number {
  return count > link.offset ? Math.floor((count - 1 - link.offset) / link.stride) + 1 : 0;
}

const HOUSEHOLD_CACHE = 1024;

export function createCity(options: GeneratorOptions): City {
  const resolved = resolveOptions(options);
  const plan = buildPlan(resolved);
  const people = createPersonFactory(plan);
  // direct-mapped cache: events look up the same few households again and again
  const cache = new Array<Household | undefined>(HOUSEHOLD_CACHE);
  const household = (h: number): Household => {
    const slot = h % HOUSEHOLD_CACHE;
    const hit = cache[slot];
    if (hit && hit.index === h) return hit;
    const made = people.household(h);
    cache[slot] = made;
    return made;
  };
  const person = (i: number): Person => {
    const h = householdOfPerson(plan, i);
    return household(h).members[i - plan.hhStart[h]!]!;
  };

  const gridPersons = (g: number): [number, number] => [
    plan.hhStart[plan.gridHhStart[g]!]!,
    plan.hhStart[plan.gridHhStart[g + 1]!]!,
  ];

  const randomAdult = (rng: Rng, minAge: number, maxAge: number, nearGrid?: number): Person => {
    const [lo, hi] = nearGrid === undefined ? [0, plan.personCount] : gridPersons(nearGrid);
    const [from, to] = hi > lo ? [lo, hi] : [0, plan.personCount];
    for (let tries = 0; tries < 48; tries++) {
      const p = person(rng.int(from, to - 1));
      if (p.ageAsOf >= minAge && p.ageAsOf <= maxAge) return p;
    }
    // rare: scan the whole city from a random start
    const start = rng.int(0, plan.personCount - 1);
    for (let k = 0; k < plan.personCount; k++) {
      const p = person((start + k) % plan.personCount);
      if (p.ageAsOf >= minAge && p.ageAsOf <= maxAge) return p;
    }
    return person(start);
  };

  const incidents = volume(plan.personCount, "incidents");
  const counts: CityCounts = {
    persons: plan.personCount,
    households: plan.householdCount,
    addresses: plan.addressCount,
    grids: plan.grids.length,
    gridWorkers: 0,
    socialOrganisations: volume(plan.personCount, "socialOrganisations"),
    companies: volume(plan.personCount, "companies"),
    incidents,
    hotlineOrders: volume(plan.personCount, "hotlineOrders"),
    hotlineTransfers: strideCount(incidents, CROSS_SILO_LINKS.incidentToHotline),
    petitions: volume(plan.personCount, "petitions"),
    patrolReports: volume(plan.personCount, "patrolReports"),
    disputes: volume(plan.personCount, "disputes"),
    disputeTransfers: strideCount(incidents, CROSS_SILO_LINKS.incidentToDispute),
  };
  const orgs = createOrganisationFactory(plan, counts, (rng, min, max) => randomAdult(rng, min, max));

  const fromDay = dayOf(CITY_CLOCK.from);
  const asOfDay = dayOf(CITY_CLOCK.asOf);

  const gridWorkerCount = (g: number) => (streamRng(plan.base, "gridWorkers", g).chance(0.4) ? 2 : 1);
  const gridWorkers = (g: number): GridWorker[] => {
    const grid = plan.grids[g];
    if (!grid) throw new Error(`no grid ${g}`);
    const rng = streamRng(plan.base, "gridWorkers", g);
    const n = rng.chance(0.4) ? 2 : 1;
    const out: GridWorker[] = [];
    for (let ordinal = 1; ordinal <= n; ordinal++) {
      const p = randomAdult(rng, 23, 55, g);
      out.push({
        gridIndex: g,
        ordinal,
        workerNo: `WG${grid.code}${String(ordinal).padStart(2, "0")}`,
        personIndex: p.index,
        post: ordinal === 1 ? "专职网格员" : "兼职网格员",
        sinceDay: asOfDay - rng.int(30, 2500),
      });
    }
    return out;
  };
  for (let g = 0; g < plan.grids.length; g++) counts.gridWorkers += gridWorkerCount(g);

  const householdAt = (a: number): number | null => {
    const lo = gridOfAddress(plan, a);
    const hhFirst = plan.gridHhStart[lo]!;
    const hhCount = plan.gridHhStart[lo + 1]! - hhFirst;
    const addrCount = plan.gridAddrStart[lo + 1]! - plan.gridAddrStart[lo]!;
    const j = a - plan.gridAddrStart[lo]!;
    if (hhCount === 0) return null;
    const k = Math.ceil((j * hhCount) / addrCount);
    return k < hhCount && Math.floor((k * addrCount) / hhCount) === j ? hhFirst + k : null;
  };

  return {
    options: resolved,
    plan,
    counts,
    clock: { fromDay, asOfDay },
    household,
    person,
    address: (a) => standardAddress(plan, a),
    organisation: (k) => orgs.organisation(k),
    randomCompany: (rng) => orgs.randomCompany(rng),
    gridWorkerCount,
    gridWorkers,
    randomAdult,
    householdAt,
  };
}
