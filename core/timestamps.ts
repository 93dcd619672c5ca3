export const MAX_BACKFILL_MS = 90 * 24 * 60 * 60 * 1000;

export type TimestampResult = { ok: true; ts: number } | { ok: false; reason: string };

/**
 * Places an event on the server's clock. A browser's clock may be off by anything, but the gap
 * between an event and the batch's `sent_at` is measured on that same clock, so
 * `received_at - (sent_at - ts)` is right whatever the offset. Events from the future are
 * clamped to the receipt time; events older than the backfill window are refused.
 */
export function resolveTimestamp(ts: number | null, sentAt: number | null, receivedAt: number): TimestampResult {
  let resolved = ts ?? receivedAt;
  if (ts !== null && sentAt !== null) resolved = receivedAt - (sentAt - ts);
  resolved = Math.min(resolved, receivedAt);
  if (receivedAt - resolved > MAX_BACKFILL_MS) {
    return { ok: false, reason: "is more than 90 days in the past" };
  }
  return { ok: true, ts: resolved };
}

export function parseIsoMillis(value: string | undefined): number | null {
  if (value === undefined) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}
