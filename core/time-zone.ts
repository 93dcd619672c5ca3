/**
 * Wall-clock time in a time zone, with the platform's `Intl` (no zone database of our own).
 * Used for per-day caps ("a day" is the shop's day) and schedules written in local time.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, format);
  }
  return format;
}

function wallClock(
  instant: number,
  timeZone: string,
): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(instant))
      .map((part) => [part.type, Number(part.value)]),
  );
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

function formatDay(instant: number, timeZone: string): string {
  const { year, month, day } = wallClock(instant, timeZone);
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** The local calendar day of an instant, `YYYY-MM-DD`. */
export function localDay(instant: number, timeZone: string): string {
  return dayWindow(instant, timeZone).day;
}

/** How far the zone's wall clock is ahead of UTC at an instant, in ms. */
export function zoneOffset(instant: number, timeZone: string): number {
  const c = wallClock(instant, timeZone);
  const asUtc = Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant of a wall-clock time (`2026-12-01T00:00:00`, no offset) in a zone. Around a DST
 * change a skipped time maps forward and a repeated one to its first occurrence.
 */
export function instantOfLocal(local: string, timeZone: string): number {
  const naive = Date.parse(`${local}Z`);
  const day = 24 * 60 * 60 * 1000;
  const before = zoneOffset(naive - day, timeZone);
  const after = zoneOffset(naive + day, timeZone);
  const matching = [...new Set([before, after])]
    .map((offset) => naive - offset)
    .filter((instant) => naive - zoneOffset(instant, timeZone) === instant);
  return matching.length > 0 ? Math.min(...matching) : naive - before;
}

/** An ISO time with an offset is an instant; without one it is wall-clock time in `timeZone`. */
export function parseScheduleTime(value: string, timeZone: string): number {
  return /(?:Z|[+-]\d{2}:?\d{2})$/i.test(value) ? Date.parse(value) : instantOfLocal(value, timeZone);
}

/** The local day of an instant as the instants it spans: `[start, end)`, DST days included. */
export interface DayWindow {
  readonly day: string;
  readonly start: number;
  readonly end: number;
}

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

function computeDayWindow(instant: number, timeZone: string): DayWindow {
  const day = formatDay(instant, timeZone);
  return { day, start: instantOfLocal(`${day}T00:00:00`, timeZone), end: instantOfLocal(`${nextDay(day)}T00:00:00`, timeZone) };
}

/**
 * The last few days worked out per zone. Formatting a date in a zone is the costliest step of a
 * batch's day bookkeeping, and nearly every instant a batch asks about falls on a day just seen.
 */
const recentDays = new Map<string, DayWindow[]>();
const RECENT_DAYS_PER_ZONE = 4;

export function dayWindow(instant: number, timeZone: string): DayWindow {
  const recent = recentDays.get(timeZone) ?? [];
  const known = recent.find((window) => instant >= window.start && instant < window.end);
  if (known) return known;
  const window = computeDayWindow(instant, timeZone);
  // Only a window that holds its instant is kept (a zone's odd history must not answer for others).
  if (instant >= window.start && instant < window.end) {
    recentDays.set(timeZone, [Object.freeze(window), ...recent].slice(0, RECENT_DAYS_PER_ZONE));
  }
  return window;
}
