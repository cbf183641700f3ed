// A matching profile for tests: every value absent unless given, the pinyin key from the name.
import { nameBlockingKey } from "../../../domain/identifiers/person-name.js";
import type { PersonProfile } from "../../../domain/resolution/person-match.js";

export const profile = (p: Partial<PersonProfile>): PersonProfile => ({
  citizenId: null,
  citizenIdLowTrust: null,
  name: null,
  namePinyin: p.name ? nameBlockingKey(p.name) : null,
  sex: null,
  birthDate: null,
  phone: null,
  addressKeys: [],
  ...p,
});
