/**
 * When to try a message again after a 429, a 5xx or a timeout: exponential backoff, unless the
 * receiver asked for a longer pause with `Retry-After` (honoured, within reason).
 */

/** Tries in all (the first one included); then the message is given up as `failed`. */
export const MAX_ATTEMPTS = 5;

const BASE_BACKOFF_MS = 60_000;
const MAX_BACKOFF_MS = 60 * 60_000;
/** A receiver may ask for a pause, but not hold a message back for days. */
const MAX_RETRY_AFTER_MS = 6 * 60 * 60_000;

/** IMF-fixdate and the two obsolete forms RFC 9110 still asks recipients to accept. */
const HTTP_DATE = [
  /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  /^[A-Za-z]{6,9}, \d{2}-[A-Za-z]{3}-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  /^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/,
];

/** A `Retry-After` header (delta-seconds or an HTTP-date) as ms to wait from `now`; null when absent or garbled. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!HTTP_DATE.some((pattern) => pattern.test(text))) return null;
  // asctime has no zone: it is GMT by definition.
  const at = Date.parse(/\d{4}$/.test(text) ? `${text} GMT` : text);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

/** The moment to make try number `attempt + 1`, after try number `attempt` (1 for the first) asked for a retry. */
export function retryAt(attempt: number, retryAfter: string | null, now: number): number {
  const backoff = Math.min(BASE_BACKOFF_MS * 2 ** Math.max(0, attempt - 1), MAX_BACKOFF_MS);
  const asked = parseRetryAfter(retryAfter, now);
  return now + Math.max(backoff, Math.min(asked ?? 0, MAX_RETRY_AFTER_MS));
}
