/**
 * Quiet hours: no SMS at night in the shop's time zone. A message due then is delayed to the end
 * of the quiet hours (never dropped); the end is a local wall-clock time, so it stays right on the
 * nights the clocks change.
 */
import { DAY_MS } from "../time";
import { instantOfLocal, localDay, zoneOffset } from "../time-zone";

const minutesOf = (clock: string) => {
  const [hours = 0, minutes = 0] = clock.split(":").map(Number);
  return hours * 60 + minutes;
};

/** Null when `now` is outside the quiet hours (or there are none); else the instant they end. */
export function quietHoursEnd(now: number, timeZone: string, quiet: { start: string; end: string } | null): number | null {
  if (quiet === null) return null;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const local = Math.floor((now + zoneOffset(now, timeZone)) / 60_000) % (24 * 60);
  // A window that crosses midnight (21:00–08:00) is two pieces of the local day.
  const crossesMidnight = start > end;
  const inside = crossesMidnight ? local >= start || local < end : local >= start && local < end;
  if (!inside) return null;
  const today = localDay(now, timeZone);
  // In the evening piece of a window that crosses midnight, the end is tomorrow morning.
  const endDay = crossesMidnight && local >= start ? new Date(Date.parse(`${today}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10) : today;
  return instantOfLocal(`${endDay}T${quiet.end}:00`, timeZone);
}
