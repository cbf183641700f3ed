// What every resolver receives. Built by the gateway once per request (HTTP) or operation (WS).
import type { Clock } from "../domain/clock.js";
import type { Principal } from "../domain/principal.js";
import type { ChangeBus } from "../integration/change-bus.js";
import type { SyncEngine } from "../integration/sync/engine.js";
import type { Db } from "../prisma/db.js";
import type { Loaders } from "../resolvers/loaders.js";

export interface Context {
  principal: Principal;
  db: Db;
  loaders: Loaders;
  changes: ChangeBus;
  sync: SyncEngine;
  /** The hub's time: deadlines and expiries read it, so tests can move it. */
  clock: Clock;
  /** Correlates logs and (later) audit records of one request. */
  requestId: string;
  transport: "http" | "ws";
}
