import { describe, expect, it } from "vitest";
import { meanOrderInterval, predict } from "./predictions";
import { emptyProfile } from "./profile";
import { DAY_MS } from "./time";
import type { ProfileState } from "./types";

const NOW = Date.parse("2025-06-01T12:00:00.000Z");

/** A person with orders placed `daysAgo` days before NOW, each worth `value`. */
function customer(daysAgo: number[], value = 100): ProfileState {
  const state = emptyProfile("p1", NOW - 400 * DAY_MS);
  const times = daysAgo.map((days) => NOW - days * DAY_MS);
  state.orders.recent = times.map((at, i) => ({ transaction_id: `T${i}`, at, value, currency: "EUR" })).sort((a, b) => b.at - a.at);
  state.orders.count = times.length;
  state.orders.revenue = value * times.length;
  state.orders.last_at = times.length ? Math.max(...times) : null;
  state.orders.first_at = times.length ? Math.min(...times) : null;
  return state;
}

describe("mean order interval", () => {
  it("is the mean gap between orders whatever their order in the list", () => {
    expect(meanOrderInterval(customer([10, 70, 40]))).toBe(30 * DAY_MS);
  });

  it("is unknown below two orders", () => {
    expect(meanOrderInterval(customer([10]))).toBeNull();
    expect(meanOrderInterval(customer([]))).toBeNull();
  });
});

describe("predictions", () => {
  it("someone who never ordered has no churn risk, no next order and a lifetime value of 0", () => {
    expect(predict(customer([]), NOW)).toEqual({ churn_risk: null, next_order_at: null, clv: 0 });
  });

  it("the next order is expected one mean gap after the last order", () => {
    const prediction = predict(customer([20, 60, 100]), NOW);
    expect(prediction.next_order_at).toBe(new Date(NOW + 20 * DAY_MS).toISOString());
  });

  it("one order gives no expected next order date", () => {
    expect(predict(customer([5]), NOW).next_order_at).toBeNull();
  });

  it("churn risk is the time since the last order over three expected gaps", () => {
    // Orders every 40 days, the last 20 days ago: 20 / (3 × 40).
    expect(predict(customer([20, 60]), NOW).churn_risk).toBe(0.17);
  });

  it("the expected gap is at least 30 days", () => {
    // Orders 10 days apart, the last 45 days ago: 45 / (3 × 30), not 45 / 30.
    expect(predict(customer([45, 55]), NOW).churn_risk).toBe(0.5);
  });

  it("churn risk reaches 1 at three expected gaps and stays there", () => {
    expect(predict(customer([90]), NOW).churn_risk).toBe(1);
    expect(predict(customer([400]), NOW).churn_risk).toBe(1);
    expect(predict(customer([89]), NOW).churn_risk).toBeLessThan(1);
  });

  it("an order today carries no churn risk", () => {
    expect(predict(customer([0]), NOW).churn_risk).toBe(0);
  });

  it("lifetime value is revenue so far plus the next year's expected orders, weighted by 1 − churn risk", () => {
    // Two orders of 100, 73 days apart, the last today: 5 orders expected next year, churn 0.
    expect(predict(customer([0, 73]), NOW).clv).toBe(200 + 100 * 5);
    // One order of 100 today: one more expected next year.
    expect(predict(customer([0]), NOW).clv).toBe(200);
    // One order of 100 long ago: churn 1, nothing more expected.
    expect(predict(customer([200]), NOW).clv).toBe(100);
  });

  it("a higher churn risk lowers the lifetime value", () => {
    const fresh = predict(customer([1, 31]), NOW).clv;
    const stale = predict(customer([60, 90]), NOW).clv;
    expect(stale).toBeLessThan(fresh);
    expect(stale).toBeGreaterThanOrEqual(200);
  });

  it("two orders minutes apart (one shopping trip) predict neither a next order minutes later nor an exploding lifetime value", () => {
    const state = customer([2 / (24 * 60), 1 / (24 * 60)]);
    const prediction = predict(state, NOW);
    // One shopping occasion: no gap to learn from yet, as with a single order.
    expect(prediction.next_order_at).toBeNull();
    expect(prediction.clv).toBeLessThanOrEqual(200 + 100 * (365 / 30));
  });

  it("learns the gap between shopping occasions, not between the orders of one trip", () => {
    const prediction = predict(customer([40, 40 - 1 / 24, 10]), NOW);
    expect(prediction.next_order_at).toBe(new Date(NOW - 10 * DAY_MS + 30 * DAY_MS).toISOString());
  });
});
