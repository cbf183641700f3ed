// The keys a draft is matched by, computed once per draft (pinyin and address parsing are the
// ingest's main CPU cost): the page being committed reuses what was computed while the previous
// page was still in the database.
import type { PersonDraft } from "../../connectors/contract.js";
import { type CanonicalPerson, canonicalPerson } from "../../domain/canonical.js";
import { type PlateParts, plateParts } from "../../domain/gazetteer.js";
import { addressMatchKeys, impliedSex, type PersonProfile } from "../../domain/resolution/person-match.js";

/** Parsed address keys by text: the same addresses recur across records and silos. */
const ADDRESS_MEMO_LIMIT = 200_000;
const addressMemo = new Map<string, { key: string; household: string | null }>();

export function addressKeysOf(text: string): { key: string; household: string | null } {
  let known = addressMemo.get(text);
  if (!known) {
    known = addressMatchKeys(text); // one parse for both keys
    if (addressMemo.size >= ADDRESS_MEMO_LIMIT) addressMemo.clear();
    addressMemo.set(text, known);
  }
  return known;
}

/** Door plates by text (the person's known addresses recur page after page). */
const plateMemo = new Map<string, PlateParts | null>();

export function platePartsOf(text: string): PlateParts | null {
  let known = plateMemo.get(text);
  if (known === undefined) {
    known = plateParts(text);
    if (plateMemo.size >= ADDRESS_MEMO_LIMIT) plateMemo.clear();
    plateMemo.set(text, known);
  }
  return known;
}

/** A post as a matching key: "GRID_WORKER@320602001001001". */
export const postKey = (p: { role: string; areaCode: string }) => `${p.role}@${p.areaCode}`;

export interface AnalysedPerson {
  canonical: CanonicalPerson;
  profile: PersonProfile;
}

const persons = new WeakMap<PersonDraft, AnalysedPerson>();

/** A person draft's canonical values and matching profile. */
export function analysePerson(d: PersonDraft): AnalysedPerson {
  let known = persons.get(d);
  if (!known) {
    const c = canonicalPerson(d);
    known = {
      canonical: c,
      profile: {
        citizenId: c.citizenId,
        citizenIdLowTrust: c.citizenIdLowTrust,
        name: c.name,
        namePinyin: c.namePinyin,
        sex: c.sex ?? impliedSex(c.name),
        birthDate: c.birthDate,
        phone: c.phone,
        addressKeys: (d.addresses ?? []).flatMap((a) => {
          const { household } = addressKeysOf(a.text);
          return household ? [household] : [];
        }),
        posts: (d.posts ?? []).map(postKey),
      },
    };
    persons.set(d, known);
  }
  return known;
}
