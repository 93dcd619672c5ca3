import type { ReportCount } from "../core/results/types";
import { database } from "../workers/db/client";
import { addReportCounts } from "../workers/db/reports";

/**
 * Counts an object writes itself, outside any request that could carry them (a merge's
 * corrections). Merges are rare, so one write each costs little; a failure is logged and the
 * correction is lost (the counters then hold one person twice).
 */
export async function writeReportCounts(env: Env, shopId: string, counts: readonly ReportCount[]): Promise<void> {
  const rows = new Map<string, ReportCount & { shopId: string }>();
  for (const count of counts) {
    const key = JSON.stringify([count.subject, count.subject_id, count.part, count.day, count.metric]);
    const row = rows.get(key);
    rows.set(key, row ? { ...row, count: row.count + count.count, amount: row.amount + count.amount } : { ...count, shopId });
  }
  try {
    await addReportCounts(database(env.DB), [...rows.values()]);
  } catch (error) {
    console.error("merge corrections of report counters not written", { shop: shopId, error: String(error) });
  }
}
