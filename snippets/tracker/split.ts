// sendBeacon and POST /v1/collect take at most 64 KB and 100 events per batch.
export const MAX_BYTES = 65536;
export const MAX_EVENTS = 100;

const bytes = (s: string) => new Blob([s]).size;

/**
 * Splits `events` into groups whose batch (`wrap(group)`, the JSON sent) stays within `max` bytes
 * and `most` events, in order, by halving what is too large. An event too large for a batch of its
 * own is dropped (the API refuses events over 32 KB anyway). No events give one empty group (a
 * collect that only asks for decisions).
 */
export function split<T>(events: T[], wrap: (group: T[]) => string, max = MAX_BYTES, most = MAX_EVENTS): T[][] {
  const n = events.length;
  if (n <= most && bytes(wrap(events)) <= max) return [events];
  const half = n >> 1;
  return n > 1 ? [...split(events.slice(0, half), wrap, max, most), ...split(events.slice(half), wrap, max, most)] : [];
}
