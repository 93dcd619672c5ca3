/**
 * Folds raw events into daily counts per type: those received before `foldBefore`, and the
 * oldest beyond the newest `keep`; with `forgetBefore`, also forgets event ids and decision
 * outcomes seen before it. Call within a transaction.
 */
export function compactEvents(
  sql: SqlStorage,
  { foldBefore, keep, forgetBefore }: { foldBefore: number; keep: number; forgetBefore: number | null },
): { summarized: number; forgottenIds: number; remaining: number } {
  const total = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM events").one().n;
  const overflow = Math.max(0, total - keep);
  const where = "(ts < ? OR seq IN (SELECT seq FROM events ORDER BY ts ASC, seq ASC LIMIT ?))";
  sql.exec(
    `INSERT INTO event_summary (day, type, count)
     SELECT strftime('%Y-%m-%d', ts / 1000, 'unixepoch'), type, COUNT(*) FROM events WHERE ${where} GROUP BY 1, 2
     ON CONFLICT (day, type) DO UPDATE SET count = count + excluded.count`,
    foldBefore,
    overflow,
  );
  const summarized = sql.exec(`DELETE FROM events WHERE ${where}`, foldBefore, overflow).rowsWritten;
  if (forgetBefore === null) return { summarized, forgottenIds: 0, remaining: total - summarized };
  const forgottenIds = sql.exec("DELETE FROM seen_events WHERE seen_at < ?", forgetBefore).rowsWritten;
  sql.exec("DELETE FROM token_uses WHERE used_at < ?", forgetBefore);
  return { summarized, forgottenIds, remaining: total - summarized };
}
