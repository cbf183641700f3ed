// A mention folded into the registered person who holds the same role at the same organisation:
// two sources name one company's legal representative, one by name only ("钱有才"), the other with
// a citizen ID. The organisation and the role are the evidence the population-wide matcher lacks
// (a common name has dozens of residents, so its posterior stays low and the pair is never even
// proposed). The same name and nothing against it is the same person; a near name (homophone,
// typo, "钱先生"), two holders of the name, or a birth date or sex that disagree go to review.

import type { MatchReason } from "./fellegi-sunter.js";
import { comparePersons, type PersonProfile, scorePersons } from "./person-match.js";

export interface RoleHolder<Id> {
  id: Id;
  /** The holder's profile: a valid citizen ID. */
  profile: PersonProfile;
}

export interface SameRoleMatch<Id> {
  candidateId: Id;
  decision: "LINK" | "REVIEW";
  /** log2 weight of the pair (person-match's table), for the review queue's order. */
  score: number;
  reasons: MatchReason[];
}

/** Name levels close enough to be worth a steward's look. */
const NEAR_NAMES = new Set(["PINYIN", "WILDCARD", "SIMILAR", "SURNAME"]);

/**
 * What to do with a mention against the registered persons who hold its role at its organisation:
 * null when none is plausibly the same person. Deterministic: ties broken by citizen ID.
 */
export function sameRoleMatch<Id>(
  mention: PersonProfile,
  holders: readonly RoleHolder<Id>[],
): SameRoleMatch<Id> | null {
  const ranked = holders
    .map((h) => ({ h, levels: comparePersons(mention, h.profile), score: scorePersons(mention, h.profile) }))
    .filter(({ levels }) => levels.name === "EXACT" || NEAR_NAMES.has(levels.name ?? ""))
    .sort(
      (a, b) =>
        Number(b.levels.name === "EXACT") - Number(a.levels.name === "EXACT") ||
        b.score.score - a.score.score ||
        ((a.h.profile.citizenId ?? "") < (b.h.profile.citizenId ?? "") ? -1 : 1),
    );
  const best = ranked[0];
  if (!best) return null;
  const exact = ranked.filter((r) => r.levels.name === "EXACT");
  const against = best.levels.birthDate === "DIFFERENT" || best.levels.sex === "DIFFERENT";
  const decision = best.levels.name === "EXACT" && exact.length === 1 && !against ? "LINK" : "REVIEW";
  return {
    candidateId: best.h.id,
    decision,
    score: best.score.score,
    reasons: [{ feature: "sameRole", level: "SAME_ORGANISATION_AND_ROLE", weight: 0 }, ...best.score.reasons],
  };
}
