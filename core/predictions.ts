import { DAY_MS } from "./time";
import type { Predictions, ProfileState } from "./types";

const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * Orders less than a day apart are one shopping occasion (a split order, a forgotten item); the
 * gaps that predict the next order are those between occasions.
 */
export function orderOccasions(times: readonly number[]): number[] {
  const occasions: number[] = [];
  for (const at of [...times].sort((a, b) => a - b)) {
    const last = occasions[occasions.length - 1];
    if (last === undefined || at - last >= DAY_MS) occasions.push(at);
  }
  return occasions;
}

/** Mean gap between the person's shopping occasions, in ms; null with fewer than two. */
export function meanOrderInterval(state: ProfileState): number | null {
  const occasions = orderOccasions(state.orders.recent.map((order) => order.at));
  if (occasions.length < 2) return null;
  const first = occasions[0] ?? 0;
  const last = occasions[occasions.length - 1] ?? 0;
  return (last - first) / (occasions.length - 1);
}

/**
 * - `next_order_at`: last order + the mean gap between the person's shopping occasions (orders a
 *   day or more apart; null below two occasions);
 * - `churn_risk` 0–1: time since the last order against the expected gap (the mean gap, at least
 *   30 days); 1 at three expected gaps; null for someone who never ordered;
 * - `clv`: net revenue so far + the average order value × the orders expected in the next year,
 *   weighted by (1 − churn risk).
 */
export function predict(state: ProfileState, now: number): Predictions {
  const { orders } = state;
  if (orders.count === 0 || orders.last_at === null) return { churn_risk: null, next_order_at: null, clv: round2(orders.revenue) };
  const interval = meanOrderInterval(state);
  const expectedGap = Math.max(interval ?? 0, 30 * DAY_MS);
  const churnRisk = round2(Math.min(1, Math.max(0, (now - orders.last_at) / (3 * expectedGap))));
  const averageOrder = orders.revenue / orders.count;
  const ordersNextYear = (365 * DAY_MS) / (interval ?? 365 * DAY_MS);
  return {
    churn_risk: churnRisk,
    next_order_at: interval === null ? null : new Date(orders.last_at + interval).toISOString(),
    clv: round2(orders.revenue + averageOrder * ordersNextYear * (1 - churnRisk)),
  };
}
