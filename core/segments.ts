import { LAPSED_AFTER_DAYS } from "./lifecycle";
import { evaluateRule, type Rule } from "./rules";
import { DAY_MS, daysBetween } from "./time";
import type { ProfileState, Rfm } from "./types";

export const VIP_MIN_ORDERS_90D = 4;
const CART_ABANDONED_AFTER_MS = 60 * 60 * 1000;
const BROWSE_WINDOW_MS = DAY_MS;

/**
 * Built-in segments, recomputed on every event:
 * - `vip`: more than 3 orders in the last 90 days;
 * - `lapsed`: has ordered, but not for 120 days;
 * - `new_customer`: exactly one order;
 * - `repeat_customer`: two or more orders;
 * - `cart_abandoner`: items in the cart, untouched for an hour;
 * - `browse_abandoner`: more than 3 product views in the last 24 hours, an empty cart and no order since;
 * - `subscriber`: subscribed to email.
 */
export function builtInSegments(state: ProfileState, now: number): string[] {
  const segments: string[] = [];
  const { orders, cart } = state;
  const ordersIn90Days = orders.recent.filter((order) => now - order.at <= 90 * DAY_MS).length;
  if (ordersIn90Days >= VIP_MIN_ORDERS_90D) segments.push("vip");
  if (orders.count > 0 && orders.last_at !== null && daysBetween(orders.last_at, now) > LAPSED_AFTER_DAYS) segments.push("lapsed");
  if (orders.count === 1) segments.push("new_customer");
  if (orders.count >= 2) segments.push("repeat_customer");
  if (cart.items.length > 0 && cart.updated_at !== null && now - cart.updated_at >= CART_ABANDONED_AFTER_MS)
    segments.push("cart_abandoner");
  const recentViews = state.views.recent.filter((view) => now - view.at <= BROWSE_WINDOW_MS);
  const orderedSince = orders.last_at !== null && recentViews.some((view) => view.at < (orders.last_at ?? 0));
  if (recentViews.length > 3 && cart.items.length === 0 && !orderedSince) segments.push("browse_abandoner");
  if (state.subscriptions.email?.value) segments.push("subscriber");
  return segments;
}

function score(value: number, thresholds: readonly [number, number, number, number]): number {
  return 1 + thresholds.filter((threshold) => value >= threshold).length;
}

/**
 * RFM scores 1–5 (5 best). Recency: days since the last order (≤14 → 5, ≤30 → 4, ≤90 → 3,
 * ≤180 → 2, else or never 1). Frequency: orders (1, 2, 4, 8 → 2..5). Monetary: revenue
 * (1, 100, 500, 2000 → 2..5). Someone who never ordered scores 1/1/1.
 */
export function rfmScores(state: ProfileState, now: number): Rfm {
  const { orders } = state;
  if (orders.count === 0 || orders.last_at === null) return { recency: 1, frequency: 1, monetary: 1 };
  const days = daysBetween(orders.last_at, now);
  const recency = days <= 14 ? 5 : days <= 30 ? 4 : days <= 90 ? 3 : days <= 180 ? 2 : 1;
  return {
    recency,
    frequency: score(orders.count, [1, 2, 4, 8]),
    monetary: Math.max(1, score(orders.revenue, [1, 100, 500, 2000])),
  };
}

/** A shop's own segments: a name and an audience rule over the profile (built-in segments included). */
export type SegmentRules = Record<string, Rule>;

/** The shop's segments the person is in, evaluated on the profile as the API shows it. */
export function customSegments(profile: unknown, rules: SegmentRules): string[] {
  return Object.entries(rules)
    .filter(([, rule]) => evaluateRule(rule, { profile, context: {} }).match)
    .map(([name]) => name);
}
