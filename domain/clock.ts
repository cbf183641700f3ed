// Where the hub reads the time. Production reads the system clock; tests pass their own through
// the composition root (gateway/boot.ts) to reach deadlines and expiries without waiting.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
