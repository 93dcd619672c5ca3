import { describe, expect, it } from "vitest";
import { applyOrderEvent, emptyOrders, MAX_RECENT_ORDERS, type OrderLedger, type OrderOutcome } from "./orders";
import type { Item, OrdersState, TrackedEvent } from "./types";

const T0 = Date.parse("2025-06-01T12:00:00.000Z");
const HOUR = 3_600_000;

function purchase(transactionId: string, value: number, ts = T0, items?: Item[]): TrackedEvent {
  return { id: null, type: "purchase", ts, transaction_id: transactionId, value, currency: "EUR", ...(items ? { items } : {}) };
}

function refund(transactionId: string, value?: number, ts = T0 + HOUR): TrackedEvent {
  return { id: null, type: "refund", ts, transaction_id: transactionId, ...(value === undefined ? {} : { value }) };
}

/** Applies events in order the way a person's object does: ledger rows are written back. */
function run(events: TrackedEvent[], orders: OrdersState = emptyOrders(), ledger: OrderLedger = new Map()) {
  const outcomes: OrderOutcome[] = [];
  let state = orders;
  for (const event of events) {
    const outcome = applyOrderEvent(state, event, ledger);
    outcomes.push(outcome);
    state = outcome.orders;
    if (outcome.record) ledger.set(outcome.record.transaction_id, outcome.record);
  }
  return { orders: state, outcomes, ledger };
}

describe("purchases", () => {
  it("a purchase counts one order with its revenue, time and items", () => {
    const { orders, outcomes } = run([purchase("T1", 59.9, T0, [{ item_id: "shoe", quantity: 2 }, { item_id: "sock" }])]);
    expect(orders).toEqual({
      count: 1,
      revenue: 59.9,
      first_at: T0,
      last_at: T0,
      items: { shoe: 2, sock: 1 },
      recent: [{ transaction_id: "T1", at: T0, value: 59.9, currency: "EUR" }],
    });
    expect(outcomes[0]?.reason).toBe("order_added");
    expect(outcomes[0]?.record).toEqual({
      transaction_id: "T1",
      at: T0,
      value: 59.9,
      currency: "EUR",
      refunded: 0,
      items: [{ item_id: "shoe", quantity: 2 }, { item_id: "sock" }],
    });
  });

  it("a repeated transaction_id is counted once", () => {
    const { orders, outcomes } = run([purchase("T1", 100), purchase("T1", 100, T0 + HOUR), purchase("T1", 999, T0 + 2 * HOUR)]);
    expect(orders.count).toBe(1);
    expect(orders.revenue).toBe(100);
    expect(orders.recent).toHaveLength(1);
    expect(outcomes.map((o) => o.reason)).toEqual(["order_added", "duplicate_transaction", "duplicate_transaction"]);
    expect(outcomes[1]?.record).toBeNull();
  });

  it("a transaction_id already in the ledger (an earlier batch) is counted once", () => {
    const first = run([purchase("T1", 100)]);
    const again = run([purchase("T1", 100)], first.orders, first.ledger);
    expect(again.orders).toEqual(first.orders);
    expect(again.outcomes[0]?.reason).toBe("duplicate_transaction");
  });

  it("orders accumulate: count, revenue, first and last order, items", () => {
    const { orders } = run([
      purchase("T1", 10.1, T0, [{ item_id: "a" }]),
      purchase("T2", 20.2, T0 + HOUR, [{ item_id: "a", quantity: 2 }]),
    ]);
    expect(orders.count).toBe(2);
    expect(orders.revenue).toBe(30.3);
    expect(orders.first_at).toBe(T0);
    expect(orders.last_at).toBe(T0 + HOUR);
    expect(orders.items).toEqual({ a: 3 });
  });

  it("a backfilled older order moves first_at back but not last_at, and recent stays newest first", () => {
    const { orders } = run([purchase("T2", 20, T0), purchase("T1", 10, T0 - 10 * 24 * HOUR)]);
    expect(orders.first_at).toBe(T0 - 10 * 24 * HOUR);
    expect(orders.last_at).toBe(T0);
    expect(orders.recent.map((o) => o.transaction_id)).toEqual(["T2", "T1"]);
  });

  it("recent orders are bounded, keeping the newest", () => {
    const events = Array.from({ length: MAX_RECENT_ORDERS + 5 }, (_, i) => purchase(`T${i}`, 1, T0 + i * HOUR));
    const { orders } = run(events);
    expect(orders.count).toBe(MAX_RECENT_ORDERS + 5);
    expect(orders.recent).toHaveLength(MAX_RECENT_ORDERS);
    expect(orders.recent[0]?.transaction_id).toBe(`T${MAX_RECENT_ORDERS + 4}`);
  });

  it("item ids named like Object.prototype members are counted like any other", () => {
    const { orders } = run([purchase("T1", 10, T0, [{ item_id: "toString", quantity: 2 }, { item_id: "constructor" }])]);
    expect(orders.items).toEqual({ toString: 2, constructor: 1 });
  });

  it("the orders given are not modified", () => {
    const first = run([purchase("T1", 10, T0, [{ item_id: "a" }])]);
    const copy = structuredClone(first.orders);
    run([purchase("T2", 5, T0, [{ item_id: "a" }]), refund("T1")], first.orders, first.ledger);
    expect(first.orders).toEqual(copy);
  });
});

describe("refunds", () => {
  it("a partial refund lowers revenue but keeps the order", () => {
    const { orders, outcomes } = run([purchase("T1", 100, T0, [{ item_id: "a" }]), refund("T1", 30)]);
    expect(orders.count).toBe(1);
    expect(orders.revenue).toBe(70);
    expect(orders.items).toEqual({ a: 1 });
    expect(outcomes[1]).toMatchObject({ reason: "refund_applied", record: { transaction_id: "T1", refunded: 30 } });
  });

  it("a refund without a value refunds the whole order: count, revenue, items and recent orders go back", () => {
    const { orders } = run([
      purchase("T1", 40, T0, [{ item_id: "a" }]),
      purchase("T2", 100, T0 + HOUR, [{ item_id: "b", quantity: 2 }]),
      refund("T2"),
    ]);
    expect(orders.count).toBe(1);
    expect(orders.revenue).toBe(40);
    expect(orders.items).toEqual({ a: 1 });
    expect(orders.recent.map((o) => o.transaction_id)).toEqual(["T1"]);
  });

  it("partial refunds adding up to the order value make it fully refunded", () => {
    const { orders, outcomes } = run([
      purchase("T1", 100, T0, [{ item_id: "a" }]),
      refund("T1", 33.33),
      refund("T1", 33.33),
      refund("T1", 33.34),
    ]);
    expect(orders.count).toBe(0);
    expect(orders.revenue).toBe(0);
    expect(orders.items).toEqual({});
    expect(outcomes[3]?.record?.refunded).toBe(100);
  });

  it("refunds never exceed the order value", () => {
    const { orders, outcomes } = run([purchase("T1", 50), purchase("T2", 100), refund("T1", 80)]);
    expect(orders.revenue).toBe(100);
    expect(orders.count).toBe(1);
    expect(outcomes[2]?.record?.refunded).toBe(50);
  });

  it("refunds after a full refund change nothing", () => {
    const { orders, outcomes } = run([purchase("T1", 50), purchase("T2", 100), refund("T1"), refund("T1", 10), refund("T1")]);
    expect(orders.revenue).toBe(100);
    expect(orders.count).toBe(1);
    expect(outcomes.slice(3).map((o) => o.reason)).toEqual(["already_refunded", "already_refunded"]);
    expect(outcomes[3]?.record).toBeNull();
  });

  it("a partial then an open refund refunds what is left, once", () => {
    const { orders, outcomes } = run([purchase("T1", 100), refund("T1", 25), refund("T1")]);
    expect(orders.revenue).toBe(0);
    expect(orders.count).toBe(0);
    expect(outcomes[2]?.record?.refunded).toBe(100);
  });

  it("a full refund of the latest order moves last_at back to the latest remaining order", () => {
    const { orders } = run([purchase("T1", 40, T0), purchase("T2", 60, T0 + 24 * HOUR), refund("T2", undefined, T0 + 25 * HOUR)]);
    expect(orders.count).toBe(1);
    expect(orders.last_at).toBe(T0);
  });

  it("a refund of an unknown order changes nothing", () => {
    const before = run([purchase("T1", 100, T0, [{ item_id: "a" }])]);
    const { orders, outcomes } = run([refund("NOPE", 20)], before.orders, before.ledger);
    expect(orders).toEqual(before.orders);
    expect(outcomes[0]).toEqual({ orders: before.orders, record: null, reason: "refund_without_order" });
  });

  it("a refund of an order never seen, on an empty history, leaves it empty", () => {
    const { orders } = run([refund("T9")]);
    expect(orders).toEqual(emptyOrders());
  });
});
