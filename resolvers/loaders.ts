// Per-request DataLoaders: one batch per kind of lookup per tick, cached for one request only.
import type { SyncEngine } from "../integration/sync/engine.js";
import type { Db } from "../prisma/db.js";
import { createAreaLoaders } from "./areas.js";
import { createDataQualityLoaders } from "./data-quality.js";
import { createJurisdictionLoaders } from "./jurisdiction.js";
import { createLookupLoaders } from "./lookups.js";
import { createMergedLoaders } from "./merged.js";
import { createPersonLoaders } from "./persons.js";
import { createResolutionLoaders } from "./resolution.js";

export function createLoaders(db: Db, sync: SyncEngine) {
  return {
    ...createAreaLoaders(db),
    ...createPersonLoaders(db),
    ...createJurisdictionLoaders(),
    ...createResolutionLoaders(db),
    ...createMergedLoaders(db),
    ...createDataQualityLoaders(db),
    live: createLookupLoaders(sync),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
