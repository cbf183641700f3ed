// How a change to an event is published: inside the transaction that makes it, so subscribers
// hear of it only once it is committed. The one place the closed loop publishes from.
import type { Tx } from "../../prisma/db.js";
import { notifyStatement } from "../change-bus.js";

export interface ChangedEvent {
  id: string;
  /** The materialised path of the event's area (subscriptions filter by jurisdiction). */
  areaPath: string;
  kind: "CREATED" | "UPDATED";
  at: Date;
}

export async function publishEventChange(tx: Tx, event: ChangedEvent): Promise<void> {
  const { sql, params } = notifyStatement({
    topic: "EVENT",
    kind: event.kind,
    id: event.id,
    areaPath: event.areaPath,
    at: event.at.toISOString(),
  });
  await tx.$executeRawUnsafe(sql, ...params);
}
