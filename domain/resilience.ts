// How the hub treats a failing department system, as policy: retries with exponential backoff and
// full jitter, then a circuit breaker. The policies run on cockatiel (integration/sync/policies.ts);
// this file holds their numbers and the backoff curve. Pure: the random source is a parameter.

export const RETRY_POLICY = {
  /** Attempts per page before the run gives up (the next scheduled run starts over). */
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
} as const;

export const CIRCUIT_POLICY = {
  /** Consecutive failed runs that open the circuit. */
  failuresToOpen: 3,
  /** How long an open circuit refuses calls before one trial run (half-open). */
  openForMs: 60_000,
} as const;

/** Full jitter (AWS architecture blog): uniform in [0, min(max, base·2^attempt)]. */
export function backoffDelayMs(
  attempt: number,
  random: () => number,
  policy: { baseDelayMs: number; maxDelayMs: number } = RETRY_POLICY,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/**
 * A transaction that lost a race with another writer, taken again from the start so that it sees
 * what the other committed: two connectors' pages creating the same citizen ID, credit code or
 * standard address (a unique violation; or a link to the address the other created, which this
 * one's insert skipped), a deadlock, a serialisation failure. PostgreSQL's SQLSTATEs, as the
 * driver's errors carry them.
 */
export const LOST_RACE_POLICY = {
  sqlstates: ["23505", "23503", "40P01", "40001"],
  /** Attempts before the error stands (the run fails as any failed page does). */
  maxAttempts: 5,
  baseDelayMs: 50,
  maxDelayMs: 2_000,
} as const;

const LOST_RACE_CODE = new RegExp(`\\b(${LOST_RACE_POLICY.sqlstates.join("|")})\\b`);
const LOST_RACE_WORDS =
  /deadlock detected|could not serialize|duplicate key value violates unique constraint|violates foreign key constraint/;

/**
 * Whether an error is a lost race (LOST_RACE_POLICY): its SQLSTATE as a word of the message or as
 * its code (not inside a record's key, "ZF23505"), or the server's words for one.
 */
export function lostRace(error: unknown): boolean {
  const text =
    error instanceof Error
      ? `${error.message} ${String((error as { code?: unknown }).code ?? "")}`
      : String(error);
  return LOST_RACE_CODE.test(text) || LOST_RACE_WORDS.test(text);
}

/**
 * Whether an error is a unique violation (23505): a statement that waited for another writer's
 * uncommitted row of the same key, and lost it when that writer committed.
 */
export function uniqueViolation(error: unknown): boolean {
  const text =
    error instanceof Error
      ? `${error.message} ${String((error as { code?: unknown }).code ?? "")}`
      : String(error);
  return /\b23505\b/.test(text) || /duplicate key value violates unique constraint/.test(text);
}

export type ConnectorHealth = "UNKNOWN" | "HEALTHY" | "DEGRADED" | "DOWN";
