// How the hub treats a failing department system, on cockatiel: each page is fetched under a
// timeout and retried with exponential backoff and full jitter; each run goes through the
// connector's circuit breaker, which opens after consecutive failed runs and lets one trial run
// through once its open period is over (half-open). The breaker's state lives on the connector's
// row (consecutiveFailures, circuitOpenUntil), so every hub instance sees the same circuit and a
// restart keeps it: it is rebuilt from the row before a run and written back after it.
import {
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  type GeneratorFn,
  handleWhen,
  retry,
  TimeoutStrategy,
  timeout,
  wrap,
} from "cockatiel";
import {
  backoffDelayMs,
  CIRCUIT_POLICY,
  type ConnectorHealth,
  LOST_RACE_POLICY,
  lostRace,
  RETRY_POLICY,
} from "../../domain/resilience.js";

/** A page's fetch and decoding, all retries of one attempt included; sources time out sooner. */
export const PAGE_TIMEOUT_MS = 300_000;

/**
 * Fetching one page: up to RETRY_POLICY.maxAttempts attempts, each under PAGE_TIMEOUT_MS, with
 * full-jitter backoff between them; none once the run is being stopped.
 */
export function pagePolicy(
  random: () => number,
  stopping: AbortSignal,
  onRetry: (attempt: number, delayMs: number, error: string) => void,
) {
  const retries = retrying(RETRY_POLICY, () => !stopping.aborted, random, onRetry);
  return wrap(retries, timeout(PAGE_TIMEOUT_MS, TimeoutStrategy.Cooperative));
}

/**
 * A transaction (a sync page, a batch of the resolution pass) taken again from the start when it
 * lost a race with another writer (LOST_RACE_POLICY), with full-jitter backoff; not once `stopping`
 * is aborted.
 */
export function racePolicy(
  random: () => number,
  onRetry: (attempt: number, delayMs: number, error: string) => void,
  stopping?: AbortSignal,
) {
  return retrying(LOST_RACE_POLICY, (e) => lostRace(e) && !stopping?.aborted, random, onRetry);
}

/** Up to `policy.maxAttempts` attempts of what `when` admits, with full-jitter backoff between them. */
function retrying(
  policy: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number },
  when: (error: Error) => boolean,
  random: () => number,
  onRetry: (attempt: number, delayMs: number, error: string) => void,
) {
  const generator: GeneratorFn<number> = (attempt = 0) => [
    backoffDelayMs(attempt, random, policy),
    attempt + 1,
  ];
  const retries = retry(handleWhen(when), {
    maxAttempts: policy.maxAttempts - 1,
    backoff: new ExponentialBackoff({
      generator,
      initialDelay: policy.baseDelayMs,
      maxDelay: policy.maxDelayMs,
    }),
  });
  retries.onRetry((e) =>
    onRetry(e.attempt, e.delay, "error" in e ? (e.error as Error).message : "unexpected result"),
  );
  return retries;
}

/** The circuit as the connector's row keeps it. */
export interface CircuitRow {
  consecutiveFailures: number;
  /** While in the future, runs are refused; once past, one trial run is let through. */
  circuitOpenUntil: Date | null;
}

// cockatiel's serialised breaker (CircuitBreakerPolicy.toJSON / initialState), as of 3.2.
interface BreakerJson {
  ownState: { value: CircuitState; openedAt?: number; attemptNo?: number };
  breakerState: number;
}

/**
 * The connector's circuit breaker, as its row left it. A run cut short because the hub is
 * stopping says nothing about the source and is not counted.
 */
export function circuitOf(row: CircuitRow, stopping: AbortSignal): CircuitBreakerPolicy {
  const initialState: BreakerJson = {
    ownState:
      row.circuitOpenUntil === null
        ? { value: CircuitState.Closed }
        : {
            value: CircuitState.Open,
            openedAt: row.circuitOpenUntil.getTime() - CIRCUIT_POLICY.openForMs,
            attemptNo: 1,
          },
    breakerState: row.consecutiveFailures,
  };
  return circuitBreaker(
    handleWhen(() => !stopping.aborted),
    {
      halfOpenAfter: CIRCUIT_POLICY.openForMs,
      breaker: new ConsecutiveBreaker(CIRCUIT_POLICY.failuresToOpen),
      initialState,
    },
  );
}

/** What to write back to the row after a run, and the health it means. */
export function circuitRowOf(breaker: CircuitBreakerPolicy): CircuitRow & { health: ConnectorHealth } {
  const { ownState, breakerState } = breaker.toJSON() as BreakerJson;
  if (ownState.value === CircuitState.Open)
    return {
      consecutiveFailures: breakerState,
      circuitOpenUntil: new Date((ownState.openedAt ?? Date.now()) + CIRCUIT_POLICY.openForMs),
      health: "DOWN",
    };
  return {
    consecutiveFailures: breakerState,
    circuitOpenUntil: null,
    health: breakerState > 0 ? "DEGRADED" : "HEALTHY",
  };
}
