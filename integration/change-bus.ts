// Published changes, carried by PostgreSQL LISTEN/NOTIFY: every hub instance hears every change,
// so instances stay stateless and subscriptions work behind a load balancer with no extra broker.
// A change is published inside the transaction that makes it and delivered only on commit.
import { EventEmitter, on } from "node:events";
import pg from "pg";
import { z } from "zod";

export const CHANGE_CHANNEL = "citygraph_changes";

export const changeSchema = z.object({
  topic: z.enum(["AREA", "EVENT", "PERSON", "ORGANISATION", "ADDRESS", "CONNECTOR"]),
  kind: z.enum(["CREATED", "UPDATED", "DELETED"]),
  id: z.string(),
  /** Materialised path of the area the change happened in: subscriptions filter by jurisdiction. */
  areaPath: z.string().nullable(),
  at: z.string(),
});
export type Change = z.infer<typeof changeSchema>;

/** The SQL that publishes a change; run it in the changing transaction. */
export function notifyStatement(change: Change): { sql: string; params: [string, string] } {
  return { sql: "SELECT pg_notify($1, $2)", params: [CHANGE_CHANNEL, JSON.stringify(change)] };
}

/** The SQL that publishes several changes in one statement (a page of a registry's changes). */
export function notifyAllStatement(changes: readonly Change[]): { sql: string; params: [string, string[]] } {
  return {
    sql: "SELECT pg_notify($1, c) FROM unnest($2::text[]) AS c",
    params: [CHANGE_CHANNEL, changes.map((c) => JSON.stringify(c))],
  };
}

export interface ChangeBusOptions {
  url: string;
  log?: (message: string) => void;
}

export class ChangeBus {
  private readonly emitter = new EventEmitter({ captureRejections: true });
  private client: pg.Client | null = null;
  private stopped = false;
  private reconnectDelayMs = 500;

  private constructor(private readonly options: ChangeBusOptions) {
    this.emitter.setMaxListeners(0);
  }

  static async start(options: ChangeBusOptions): Promise<ChangeBus> {
    const bus = new ChangeBus(options);
    await bus.connect();
    return bus;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.url });
    client.on("notification", (msg) => {
      if (msg.channel !== CHANGE_CHANNEL || !msg.payload) return;
      const parsed = changeSchema.safeParse(JSON.parse(msg.payload));
      if (parsed.success) this.emitter.emit("change", parsed.data);
      else this.options.log?.(`ignored malformed change notification: ${parsed.error.message}`);
    });
    client.on("error", (e) => {
      this.options.log?.(`change bus connection lost: ${e.message}`);
      void this.reconnect();
    });
    await client.connect();
    await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    this.client = client;
    this.reconnectDelayMs = 500;
  }

  private async reconnect(): Promise<void> {
    const old = this.client;
    this.client = null;
    await old?.end().catch(() => {});
    while (!this.stopped) {
      await new Promise((r) => setTimeout(r, this.reconnectDelayMs));
      try {
        await this.connect();
        this.options.log?.("change bus reconnected");
        return;
      } catch {
        this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, 30_000);
      }
    }
  }

  /** Publish outside a transaction (e.g. connector status). */
  async publish(change: Change): Promise<void> {
    const { sql, params } = notifyStatement(change);
    if (!this.client) throw new Error("change bus is not connected");
    await this.client.query(sql, params);
  }

  /** Changes that pass `filter`, until the consumer stops iterating or `signal` aborts. */
  async *subscribe(filter: (change: Change) => boolean, signal?: AbortSignal): AsyncGenerator<Change> {
    try {
      for await (const [change] of on(this.emitter, "change", { signal })) {
        if (filter(change as Change)) yield change as Change;
      }
    } catch (e) {
      if ((e as Error).name !== "AbortError") throw e;
    }
  }

  get connected(): boolean {
    return this.client !== null;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.emitter.removeAllListeners();
    await this.client?.end().catch(() => {});
    this.client = null;
  }
}
