/**
 * The days a report covers: calendar days in the shop's time zone, as the counters are kept.
 * Days are handled as UTC dates (a day is a label here, not an instant), so stepping from one
 * to the next never meets a DST change.
 */
import { localDay } from "../time-zone";
import { fail, type Validated } from "../validation";

/** What a report covers when it is not told: the last 30 days, today included. */
export const DEFAULT_RANGE_DAYS = 30;
/** The longest range one report answers: a leap year. */
export const MAX_RANGE_DAYS = 366;

const DAY_MS = 24 * 60 * 60 * 1000;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface DayRange {
  from: string;
  to: string;
  /** Every day from `from` to `to`, both included, in order. */
  days: string[];
}

/** The UTC midnight of a `YYYY-MM-DD` that names a real calendar date; null otherwise (2026-02-30). */
export function parseDay(value: string): number | null {
  const match = DAY_PATTERN.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const midnight = Date.UTC(year, month - 1, day);
  const date = new Date(midnight);
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real ? midnight : null;
}

function formatDay(midnight: number): string {
  return new Date(midnight).toISOString().slice(0, 10);
}

/** The day `count` days after `day` (before, when negative). */
export function addDays(day: string, count: number): string {
  const midnight = parseDay(day);
  if (midnight === null) throw new Error(`not a day: ${day}`);
  return formatDay(midnight + count * DAY_MS);
}

function daysBetween(from: number, to: number): string[] {
  const days: string[] = [];
  for (let midnight = from; midnight <= to; midnight += DAY_MS) days.push(formatDay(midnight));
  return days;
}

function invalidRange(field: "from" | "to", message: string) {
  return fail("invalid_range", message, field);
}

/** Query values as received: absent or empty means "use the default". */
export interface RangeQuery {
  from?: string | undefined;
  to?: string | undefined;
}

/**
 * The range of a report request: `to` defaults to today in the shop's zone, `from` to 29 days
 * before `to` (30 days in all). Refuses days that are not real dates, `from` after `to`, and
 * ranges longer than MAX_RANGE_DAYS (a report's cost grows with its days).
 */
export function reportRange(query: RangeQuery, now: number, timeZone: string): Validated<DayRange> {
  const to = query.to ? query.to : localDay(now, timeZone);
  const toMidnight = parseDay(to);
  if (toMidnight === null) return invalidRange("to", "to must be a date as YYYY-MM-DD");
  const from = query.from ? query.from : addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  const fromMidnight = parseDay(from);
  if (fromMidnight === null) return invalidRange("from", "from must be a date as YYYY-MM-DD");
  if (fromMidnight > toMidnight) return invalidRange("from", "from must not be after to");
  if ((toMidnight - fromMidnight) / DAY_MS + 1 > MAX_RANGE_DAYS) {
    return invalidRange("from", `a report covers at most ${MAX_RANGE_DAYS} days`);
  }
  return { ok: true, value: { from, to, days: daysBetween(fromMidnight, toMidnight) } };
}
