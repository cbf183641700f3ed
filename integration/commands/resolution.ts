// Commands of entity resolution for data stewards (数据治理员): merge, unmerge, decide a
// review-queue pair, run the resolution pass. Each checks the persons it touches are in the
// steward's jurisdiction (through `personVisible`, the read paths' own rule, passed in by the
// API) before it changes anything, and is audited with the steward and the reason.
import { z } from "zod";
import { withinJurisdiction } from "../../domain/policies/area.js";
import type { Principal } from "../../domain/principal.js";
import type { Db } from "../../prisma/db.js";
import { markDistinct, mergePersons, ResolutionError, unmergePersons } from "../resolution/merge.js";
import { type PassOutcome, resolvePending } from "../resolution/pass.js";
import { CommandError } from "./errors.js";

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

export interface StewardDeps {
  db: Db;
  principal: Principal;
  /** Is the person (by id) in the principal's jurisdiction? The read paths' rule. */
  personVisible(personId: string): Promise<boolean>;
}

async function requireInJurisdiction(deps: StewardDeps, personId: string, field: string): Promise<void> {
  if (!(await deps.personVisible(personId)))
    throw new CommandError(
      "FORBIDDEN",
      `person in ${field} is outside your jurisdiction (or does not exist)`,
      {
        field,
      },
    );
}

/** A merge that cannot be done is the caller's mistake (or a record that is gone). */
function asCommandError(e: unknown): unknown {
  if (!(e instanceof ResolutionError)) return e;
  return e.code === "NOT_FOUND"
    ? new CommandError("NOT_FOUND", e.message)
    : new CommandError("BAD_USER_INPUT", e.message, { reason: e.code });
}

async function audited<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw asCommandError(e);
  }
}

export async function mergePersonsCommand(
  input: { survivorId: string; mergedId: string; reason: string },
  deps: StewardDeps,
): Promise<{ mergeId: string }> {
  await requireInJurisdiction(deps, input.survivorId, "survivorId");
  await requireInJurisdiction(deps, input.mergedId, "mergedId");
  const mergeId = await audited(() =>
    deps.db.$transaction((tx) =>
      mergePersons(tx, {
        survivorId: input.survivorId,
        mergedId: input.mergedId,
        actor: deps.principal.subject,
        reason: input.reason,
        method: "MANUAL",
      }),
    ),
  );
  return { mergeId };
}

export async function unmergePersonsCommand(
  input: { mergeId: string; reason: string },
  deps: StewardDeps,
): Promise<{ mergeId: string }> {
  const { mergeId } = input;
  const merge = await deps.db.merge.findUnique({ where: { id: mergeId }, select: { survivorId: true } });
  if (!merge) throw new CommandError("NOT_FOUND", `merge "${mergeId}" was not found`, { key: mergeId });
  await requireInJurisdiction(deps, merge.survivorId, "mergeId");
  await audited(() =>
    deps.db.$transaction((tx) =>
      unmergePersons(tx, { mergeId, actor: deps.principal.subject, reason: input.reason }),
    ),
  );
  return { mergeId };
}

export type MatchVerdict = "SAME" | "DISTINCT";

/** SAME merges the pair's new person into its candidate; DISTINCT keeps them apart for good. */
export async function decideMatch(
  input: { id: string; verdict: MatchVerdict; reason: string },
  deps: StewardDeps,
): Promise<{ id: string }> {
  const { id } = input;
  const pair = await deps.db.matchCandidate.findUnique({ where: { id } });
  if (pair?.status !== "OPEN")
    throw new CommandError("NOT_FOUND", `open review pair "${id}" was not found`, { key: id });
  await requireInJurisdiction(deps, pair.entityId, "id");
  const actor = deps.principal.subject;
  await audited(() =>
    deps.db.$transaction(async (tx) => {
      if (input.verdict === "SAME")
        await mergePersons(tx, {
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
 * The resolution pass now (the hub also runs it after every sync that brought records). The pass
 * is city-wide, so only a steward whose jurisdiction covers every root area (the city) may run it.
 */
export async function runResolutionPass(deps: { db: Db; principal: Principal }): Promise<PassOutcome> {
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
  return resolvePending(deps.db);
}
