import { describe, expect, it } from "vitest";
import {
  applyOrderEvent,
  emptyOrders,
  MAX_RECENT_ORDERS,
  summarizeOrders,
  uniteLedgers,
  type OrderLedger,
  type OrderRecord,
} from "./orders";
import type { Item, TrackedEvent } from "./types";

const T0 = Date.parse("2025-06-01T12:00:00.000Z");
const HOUR = 3_600_000;

function order(
  transactionId: string,
  at: number,
  value: number,
  refunded = 0,
  items: Item[] = [],
  currency: string | null = "EUR",
): OrderRecord {
  return { transaction_id: transactionId, at, value, currency, refunded, items };
}

const byTransaction = (records: OrderRecord[]) => [...records].sort((a, b) => a.transaction_id.localeCompare(b.transaction_id));

describe("uniteLedgers", () => {
  it.each([
    { name: "the absorbed person's larger refund is kept", survivorRefund: 0, absorbedRefund: 10, expected: 10 },
    { name: "the survivor's larger refund is kept", survivorRefund: 10, absorbedRefund: 0, expected: 10 },
    { name: "the larger of two partial refunds is kept", survivorRefund: 5, absorbedRefund: 15, expected: 15 },
    { name: "equal refunds are kept as they are", survivorRefund: 5, absorbedRefund: 5, expected: 5 },
  ])("a transaction recorded on both sides is kept once: $name", ({ survivorRefund, absorbedRefund, expected }) => {
    const united = uniteLedgers(
      [order("T1", T0, 30, survivorRefund, [{ item_id: "shoe" }])],
      [order("T1", T0, 30, absorbedRefund, [{ item_id: "shoe" }])],
    );
    expect(united).toEqual([order("T1", T0, 30, expected, [{ item_id: "shoe" }])]);
  });

  it("disjoint ledgers are united, every order once", () => {
    const survivor = [order("T1", T0, 30), order("T2", T0 + HOUR, 20, 5)];
    const absorbed = [order("T3", T0 + 2 * HOUR, 10), order("T4", T0 - HOUR, 40, 40)];
    expect(byTransaction(uniteLedgers(survivor, absorbed))).toEqual(
      [...survivor, ...absorbed].sort((a, b) => a.transaction_id.localeCompare(b.transaction_id)),
    );
  });

  it("overlapping ledgers keep the shared order once and every other order", () => {
    const united = uniteLedgers(
      [order("T1", T0, 30), order("T2", T0 + HOUR, 20)],
      [order("T2", T0 + HOUR, 20, 20), order("T3", T0 + 2 * HOUR, 10)],
    );
    expect(byTransaction(united)).toEqual([order("T1", T0, 30), order("T2", T0 + HOUR, 20, 20), order("T3", T0 + 2 * HOUR, 10)]);
  });

  it("either side may be empty", () => {
    const records = [order("T1", T0, 30)];
    expect(uniteLedgers(records, [])).toEqual(records);
    expect(uniteLedgers([], records)).toEqual(records);
    expect(uniteLedgers([], [])).toEqual([]);
  });

  it("a ledger map's values can be united directly", () => {
    const ledger: OrderLedger = new Map([["T1", order("T1", T0, 30)]]);
    expect(byTransaction(uniteLedgers(ledger.values(), [order("T2", T0 + 1, 10)]))).toEqual([order("T1", T0, 30), order("T2", T0 + 1, 10)]);
  });

  it("the input records are not mutated when the other side's refund is larger", () => {
    const survivor = [order("T1", T0, 30, 0)];
    const absorbed = [order("T1", T0, 30, 10)];
    uniteLedgers(survivor, absorbed);
    expect(survivor).toEqual([order("T1", T0, 30, 0)]);
    expect(absorbed).toEqual([order("T1", T0, 30, 10)]);
  });
});

describe("summarizeOrders", () => {
  it("an empty ledger summarizes to no orders", () => {
    expect(summarizeOrders([])).toEqual(emptyOrders());
  });

  it("a fully refunded order does not count: not in count, revenue, dates, items or recent orders", () => {
    const summary = summarizeOrders([order("T1", T0, 30, 30, [{ item_id: "shoe" }]), order("T2", T0 + HOUR, 20, 0, [{ item_id: "hat" }])]);
    expect(summary).toEqual({
      count: 1,
      revenue: 20,
      first_at: T0 + HOUR,
      last_at: T0 + HOUR,
      items: { hat: 1 },
      recent: [{ transaction_id: "T2", at: T0 + HOUR, value: 20, currency: "EUR" }],
    });
  });

  it("a ledger of only fully refunded orders summarizes to no orders", () => {
    expect(summarizeOrders([order("T1", T0, 30, 30), order("T2", T0 + 1, 5, 5)])).toEqual(emptyOrders());
  });

  it.each([
    { name: "a partial refund reduces revenue", records: [order("T1", T0, 50, 20)], count: 1, revenue: 30 },
    {
      name: "partial refunds on several orders all reduce revenue",
      records: [order("T1", T0, 50, 20), order("T2", T0 + 1, 10, 2.5)],
      count: 2,
      revenue: 37.5,
    },
    { name: "a zero-value order counts", records: [order("T1", T0, 0)], count: 1, revenue: 0 },
    { name: "a zero-value order counts next to a paid one", records: [order("T1", T0, 0), order("T2", T0 + 1, 12)], count: 2, revenue: 12 },
    { name: "revenue is rounded to cents", records: [order("T1", T0, 0.1), order("T2", T0 + 1, 0.2)], count: 2, revenue: 0.3 },
  ])("$name", ({ records, count, revenue }) => {
    const summary = summarizeOrders(records);
    expect(summary.count).toBe(count);
    expect(summary.revenue).toBe(revenue);
  });

  it("a zero-value order sets the first and last order dates", () => {
    const summary = summarizeOrders([order("T1", T0, 0)]);
    expect([summary.first_at, summary.last_at]).toEqual([T0, T0]);
    expect(summary.recent).toEqual([{ transaction_id: "T1", at: T0, value: 0, currency: "EUR" }]);
  });

  it("item quantities are summed across orders, one when no quantity is given, and kept for partial refunds", () => {
    const summary = summarizeOrders([
      order("T1", T0, 50, 0, [{ item_id: "shoe", quantity: 2 }, { item_id: "sock" }]),
      order("T2", T0 + 1, 30, 10, [{ item_id: "shoe" }, { item_id: "constructor", quantity: 3 }]),
      order("T3", T0 + 2, 20, 20, [{ item_id: "sock", quantity: 5 }]),
    ]);
    expect(summary.items).toEqual({ shoe: 3, sock: 1, constructor: 3 });
  });

  it("recent orders are newest first whatever the ledger's order, and dates span the live orders", () => {
    const summary = summarizeOrders([order("T2", T0 + HOUR, 20), order("T3", T0 + 2 * HOUR, 10, 0, [], null), order("T1", T0, 30)]);
    expect(summary.recent).toEqual([
      { transaction_id: "T3", at: T0 + 2 * HOUR, value: 10, currency: null },
      { transaction_id: "T2", at: T0 + HOUR, value: 20, currency: "EUR" },
      { transaction_id: "T1", at: T0, value: 30, currency: "EUR" },
    ]);
    expect([summary.first_at, summary.last_at]).toEqual([T0, T0 + 2 * HOUR]);
  });

  it("recent orders are bounded, keeping the newest, while every order counts", () => {
    const records = Array.from({ length: MAX_RECENT_ORDERS + 5 }, (_, i) => order(`T${i}`, T0 + i, 1));
    const summary = summarizeOrders(records);
    expect(summary.count).toBe(MAX_RECENT_ORDERS + 5);
    expect(summary.recent).toHaveLength(MAX_RECENT_ORDERS);
    expect(summary.recent[0]?.transaction_id).toBe(`T${MAX_RECENT_ORDERS + 4}`);
    expect(summary.recent.at(-1)?.transaction_id).toBe("T5");
  });

  it("recomputing from the ledger agrees with applying the purchases and refunds one by one", () => {
    const purchase = (transactionId: string, ts: number, value: number, items: Item[]): TrackedEvent => ({
      id: null,
      type: "purchase",
      ts,
      transaction_id: transactionId,
      value,
      currency: "EUR",
      items,
    });
    const refund = (transactionId: string, ts: number, value?: number): TrackedEvent => ({
      id: null,
      type: "refund",
      ts,
      transaction_id: transactionId,
      ...(value === undefined ? {} : { value }),
    });
    const events = [
      purchase("T1", T0, 30, [{ item_id: "shoe" }]),
      purchase("T2", T0 + HOUR, 50, [{ item_id: "hat", quantity: 2 }]),
      purchase("T3", T0 + 2 * HOUR, 0, [{ item_id: "gift" }]),
      purchase("T4", T0 + 3 * HOUR, 20, [{ item_id: "sock" }]),
      refund("T2", T0 + 4 * HOUR, 15),
      refund("T1", T0 + 5 * HOUR),
    ];
    const ledger: OrderLedger = new Map();
    let orders = emptyOrders();
    for (const event of events) {
      const outcome = applyOrderEvent(orders, event, ledger);
      orders = outcome.orders;
      if (outcome.record) ledger.set(outcome.record.transaction_id, outcome.record);
    }
    expect(summarizeOrders(ledger.values())).toEqual(orders);
    expect(orders.count).toBe(3);
    expect(orders.revenue).toBe(55);
  });
});
