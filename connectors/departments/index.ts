// The five built-in department connectors, declared once as a table: manifest + mapping (what the
// department's records mean) + source (how its system is reached). Order matters for a first
// sync: the grid system's area registry goes first, since every other record is placed in it.
import type { Connector, ConnectorManifest, MappingOutcome, SourceRecordInput } from "../contract.js";
import { civilAffairsManifest } from "./civil-affairs/manifest.js";
import { mapCivilAffairs } from "./civil-affairs/map.js";
import { createCivilAffairsSource } from "./civil-affairs/source.js";
import { gridManifest } from "./grid/manifest.js";
import { mapGrid } from "./grid/map.js";
import { createGridSource } from "./grid/source.js";
import { hotlineManifest } from "./hotline/manifest.js";
import { mapHotline } from "./hotline/map.js";
import { createHotlineSource } from "./hotline/source.js";
import type { HttpSource, HttpSourceOptions } from "./http.js";
import { petitionManifest } from "./petition/manifest.js";
import { mapPetition } from "./petition/map.js";
import { createPetitionSource } from "./petition/source.js";
import { publicSecurityManifest } from "./public-security/manifest.js";
import { mapPublicSecurity } from "./public-security/map.js";
import { createPublicSecuritySource } from "./public-security/source.js";

export type DepartmentSystem = "grid" | "publicSecurity" | "civilAffairs" | "hotline" | "petition";

interface BuiltinSpec {
  manifest: ConnectorManifest;
  map: (record: SourceRecordInput) => MappingOutcome;
  source: (options: HttpSourceOptions) => HttpSource & Partial<Pick<Connector, "lookup" | "parsePush">>;
}

export const BUILTIN_CONNECTORS: Readonly<Record<DepartmentSystem, BuiltinSpec>> = {
  grid: { manifest: gridManifest, map: mapGrid, source: createGridSource },
  publicSecurity: {
    manifest: publicSecurityManifest,
    map: mapPublicSecurity,
    source: createPublicSecuritySource,
  },
  civilAffairs: { manifest: civilAffairsManifest, map: mapCivilAffairs, source: createCivilAffairsSource },
  hotline: { manifest: hotlineManifest, map: mapHotline, source: createHotlineSource },
  petition: { manifest: petitionManifest, map: mapPetition, source: createPetitionSource },
};

/** Connectors for the department systems at these base URLs (systems without a URL are left out). */
export function builtinConnectors(
  urls: Partial<Record<DepartmentSystem, string>>,
  { timeoutMs = 10_000 }: { timeoutMs?: number } = {},
): Connector[] {
  return (Object.keys(BUILTIN_CONNECTORS) as DepartmentSystem[]).flatMap((system) => {
    const baseUrl = urls[system];
    if (!baseUrl) return [];
    const spec = BUILTIN_CONNECTORS[system];
    const source = spec.source({ baseUrl, connectorId: spec.manifest.id, timeoutMs });
    return [{ ...source, manifest: spec.manifest, map: spec.map }];
  });
}
