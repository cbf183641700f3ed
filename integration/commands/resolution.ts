// Commands of entity resolution for data stewards (数据治理员): merge, unmerge (./merges.ts, shared
// with organisations), decide a review-queue pair, run the resolution pass. Each checks the persons
// it touches are in the steward's jurisdiction (the read paths' own rule, passed in by the API)
// before it changes anything, and is audited with the steward and the reason.
import { z } from "zod";
import { withinJurisdiction } from "../../domain/policies/area.js";
import type { Principal } from "../../domain/principal.js";
import type { Db } from "../../prisma/db.js";
import { markDistinct, mergePersons } from "../resolution/merge.js";
import { mergeOrganisations } from "../resolution/merge-organisations.js";
import { type PassOutcome, resolvePending } from "../resolution/pass.js";
import { CommandError } from "./errors.js";
import { asCommand, requireInJurisdiction, type StewardDeps } from "./merges.js";

/** An audited reason: at least 4 characters once trimmed. Declared on the API's `reason`. */
export const reasonSchema = z
  .string()
  .trim()
  .min(4, "give a reason of at least 4 characters (it is audited)");

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Merge and review-pair ids are the rows' own ids, as `Merge.id` and `MatchCandidate.id` give them. */
export const rowIdSchema = (field: string) =>
  z.coerce
    .string()
    .regex(UUID, { error: (issue) => `${field} "${String(issue.input)}" is not an id this hub gives out` });

export type MatchVerdict = "SAME" | "DISTINCT";

/**
 * SAME merges the pair's new person (or organisation) into its candidate; DISTINCT keeps them
 * apart for good. `deps.visible` answers for the pair's kind of element.
 */
export async function decideMatch(
  input: { id: string; verdict: MatchVerdict; reason: string },
  deps: StewardDeps,
): Promise<{ id: string }> {
  const { id } = input;
  const pair = await deps.db.matchCandidate.findUnique({ where: { id } });
  if (pair?.status !== "OPEN")
    throw new CommandError("NOT_FOUND", `open review pair "${id}" was not found`, { key: id });
  const kind = pair.entityType === "ORGANISATION" ? "ORGANISATION" : "PERSON";
  await requireInJurisdiction(kind, deps, pair.entityId, "id");
  const actor = deps.principal.subject;
  const merge = kind === "ORGANISATION" ? mergeOrganisations : mergePersons;
  await asCommand(() =>
    deps.db.$transaction(async (tx) => {
      if (input.verdict === "SAME")
        await merge(tx, {
          survivorId: pair.candidateId,
          mergedId: pair.entityId,
          actor,
          reason: input.reason,
          method: "REVIEW",
          score: pair.score,
        });
      else await markDistinct(tx, { candidateId: id, actor });
    }),
  );
  return { id };
}

/**
 * The resolution pass now (the hub also runs it after every sync that brought records): over what
 * changed since the last pass, or over every mention when `full`. The pass
 * is city-wide, so only a steward whose jurisdiction covers every root area (the city) may run it.
 */
export async function runResolutionPass(
  deps: { db: Db; principal: Principal },
  options: { full?: boolean } = {},
): Promise<PassOutcome> {
  const roots = await deps.db.area.findMany({
    where: { parentId: null },
    select: { code: true, path: true },
  });
  const outside = roots.filter((r) => !withinJurisdiction(deps.principal, r.path));
  if (roots.length === 0 || outside.length > 0)
    throw new CommandError(
      "FORBIDDEN",
      `the resolution pass is city-wide: it needs a jurisdiction covering ${outside.map((r) => r.code).join(", ") || "the city"}`,
      { reason: "JURISDICTION_NOT_CITY_WIDE" },
    );
  return resolvePending(deps.db, { full: options.full ?? false });
}
