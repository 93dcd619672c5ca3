import { describe, expect, it } from "vitest";
import { lifecyclePhase } from "./lifecycle";
import { emptyProfile } from "./profile";
import { DAY_MS } from "./time";
import type { Lifecycle, ProfileState } from "./types";

const NOW = Date.parse("2025-06-01T12:00:00.000Z");

interface Shape {
  /** Days since each order, one entry per order. */
  orders?: number[];
  cartItems?: number;
  viewedItems?: number;
  searches?: number;
  sessions?: number;
}

function person(shape: Shape): ProfileState {
  const state = emptyProfile("p1", NOW - 365 * DAY_MS);
  const orderTimes = (shape.orders ?? []).map((days) => NOW - days * DAY_MS);
  state.orders.count = orderTimes.length;
  state.orders.last_at = orderTimes.length ? Math.max(...orderTimes) : null;
  state.orders.first_at = orderTimes.length ? Math.min(...orderTimes) : null;
  state.orders.recent = orderTimes
    .map((at, i) => ({ transaction_id: `T${i}`, at, value: 10, currency: "EUR" }))
    .sort((a, b) => b.at - a.at);
  state.orders.revenue = 10 * orderTimes.length;
  state.cart.items = Array.from({ length: shape.cartItems ?? 0 }, (_, i) => ({ item_id: `c${i}`, quantity: 1 }));
  state.cart.updated_at = state.cart.items.length ? NOW : null;
  for (let i = 0; i < (shape.viewedItems ?? 0); i++) state.views.items[`v${i}`] = 1;
  state.searches.count = shape.searches ?? 0;
  state.counters.sessions = shape.sessions ?? 0;
  return state;
}

describe("lifecycle phases", () => {
  const vectors: [string, Shape, Lifecycle][] = [
    ["a brand new visitor", {}, "awareness"],
    ["a one-session visitor", { sessions: 1 }, "awareness"],
    ["a visitor back for a second session", { sessions: 2 }, "consideration"],
    ["a visitor who viewed a product", { sessions: 1, viewedItems: 1 }, "consideration"],
    ["a visitor who searched", { sessions: 1, searches: 1 }, "consideration"],
    ["a visitor with something in the cart", { sessions: 1, viewedItems: 3, cartItems: 1 }, "conversion"],
    ["a customer with one order today", { orders: [0] }, "retention"],
    ["a customer with two orders", { orders: [10, 40] }, "retention"],
    ["a customer with an order and a new cart", { orders: [5], cartItems: 2 }, "retention"],
    ["a customer with three orders", { orders: [1, 20, 50] }, "advocacy"],
    ["a customer whose last order is exactly 120 days old", { orders: [120] }, "retention"],
    ["an advocate whose last order is exactly 120 days old", { orders: [120, 130, 140] }, "advocacy"],
    ["a customer whose last order is just over 120 days old", { orders: [120.001] }, "win-back"],
    ["an advocate who has not ordered for 200 days", { orders: [200, 250, 300, 350] }, "win-back"],
    ["a lapsed customer with a new cart", { orders: [121], cartItems: 1 }, "win-back"],
  ];
  it.each(vectors)("%s is in %s", (_label, shape, expected) => {
    expect(lifecyclePhase(person(shape), NOW)).toBe(expected);
  });
});
