// When to run the resolution pass in a running hub: after a sync run that brought records, a short
// while later (so that connectors finishing together share one pass), never two at once in this
// instance, and not while this instance is syncing; a request while a pass runs makes one more
// pass after it. Across instances one pass at a time holds the watermark (pass.ts); a pass that
// finds it held tries again after the delay. A pass runs beside another instance's sync (a
// deadlock retries the batch).
import type { Db } from "../../prisma/db.js";
import { type PassOutcome, resolvePending } from "./pass.js";

export interface ResolutionSchedulerOptions {
  /** Wait this long after a request before passing (requests in between join it). */
  delayMs?: number;
  /** False while something writes persons (a sync run): the pass waits for it to finish. */
  idle?: () => boolean;
  log?: (message: string, fields: Record<string, unknown>) => void;
}

export class ResolutionScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** The latest pass's outcome (null until one ran). */
  last: PassOutcome | null = null;

  constructor(
    private readonly db: Db,
    private readonly options: ResolutionSchedulerOptions = {},
  ) {}

  request(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.options.idle && !this.options.idle()) {
        this.request();
        return;
      }
      this.running = this.pass().finally(() => {
        this.running = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.request();
        }
      });
    }, this.options.delayMs ?? 5_000);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    try {
      const outcome = await resolvePending(this.db, { log: this.options.log });
      // another instance's pass holds the watermark: what this one was asked for may have come
      // after that pass's start, so pass again once it is over
      if (outcome.busy) this.again = true;
      else this.last = outcome;
    } catch (e) {
      this.options.log?.("resolution pass failed", { error: (e as Error).message });
    }
  }

  /** No new passes; waits for the one running. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
