import { describe, expect, it } from "vitest";
import {
  afterRun,
  backoffDelayMs,
  CIRCUIT_POLICY,
  type CircuitState,
  circuitAllows,
  RETRY_POLICY,
} from "../../domain/resilience.js";

describe("backoffDelayMs", () => {
  it("grows exponentially up to the cap, with full jitter", () => {
    expect(backoffDelayMs(0, () => 0.999)).toBe(RETRY_POLICY.baseDelayMs - 1);
    expect(backoffDelayMs(3, () => 0.5)).toBe((RETRY_POLICY.baseDelayMs * 8) / 2);
    expect(backoffDelayMs(30, () => 0.999)).toBeLessThan(RETRY_POLICY.maxDelayMs);
    expect(backoffDelayMs(2, () => 0)).toBe(0);
  });
});

describe("circuit breaker", () => {
  const now = new Date("2026-11-22T08:00:00Z");
  const closed = { consecutiveFailures: 0, circuitOpenUntil: null };

  it("degrades on the first failures and opens after the threshold", () => {
    let s: CircuitState = { ...closed };
    const healths: string[] = [];
    for (let i = 0; i < CIRCUIT_POLICY.failuresToOpen; i++) {
      const next = afterRun(s, "failure", now);
      healths.push(next.health);
      s = next;
    }
    expect(healths).toEqual([...Array(CIRCUIT_POLICY.failuresToOpen - 1).fill("DEGRADED"), "DOWN"]);
    expect(circuitAllows(s, now)).toBe(false);
    expect(circuitAllows(s, new Date(now.getTime() + CIRCUIT_POLICY.openForMs))).toBe(true); // half-open
  });

  it("closes on a success", () => {
    const open = { consecutiveFailures: 5, circuitOpenUntil: new Date(now.getTime() + 1000) };
    expect(afterRun(open, "success", now)).toEqual({
      consecutiveFailures: 0,
      circuitOpenUntil: null,
      health: "HEALTHY",
    });
  });

  it("re-opens when the half-open trial fails", () => {
    const halfOpen = { consecutiveFailures: 3, circuitOpenUntil: new Date(now.getTime() - 1) };
    const next = afterRun(halfOpen, "failure", now);
    expect(next.health).toBe("DOWN");
    expect(next.circuitOpenUntil!.getTime()).toBe(now.getTime() + CIRCUIT_POLICY.openForMs);
  });
});
