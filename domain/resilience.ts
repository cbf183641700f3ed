// How the hub treats a failing department system: retries with exponential backoff and full
// jitter, then a circuit breaker. Pure: the clock and the random source are parameters.

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

export interface CircuitState {
  consecutiveFailures: number;
  /** While in the future, calls are refused; once past, one trial run is allowed. */
  circuitOpenUntil: Date | null;
}

/** May a run call the source now? Closed, or open but past its time (half-open trial). */
export function circuitAllows(state: CircuitState, now: Date): boolean {
  return state.circuitOpenUntil === null || state.circuitOpenUntil.getTime() <= now.getTime();
}

/** The circuit and health after a run that succeeded or failed. */
export function afterRun(
  state: CircuitState,
  outcome: "success" | "failure",
  now: Date,
  policy = CIRCUIT_POLICY,
): CircuitState & { health: ConnectorHealth } {
  if (outcome === "success") return { consecutiveFailures: 0, circuitOpenUntil: null, health: "HEALTHY" };
  const failures = state.consecutiveFailures + 1;
  if (failures >= policy.failuresToOpen)
    return {
      consecutiveFailures: failures,
      circuitOpenUntil: new Date(now.getTime() + policy.openForMs),
      health: "DOWN",
    };
  return { consecutiveFailures: failures, circuitOpenUntil: null, health: "DEGRADED" };
}
