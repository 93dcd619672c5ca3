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

/**
 * Adds counts to the counters: multi-row upserts with increments (concurrent isolates add up),
 * all in one round trip. `counts` must name each counter once: one statement cannot update a
 * row twice (the buffer in report-counters.ts adds them up first).
 */
export async function addReportCounts(db: Database, counts: readonly ShopReportCount[], now = Date.now()): Promise<void> {
  const [first, ...rest] = chunks(counts, ROWS_PER_STATEMENT).map((rows) => upsertCounts(db, rows, now));
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
