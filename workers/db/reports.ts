import { and, between, eq, sql } from "drizzle-orm";
import type { ReportCount, ReportSubject } from "../../core/results/types";
import { chunks, rowsPerStatement } from "./chunks";
import type { Database } from "./client";
import { reportCounters } from "./schema";

/** Counts of one shop, ready to add to its report counters. */
export interface ShopReportCount extends ReportCount {
  shopId: string;
}

const ROWS_PER_STATEMENT = rowsPerStatement(reportCounters);

function upsertCounts(db: Database, rows: readonly ShopReportCount[], now: number) {
  return db
    .insert(reportCounters)
    .values(
      rows.map((row) => ({
        shopId: row.shopId,
        subject: row.subject,
        subjectId: row.subject_id,
        part: row.part,
        day: row.day,
        metric: row.metric,
        count: row.count,
        amount: row.amount,
        updatedAt: now,
      })),
    )
    .onConflictDoUpdate({
      target: [
        reportCounters.shopId,
        reportCounters.subject,
        reportCounters.subjectId,
        reportCounters.part,
        reportCounters.day,
        reportCounters.metric,
      ],
      set: {
        count: sql`${reportCounters.count} + excluded.count`,
        amount: sql`${reportCounters.amount} + excluded.amount`,
        updatedAt: sql`excluded.updated_at`,
      },
    });
}

/** The key of one counter row. */
export function counterKey(row: ShopReportCount): string {
  return JSON.stringify([row.shopId, row.subject, row.subject_id, row.part, row.day, row.metric]);
}

/** One row per counter: a statement cannot update a row twice, so counts for the same counter are added first. */
function addedUp(counts: readonly ShopReportCount[]): ShopReportCount[] {
  const rows = new Map<string, ShopReportCount>();
  for (const count of counts) {
    const key = counterKey(count);
    const row = rows.get(key);
    rows.set(key, row ? { ...row, count: row.count + count.count, amount: row.amount + count.amount } : count);
  }
  return [...rows.values()];
}

/**
 * Adds counts to the counters: multi-row upserts with increments (concurrent isolates add up),
 * all in one round trip.
 */
export async function addReportCounts(db: Database, counts: readonly ShopReportCount[], now = Date.now()): Promise<void> {
  const [first, ...rest] = chunks(addedUp(counts), ROWS_PER_STATEMENT).map((rows) => upsertCounts(db, rows, now));
  if (!first) return;
  await db.batch([first, ...rest]);
}

/** One stored counter of a report. */
export interface CounterRow {
  part: string;
  day: string;
  metric: string;
  count: number;
  amount: number;
}

/** The counters of one campaign or flow for the days `from` to `to` (inclusive, `YYYY-MM-DD`). */
export function reportRows(
  db: Database,
  shopId: string,
  subject: ReportSubject,
  subjectId: string,
  from: string,
  to: string,
): Promise<CounterRow[]> {
  return db
    .select({
      part: reportCounters.part,
      day: reportCounters.day,
      metric: reportCounters.metric,
      count: reportCounters.count,
      amount: reportCounters.amount,
    })
    .from(reportCounters)
    .where(
      and(
        eq(reportCounters.shopId, shopId),
        eq(reportCounters.subject, subject),
        eq(reportCounters.subjectId, subjectId),
        between(reportCounters.day, from, to),
      ),
    );
}
