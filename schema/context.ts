// What every resolver receives. Built by the gateway once per request (HTTP) or operation (WS).
import type { RequestAccess } from "../domain/access/request.js";
import type { Clock } from "../domain/clock.js";
import type { Principal } from "../domain/principal.js";
import type { ChangeFeed, SyncControl } from "../integration/commands/ports.js";
import type { OutboxSubscriptions } from "../integration/outbox.js";
import type { Db } from "../prisma/db.js";
import type { Loaders } from "../resolvers/loaders.js";

export interface Context {
  principal: Principal;
  /** The access policy's state for this request: purpose, decisions taken, what to audit. */
  access: RequestAccess;
  db: Db;
  loaders: Loaders;
  /** Committed changes, for subscriptions (the change bus). */
  changes: ChangeFeed;
  /** Committed changes with the state they produced, from the outbox (replay, then live). */
  outbox: OutboxSubscriptions;
  /** The sync engine as mutations drive it. */
  sync: SyncControl;
  /** The hub's time: deadlines and expiries read it, so tests can move it. */
  clock: Clock;
  /** Correlates logs and (later) audit records of one request. */
  requestId: string;
  transport: "http" | "ws";
  /** Aborted when the client goes away (HTTP request closed, WebSocket closed): long reads stop. */
  signal?: AbortSignal;
}
