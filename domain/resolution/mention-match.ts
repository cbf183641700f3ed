// Mentions: persons the graph holds without a trustworthy key because a silo named them by a name,
// a phone or a form of address only (a company's legal representative, a 12345 caller, a party to a
// 110 call). Whether a mention is a registered resident depends on things the ingest matcher cannot
// know while a load is under way: how many residents bear that name, where each lives, who shares
// a household's phone. After a load, each mention is compared with the registered persons it could
// be, with Fellegi–Sunter weights whose u comes from the population itself (term frequency: a name
// two residents bear says more than one two hundred bear), and the scores of all its candidates are
// turned into one posterior, with "someone the registry does not hold" as the last alternative.
// A mention becomes a registered person only when one candidate is clearly the one.
import { AREA_LEVELS } from "../area.js";
import {
  bestByPosterior,
  type LevelWeight,
  levelWeight,
  type MatchReason,
  posteriorDecision,
} from "./fellegi-sunter.js";
import { comparePersons, PERSON_WEIGHTS, type PersonProfile } from "./person-match.js";

/** Member role of the legal representative (法定代表人) in an organisation. */
export const LEGAL_REPRESENTATIVE = "LEGAL_REPRESENTATIVE";

/**
 * Roles only an adult holds: a legal representative needs full civil capacity (民法典 Art. 61, 18),
 * and callers and reporters are, all but always, of age.
 */
export const ADULT_ROLES = {
  organisation: [LEGAL_REPRESENTATIVE],
  event: ["REPORTER"],
} as const satisfies Record<string, readonly string[]>;

/** How a place was seen with a mention: its own address in a silo, or an event it took part in. */
export type PlaceContext = "HOME" | "EVENT";

export interface SeenPlace {
  context: PlaceContext;
  /** The area's materialised path, city first ("/320600/320602/320602001000/"). */
  path: string;
  /**
   * Of an event: the strata it falls in, finest first: its kind, category and the mention's role
   * in it ("POLICE_INCIDENT/PUBLIC_ORDER/PARTY"), then its kind and the role. How far from home
   * people are depends on all three: a caller reports what is near, a neighbour dispute's parties
   * live next door, the other party to a fight in the street may live anywhere.
   */
  strata?: readonly string[];
}

export interface Mention {
  profile: PersonProfile;
  places: readonly SeenPlace[];
  /** Named in a role only an adult holds (a legal representative, a caller or reporter). */
  adultRole: boolean;
  /** The day of the latest record naming it, YYYY-MM-DD (for ages). */
  seenOn: string;
  /** Mobiles it is reached through without holding them: its organisation's 联系电话. */
  contactPhones?: readonly string[];
}

export interface RegisteredPerson {
  profile: PersonProfile;
  /** Area paths of its addresses. */
  homes: readonly string[];
  /** Mobiles held by the others of its household. */
  housePhones: readonly string[];
}

/** What the registered population looks like, for the u of each agreement. */
export interface Population {
  /** Registered persons (a valid citizen ID). */
  persons: number;
  nameHolders(name: string): number;
  pinyinHolders(pinyin: string): number;
  phoneHolders(phone: string): number;
  /** Areas per level in the city. */
  areas: Readonly<Record<"DISTRICT" | "STREET" | "COMMUNITY", number>>;
  /** m of the place feature (defaultPlaceModel unless calibrated on the graph). */
  placeModel?: PlaceModel;
  /** P(a mention is someone the registry holds), measured on the graph (calibratedPrior). */
  prior?: number;
}

/** The deepest level at which a place and a home lie in one area. */
export type PlaceLevel = "COMMUNITY" | "STREET" | "DISTRICT" | "ELSEWHERE";

/**
 * P(level | the mention is this resident): how often a silo's place lies in the resident's
 * community, street or district. A home a silo recorded is mostly right (people move, silos lag);
 * events happen near home about half the time. Declared for community-precise places: a place
 * known to its street only folds COMMUNITY into STREET.
 */
export const PLACE_M: Readonly<Record<PlaceContext, Readonly<Record<PlaceLevel, number>>>> = {
  HOME: { COMMUNITY: 0.8, STREET: 0.06, DISTRICT: 0.05, ELSEWHERE: 0.09 },
  EVENT: { COMMUNITY: 0.4, STREET: 0.2, DISTRICT: 0.12, ELSEWHERE: 0.28 },
};

/** Weights the ingest matcher does not have; u of the frequency-adjusted levels is set per pair. */
export const MENTION_WEIGHTS = {
  // A housemate's mobile: people give the family's number (m: how often silos hold one of the
  // household's other mobiles; a given one of them is that over how many there are).
  phoneHousehold: { m: 0.1 },
  // An organisation's contact mobile against its representative: often theirs, or their family's.
  contactPhone: { EXACT: { m: 0.4 }, HOUSEHOLD: { m: 0.05 }, DIFFERENT: { m: 0.55 } },
  // Someone named as a legal representative or a caller is of age.
  age: {
    ADULT: { m: 0.995, u: 0.8 },
    MINOR: { m: 0.005, u: 0.2 },
  },
} as const;

/**
 * Decisions on the posterior. `prior`: P(a mention is someone the registry holds), where the graph
 * cannot measure it (calibratedPrior); a measured prior is kept within `priorRange` (no registry
 * holds everyone a silo names, and below one in two a mention is better left alone). `link`: a
 * mobile alone, whose holder lives with one other adult who has a mobile of their own, is not
 * enough (callers give a relative's mobile: 8 % of the sandbox's 12345 records); a mobile with no
 * housemate, or a rare name, is. `blockLimit`: a name borne by more residents than this is not a
 * candidate list (only a phone can find them).
 */
export const MENTION_POLICY = {
  prior: 0.95,
  priorRange: [0.5, 0.997],
  link: 0.92,
  review: 0.5,
  blockLimit: 64,
} as const;

export interface MentionCandidateScore<Id> {
  candidateId: Id;
  /** log2 weight (Fellegi–Sunter, frequency-adjusted). */
  score: number;
  posterior: number;
  reasons: MatchReason[];
}

export interface MentionMatch<Id> extends MentionCandidateScore<Id> {
  decision: "LINK" | "REVIEW" | "NONE";
  /** Candidates compared. */
  compared: number;
  /** The prior the posterior was taken with (measured on the graph, or the policy's). */
  prior: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const weightOf = (m: number, u: number) => levelWeight({ m, u: Math.min(Math.max(u, 1e-12), 1) });

/** Deepest common level of two area paths (city at depth 1). */
export function placeLevel(a: string, b: string): PlaceLevel {
  const x = a.split("/").filter(Boolean);
  const y = b.split("/").filter(Boolean);
  let depth = 0;
  while (depth < x.length && depth < y.length && x[depth] === y[depth]) depth++;
  const level = AREA_LEVELS[depth - 1];
  if (level === "GRID" || level === "COMMUNITY") return "COMMUNITY";
  if (level === "STREET" || level === "DISTRICT") return level;
  return "ELSEWHERE";
}

/** How precise a place is: the deepest level it names. */
function placePrecision(path: string): PlaceLevel {
  const level = AREA_LEVELS[path.split("/").filter(Boolean).length - 1];
  return level === "GRID" || level === "COMMUNITY" ? "COMMUNITY" : level === "STREET" ? "STREET" : "DISTRICT";
}

const DEPTH: Record<PlaceLevel, number> = { COMMUNITY: 3, STREET: 2, DISTRICT: 1, ELSEWHERE: 0 };
const PLACE_LEVELS: readonly PlaceLevel[] = ["COMMUNITY", "STREET", "DISTRICT", "ELSEWHERE"];

/** P(level | match) for a place of this precision (of an event in these strata): m per level it can show. */
export type PlaceModel = (
  context: PlaceContext,
  precision: PlaceLevel,
  strata?: readonly string[],
) => Readonly<Record<PlaceLevel, number>>;

/** PLACE_M with what a coarse place cannot show folded into its own level. */
export const defaultPlaceModel: PlaceModel = (context, precision) => {
  const m = PLACE_M[context];
  const out = { ...m };
  for (const level of PLACE_LEVELS)
    if (DEPTH[level] > DEPTH[precision]) {
      out[precision] += m[level];
      out[level] = 0;
    }
  return out;
};

/** A party to an event whose identity is certain (a valid ID): where the event was, where they live. */
export interface PlaceSample {
  place: string;
  homes: readonly string[];
  /** The event's strata, finest first (SeenPlace.strata). */
  strata?: readonly string[];
}

/** Below this many samples for a precision (in a stratum), the coarser tally (at last PLACE_M) stands. */
const CALIBRATION_MIN_SAMPLES = 200;

/**
 * m for event places measured on the graph itself: how far from home the parties the registry
 * identifies by ID were, per precision of the event's place, in the finest of the event's strata
 * with samples enough, else over every stratum (add-one smoothed). Homes stay PLACE_M.
 */
export function calibratedPlaceModel(samples: readonly PlaceSample[]): PlaceModel {
  const tallies = new Map<string, Record<PlaceLevel, number>>();
  const count = (key: string, level: PlaceLevel) => {
    const tally = tallies.get(key) ?? { COMMUNITY: 0, STREET: 0, DISTRICT: 0, ELSEWHERE: 0 };
    tally[level]++;
    tallies.set(key, tally);
  };
  for (const s of samples) {
    if (s.homes.length === 0) continue;
    const precision = placePrecision(s.place);
    const level = bestLevel([s.place], s.homes).level;
    count(precision, level);
    for (const stratum of s.strata ?? []) count(`${precision}|${stratum}`, level);
  }
  const enough = (key: string) => {
    const tally = tallies.get(key);
    const total = tally ? PLACE_LEVELS.reduce((n, l) => n + tally[l], 0) : 0;
    return tally && total >= CALIBRATION_MIN_SAMPLES ? { tally, total } : null;
  };
  return (context, precision, strata = []) => {
    const measured =
      strata.map((stratum) => enough(`${precision}|${stratum}`)).find((m) => m !== null) ?? enough(precision);
    if (context === "HOME" || !measured) return defaultPlaceModel(context, precision);
    const shown = PLACE_LEVELS.filter((l) => DEPTH[l] <= DEPTH[precision]);
    const out = { COMMUNITY: 0, STREET: 0, DISTRICT: 0, ELSEWHERE: 0 };
    for (const l of shown) out[l] = (measured.tally[l] + 1) / (measured.total + shown.length);
    return out;
  };
}

/** The best agreement of any place with any home, capped at each place's precision. */
function bestLevel(places: readonly string[], homes: readonly string[]) {
  let level: PlaceLevel = "ELSEWHERE";
  let precision: PlaceLevel = "DISTRICT";
  for (const place of places) {
    const p = placePrecision(place);
    if (DEPTH[p] > DEPTH[precision]) precision = p;
    for (const home of homes) {
      let l = placeLevel(place, home);
      if (DEPTH[l] > DEPTH[p]) l = p;
      if (DEPTH[l] > DEPTH[level]) level = l;
    }
  }
  return { level, precision };
}

/**
 * The place feature: the mention's own homes when a silo recorded any, else its events'; the best
 * agreement with the resident's homes. u is the chance that a random resident lives there (in
 * the area at that level but not the deeper one), over as many places as were compared.
 */
function placeReason(
  mention: Mention,
  homes: readonly string[],
  population: Population,
  model: PlaceModel,
): MatchReason | null {
  const own = mention.places.filter((p) => p.context === "HOME");
  const places = own.length > 0 ? own : mention.places;
  if (places.length === 0 || homes.length === 0) return null;
  const context = places[0]!.context;
  const { level, precision } = bestLevel(
    places.map((p) => p.path),
    homes,
  );
  const share = (l: PlaceLevel) =>
    l === "ELSEWHERE" ? 1 : 1 / Math.max(population.areas[l as keyof Population["areas"]], 1);
  const deeper: Record<PlaceLevel, PlaceLevel | null> = {
    COMMUNITY: null,
    STREET: "COMMUNITY",
    DISTRICT: "STREET",
    ELSEWHERE: "DISTRICT",
  };
  const below = deeper[level];
  const exclusive = share(level) - (below && DEPTH[below] <= DEPTH[precision] ? share(below) : 0);
  const u = Math.min(1, exclusive * places.length);
  // the strata every place falls in (none in common: the tally over every stratum)
  const strata = (places[0]!.strata ?? []).filter((k) => places.every((p) => p.strata?.includes(k)));
  const m = model(context, precision, strata)[level];
  return { feature: "place", level: `${context}_${level}`, weight: weightOf(m, u) };
}

function ageLevel(birthDate: string | null, on: string): "ADULT" | "MINOR" | null {
  if (!birthDate) return null;
  const years = Number(on.slice(0, 4)) - Number(birthDate.slice(0, 4));
  const beforeBirthday = on.slice(5) < birthDate.slice(5);
  return years - (beforeBirthday ? 1 : 0) >= 18 ? "ADULT" : "MINOR";
}

/**
 * How many mobiles the others of a resident's household hold, besides the resident's own: a
 * relative's mobile given for them is one of these, so each is that much less likely to be it.
 */
function relativesMobiles(candidate: RegisteredPerson): number {
  const own = candidate.profile.phone;
  return Math.max(new Set(candidate.housePhones.filter((p) => p !== own)).size, 1);
}

/** One resident against a mention, feature by feature. */
export function scoreMention(mention: Mention, candidate: RegisteredPerson, population: Population) {
  const a = mention.profile;
  const b = candidate.profile;
  const levels = comparePersons(a, b);
  // a housemate's mobile: the candidate holds another one, or none
  if (levels.phone !== "EXACT" && a.phone && candidate.housePhones.includes(a.phone))
    levels.phone = "HOUSEHOLD";
  const n = Math.max(population.persons, 1);
  const reasons: MatchReason[] = [];
  for (const [feature, level] of Object.entries(levels)) {
    if (level === null) continue;
    let weights: { m: number; u: number };
    // frequency-adjusted u: the share of residents who agree at this level by chance
    if (feature === "name" && level === "EXACT" && b.name)
      weights = { m: PERSON_WEIGHTS.name.EXACT.m, u: Math.max(population.nameHolders(b.name), 1) / n };
    else if (feature === "name" && level === "PINYIN" && a.namePinyin && a.name)
      weights = {
        m: PERSON_WEIGHTS.name.PINYIN.m,
        u: Math.max(population.pinyinHolders(a.namePinyin) - population.nameHolders(a.name), 1) / n,
      };
    else if (feature === "phone" && level === "EXACT" && a.phone)
      weights = { m: PERSON_WEIGHTS.phone.EXACT.m, u: Math.max(population.phoneHolders(a.phone), 1) / n };
    else if (feature === "phone" && level === "HOUSEHOLD" && a.phone)
      // the observation is EXACT's (this mobile), and so is its chance for someone else: the
      // holder and a housemate differ in how likely they are to give it (m), not in u
      weights = {
        m: MENTION_WEIGHTS.phoneHousehold.m / relativesMobiles(candidate),
        u: Math.max(population.phoneHolders(a.phone), 1) / n,
      };
    else weights = (PERSON_WEIGHTS as Record<string, Record<string, LevelWeight>>)[feature]![level]!;
    reasons.push({ feature, level, weight: weightOf(weights.m, weights.u) });
  }
  const place = placeReason(mention, candidate.homes, population, population.placeModel ?? defaultPlaceModel);
  if (place) reasons.push(place);
  const contact = mention.contactPhones ?? [];
  if (contact.length > 0) {
    const level =
      b.phone && contact.includes(b.phone)
        ? "EXACT"
        : contact.some((p) => candidate.housePhones.includes(p))
          ? "HOUSEHOLD"
          : "DIFFERENT";
    const holders = Math.max(1, ...contact.map((p) => population.phoneHolders(p)));
    const u = level === "DIFFERENT" ? 1 : holders / n;
    const m =
      MENTION_WEIGHTS.contactPhone[level].m / (level === "HOUSEHOLD" ? relativesMobiles(candidate) : 1);
    reasons.push({ feature: "contactPhone", level, weight: weightOf(m, u) });
  }
  const age = mention.adultRole ? ageLevel(b.birthDate, mention.seenOn) : null;
  if (age) reasons.push({ feature: "age", level: age, weight: levelWeight(MENTION_WEIGHTS.age[age]) });
  return { score: round2(reasons.reduce((s, r) => s + r.weight, 0)), reasons };
}

/**
 * The resident a mention is, if one clearly is: every candidate's weight against the others and
 * against "someone the registry does not hold" (whose odds are what the prior leaves for them, over
 * the whole population). Ties share the posterior, so neither reaches the link threshold.
 */
export function resolveMention<Id>(
  mention: Mention,
  candidates: readonly { id: Id; person: RegisteredPerson }[],
  population: Population,
  policy: { prior: number; link: number; review: number } = MENTION_POLICY,
): MentionMatch<Id> | null {
  if (candidates.length === 0) return null;
  const scored = candidates.map((c) => ({
    candidateId: c.id,
    ...scoreMention(mention, c.person, population),
  }));
  const prior = population.prior ?? policy.prior;
  const none = Math.log2((Math.max(population.persons, 1) * (1 - prior)) / prior);
  // ties in the candidates' own values, never in generated ids: the same inputs, the same choice
  const key = new Map(
    candidates.map((c) => [c.id, c.person.profile.citizenId ?? c.person.profile.name ?? ""]),
  );
  const best = bestByPosterior(scored, none, (id) => key.get(id)!);
  const decision = posteriorDecision(best.posterior, policy);
  return { ...best, decision, compared: candidates.length, prior };
}

/** Event records' person references that gave a mobile: how many, how many a registered person holds. */
export interface PhoneTally {
  references: number;
  held: number;
}

/** Below this many references on either side, the policy's prior stands. */
const PRIOR_MIN_REFERENCES = 200;

/**
 * P(a mention is someone the registry holds), measured on the graph: of the parties to events
 * who gave a mobile, the share whose mobile a registered person holds, among those who gave no ID
 * (the mentions' kind) over among those who did (registered persons themselves: their own mobile,
 * a relative's, or one the registry does not know). A mobile of someone the registry does not
 * hold is all but never a registered person's, so the ratio is the share of the ID-less who are
 * registered. Within the policy's range; the policy's prior where too few references tell.
 */
export function calibratedPrior(
  tallies: { withId: PhoneTally; withoutId: PhoneTally },
  policy: { prior: number; priorRange: readonly [number, number] } = MENTION_POLICY,
): number {
  const { withId, withoutId } = tallies;
  if (
    withId.references < PRIOR_MIN_REFERENCES ||
    withoutId.references < PRIOR_MIN_REFERENCES ||
    withId.held === 0
  )
    return policy.prior;
  const measured = withoutId.held / withoutId.references / (withId.held / withId.references);
  const [low, high] = policy.priorRange;
  return Math.round(Math.min(Math.max(measured, low), high) * 10_000) / 10_000;
}
