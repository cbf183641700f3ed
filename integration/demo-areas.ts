// The demo city's area tree (南通市 320600: its districts, streets and towns, communities and
// grids), seed data for the embedded default: the hub loads it when DEMO_DATA is on, and the token
// command checks --area against it when no hub database runs. The file is data
// (prisma/seed/demo-areas.json), written from the sandbox's city (sandbox/city/areas.ts) by
// `npx tsx sandbox/city/write-seed.ts`; a test keeps the two equal.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { AREA_LEVELS } from "../domain/area.js";
import type { AreaInput } from "./area-registry.js";

export const DEMO_AREAS_FILE = new URL("../prisma/seed/demo-areas.json", import.meta.url);

const demoAreasSchema = z.array(
  z.strictObject({
    code: z.string().regex(/^(\d{6}|\d{12}|\d{15})$/),
    name: z.string().min(1),
    level: z.enum(AREA_LEVELS),
    parentCode: z.string().nullable(),
  }),
);

let cached: readonly AreaInput[] | null = null;

/** The demo area tree, parents before children (read once). */
export function demoAreaTree(): readonly AreaInput[] {
  cached ??= demoAreasSchema.parse(JSON.parse(readFileSync(DEMO_AREAS_FILE, "utf8")));
  return cached;
}
