/**
 * Reads a count from a map keyed by shop data (item ids, categories). Only own keys count: an
 * item called "constructor" must not read `Object.prototype.constructor`.
 */
export function countOf(counts: Record<string, number>, key: string): number {
  return Object.hasOwn(counts, key) ? (counts[key] ?? 0) : 0;
}
