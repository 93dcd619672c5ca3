import type { Database } from "./db/client";
import { addNbaCounts, type NbaCounts } from "./db/nba";

/**
 * Next-best-action outcomes, added up per isolate and written to D1 together: a busy shop's
 * impressions and clicks cost one write every few seconds instead of one query per event, and
 * the request that reports them does not wait for it (the write runs in `waitUntil`).
 */
export interface NbaOutcome {
  segment: string;
  action: string;
  /** An impression is a trial; a click is a success. */
  kind: "trial" | "success";
}

/** A flush follows this long after the first outcome it carries... */
const FLUSH_AFTER_MS = 5_000;
/** ...or comes at once when this many wait, so that an isolate that dies loses little. */
const FLUSH_AT_OUTCOMES = 1_000;

/** Per (shop, segment, action): one row of the next write. */
const pending = new Map<string, NbaCounts>();
let pendingOutcomes = 0;
let flushTimerArmed = false;
/** Counts flushes: a timer armed before the latest flush finds its counts written already. */
let flushes = 0;

function keep(counts: NbaCounts): void {
  const key = JSON.stringify([counts.shopId, counts.segment, counts.action]);
  const current = pending.get(key);
  pending.set(
    key,
    current ? { ...current, trials: current.trials + counts.trials, successes: current.successes + counts.successes } : counts,
  );
  pendingOutcomes += counts.trials + counts.successes;
}

/** The background flush logs a failure instead of failing the request; the counts stay pending. */
function flushInBackground(db: Database): Promise<void> {
  return flushNbaOutcomes(db).catch((error: unknown) =>
    console.error("next-best-action outcomes not written, kept for the next flush:", error),
  );
}

/** Adds a shop's outcomes to the isolate's pending counts and makes sure a flush will write them. */
export function queueNbaOutcomes(
  db: Database,
  shopId: string,
  outcomes: readonly NbaOutcome[],
  ctx: Pick<ExecutionContext, "waitUntil">,
): void {
  for (const { segment, action, kind } of outcomes) {
    keep({ shopId, segment, action, trials: kind === "trial" ? 1 : 0, successes: kind === "success" ? 1 : 0 });
  }
  if (pendingOutcomes >= FLUSH_AT_OUTCOMES) {
    ctx.waitUntil(flushInBackground(db));
  } else if (pending.size > 0 && !flushTimerArmed) {
    flushTimerArmed = true;
    const armedAfter = flushes;
    ctx.waitUntil(scheduler.wait(FLUSH_AFTER_MS).then(() => (flushes === armedAfter ? flushInBackground(db) : undefined)));
  }
}

/**
 * Writes every pending count now (tests call it to force the write). If the write fails, the
 * counts are put back, to go with the flush the next outcome schedules, and the error is thrown.
 */
export async function flushNbaOutcomes(db: Database): Promise<void> {
  flushes += 1;
  flushTimerArmed = false;
  const counts = [...pending.values()];
  pending.clear();
  pendingOutcomes = 0;
  try {
    await addNbaCounts(db, counts);
  } catch (error) {
    for (const row of counts) keep(row);
    throw error;
  }
}
