import { DAY_MS } from "./time";
import type { Engagement, ProfileState } from "./types";

/**
 * Engagement tier from recent activity:
 * score = sessions in the last 30 days + 3 × orders in the last 90 days + 2 if seen in the last 7 days;
 * gold from 8, silver from 3, bronze below.
 */
export function engagementScore(state: ProfileState, now: number): number {
  const sessions = state.session_starts.filter((start) => now - start <= 30 * DAY_MS).length;
  const orders = state.orders.recent.filter((order) => now - order.at <= 90 * DAY_MS).length;
  const seenThisWeek = state.last_seen_at !== null && now - state.last_seen_at <= 7 * DAY_MS ? 2 : 0;
  return sessions + 3 * orders + seenThisWeek;
}

export function engagementTier(state: ProfileState, now: number): Engagement {
  const score = engagementScore(state, now);
  if (score >= 8) return "gold";
  if (score >= 3) return "silver";
  return "bronze";
}
