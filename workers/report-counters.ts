import type { ReportCount } from "../core/results/types";
import { CountBuffer } from "./count-buffer";
import type { Database } from "./db/client";
import { addReportCounts, counterKey, type ShopReportCount } from "./db/reports";

/**
 * Results of campaigns and flows (impressions, clicks, sends, conversions, revenue), added up
 * per isolate and written together (see count-buffer.ts): collecting them costs the hot path no
 * central-database write per event.
 */
const buffer = new CountBuffer<ShopReportCount>({
  key: counterKey,
  add: (a, b) => ({ ...a, count: a.count + b.count, amount: a.amount + b.amount }),
  weight: () => 1,
  write: (db, rows) => addReportCounts(db, rows),
  label: "report counters",
});

/** Adds a shop's counts to the isolate's pending counts and makes sure a flush will write them. */
export function queueReportCounts(
  db: Database,
  shopId: string,
  counts: readonly ReportCount[],
  ctx: Pick<ExecutionContext, "waitUntil">,
): void {
  if (counts.length === 0) return;
  buffer.queue(
    db,
    counts.map((count) => ({ ...count, shopId })),
    ctx,
  );
}

/** Adds a shop's counts for a caller that flushes at its end (a cron run). */
export function holdReportCounts(shopId: string, counts: readonly ReportCount[]): void {
  buffer.hold(counts.map((count) => ({ ...count, shopId })));
}

/** Writes every pending count now (a report reads its own isolate's counts; tests force the write). */
export function flushReportCounts(db: Database): Promise<void> {
  return buffer.flush(db);
}
