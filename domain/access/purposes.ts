// Purposes of processing (PIPL art. 6 and 28; GB/T 35273 records of processing): staff choose one
// per task, it travels with the token (claim `purpose`, `purpose_ref`) or the request (headers
// X-Purpose, X-Purpose-Ref), it is written into every audit record, and it is what unlocks
// sensitive values. Declared as data; a city replaces the table with its own (PURPOSES_FILE).
import { z } from "zod";
import { SENSITIVITY_CLASSES, type SensitivityClass } from "../sensitivity.js";

export const purposeSchema = z.object({
  /** Stable code, e.g. PETITION_HANDLING. */
  code: z.string().regex(/^[A-Z][A-Z0-9_]{1,63}$/, "purpose codes are UPPER_SNAKE_CASE"),
  /** What staff see when they choose it. */
  label: z.string().min(1).max(100),
  /** The classes it unlocks (for roles whose grant allows a purpose to unlock them). */
  unlocks: z.array(z.enum(SENSITIVITY_CLASSES)).default([]),
  /** Whose fields: owners (department codes), or "*" for every owner. */
  owners: z.union([z.literal("*"), z.array(z.string().min(1)).min(1)]).default("*"),
  /** It applies only with a case or event reference (purpose_ref / X-Purpose-Ref). */
  requiresReference: z.boolean().default(false),
  /** De-identified use only: everything personal is masked, whatever the role may otherwise see. */
  deIdentified: z.boolean().default(false),
});

export type Purpose = z.infer<typeof purposeSchema>;

export const purposesSchema = z
  .array(purposeSchema)
  .min(1)
  .refine((list) => new Set(list.map((p) => p.code)).size === list.length, "purpose codes must be unique");

const SENSITIVE_ONLY: SensitivityClass[] = ["SENSITIVE"];

/** The purposes a governance centre commonly offers (DOMAIN.md, "Purpose of processing"). */
export const DEFAULT_PURPOSES: readonly Purpose[] = purposesSchema.parse([
  {
    code: "CASE_HANDLING",
    label: "事件处置 (case handling, tied to an event)",
    unlocks: ["SENSITIVE", "SECRET"],
    owners: "*",
    requiresReference: true,
  },
  {
    code: "DISPUTE_MEDIATION",
    label: "矛盾纠纷调解 (dispute mediation)",
    unlocks: SENSITIVE_ONLY,
    owners: ["grid", "command_centre"],
    requiresReference: true,
  },
  {
    code: "ASSISTANCE_VERIFICATION",
    label: "救助核查 (social assistance verification)",
    unlocks: SENSITIVE_ONLY,
    owners: ["civil_affairs", "command_centre"],
    requiresReference: false,
  },
  {
    code: "PETITION_HANDLING",
    label: "信访办理 (petition handling, tied to a case)",
    unlocks: SENSITIVE_ONLY,
    owners: ["petition", "command_centre"],
    requiresReference: true,
  },
  {
    code: "EMERGENCY_RESPONSE",
    label: "应急处置 (emergency response)",
    unlocks: ["SENSITIVE", "SECRET"],
    owners: "*",
    requiresReference: false,
  },
  {
    code: "DATA_GOVERNANCE",
    label: "数据治理 (entity resolution review: judging whether two records are one person)",
    unlocks: SENSITIVE_ONLY,
    owners: "*",
    requiresReference: false,
  },
  {
    code: "STATISTICS",
    label: "统计分析 (statistics, de-identified only)",
    unlocks: [],
    owners: "*",
    deIdentified: true,
  },
]);

/** A principal's purpose as the request carries it. */
export interface DeclaredPurpose {
  code: string;
  reference: string | null;
}

export class PurposeError extends Error {}

/**
 * The configured purpose a request declares, checked: an unknown code is refused (a typo must not
 * pass as "some purpose").
 */
export function resolvePurpose(
  purposes: readonly Purpose[],
  declared: DeclaredPurpose | null,
): (Purpose & { reference: string | null }) | null {
  if (!declared) return null;
  const purpose = purposes.find((p) => p.code === declared.code);
  if (!purpose)
    throw new PurposeError(
      `"${declared.code}" is not a configured purpose; one of: ${purposes.map((p) => p.code).join(", ")}`,
    );
  return { ...purpose, reference: declared.reference };
}

/** Whether a purpose unlocks a field of this class and owner, and if not, why not. */
export function purposeUnlocks(
  purpose: (Purpose & { reference: string | null }) | null,
  cls: SensitivityClass,
  owner: string,
): { ok: true } | { ok: false; missing: string } {
  if (!purpose) return { ok: false, missing: "a declared purpose" };
  if (!purpose.unlocks.includes(cls) || (purpose.owners !== "*" && !purpose.owners.includes(owner)))
    return {
      ok: false,
      missing: `a purpose that unlocks ${cls} data of ${owner} (${purpose.code} does not)`,
    };
  if (purpose.requiresReference && !purpose.reference)
    return { ok: false, missing: `a case or event reference for ${purpose.code} (purpose_ref)` };
  return { ok: true };
}

/** The purposes that would unlock a field: named in refusals so the caller knows what to ask for. */
export function purposesUnlocking(
  purposes: readonly Purpose[],
  cls: SensitivityClass,
  owner: string,
): string[] {
  return purposes
    .filter((p) => p.unlocks.includes(cls) && (p.owners === "*" || p.owners.includes(owner)))
    .map((p) => (p.requiresReference ? `${p.code} (with a reference)` : p.code));
}
