// Fellegi–Sunter scoring: each feature of a pair of records falls into one agreement level, and
// each level weighs log2(m/u), where m = P(level | same entity) and u = P(level | different
// entities). The score is the sum; a missing value weighs nothing. Every score keeps its reasons,
// so a steward sees why two records were linked.

export interface LevelWeight {
  /** P(level | the two are the same entity). */
  m: number;
  /** P(level | they are different entities). */
  u: number;
}

/** feature → level → m/u. Declared as data by each entity type's matcher. */
export type WeightTable = Readonly<Record<string, Readonly<Record<string, LevelWeight>>>>;

export interface MatchReason {
  feature: string;
  level: string;
  /** log2(m/u), rounded to 0.01. */
  weight: number;
}

export interface MatchScore {
  score: number;
  reasons: MatchReason[];
}

export const levelWeight = ({ m, u }: LevelWeight): number => Math.round(Math.log2(m / u) * 100) / 100;

/** Sum the weights of the levels a pair falls into; `null` = a side lacks the value. */
export function scorePair(table: WeightTable, levels: Readonly<Record<string, string | null>>): MatchScore {
  const reasons: MatchReason[] = [];
  let score = 0;
  for (const [feature, level] of Object.entries(levels)) {
    if (level === null) continue;
    const weights = table[feature]?.[level];
    if (!weights) throw new Error(`no weight for ${feature}=${level}`);
    const weight = levelWeight(weights);
    score += weight;
    reasons.push({ feature, level, weight });
  }
  return { score: Math.round(score * 100) / 100, reasons };
}

export interface Thresholds {
  /** At or above: linked automatically. */
  link: number;
  /** At or above (and below link): a new entity, plus a pair in the review queue. */
  review: number;
}

export type MatchDecision = "LINK" | "REVIEW" | "NEW";

export function decide(score: number, thresholds: Thresholds): MatchDecision {
  if (score >= thresholds.link) return "LINK";
  if (score >= thresholds.review) return "REVIEW";
  return "NEW";
}

export interface ScoredCandidate<Id> {
  candidateId: Id;
  /** log2 weight of the pair (the sum of its features' weights). */
  score: number;
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/**
 * The best candidate and its posterior: every candidate's weight against the others and against
 * "none of them" (weight `none`, log2 odds of the alternative the candidates do not cover). Ties
 * are broken by `tie` (the candidates' own values, never generated ids: the same inputs, the same
 * choice) and share the posterior, so neither reaches a threshold the other could not.
 */
export function bestByPosterior<S extends ScoredCandidate<unknown>>(
  scored: readonly S[],
  none: number,
  tie: (candidateId: S["candidateId"]) => string,
): S & { posterior: number } {
  const top = Math.max(...scored.map((s) => s.score));
  const scale = Math.max(top, none);
  const total = scored.reduce((s, c) => s + 2 ** (c.score - scale), 0) + 2 ** (none - scale);
  const best = [...scored].sort(
    (x, y) => y.score - x.score || (tie(x.candidateId) < tie(y.candidateId) ? -1 : 1),
  )[0]!;
  return { ...best, posterior: round4(2 ** (best.score - scale) / total) };
}

/** Posterior thresholds: at or above `link` merged, at or above `review` queued, else left. */
export const posteriorDecision = (
  posterior: number,
  policy: { link: number; review: number },
): "LINK" | "REVIEW" | "NONE" =>
  posterior >= policy.link ? "LINK" : posterior >= policy.review ? "REVIEW" : "NONE";
