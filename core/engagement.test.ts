import { describe, expect, it } from "vitest";
import { engagementScore, engagementTier } from "./engagement";
import { emptyProfile } from "./profile";
import { DAY_MS } from "./time";
import type { Engagement, ProfileState } from "./types";

const NOW = Date.parse("2025-06-01T12:00:00.000Z");

interface Activity {
  /** Days ago each session started. */
  sessions?: number[];
  /** Days ago each order was placed. */
  orders?: number[];
  /** Days since the person was last seen. */
  lastSeen?: number;
}

function person({ sessions = [], orders = [], lastSeen }: Activity): ProfileState {
  const state = emptyProfile("p1", NOW - 365 * DAY_MS);
  state.session_starts = sessions.map((days) => NOW - days * DAY_MS).sort((a, b) => a - b);
  state.orders.recent = orders.map((days, i) => ({ transaction_id: `T${i}`, at: NOW - days * DAY_MS, value: 10, currency: null }));
  state.orders.count = orders.length;
  state.last_seen_at = lastSeen === undefined ? null : NOW - lastSeen * DAY_MS;
  return state;
}

describe("engagement score", () => {
  it("counts sessions in the last 30 days, 3 per order in the last 90 days and 2 for being seen this week", () => {
    expect(engagementScore(person({ sessions: [1, 2, 29], orders: [10, 80], lastSeen: 1 }), NOW)).toBe(3 + 6 + 2);
  });

  it("activity just outside its window does not count", () => {
    expect(engagementScore(person({ sessions: [30.001, 45], orders: [90.001], lastSeen: 7.001 }), NOW)).toBe(0);
  });

  it("activity exactly at the edge of its window counts", () => {
    expect(engagementScore(person({ sessions: [30], orders: [90], lastSeen: 7 }), NOW)).toBe(1 + 3 + 2);
  });

  it("a person never seen scores 0", () => {
    expect(engagementScore(person({}), NOW)).toBe(0);
  });
});

describe("engagement tiers", () => {
  const vectors: [string, Activity, number, Engagement][] = [
    ["no activity", {}, 0, "bronze"],
    ["two recent sessions", { sessions: [1, 2] }, 2, "bronze"],
    ["one session this week", { sessions: [1], lastSeen: 1 }, 3, "silver"],
    ["one order, nothing else", { orders: [20] }, 3, "silver"],
    ["a week's regular", { sessions: [1, 2, 3, 4, 5], lastSeen: 0 }, 7, "silver"],
    ["a regular who ordered", { sessions: [1, 2, 3], orders: [5], lastSeen: 0 }, 8, "gold"],
    ["a frequent buyer", { orders: [1, 10, 30] }, 9, "gold"],
  ];
  it.each(vectors)("%s (score %i) is %s", (_label, activity, score, tier) => {
    const state = person(activity);
    expect(engagementScore(state, NOW)).toBe(score);
    expect(engagementTier(state, NOW)).toBe(tier);
  });
});
