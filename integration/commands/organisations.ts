// Commands of organisation resolution for data stewards (数据治理员): merge two organisations and
// undo it. Like persons' (./resolution.ts): both must be in the steward's jurisdiction (the read
// paths' rule, passed in), and each change is audited with the steward and the reason.
import type { Principal } from "../../domain/principal.js";
import type { Db } from "../../prisma/db.js";
import { ResolutionError } from "../resolution/merge.js";
import { mergeOrganisations, unmergeOrganisations } from "../resolution/merge-organisations.js";
import { CommandError } from "./errors.js";

export interface OrganisationStewardDeps {
  db: Db;
  principal: Principal;
  /** Is the organisation (by id) in the principal's jurisdiction? The read paths' rule. */
  organisationVisible(organisationId: string): Promise<boolean>;
}

async function requireInJurisdiction(
  deps: OrganisationStewardDeps,
  id: string,
  field: string,
): Promise<void> {
  if (!(await deps.organisationVisible(id)))
    throw new CommandError(
      "FORBIDDEN",
      `organisation in ${field} is outside your jurisdiction (or does not exist)`,
      {
        field,
      },
    );
}

async function audited<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (!(e instanceof ResolutionError)) throw e;
    throw e.code === "NOT_FOUND"
      ? new CommandError("NOT_FOUND", e.message)
      : new CommandError("BAD_USER_INPUT", e.message, { reason: e.code });
  }
}

export async function mergeOrganisationsCommand(
  input: { survivorId: string; mergedId: string; reason: string },
  deps: OrganisationStewardDeps,
): Promise<{ mergeId: string }> {
  await requireInJurisdiction(deps, input.survivorId, "survivorId");
  await requireInJurisdiction(deps, input.mergedId, "mergedId");
  const mergeId = await audited(() =>
    deps.db.$transaction((tx) =>
      mergeOrganisations(tx, {
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

export async function unmergeOrganisationsCommand(
  input: { mergeId: string; reason: string },
  deps: OrganisationStewardDeps,
): Promise<{ mergeId: string }> {
  const { mergeId } = input;
  const merge = await deps.db.merge.findFirst({
    where: { id: mergeId, entityType: "ORGANISATION" },
    select: { survivorId: true },
  });
  if (!merge)
    throw new CommandError("NOT_FOUND", `organisation merge "${mergeId}" was not found`, { key: mergeId });
  await requireInJurisdiction(deps, merge.survivorId, "mergeId");
  await audited(() =>
    deps.db.$transaction((tx) =>
      unmergeOrganisations(tx, { mergeId, actor: deps.principal.subject, reason: input.reason }),
    ),
  );
  return { mergeId };
}
