import type { Database } from "./db/client";

/**
 * Counts added up per isolate and written to the central database together: a busy shop's
 * outcomes cost one write every few seconds instead of one query per event, and the request that
 * reports them does not wait for it (the write runs in `waitUntil`). A failed write puts the
 * counts back, to go with the next flush.
 */
export interface CountBufferOptions<T> {
  /** What names one row of the write: rows with the same key are added together. */
  key(row: T): string;
  add(a: T, b: T): T;
  /** How many outcomes a row carries (a flush comes at once when `flushAt` wait). */
  weight(row: T): number;
  write(db: Database, rows: T[]): Promise<void>;
  /** For the log line of a failed background write. */
  label: string;
  /** A flush follows this long after the first count it carries... */
  flushAfterMs?: number;
  /** ...or comes at once when this many outcomes wait, so that an isolate that dies loses little. */
  flushAt?: number;
}

export class CountBuffer<T> {
  private readonly pending = new Map<string, T>();
  private waiting = 0;
  private timerArmed = false;
  /** Counts flushes: a timer armed before the latest flush finds its counts written already. */
  private flushes = 0;

  constructor(private readonly options: CountBufferOptions<T>) {}

  /** Adds rows to the pending counts and makes sure a flush will write them. */
  queue(db: Database, rows: readonly T[], ctx: Pick<ExecutionContext, "waitUntil">): void {
    for (const row of rows) this.keep(row);
    if (this.waiting >= (this.options.flushAt ?? 1_000)) {
      ctx.waitUntil(this.flushInBackground(db));
    } else if (this.pending.size > 0 && !this.timerArmed) {
      this.timerArmed = true;
      const armedAfter = this.flushes;
      const wait = this.options.flushAfterMs ?? 5_000;
      ctx.waitUntil(scheduler.wait(wait).then(() => (this.flushes === armedAfter ? this.flushInBackground(db) : undefined)));
    }
  }

  /** Adds rows to the pending counts without arranging a flush: for a caller that flushes itself (the cron). */
  hold(rows: readonly T[]): void {
    for (const row of rows) this.keep(row);
  }

  /** Writes every pending count now; when the write fails the counts are put back and the error is thrown. */
  async flush(db: Database): Promise<void> {
    this.flushes += 1;
    this.timerArmed = false;
    const rows = [...this.pending.values()];
    this.pending.clear();
    this.waiting = 0;
    if (rows.length === 0) return;
    try {
      await this.options.write(db, rows);
    } catch (error) {
      for (const row of rows) this.keep(row);
      throw error;
    }
  }

  private keep(row: T): void {
    const key = this.options.key(row);
    const current = this.pending.get(key);
    this.pending.set(key, current ? this.options.add(current, row) : row);
    this.waiting += this.options.weight(row);
  }

  /** The background flush logs a failure instead of failing the request; the counts stay pending. */
  private flushInBackground(db: Database): Promise<void> {
    return this.flush(db).catch((error: unknown) => console.error(`${this.options.label} not written, kept for the next flush:`, error));
  }
}
