import { eq, sql } from "drizzle-orm";
import type { BanditState } from "../../core/bandit";
import { TtlCache } from "../ttl-cache";
import type { Database } from "./client";
import { nbaStats } from "./schema";

/** Read per shop at most every few seconds per isolate: decisions cost no query. */
const states = new TtlCache<BanditState>(10_000);

export async function banditState(db: Database, shopId: string): Promise<BanditState> {
  const cached = states.get(shopId);
  if (cached) return cached;
  const rows = await db.select().from(nbaStats).where(eq(nbaStats.shopId, shopId));
  const state: BanditState = {};
  for (const row of rows) {
    const segment = (state[row.segment] ??= {});
    segment[row.action] = { successes: row.successes, failures: Math.max(0, row.trials - row.successes) };
  }
  states.set(shopId, state);
  return state;
}

export interface NbaOutcome {
  segment: string;
  action: string;
  /** An impression is a trial; a click is a success. */
  kind: "trial" | "success";
}

/** Adds outcomes to the shop's counts (atomic increments, so concurrent isolates add up). */
export async function recordNbaOutcomes(db: Database, shopId: string, outcomes: readonly NbaOutcome[], now = Date.now()): Promise<void> {
  for (const { segment, action, kind } of outcomes) {
    const trial = kind === "trial" ? 1 : 0;
    const success = kind === "success" ? 1 : 0;
    await db
      .insert(nbaStats)
      .values({ shopId, segment, action, trials: trial, successes: success, updatedAt: now })
      .onConflictDoUpdate({
        target: [nbaStats.shopId, nbaStats.segment, nbaStats.action],
        set: { trials: sql`${nbaStats.trials} + ${trial}`, successes: sql`${nbaStats.successes} + ${success}`, updatedAt: now },
      });
  }
  if (outcomes.length > 0) states.delete(shopId);
}
