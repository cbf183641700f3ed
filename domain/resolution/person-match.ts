// Matching persons that carry no trustworthy key (a hotline caller with a phone and "王先生", a
// petitioner without an ID): blocking keys say whom to compare with, the weight table how much
// each agreement counts, the thresholds what to do with the best score. All three are data,
// tuned against the sandbox generator's ground truth (`npm run bench:resolve`).
import { addressKey, parseAddress } from "../identifiers/address.js";
import { citizenIdCheckChar } from "../identifiers/citizen-id.js";
import { honorificName, NAME_PLACEHOLDERS, namesSimilarity } from "../identifiers/person-name.js";
import {
  decide,
  type MatchDecision,
  type MatchScore,
  scorePair,
  type Thresholds,
  type WeightTable,
} from "./fellegi-sunter.js";

/** What matching knows of a person: a record's canonical values, or a canonical row's. */
export interface PersonProfile {
  /** Valid GB 11643 ID. */
  citizenId: string | null;
  /** An 18-character ID that failed its check: compared, never trusted. */
  citizenIdLowTrust: string | null;
  name: string | null;
  namePinyin: string | null;
  sex: "MALE" | "FEMALE" | null;
  birthDate: string | null;
  phone: string | null;
  /** Household-precise address keys (see householdKey). */
  addressKeys: readonly string[];
  /** Posts held, as "ROLE@areaCode" (the grid worker of a grid). */
  posts?: readonly string[];
}

/**
 * m/u per feature and level. Rough population figures for a city of millions, where u is the
 * chance that two different people in the same block agree at that level.
 */
export const PERSON_WEIGHTS = {
  citizenId: {
    EXACT: { m: 0.999, u: 1e-7 },
    // One side failed its check but differs from the other in one position: a typo.
    NEAR: { m: 0.9, u: 1e-6 },
    // Two different IDs that both pass the check are two people.
    DIFFERENT: { m: 1e-9, u: 1 },
  },
  name: {
    EXACT: { m: 0.85, u: 0.0005 },
    // Same pinyin, other characters: homophones, a rare character written in pinyin.
    PINYIN: { m: 0.06, u: 0.002 },
    // "张?" against "张喆": a placeholder for a character the system could not store.
    WILDCARD: { m: 0.03, u: 0.001 },
    // One or two characters off: typos and look-alikes.
    SIMILAR: { m: 0.03, u: 0.01 },
    // Only "王先生" on one side, and the surnames agree.
    SURNAME: { m: 0.5, u: 0.05 },
    SURNAME_DIFFERENT: { m: 0.005, u: 0.95 },
    DIFFERENT: { m: 0.01, u: 0.94 },
  },
  birthDate: {
    EXACT: { m: 0.97, u: 0.0001 },
    DIFFERENT: { m: 0.03, u: 0.9999 },
  },
  sex: {
    SAME: { m: 0.98, u: 0.5 },
    DIFFERENT: { m: 0.01, u: 0.5 },
  },
  phone: {
    EXACT: { m: 0.85, u: 0.0001 },
    // People change numbers and give a relative's.
    DIFFERENT: { m: 0.15, u: 0.9999 },
  },
  post: {
    // The same post in the same area: a grid has one or two workers.
    SAME: { m: 0.9, u: 0.0002 },
  },
  address: {
    // Same household-precise standard address.
    SAME: { m: 0.6, u: 0.001 },
    // People move; silos are not updated.
    DIFFERENT: { m: 0.4, u: 0.999 },
  },
} as const satisfies WeightTable;

/** Sums of log2 weights: name + phone, name + birth date or name + household link automatically. */
export const PERSON_THRESHOLDS: Thresholds = { link: 14, review: 7 };

const sameLength = (a: string, b: string) => a.length === b.length;

function compareCitizenId(a: PersonProfile, b: PersonProfile): keyof typeof PERSON_WEIGHTS.citizenId | null {
  if (a.citizenId && b.citizenId) return a.citizenId === b.citizenId ? "EXACT" : "DIFFERENT";
  const valid = a.citizenId ?? b.citizenId;
  const low = a.citizenId ? b.citizenIdLowTrust : a.citizenIdLowTrust;
  if (!valid || !low || !sameLength(valid, low)) return null;
  let differences = 0;
  for (let i = 0; i < valid.length; i++) if (valid[i] !== low[i]) differences++;
  return differences <= 1 ? "NEAR" : null;
}

function wildcardEqual(a: string, b: string): boolean {
  const ca = [...a];
  const cb = [...b];
  if (ca.length !== cb.length) return false;
  let wild = 0;
  for (let i = 0; i < ca.length; i++) {
    if (ca[i] === cb[i]) continue;
    if (NAME_PLACEHOLDERS.includes(ca[i]!) || NAME_PLACEHOLDERS.includes(cb[i]!)) wild++;
    else return false;
  }
  return wild > 0 && wild < ca.length;
}

function compareName(a: PersonProfile, b: PersonProfile): keyof typeof PERSON_WEIGHTS.name | null {
  if (!a.name || !b.name) return null;
  if (a.name === b.name) return "EXACT";
  const ha = honorificName(a.name);
  const hb = honorificName(b.name);
  if (ha || hb) {
    if (ha && hb) return ha.surname === hb.surname ? "SURNAME" : "SURNAME_DIFFERENT";
    const honorific = (ha ?? hb)!;
    const other = (ha ? b.name : a.name)!;
    return other.startsWith(honorific.surname) ? "SURNAME" : "SURNAME_DIFFERENT";
  }
  if (a.namePinyin && a.namePinyin === b.namePinyin) return "PINYIN";
  if (wildcardEqual(a.name, b.name)) return "WILDCARD";
  // A rare character written as pinyin: "张zhe" against "张喆" share their blocking key above;
  // a typo leaves most of the pinyin intact.
  return namesSimilarity(a.name, b.name) >= 0.9 ? "SIMILAR" : "DIFFERENT";
}

const equalOrNull = <T>(x: T | null, y: T | null, same: string, different: string): string | null =>
  x === null || y === null ? null : x === y ? same : different;

/** The levels a pair of persons falls into, feature by feature (null: not comparable). */
export function comparePersons(a: PersonProfile, b: PersonProfile): Record<string, string | null> {
  return {
    citizenId: compareCitizenId(a, b),
    name: compareName(a, b),
    birthDate: equalOrNull(a.birthDate, b.birthDate, "EXACT", "DIFFERENT"),
    sex: equalOrNull(a.sex, b.sex, "SAME", "DIFFERENT"),
    phone: equalOrNull(a.phone, b.phone, "EXACT", "DIFFERENT"),
    // Holding different posts says nothing against: people hold several, or change.
    post: a.posts?.some((p) => b.posts?.includes(p)) ? "SAME" : null,
    address:
      a.addressKeys.length === 0 || b.addressKeys.length === 0
        ? null
        : a.addressKeys.some((k) => b.addressKeys.includes(k))
          ? "SAME"
          : "DIFFERENT",
  };
}

export function scorePersons(a: PersonProfile, b: PersonProfile): MatchScore {
  return scorePair(PERSON_WEIGHTS, comparePersons(a, b));
}

export interface PersonMatch<Id> extends MatchScore {
  candidateId: Id;
  decision: MatchDecision;
}

/**
 * The best candidate for a profile, deterministically: highest score, ties broken by the
 * candidates' own values (never by generated ids, so the same inputs give the same clusters).
 * A tie between two candidates above the link threshold is not decided automatically: it goes
 * to review.
 */
export function bestPersonMatch<Id>(
  profile: PersonProfile,
  candidates: readonly { id: Id; profile: PersonProfile }[],
  thresholds: Thresholds = PERSON_THRESHOLDS,
): PersonMatch<Id> | null {
  const scored = candidates
    .map((c) => ({ candidateId: c.id, key: profileKey(c.profile), ...scorePersons(profile, c.profile) }))
    .sort((x, y) => y.score - x.score || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  const best = scored[0];
  if (!best) return null;
  let decision = decide(best.score, thresholds);
  const runnerUp = scored[1];
  if (decision === "LINK" && runnerUp && runnerUp.score === best.score && runnerUp.key !== best.key)
    decision = "REVIEW";
  return { candidateId: best.candidateId, score: best.score, reasons: best.reasons, decision };
}

const profileKey = (p: PersonProfile) =>
  [p.citizenId, p.name, p.birthDate, p.phone, p.sex, p.citizenIdLowTrust].map((v) => v ?? "").join("|");

// ---- blocking ----

/** The sex a form of address implies, for profiles whose only name is "王先生". */
export function impliedSex(name: string | null): "MALE" | "FEMALE" | null {
  return name ? (honorificName(name)?.sex ?? null) : null;
}

/**
 * An address key precise enough to name a household (a room, or a rural door number): people
 * sharing it live together. Coarser addresses (a road, an estate) block too many people.
 */
export function householdKey(text: string): string | null {
  return addressMatchKeys(text).household;
}

/** The standard-address key of a text and, when it is household-precise, the same key again. */
export function addressMatchKeys(text: string): { key: string; household: string | null } {
  const parsed = parseAddress(text);
  const key = addressKey(parsed);
  const household = parsed.room || (parsed.doorNumber && !parsed.building && !parsed.unit);
  return { key, household: household ? key : null };
}

/** The valid ID a failed-check ID most likely meant: its first 17 characters with the right check. */
export function correctedCitizenId(lowTrust: string | null): string | null {
  if (lowTrust?.length !== 18) return null;
  const check = citizenIdCheckChar(lowTrust.slice(0, 17));
  return check ? `${lowTrust.slice(0, 17)}${check}` : null;
}

export interface PersonBlockingKeys {
  /** namePinyin + birth date. */
  nameBirth: { namePinyin: string; birthDate: string } | null;
  phone: string | null;
  citizenId: string | null;
  addressKeys: readonly string[];
  posts: readonly string[];
}

export function personBlockingKeys(p: PersonProfile): PersonBlockingKeys {
  return {
    posts: p.posts ?? [],
    nameBirth: p.namePinyin && p.birthDate ? { namePinyin: p.namePinyin, birthDate: p.birthDate } : null,
    phone: p.phone,
    citizenId: p.citizenId ?? correctedCitizenId(p.citizenIdLowTrust),
    addressKeys: p.addressKeys,
  };
}
