// From what a source wrote to the values the graph keeps: identifiers normalised, a failed check
// kept as a low-trust key (never a join key), names cleaned with their pinyin blocking key.
// Pure; the ingest applies these before any matching.
import { addressKey, parseAddress } from "./identifiers/address.js";
import { normaliseCitizenId } from "./identifiers/citizen-id.js";
import { nameBlockingKey, normalisePersonName } from "./identifiers/person-name.js";
import { normaliseMobile } from "./identifiers/phone.js";
import { normaliseUscc } from "./identifiers/uscc.js";

/** The name a person row carries when no source named them (a caller who gave only a phone). */
export const UNNAMED_PERSON = "（无名）";

export interface CanonicalPerson {
  /** A valid GB 11643 ID: a trustworthy key. */
  citizenId: string | null;
  /** A cleaned ID that failed its check or plausibility: kept, but never used to link. */
  citizenIdLowTrust: string | null;
  name: string | null;
  namePinyin: string | null;
  sex: "MALE" | "FEMALE" | null;
  birthDate: string | null;
  phone: string | null;
  ethnicity: string | null;
}

export function canonicalPerson(draft: {
  citizenId?: string | null;
  name?: string | null;
  sex?: "MALE" | "FEMALE" | null;
  birthDate?: string | null;
  ethnicity?: string | null;
  phone?: string | null;
}): CanonicalPerson {
  const id = draft.citizenId ? normaliseCitizenId(draft.citizenId) : null;
  const name = draft.name ? normalisePersonName(draft.name) : null;
  const phone = draft.phone ? normaliseMobile(draft.phone) : null;
  const cleanName = name?.ok ? name.value : null;
  return {
    citizenId: id?.ok ? id.value : null,
    citizenIdLowTrust: id && !id.ok ? id.lowTrustKey : null,
    name: cleanName,
    namePinyin: cleanName ? nameBlockingKey(cleanName) || null : null,
    // The ID's own sex and birth date win over what a clerk typed.
    sex: id?.ok ? id.sex : (draft.sex ?? null),
    birthDate: id?.ok ? id.birthDate : (draft.birthDate ?? null),
    phone: phone?.ok ? phone.value : null,
    ethnicity: draft.ethnicity ?? null,
  };
}

export function canonicalUscc(raw: string | null | undefined): {
  uscc: string | null;
  lowTrust: string | null;
} {
  if (!raw) return { uscc: null, lowTrust: null };
  const r = normaliseUscc(raw);
  return r.ok ? { uscc: r.value, lowTrust: null } : { uscc: null, lowTrust: r.lowTrustKey };
}

/** The standard-address key two spellings of the same address share. */
export function canonicalAddressKey(text: string): string {
  return addressKey(parseAddress(text));
}
