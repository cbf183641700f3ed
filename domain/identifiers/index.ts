// Public API of the identifier rules: pure normalisation and validation of the keys that link
// records across silos (citizen ID, credit code, mobile, name, standard address).

export {
  type AddressField,
  type AddressSuffix,
  addressKey,
  chineseNumeralToNumber,
  NAMED_LEVELS,
  type NamedLevel,
  type ParsedAddress,
  parseAddress,
} from "./address.js";
export {
  CITIZEN_ID_WEIGHTS,
  type CitizenIdProblem,
  type CitizenIdResult,
  citizenIdCheckChar,
  MIN_BIRTH_YEAR,
  normaliseCitizenId,
  PROVINCE_CODES,
} from "./citizen-id.js";
export {
  type NameQuality,
  nameBlockingKey,
  namesSimilarity,
  normalisePersonName,
  type PersonNameProblem,
  type PersonNameResult,
} from "./person-name.js";
export {
  MOBILE_PATTERN,
  type MobileProblem,
  type MobileResult,
  maskMobile,
  normaliseMobile,
} from "./phone.js";
export {
  normaliseUscc,
  ORG_CODE_WEIGHTS,
  orgCodeCheckChar,
  orgTypeName,
  REGISTERING_AUTHORITIES,
  registeringAuthorityName,
  USCC_ALPHABET,
  USCC_WEIGHTS,
  type UsccProblem,
  type UsccResult,
  usccCheckChar,
} from "./uscc.js";
