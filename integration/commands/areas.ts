// Commands on the area registry (行政区划): an area administrator corrects an area's name or
// centroid inside their jurisdiction; the change is published (areaChanged).
import { z } from "zod";
import { normaliseAreaCode } from "../../domain/area.js";
import { canUpdateArea } from "../../domain/policies/area.js";
import type { Principal } from "../../domain/principal.js";
import type { Db } from "../../prisma/db.js";
import { renameArea } from "../area-registry.js";
import { CommandError, notFound } from "./errors.js";

/** The corrections an update may carry, declared on the API's UpdateAreaInput fields. */
export const areaUpdateSchema = {
  name: z.string().trim().min(1, "name must be 1–50 characters").max(50, "name must be 1–50 characters"),
  latitude: z.number().min(-90, "latitude must be within −90…90").max(90, "latitude must be within −90…90"),
  longitude: z
    .number()
    .min(-180, "longitude must be within −180…180")
    .max(180, "longitude must be within −180…180"),
};

export interface AreaUpdate {
  /** Division code, as typed (full-width digits and 12-digit county codes are normalised). */
  code: string;
  name?: string | null | undefined;
  latitude?: number | null | undefined;
  longitude?: number | null | undefined;
}

export async function updateArea(
  input: AreaUpdate,
  deps: { db: Db; principal: Principal },
): Promise<{ id: string }> {
  const code = normaliseAreaCode(input.code);
  const area = await deps.db.area.findUnique({ where: { code }, select: { id: true, path: true } });
  if (!area) throw notFound("area", code);
  if (!canUpdateArea(deps.principal, area.path))
    throw new CommandError("FORBIDDEN", `area ${code} is outside your jurisdiction`, { field: "input.code" });
  await renameArea(deps.db, area.id, {
    name: input.name?.trim() ?? undefined,
    latitude: input.latitude ?? undefined,
    longitude: input.longitude ?? undefined,
  });
  return { id: area.id };
}
