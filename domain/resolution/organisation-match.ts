// Organisations known by name only: a 12345 caller's "恒通建材公司", a grid unit whose credit code
// the worker did not note, a dispute's party. The ingest joins such a name to the one registered
// organisation (a valid credit code) whose name key it shares, when exactly one does; what it
// cannot decide while a load is under way (two name-only records of one unregistered unit, a
// mention that arrived before its registration and others with it), the resolution pass decides
// here, per name key: each organisation without a valid code is compared with the registered
// organisations bearing its key, or, when none does, with the best-known of the others (its
// anchor). Fellegi–Sunter weights with u from the organisations the graph holds; every candidate
// against "an organisation the graph does not hold under this name", as for persons.
import { AREA_LEVELS } from "../area.js";
import { bestByPosterior, levelWeight, type MatchReason, posteriorDecision } from "./fellegi-sunter.js";
import { placeLevel } from "./mention-match.js";

/** Where an organisation is: its standard address, else its area (special areas are no place). */
export interface OrganisationPlace {
  /** The area's materialised path, city first. */
  path: string;
  addressId: string | null;
}

export interface OrganisationProfile {
  /** organisationNameParts: the name as written (normalised), its key, the prefix the key dropped. */
  spelled: string;
  key: string;
  prefix: string | null;
  /** A valid credit code: a registered organisation. */
  uscc: string | null;
  /** A credit code that failed its check. */
  usccLowTrust: string | null;
  place: OrganisationPlace | null;
  /** 联系电话, digits only. */
  phone: string | null;
}

/** What the organisations the graph holds look like, for the u of each agreement. */
export interface OrganisationPopulation {
  /** Organisations (distinct name keys). */
  organisations: number;
  /** Registered organisations (a valid credit code) bearing this name key. */
  keyHolders(key: string): number;
  /** Organisations (distinct name keys) giving this contact number. */
  phoneHolders(phone: string): number;
  areas: Readonly<Record<"DISTRICT" | "STREET" | "COMMUNITY", number>>;
  addresses: number;
}

export type OrganisationPlaceLevel = "ADDRESS" | "COMMUNITY" | "STREET" | "DISTRICT" | "ELSEWHERE";

/**
 * m of each level: P(level | the two records are one organisation). u is set per pair from the
 * population (the share of organisations that agree at the level by chance).
 * - name, within a name key: EXACT the same spelling; SHORTENED one leaves out a prefix or legal
 *   form the other has (callers say "恒通建材公司" for 南通恒通建材有限公司); CONFLICTING both
 *   name a place and not the same one (南通… against 江苏…: two registrations).
 * - place: an organisation stays at its registered address; the other records of it are mostly
 *   there, sometimes at an office elsewhere.
 * - phone: its 联系电话, often the same across records, sometimes a person's own mobile.
 * - creditCode: a failed code one or two characters off the other's is the same code mistyped.
 */
export const ORGANISATION_WEIGHTS = {
  name: { EXACT: { m: 0.6 }, SHORTENED: { m: 0.39 }, CONFLICTING: { m: 0.01 } },
  place: {
    ADDRESS: { m: 0.75 },
    COMMUNITY: { m: 0.08 },
    STREET: { m: 0.05 },
    DISTRICT: { m: 0.04 },
    ELSEWHERE: { m: 0.08 },
  },
  phone: { EXACT: { m: 0.7 }, DIFFERENT: { m: 0.3 } },
  creditCode: { NEAR: { m: 0.9 }, DIFFERENT: { m: 0.1 } },
} as const satisfies Record<string, Record<string, { m: number }>>;

/**
 * Decisions on the posterior. `prior`: P(an organisation named by a name key a registered one
 * bears is that one); a company's name is unique where it is registered (企业名称登记管理规定),
 * so a name another unit shares is rare. `minDistinctive`: a key shorter than this once its
 * legal form is left out ("物业公司", "某单位") names a kind of unit, not one: no candidates.
 */
export const ORGANISATION_POLICY = {
  prior: 0.98,
  link: 0.9,
  review: 0.5,
  minDistinctive: 3,
} as const;

/** Legal forms a key ends with (organisationNameKey's), and names that stand for any unit. */
const KEY_LEGAL_FORMS = /(股份公司|公司)$/;
const PLACEHOLDER = /^(某|该|本|一家)/;

/** Whether a name key is specific enough to find candidates by. */
export function distinctiveKey(
  key: string,
  policy: { minDistinctive: number } = ORGANISATION_POLICY,
): boolean {
  return !PLACEHOLDER.test(key) && [...key.replace(KEY_LEGAL_FORMS, "")].length >= policy.minDistinctive;
}

const DEPTH: Record<OrganisationPlaceLevel, number> = {
  ADDRESS: 4,
  COMMUNITY: 3,
  STREET: 2,
  DISTRICT: 1,
  ELSEWHERE: 0,
};
const PLACE_LEVELS: readonly OrganisationPlaceLevel[] = [
  "ADDRESS",
  "COMMUNITY",
  "STREET",
  "DISTRICT",
  "ELSEWHERE",
];

/** The deepest level a place shows: its address, else its area's level (a city shows nothing). */
function precisionOf(place: OrganisationPlace): OrganisationPlaceLevel {
  if (place.addressId) return "ADDRESS";
  const level = AREA_LEVELS[place.path.split("/").filter(Boolean).length - 1];
  return level === "GRID" || level === "COMMUNITY"
    ? "COMMUNITY"
    : level === "STREET" || level === "DISTRICT"
      ? level
      : "ELSEWHERE";
}

/** The name level of two names of one key. */
export function nameLevel(
  a: OrganisationProfile,
  b: OrganisationProfile,
): "EXACT" | "SHORTENED" | "CONFLICTING" {
  if (a.spelled === b.spelled) return "EXACT";
  if (a.prefix !== null && b.prefix !== null && a.prefix !== b.prefix) return "CONFLICTING";
  return "SHORTENED";
}

/** Two credit codes, one failed: one or two characters off (a typo, two swapped), or not. */
function codeLevel(a: string, b: string): "NEAR" | "DIFFERENT" {
  if (a.length !== b.length) return "DIFFERENT";
  let off = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) off++;
  return off <= 2 ? "NEAR" : "DIFFERENT";
}

const weightOf = (m: number, u: number) => levelWeight({ m, u: Math.min(Math.max(u, 1e-12), 1) });

function placeReason(
  a: OrganisationPlace,
  b: OrganisationPlace,
  population: OrganisationPopulation,
): MatchReason | null {
  const pa = precisionOf(a);
  const pb = precisionOf(b);
  const precision = DEPTH[pa] < DEPTH[pb] ? pa : pb;
  if (precision === "ELSEWHERE") return null;
  let level: OrganisationPlaceLevel =
    a.addressId && a.addressId === b.addressId ? "ADDRESS" : placeLevel(a.path, b.path);
  if (DEPTH[level] > DEPTH[precision]) level = precision;
  const share = (l: OrganisationPlaceLevel) =>
    l === "ADDRESS"
      ? 1 / Math.max(population.addresses, 1)
      : l === "ELSEWHERE"
        ? 1
        : 1 / Math.max(population.areas[l], 1);
  const deeper = PLACE_LEVELS[PLACE_LEVELS.indexOf(level) - 1];
  const u = share(level) - (level !== precision && deeper ? share(deeper) : 0);
  // a place shown only to its precision holds the agreement the deeper levels would have shown
  const m =
    level === precision
      ? PLACE_LEVELS.filter((l) => DEPTH[l] >= DEPTH[precision]).reduce(
          (s, l) => s + ORGANISATION_WEIGHTS.place[l].m,
          0,
        )
      : ORGANISATION_WEIGHTS.place[level].m;
  return { feature: "place", level, weight: weightOf(m, u) };
}

/** One organisation against another of its name key, feature by feature. */
export function scoreOrganisations(
  mention: OrganisationProfile,
  candidate: OrganisationProfile,
  population: OrganisationPopulation,
): { score: number; reasons: MatchReason[] } {
  const n = Math.max(population.organisations, 1);
  const reasons: MatchReason[] = [];
  const name = nameLevel(mention, candidate);
  reasons.push({
    feature: "name",
    level: name,
    weight: weightOf(ORGANISATION_WEIGHTS.name[name].m, Math.max(population.keyHolders(mention.key), 1) / n),
  });
  if (mention.place && candidate.place) {
    const place = placeReason(mention.place, candidate.place, population);
    if (place) reasons.push(place);
  }
  if (mention.phone && candidate.phone) {
    const level = mention.phone === candidate.phone ? "EXACT" : "DIFFERENT";
    const u = level === "EXACT" ? Math.max(population.phoneHolders(mention.phone), 1) / n : 1;
    reasons.push({ feature: "phone", level, weight: weightOf(ORGANISATION_WEIGHTS.phone[level].m, u) });
  }
  const code = candidate.uscc ?? candidate.usccLowTrust;
  if (mention.usccLowTrust && code) {
    const level = codeLevel(mention.usccLowTrust, code);
    reasons.push({
      feature: "creditCode",
      level,
      weight: weightOf(ORGANISATION_WEIGHTS.creditCode[level].m, level === "NEAR" ? 1 / n : 1),
    });
  }
  return { score: Math.round(reasons.reduce((s, r) => s + r.weight, 0) * 100) / 100, reasons };
}

export interface OrganisationMatch<Id> {
  candidateId: Id;
  score: number;
  posterior: number;
  reasons: MatchReason[];
  decision: "LINK" | "REVIEW" | "NONE";
  compared: number;
}

/**
 * The organisation a name-only one is, if one clearly is: every candidate's weight against the
 * others and against "an organisation the graph does not hold" (what the prior leaves, over every
 * organisation). Two registrations of one key share the posterior, and neither is chosen.
 */
export function resolveOrganisation<Id>(
  mention: OrganisationProfile,
  candidates: readonly { id: Id; profile: OrganisationProfile; tie: string }[],
  population: OrganisationPopulation,
  policy: { prior: number; link: number; review: number } = ORGANISATION_POLICY,
): OrganisationMatch<Id> | null {
  if (candidates.length === 0) return null;
  const scored = candidates.map((c) => ({
    candidateId: c.id,
    ...scoreOrganisations(mention, c.profile, population),
  }));
  const none = Math.log2((Math.max(population.organisations, 1) * (1 - policy.prior)) / policy.prior);
  const tie = new Map(candidates.map((c) => [c.id, c.tie]));
  const best = bestByPosterior(scored, none, (id) => tie.get(id)!);
  return { ...best, decision: posteriorDecision(best.posterior, policy), compared: candidates.length };
}

/** An organisation of a name-key group, as the pass loads it. */
export interface GroupMember<Id> {
  id: Id;
  profile: OrganisationProfile;
  /** A stable value of its own to break ties by (its first source's key), never a generated id. */
  tie: string;
  /** A steward undid a merge of it: the pass never merges it again. */
  ruled: boolean;
}

export interface GroupDecision<Id> {
  survivorId: Id;
  mergedId: Id;
  match: OrganisationMatch<Id>;
}

/** How much a record tells about where and who an organisation is: the best-known one anchors. */
const evidence = (p: OrganisationProfile) =>
  (p.place?.addressId ? 4 : p.place ? 2 : 0) + (p.phone ? 1 : 0) + (p.usccLowTrust ? 1 : 0);

/**
 * The decisions for the organisations sharing one name key. The registered ones (a valid code) are
 * the candidates of every other; with none registered, the one known best (an address, a place, a
 * phone) is, and the others fold into it. Pairs a steward kept apart (`apart`, "a|b") are never
 * candidates; an organisation a steward ruled on is never merged (it may still be the anchor).
 */
export function resolveNameGroup<Id>(
  members: readonly GroupMember<Id>[],
  population: OrganisationPopulation,
  apart: ReadonlySet<string> = new Set(),
  policy: typeof ORGANISATION_POLICY = ORGANISATION_POLICY,
): GroupDecision<Id>[] {
  if (members.length < 2 || !distinctiveKey(members[0]!.profile.key, policy)) return [];
  const registered = members.filter((m) => m.profile.uscc !== null);
  const unregistered = members.filter((m) => m.profile.uscc === null);
  let candidates = registered;
  if (registered.length === 0) {
    const anchor = [...unregistered].sort(
      (a, b) => evidence(b.profile) - evidence(a.profile) || (a.tie < b.tie ? -1 : a.tie > b.tie ? 1 : 0),
    )[0];
    if (!anchor) return [];
    candidates = [anchor];
  }
  const decisions: GroupDecision<Id>[] = [];
  for (const m of unregistered.filter((u) => !u.ruled)) {
    const list = candidates.filter((c) => c.id !== m.id && !apart.has(`${m.id}|${c.id}`));
    const match = resolveOrganisation(m.profile, list, population, policy);
    if (match && match.decision !== "NONE")
      decisions.push({ survivorId: match.candidateId, mergedId: m.id, match });
  }
  return decisions;
}
