import type { ReportCount } from "../core/results/types";
import { centralDatabase } from "../workers/db/client";
import { addReportCounts } from "../workers/db/reports";

/**
 * Counts an object writes itself, outside any request that could carry them (a merge's
 * corrections). Merges are rare, so one write each costs little; a failure is logged and the
 * correction is lost (the counters then hold one person twice).
 */
export async function writeReportCounts(env: Env, shopId: string, counts: readonly ReportCount[]): Promise<void> {
  try {
    await addReportCounts(
      centralDatabase(env),
      counts.map((count) => ({ ...count, shopId })),
    );
  } catch (error) {
    console.error("merge corrections of report counters not written", { shop: shopId, error: String(error) });
  }
}
