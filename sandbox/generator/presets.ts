// Size presets and the volume of each kind of record, as data. Everything else scales from the
// number of persons; volumes are "per person over the simulated year", chosen so that ratios look
// like a real prefecture-level city (see DOMAIN.md "Scale of one city").

export const PRESET_NAMES = ["test", "demo", "bench"] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export interface Preset {
  persons: number;
  description: string;
}

export const PRESETS: Record<PresetName, Preset> = {
  test: { persons: 5_000, description: "unit tests: seconds" },
  demo: { persons: 50_000, description: "default: a small city to click through" },
  bench: { persons: 1_000_000, description: "load tests: streamed, a few minutes on 2 cores" },
};

export const DEFAULT_PRESET: PresetName = "demo";

/** Records per person over the simulated year (or, for registries, per person in the city). */
export const VOLUME_RATES = {
  incidents: 0.06, // 110 警情
  hotlineOrders: 0.12, // 12345 工单 (organic; transfers from 110 come on top)
  petitions: 0.006, // 信访件
  patrolReports: 0.04, // 网格巡查上报
  disputes: 0.008, // 矛盾纠纷 (organic; some more come from 110 纠纷 calls)
  socialOrganisations: 0.0012, // 社会组织 registered with civil affairs
  companies: 0.01, // enterprises and other units (统一社会信用代码 starting 9)
} as const;

/**
 * Structural links between silos: every `stride`-th record of `from` (at `offset`) becomes a matter
 * that another silo also records, so that the same real-world event appears in two systems.
 */
export const CROSS_SILO_LINKS = {
  /** 110 非警务警情 transferred to the 12345 hotline (110 与 12345 联动). */
  incidentToHotline: { stride: 10, offset: 3 },
  /** 110 纠纷警情 handed to the grid for mediation (警调对接). */
  incidentToDispute: { stride: 25, offset: 7 },
} as const;

/**
 * The simulated clock: events fall in [from, asOf] (Beijing time, UTC+8). Ages and statuses are
 * computed as of `asOf`. Fixed, so output never depends on the wall clock.
 */
export const CITY_CLOCK = { from: "2024-07-01", asOf: "2025-06-30" } as const;

export interface GeneratorOptions {
  /** Any string; the same seed and size give byte-identical output. */
  seed: string;
  preset?: PresetName;
  /** Override the preset's number of persons (tests use small custom sizes). */
  persons?: number;
}

export interface ResolvedOptions {
  seed: string;
  preset: PresetName | "custom";
  persons: number;
}

export function resolveOptions(options: GeneratorOptions): ResolvedOptions {
  const preset = options.preset ?? DEFAULT_PRESET;
  if (!PRESET_NAMES.includes(preset))
    throw new Error(`unknown preset "${preset}" (${PRESET_NAMES.join("|")})`);
  const persons = options.persons ?? PRESETS[preset].persons;
  if (!Number.isInteger(persons) || persons < 50)
    throw new Error(`persons must be an integer ≥ 50, got ${persons}`);
  return { seed: options.seed, preset: options.persons === undefined ? preset : "custom", persons };
}

/** How many of a volume-rated record there are for a city of `persons`. */
export function volume(persons: number, kind: keyof typeof VOLUME_RATES): number {
  return Math.max(1, Math.round(persons * VOLUME_RATES[kind]));
}
