// The sandbox department systems: five HTTP servers, one per silo, serving the synthetic city in
// each silo's native wire format. startSandbox() starts all five on one shared city.
import type { City } from "../generator/city.js";
import type { PresetName } from "../generator/presets.js";
import { startCivilAffairsService } from "./civil-affairs.js";
import {
  cityOf,
  type RunningService,
  SERVICE_NAMES,
  type ServiceName,
  type ServiceOptions,
} from "./common.js";
import { startGridService } from "./grid.js";
import { startHotlineService } from "./hotline.js";
import { startPetitionService } from "./petition.js";
import { startPublicSecurityService } from "./public-security.js";

export { startCivilAffairsService } from "./civil-affairs.js";
export {
  DEFAULT_LIMIT,
  FAULT_MODES,
  type FaultMode,
  type FaultState,
  MAX_LIMIT,
  type RunningService,
  SERVICE_NAMES,
  type ServiceName,
  type ServiceOptions,
} from "./common.js";
export { type GridAreaRecord, startGridService } from "./grid.js";
export { type HotlineDelivery, type HotlineServiceOptions, startHotlineService } from "./hotline.js";
export { startPetitionService } from "./petition.js";
export { startPublicSecurityService } from "./public-security.js";

export const DEFAULT_PORTS: Readonly<Record<ServiceName, number>> = {
  publicSecurity: 4101,
  civilAffairs: 4102,
  hotline: 4103,
  petition: 4104,
  grid: 4105,
};

export interface SandboxOptions {
  seed: string;
  preset?: PresetName;
  persons?: number;
  /** A city already built with the same options. */
  city?: City;
  /** Per-service port (0 = any free port); defaults 4101–4105. */
  ports?: Partial<Record<ServiceName, number>>;
  host?: string;
  /** Hotline webhook target, and the token it sends. */
  webhookUrl?: string;
  webhookToken?: string;
  /** Start only these services (default: all five). */
  only?: readonly ServiceName[];
  /** Every service serves at most this many records a page (see ServiceOptions.maxPageSize). */
  maxPageSize?: number;
  /**
   * The hotline, petition, public-security and grid systems each produce one new or changed
   * matter every `everyMs` ms (a live demo; ServiceOptions.stream).
   */
  stream?: { everyMs: number };
}

export interface Sandbox {
  city: City;
  /** Base URLs of the started services. */
  urls: Partial<Record<ServiceName, string>>;
  services: RunningService[];
  stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const city = cityOf(options);
  const host = options.host ?? "127.0.0.1";
  const wanted = options.only ?? SERVICE_NAMES;
  const starters: Record<ServiceName, (o: ServiceOptions) => Promise<RunningService>> = {
    publicSecurity: startPublicSecurityService,
    civilAffairs: startCivilAffairsService,
    hotline: (o) =>
      startHotlineService({
        ...o,
        webhookUrl: options.webhookUrl,
        webhookToken: options.webhookToken,
      }),
    petition: startPetitionService,
    grid: startGridService,
  };
  const services: RunningService[] = [];
  try {
    for (const name of SERVICE_NAMES) {
      if (!wanted.includes(name)) continue;
      const port = options.ports?.[name] ?? DEFAULT_PORTS[name];
      services.push(
        await starters[name]({
          seed: options.seed,
          preset: options.preset,
          persons: options.persons,
          city,
          host,
          port,
          ...(options.maxPageSize ? { maxPageSize: options.maxPageSize } : {}),
          ...(options.stream ? { stream: options.stream } : {}),
        }),
      );
    }
  } catch (err) {
    await Promise.all(services.map((s) => s.stop()));
    throw err;
  }
  const urls: Partial<Record<ServiceName, string>> = {};
  for (const s of services) urls[s.name] = s.url;
  return {
    city,
    urls,
    services,
    stop: async () => {
      await Promise.all(services.map((s) => s.stop()));
    },
  };
}
