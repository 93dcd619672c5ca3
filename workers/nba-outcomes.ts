import { CountBuffer } from "./count-buffer";
import type { Database } from "./db/client";
import { addNbaCounts, type NbaCounts } from "./db/nba";

/** Next-best-action outcomes, added up per isolate and written to D1 together (see count-buffer.ts). */
export interface NbaOutcome {
  segment: string;
  action: string;
  /** An impression is a trial; a click is a success. */
  kind: "trial" | "success";
}

/** Per (shop, segment, action): one row of the next write. */
const buffer = new CountBuffer<NbaCounts>({
  key: (counts) => JSON.stringify([counts.shopId, counts.segment, counts.action]),
  add: (a, b) => ({ ...a, trials: a.trials + b.trials, successes: a.successes + b.successes }),
  weight: (counts) => counts.trials + counts.successes,
  write: (db, rows) => addNbaCounts(db, rows),
  label: "next-best-action outcomes",
});

/** Adds a shop's outcomes to the isolate's pending counts and makes sure a flush will write them. */
export function queueNbaOutcomes(
  db: Database,
  shopId: string,
  outcomes: readonly NbaOutcome[],
  ctx: Pick<ExecutionContext, "waitUntil">,
): void {
  const rows = outcomes.map(({ segment, action, kind }) => ({
    shopId,
    segment,
    action,
    trials: kind === "trial" ? 1 : 0,
    successes: kind === "success" ? 1 : 0,
  }));
  buffer.queue(db, rows, ctx);
}

/** Writes every pending count now (tests call it to force the write); a failed write keeps the counts and throws. */
export function flushNbaOutcomes(db: Database): Promise<void> {
  return buffer.flush(db);
}
