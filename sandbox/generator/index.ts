// Public API of the synthetic-city generator (sandbox department systems build on it).
export { type AddressPrecision, type AddressStyle, addressText, type StandardAddress } from "./addresses.js";
export { addWorkingDays, isWorkingDay } from "./calendar.js";
export { type Household, type Person, personIndexOfKey, personKey } from "./citizens.js";
export { type City, type CityCounts, createCity, type GridWorker } from "./city.js";
export { DatasetPager, type Emitted, iterateDataset, type SiloDataset } from "./dataset.js";
export { DIRT_KINDS, DIRT_TABLE, type DirtKind, dirtRate, SILOS, type Silo } from "./dirt.js";
export { type Organisation, organisationKey } from "./organisations.js";
export {
  JsonlWriter,
  type WriteOptions,
  type WriteResult,
  writeCity,
  writeGroundTruth,
  writeTruthEntities,
} from "./output.js";
export {
  CITY_CLOCK,
  DEFAULT_PRESET,
  type GeneratorOptions,
  PRESET_NAMES,
  PRESETS,
  type PresetName,
  VOLUME_RATES,
} from "./presets.js";
export { Permutation, Rng, streamRng } from "./rng.js";
export type { CivilAssistanceRow, CivilSocialOrgRow } from "./silos/civil-affairs.js";
export type {
  DisputeParty,
  DisputeRecord,
  GridAddressRecord,
  GridUnitRecord,
  GridWorkerRecord,
  PatrolReport,
} from "./silos/grid.js";
export type { HotlineWorkOrder } from "./silos/hotline.js";
export { siloDatasets } from "./silos/index.js";
export type { PetitionCase, Petitioner } from "./silos/petition.js";
export type { PsIncidentRecord, PsInvolvedPerson, PsPopulationRecord } from "./silos/public-security.js";
export {
  DATASETS,
  type DatasetName,
  emptyTruth,
  type GroundTruthRecord,
  type PersonRef,
  type Summary,
  valueAt,
} from "./truth.js";
