/**
 * The wait before retry `attempt` (0 for the first) of a failed send: doubling from 1 s up to
 * 5 minutes, with jitter (half to all of it) so that the pages of a shop that went offline together
 * do not all come back at the same moment.
 */
export const backoff = (attempt: number, random = Math.random()): number => Math.min(3e5, 1e3 * 2 ** attempt) * (0.5 + random / 2);
