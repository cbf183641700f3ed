// Identifiers that failed their check are kept, not dropped: the value as cleaned (full-width,
// spaces, dashes and case normalised) is a low-trust key. It is stored, searchable, and an exact
// matching key: the same wrong code from two silos is one organisation (or person), because a
// typo repeated character for character is the same record copied. It is never a trustworthy
// key: it does not join a valid code, and two persons with different valid IDs stay apart.
import { normaliseCitizenId } from "../identifiers/citizen-id.js";
import { DASHES, stripSpaces, toHalfWidth } from "../identifiers/text.js";
import { normaliseUscc } from "../identifiers/uscc.js";

/** Longer than any identifier: free text typed into an ID field is not a key. */
const MAX_KEY_LENGTH = 24;

const clean = (raw: string) => stripSpaces(toHalfWidth(raw)).replace(DASHES, "").toUpperCase();

export interface IdentifierCheck {
  /** The valid, normalised identifier. */
  valid: string | null;
  /** The cleaned value of an identifier that failed its check. */
  lowTrust: string | null;
  /** Why it failed (the normaliser's reason code, e.g. BAD_CHECK_CHAR), when it did. */
  problem: string | null;
}

function keep(raw: string, lowTrustKey: string | null): string | null {
  const key = lowTrustKey ?? clean(raw);
  return key.length > 0 && key.length <= MAX_KEY_LENGTH ? key : null;
}

/** A citizen ID as a source wrote it: valid, or kept as a low-trust key (15→18 upgraded when it can be). */
export function checkCitizenId(raw: string | null | undefined): IdentifierCheck {
  if (!raw?.trim()) return { valid: null, lowTrust: null, problem: null };
  const r = normaliseCitizenId(raw);
  return r.ok
    ? { valid: r.value, lowTrust: null, problem: null }
    : { valid: null, lowTrust: keep(raw, r.lowTrustKey), problem: r.reason };
}

/** A unified social credit code as a source wrote it: valid, or kept as a low-trust key. */
export function checkUscc(raw: string | null | undefined): IdentifierCheck {
  if (!raw?.trim()) return { valid: null, lowTrust: null, problem: null };
  const r = normaliseUscc(raw);
  return r.ok
    ? { valid: r.value, lowTrust: null, problem: null }
    : { valid: null, lowTrust: keep(raw, r.lowTrustKey), problem: r.reason };
}
