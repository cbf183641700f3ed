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
export function backoffDelayMs(attempt: number, random: () => number, policy = RETRY_POLICY): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

export type ConnectorHealth = "UNKNOWN" | "HEALTHY" | "DEGRADED" | "DOWN";
