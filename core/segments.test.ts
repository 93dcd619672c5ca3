import { describe, expect, it } from "vitest";
import { emptyProfile } from "./profile";
import { builtInSegments, customSegments, rfmScores } from "./segments";
import { DAY_MS } from "./time";
import type { ProfileState, Rfm } from "./types";

const NOW = Date.parse("2025-06-01T12:00:00.000Z");
const HOUR = 3_600_000;

interface Shape {
  /** Days since each order. */
  orders?: number[];
  revenue?: number;
  cartItems?: number;
  /** Hours since the cart last changed. */
  cartAgeHours?: number;
  /** Hours since each distinct product was viewed. */
  viewsHoursAgo?: number[];
  subscribedEmail?: boolean;
}

function person(shape: Shape): ProfileState {
  const state = emptyProfile("p1", NOW - 365 * DAY_MS);
  const times = (shape.orders ?? []).map((days) => NOW - days * DAY_MS);
  state.orders.recent = times.map((at, i) => ({ transaction_id: `T${i}`, at, value: 10, currency: "EUR" })).sort((a, b) => b.at - a.at);
  state.orders.count = times.length;
  state.orders.revenue = shape.revenue ?? 10 * times.length;
  state.orders.last_at = times.length ? Math.max(...times) : null;
  state.orders.first_at = times.length ? Math.min(...times) : null;
  state.cart.items = Array.from({ length: shape.cartItems ?? 0 }, (_, i) => ({ item_id: `c${i}`, quantity: 1, price: 10 }));
  state.cart.updated_at = shape.cartAgeHours === undefined ? null : NOW - shape.cartAgeHours * HOUR;
  state.views.recent = (shape.viewsHoursAgo ?? [])
    .map((hours, i) => ({ item_id: `v${i}`, at: NOW - hours * HOUR }))
    .sort((a, b) => b.at - a.at);
  for (const view of state.views.recent) state.views.items[view.item_id] = 1;
  if (shape.subscribedEmail !== undefined) state.subscriptions.email = { value: shape.subscribedEmail, at: NOW - DAY_MS };
  return state;
}

const has = (shape: Shape, segment: string) => builtInSegments(person(shape), NOW).includes(segment);

describe("vip", () => {
  const vectors: [string, Shape, boolean][] = [
    ["4 orders in the last 90 days", { orders: [1, 10, 30, 89] }, true],
    ["4 orders, the oldest exactly 90 days ago", { orders: [1, 10, 30, 90] }, true],
    ["exactly 3 orders in the last 90 days", { orders: [1, 10, 30] }, false],
    ["4 orders, one of them 91 days ago", { orders: [1, 10, 30, 91] }, false],
    ["10 orders, all older than 90 days", { orders: [100, 110, 120, 130, 140, 150, 160, 170, 180, 190] }, false],
  ];
  it.each(vectors)("%s → vip: %s", (_label, shape, expected) => {
    expect(has(shape, "vip")).toBe(expected);
  });
});

describe("lapsed, new and repeat customers", () => {
  const vectors: [string, Shape, string[]][] = [
    ["never ordered", {}, []],
    ["one order yesterday", { orders: [1] }, ["new_customer"]],
    ["two orders", { orders: [1, 20] }, ["repeat_customer"]],
    ["one order exactly 120 days ago", { orders: [120] }, ["new_customer"]],
    ["one order 121 days ago", { orders: [121] }, ["lapsed", "new_customer"]],
    ["two orders, the last 200 days ago", { orders: [200, 300] }, ["lapsed", "repeat_customer"]],
  ];
  it.each(vectors)("%s → %j", (_label, shape, expected) => {
    const segments = builtInSegments(person(shape), NOW).filter((s) => ["lapsed", "new_customer", "repeat_customer"].includes(s));
    expect(segments).toEqual(expected);
  });
});

describe("cart abandoners", () => {
  const vectors: [string, Shape, boolean][] = [
    ["a cart untouched for exactly an hour", { cartItems: 1, cartAgeHours: 1 }, true],
    ["a cart untouched for a day", { cartItems: 3, cartAgeHours: 24 }, true],
    ["a cart changed 59 minutes ago", { cartItems: 1, cartAgeHours: 59 / 60 }, false],
    ["an empty cart changed long ago", { cartItems: 0, cartAgeHours: 48 }, false],
  ];
  it.each(vectors)("%s → cart_abandoner: %s", (_label, shape, expected) => {
    expect(has(shape, "cart_abandoner")).toBe(expected);
  });
});

describe("browse abandoners", () => {
  const vectors: [string, Shape, boolean][] = [
    ["4 products viewed today, empty cart, no order", { viewsHoursAgo: [1, 2, 3, 4] }, true],
    ["3 products viewed today", { viewsHoursAgo: [1, 2, 3] }, false],
    ["4 products viewed, one of them over 24 hours ago", { viewsHoursAgo: [1, 2, 3, 25] }, false],
    ["4 products viewed today but something in the cart", { viewsHoursAgo: [1, 2, 3, 4], cartItems: 1, cartAgeHours: 0 }, false],
    ["4 products viewed today, then an order", { viewsHoursAgo: [5, 6, 7, 8], orders: [2 / 24] }, false],
    ["4 products viewed today after an order last week", { viewsHoursAgo: [1, 2, 3, 4], orders: [7] }, true],
  ];
  it.each(vectors)("%s → browse_abandoner: %s", (_label, shape, expected) => {
    expect(has(shape, "browse_abandoner")).toBe(expected);
  });
});

describe("subscribers", () => {
  it("someone subscribed to email is a subscriber; someone unsubscribed is not", () => {
    expect(has({ subscribedEmail: true }, "subscriber")).toBe(true);
    expect(has({ subscribedEmail: false }, "subscriber")).toBe(false);
    expect(has({}, "subscriber")).toBe(false);
  });
});

describe("RFM scores", () => {
  const vectors: [string, Shape, Rfm][] = [
    ["never ordered", {}, { recency: 1, frequency: 1, monetary: 1 }],
    ["one order 14 days ago for 50", { orders: [14], revenue: 50 }, { recency: 5, frequency: 2, monetary: 2 }],
    ["one order 15 days ago for 100", { orders: [15], revenue: 100 }, { recency: 4, frequency: 2, monetary: 3 }],
    ["two orders, the last 30 days ago, 499.99", { orders: [30, 60], revenue: 499.99 }, { recency: 4, frequency: 3, monetary: 3 }],
    ["four orders, the last 31 days ago, 500", { orders: [31, 60, 70, 80], revenue: 500 }, { recency: 3, frequency: 4, monetary: 4 }],
    [
      "eight orders, the last 90 days ago, 2000",
      { orders: [90, 91, 92, 93, 94, 95, 96, 97], revenue: 2000 },
      { recency: 3, frequency: 5, monetary: 5 },
    ],
    ["one order 180 days ago for 0.5", { orders: [180], revenue: 0.5 }, { recency: 2, frequency: 2, monetary: 1 }],
    ["one order 181 days ago", { orders: [181], revenue: 10 }, { recency: 1, frequency: 2, monetary: 2 }],
  ];
  it.each(vectors)("%s scores %j", (_label, shape, expected) => {
    expect(rfmScores(person(shape), NOW)).toEqual(expected);
  });
});

describe("a shop's own segments", () => {
  it("lists the segments whose rule the profile meets", () => {
    const rules = {
      big_spender: { attr: "orders.revenue", op: "gte", value: 100 },
      shoe_lover: { attr: "views.category.shoes", op: "gt", value: 3 },
    } as const;
    expect(customSegments({ orders: { revenue: 150 }, views: { category: { shoes: 1 } } }, rules)).toEqual(["big_spender"]);
    expect(customSegments({}, {})).toEqual([]);
  });
});
