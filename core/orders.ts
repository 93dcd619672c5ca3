import { countOf } from "./counts";
import type { Item, OrdersState, TrackedEvent } from "./types";

export const MAX_RECENT_ORDERS = 100;

/** One order as the person's object keeps it, keyed by `transaction_id` (de-duplication, refunds). */
export interface OrderRecord {
  transaction_id: string;
  at: number;
  value: number;
  currency: string | null;
  refunded: number;
  items: Item[];
}

export type OrderLedger = Map<string, OrderRecord>;

export interface OrderOutcome {
  orders: OrdersState;
  /** The ledger row to write, or null when the event changed nothing (a repeated purchase). */
  record: OrderRecord | null;
  reason: "order_added" | "duplicate_transaction" | "refund_applied" | "refund_without_order" | "already_refunded";
}

const round = (value: number) => Math.round(value * 100) / 100;

function addItemQuantities(items: Record<string, number>, bought: Item[], sign: 1 | -1): Record<string, number> {
  const next = { ...items };
  for (const item of bought) {
    const quantity = countOf(next, item.item_id) + sign * (item.quantity ?? 1);
    if (quantity > 0) next[item.item_id] = quantity;
    else delete next[item.item_id];
  }
  return next;
}

function purchase(orders: OrdersState, event: TrackedEvent, existing: OrderRecord | undefined): OrderOutcome {
  const transactionId = event.transaction_id ?? "";
  if (existing) return { orders, record: null, reason: "duplicate_transaction" };
  const record: OrderRecord = {
    transaction_id: transactionId,
    at: event.ts,
    value: event.value ?? 0,
    currency: event.currency ?? null,
    refunded: 0,
    items: event.items ?? [],
  };
  const recent = [{ transaction_id: transactionId, at: event.ts, value: record.value, currency: record.currency }, ...orders.recent]
    .sort((a, b) => b.at - a.at)
    .slice(0, MAX_RECENT_ORDERS);
  return {
    orders: {
      count: orders.count + 1,
      revenue: round(orders.revenue + record.value),
      first_at: orders.first_at === null ? event.ts : Math.min(orders.first_at, event.ts),
      last_at: orders.last_at === null ? event.ts : Math.max(orders.last_at, event.ts),
      items: addItemQuantities(orders.items, record.items, 1),
      recent,
    },
    record,
    reason: "order_added",
  };
}

/** A refund without a value refunds what is left of the order; refunds never exceed the order. */
function refund(orders: OrdersState, event: TrackedEvent, existing: OrderRecord | undefined): OrderOutcome {
  if (!existing) return { orders, record: null, reason: "refund_without_order" };
  const left = existing.value - existing.refunded;
  const amount = Math.min(event.value ?? left, left);
  if (left <= 0 || amount <= 0) return { orders, record: null, reason: "already_refunded" };
  const record = { ...existing, refunded: round(existing.refunded + amount) };
  const partial = { ...orders, revenue: round(orders.revenue - amount) };
  if (record.refunded < record.value) return { orders: partial, record, reason: "refund_applied" };
  // A fully refunded order no longer counts, nor do its dates (as far as the recent list knows them).
  const recent = orders.recent.filter((o) => o.transaction_id !== existing.transaction_id);
  const count = Math.max(0, orders.count - 1);
  const times = recent.map((o) => o.at);
  return {
    orders: {
      ...partial,
      count,
      items: addItemQuantities(orders.items, existing.items, -1),
      recent,
      first_at: count === 0 ? null : existing.at === orders.first_at && times.length > 0 ? Math.min(...times) : orders.first_at,
      last_at: count === 0 ? null : times.length > 0 ? Math.max(...times) : orders.last_at,
    },
    record,
    reason: "refund_applied",
  };
}

export function applyOrderEvent(orders: OrdersState, event: TrackedEvent, ledger: OrderLedger): OrderOutcome {
  const existing = ledger.get(event.transaction_id ?? "");
  return event.type === "purchase" ? purchase(orders, event, existing) : refund(orders, event, existing);
}

export function emptyOrders(): OrdersState {
  return { count: 0, revenue: 0, first_at: null, last_at: null, items: {}, recent: [] };
}

/**
 * The orders summary recomputed from a complete ledger (after a merge, where both people's
 * ledgers are united by `transaction_id`): fully refunded orders do not count.
 */
export function summarizeOrders(records: Iterable<OrderRecord>): OrdersState {
  let summary = emptyOrders();
  const live = [...records].filter((record) => record.refunded < record.value || record.value === 0).sort((a, b) => a.at - b.at);
  for (const record of live) {
    const outcome = purchase(
      summary,
      {
        id: null,
        type: "purchase",
        ts: record.at,
        transaction_id: record.transaction_id,
        value: record.value,
        items: record.items,
        ...(record.currency ? { currency: record.currency } : {}),
      },
      undefined,
    );
    summary = { ...outcome.orders, revenue: round(outcome.orders.revenue - record.refunded) };
  }
  return summary;
}

/** Unites two ledgers; an order both people recorded (one purchase seen twice) is kept once, with the larger refund. */
export function uniteLedgers(survivor: Iterable<OrderRecord>, absorbed: Iterable<OrderRecord>): OrderRecord[] {
  const united = new Map<string, OrderRecord>();
  for (const record of [...survivor, ...absorbed]) {
    const existing = united.get(record.transaction_id);
    if (!existing || record.refunded > existing.refunded)
      united.set(record.transaction_id, existing ? { ...existing, refunded: record.refunded } : record);
  }
  return [...united.values()];
}
