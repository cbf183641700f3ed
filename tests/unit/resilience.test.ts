// The retry curve, and the circuit breaker as a connector's row keeps it (cockatiel's breaker
// rebuilt from the row before a run and written back after it: integration/sync/policies.ts).
import { BrokenCircuitError } from "cockatiel";
import { describe, expect, it } from "vitest";
import {
  backoffDelayMs,
  CIRCUIT_POLICY,
  lostRace,
  RETRY_POLICY,
  uniqueViolation,
} from "../../domain/resilience.js";
import { type CircuitRow, circuitOf, circuitRowOf } from "../../integration/sync/policies.js";

describe("backoffDelayMs", () => {
  it("grows exponentially up to the cap, with full jitter", () => {
    expect(backoffDelayMs(0, () => 0.999)).toBe(RETRY_POLICY.baseDelayMs - 1);
    expect(backoffDelayMs(3, () => 0.5)).toBe((RETRY_POLICY.baseDelayMs * 8) / 2);
    expect(backoffDelayMs(30, () => 0.999)).toBeLessThan(RETRY_POLICY.maxDelayMs);
    expect(backoffDelayMs(2, () => 0)).toBe(0);
  });
});

describe("a connector's circuit", () => {
  const running = new AbortController().signal;
  const fail = () => Promise.reject(new Error("HTTP 500"));
  const succeed = () => Promise.resolve("ok");

  /** One run through the circuit the row describes; the row it leaves. */
  async function run(row: CircuitRow, work: () => Promise<unknown>) {
    const breaker = circuitOf(row, running);
    let called = false;
    const outcome = await breaker
      .execute(() => {
        called = true;
        return work();
      })
      .then(
        () => "succeeded",
        (e: unknown) => (e instanceof BrokenCircuitError ? "refused" : "failed"),
      );
    return { outcome, called, row: circuitRowOf(breaker) };
  }

  it("degrades on the first failed runs and opens after the threshold, refusing without calling", async () => {
    let row: CircuitRow = { consecutiveFailures: 0, circuitOpenUntil: null };
    const healths: string[] = [];
    for (let i = 0; i < CIRCUIT_POLICY.failuresToOpen; i++) {
      const r = await run(row, fail);
      healths.push(r.row.health);
      row = r.row;
    }
    expect(healths).toEqual([...Array(CIRCUIT_POLICY.failuresToOpen - 1).fill("DEGRADED"), "DOWN"]);
    expect(row.circuitOpenUntil!.getTime()).toBeGreaterThan(Date.now());
    const refused = await run(row, succeed);
    expect(refused).toMatchObject({ outcome: "refused", called: false, row: { health: "DOWN" } });
  });

  it("lets one trial run through once open long enough, and closes when it succeeds", async () => {
    const past = { consecutiveFailures: 3, circuitOpenUntil: new Date(Date.now() - 1) };
    const r = await run(past, succeed);
    expect(r).toMatchObject({ outcome: "succeeded", called: true });
    expect(r.row).toEqual({ consecutiveFailures: 0, circuitOpenUntil: null, health: "HEALTHY" });
  });

  it("opens again for the open period when the trial fails", async () => {
    const past = { consecutiveFailures: 3, circuitOpenUntil: new Date(Date.now() - 1) };
    const before = Date.now();
    const r = await run(past, fail);
    expect(r.outcome).toBe("failed");
    expect(r.row.health).toBe("DOWN");
    expect(r.row.circuitOpenUntil!.getTime()).toBeGreaterThanOrEqual(before + CIRCUIT_POLICY.openForMs);
  });

  it("does not count a run cut short because the hub is stopping", async () => {
    const stopping = new AbortController();
    stopping.abort();
    const breaker = circuitOf({ consecutiveFailures: 2, circuitOpenUntil: null }, stopping.signal);
    await breaker.execute(fail).catch(() => undefined);
    expect(circuitRowOf(breaker)).toMatchObject({ consecutiveFailures: 2, health: "DEGRADED" });
  });
});

describe("lostRace", () => {
  it("knows a page that lost a race with another writer, by SQLSTATE or by the server's words", () => {
    for (const message of [
      'Raw query failed. Code: `23505`. Message: `duplicate key value violates unique constraint "Person_citizenId_key"`',
      'insert or update on table "PersonAddress" violates foreign key constraint "PersonAddress_addressId_fkey"',
      "deadlock detected",
      "could not serialize access due to concurrent update",
    ])
      expect(lostRace(new Error(message))).toBe(true);
    expect(lostRace(Object.assign(new Error("driver error"), { code: "40P01" }))).toBe(true);
  });

  it("leaves every other failure to stand", () => {
    for (const message of [
      'relation "Persn" does not exist',
      "value too long for type character varying(18)",
      "Transaction API error: Transaction already closed",
      "connect ECONNREFUSED 127.0.0.1:5432",
      // a record's key that happens to hold a SQLSTATE's digits
      "record ZF23505: the payload is not an object",
    ])
      expect(lostRace(new Error(message))).toBe(false);
  });
});

describe("uniqueViolation", () => {
  it("knows a statement that lost a unique key, and nothing else", () => {
    expect(
      uniqueViolation(
        new Error(
          'Raw query failed. Code: `23505`. Message: `duplicate key value violates unique constraint "Person_citizenId_key"`',
        ),
      ),
    ).toBe(true);
    expect(uniqueViolation(Object.assign(new Error("driver error"), { code: "23505" }))).toBe(true);
    for (const message of [
      "deadlock detected",
      'insert or update on table "PersonAddress" violates foreign key constraint "PersonAddress_addressId_fkey"',
      "record ZF23505: the payload is not an object",
    ])
      expect(uniqueViolation(new Error(message))).toBe(false);
  });
});
