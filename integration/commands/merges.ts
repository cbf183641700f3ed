// Merge and unmerge for data stewards (数据治理员), one implementation for every element that has
// them (persons, organisations): both elements must be in the steward's jurisdiction (the read
// paths' rule, passed in by the API), and each change is audited with the steward and the reason.
import type { Principal } from "../../domain/principal.js";
import type { Db } from "../../prisma/db.js";
import { mergePersons, ResolutionError, unmergePersons } from "../resolution/merge.js";
import { mergeOrganisations, unmergeOrganisations } from "../resolution/merge-organisations.js";
import { CommandError } from "./errors.js";

/** What merges each element, as data. */
const MERGEABLE = {
  PERSON: { noun: "person", merge: mergePersons, unmerge: unmergePersons },
  ORGANISATION: { noun: "organisation", merge: mergeOrganisations, unmerge: unmergeOrganisations },
} as const;

export type MergeableKind = keyof typeof MERGEABLE;

export interface StewardDeps {
  db: Db;
  principal: Principal;
  /** Is the element (by id) in the principal's jurisdiction? The read paths' rule. */
  visible(id: string): Promise<boolean>;
}

/** Refuse, alike for an element outside the jurisdiction and one that does not exist. */
export async function requireInJurisdiction(
  kind: MergeableKind,
  deps: StewardDeps,
  id: string,
  field: string,
): Promise<void> {
  if (!(await deps.visible(id)))
    throw new CommandError(
      "FORBIDDEN",
      `${MERGEABLE[kind].noun} in ${field} is outside your jurisdiction (or does not exist)`,
      { field },
    );
}

/** A merge that cannot be done is the caller's mistake (or a record that is gone). */
export async function asCommand<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (!(e instanceof ResolutionError)) throw e;
    throw e.code === "NOT_FOUND"
      ? new CommandError("NOT_FOUND", e.message)
      : new CommandError("BAD_USER_INPUT", e.message, { reason: e.code });
  }
}

/** Merge `mergedId` into `survivorId` (audited, reversible with unmergeCommand). */
export async function mergeCommand(
  kind: MergeableKind,
  input: { survivorId: string; mergedId: string; reason: string },
  deps: StewardDeps,
): Promise<{ mergeId: string }> {
  await requireInJurisdiction(kind, deps, input.survivorId, "survivorId");
  await requireInJurisdiction(kind, deps, input.mergedId, "mergedId");
  const mergeId = await asCommand(() =>
    deps.db.$transaction((tx) =>
      MERGEABLE[kind].merge(tx, {
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

/** Undo a merge of this kind of element: the merged one comes back with its id and relations. */
export async function unmergeCommand(
  kind: MergeableKind,
  input: { mergeId: string; reason: string },
  deps: StewardDeps,
): Promise<{ mergeId: string }> {
  const { mergeId } = input;
  const { noun } = MERGEABLE[kind];
  const merge = await deps.db.merge.findFirst({
    where: { id: mergeId, entityType: kind },
    select: { survivorId: true },
  });
  if (!merge)
    throw new CommandError("NOT_FOUND", `${noun} merge "${mergeId}" was not found`, { key: mergeId });
  await requireInJurisdiction(kind, deps, merge.survivorId, "mergeId");
  await asCommand(() =>
    deps.db.$transaction((tx) =>
      MERGEABLE[kind].unmerge(tx, { mergeId, actor: deps.principal.subject, reason: input.reason }),
    ),
  );
  return { mergeId };
}
