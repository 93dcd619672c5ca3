import { eq, sql } from "drizzle-orm";
import type { BanditState } from "../../core/bandit";
import { TtlCache } from "../ttl-cache";
import { chunks, rowsPerStatement } from "./chunks";
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
    const segment = state[row.segment] ?? {};
    state[row.segment] = segment;
    segment[row.action] = { successes: row.successes, failures: Math.max(0, row.trials - row.successes) };
  }
  states.set(shopId, state);
  return state;
}

/** What one action earned in one segment of one shop since the counts were last written. */
export interface NbaCounts {
  shopId: string;
  segment: string;
  action: string;
  trials: number;
  successes: number;
}

const ROWS_PER_STATEMENT = rowsPerStatement(nbaStats);

function upsertCounts(db: Database, rows: readonly NbaCounts[], now: number) {
  return db
    .insert(nbaStats)
    .values(rows.map((row) => ({ ...row, updatedAt: now })))
    .onConflictDoUpdate({
      target: [nbaStats.shopId, nbaStats.segment, nbaStats.action],
      set: {
        trials: sql`${nbaStats.trials} + excluded.trials`,
        successes: sql`${nbaStats.successes} + excluded.successes`,
        updatedAt: sql`excluded.updated_at`,
      },
    });
}

/**
 * Adds counts to the shops' totals: one multi-row upsert per `ROWS_PER_STATEMENT` rows, all in one
 * round trip, with increments so that concurrent isolates add up. `counts` must hold each
 * (shop, segment, action) once: one statement cannot update a row twice.
 */
export async function addNbaCounts(db: Database, counts: readonly NbaCounts[], now = Date.now()): Promise<void> {
  const [first, ...rest] = chunks(counts, ROWS_PER_STATEMENT).map((rows) => upsertCounts(db, rows, now));
  if (!first) return;
  await db.batch([first, ...rest]);
  for (const shopId of new Set(counts.map((row) => row.shopId))) states.delete(shopId);
}
