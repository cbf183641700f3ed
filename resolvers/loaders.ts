// Per-request DataLoaders: one batch per kind of lookup per tick, cached for one request only.
import type { Db } from "../prisma/db.js";
import { createAreaLoaders } from "./areas.js";

export function createLoaders(db: Db) {
  return { ...createAreaLoaders(db) };
}

export type Loaders = ReturnType<typeof createLoaders>;
