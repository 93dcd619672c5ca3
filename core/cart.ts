import type { CartState, Item, TrackedEvent } from "./types";

export const MAX_CART_LINES = 100;

function lineKey(item: Item): string {
  return `${item.item_id}\u0000${item.item_variant ?? ""}`;
}

const round = (value: number) => Math.round(value * 100) / 100;

/**
 * The cart's value: the sum of price × quantity when every line has a price. Otherwise the
 * events' `value`s stand in (in GA4 an add's or removal's value is that of the items it moved;
 * a snapshot's value is the whole cart's).
 */
function cartValue(cart: CartState, items: Item[], event: TrackedEvent): number {
  if (items.length === 0) return 0;
  if (items.every((item) => item.price !== undefined)) {
    return round(items.reduce((total, item) => total + (item.price ?? 0) * (item.quantity ?? 1), 0));
  }
  const moved = event.value ?? 0;
  if (event.type === "add_to_cart") return round(cart.value + moved);
  if (event.type === "remove_from_cart") return round(Math.max(0, cart.value - moved));
  return round(moved);
}

function withLines(cart: CartState, items: Item[], event: TrackedEvent): CartState {
  const bounded = items.slice(0, MAX_CART_LINES);
  return {
    items: bounded,
    value: cartValue(cart, bounded, event),
    currency: event.currency ?? cart.currency,
    updated_at: cart.updated_at === null ? event.ts : Math.max(cart.updated_at, event.ts),
  };
}

function addItems(lines: Item[], added: Item[]): Item[] {
  const next = lines.map((line) => ({ ...line }));
  for (const item of added) {
    const quantity = item.quantity ?? 1;
    const existing = next.find((line) => lineKey(line) === lineKey(item));
    if (existing) {
      Object.assign(existing, item, { quantity: (existing.quantity ?? 1) + quantity });
    } else {
      next.push({ ...item, quantity });
    }
  }
  return next;
}

/** A removal without a quantity takes the whole line away. */
function removeItems(lines: Item[], removed: Item[]): Item[] {
  let next = lines.map((line) => ({ ...line }));
  for (const item of removed) {
    const existing = next.find((line) => lineKey(line) === lineKey(item));
    if (!existing) continue;
    const remaining = item.quantity === undefined ? 0 : (existing.quantity ?? 1) - item.quantity;
    if (remaining > 0) existing.quantity = remaining;
    else next = next.filter((line) => line !== existing);
  }
  return next;
}

/**
 * The cart after one event. `add_to_cart`/`remove_from_cart` change lines; `view_cart` and
 * `begin_checkout` carry the whole cart and replace it, unless an older snapshot arrives late;
 * a purchase takes the bought items out (all of it when the purchase lists no items), unless it
 * is older than the cart. `updated_at` only moves forward.
 */
export function applyCartEvent(cart: CartState, event: TrackedEvent): CartState {
  switch (event.type) {
    case "add_to_cart":
      return withLines(cart, addItems(cart.items, event.items ?? []), event);
    case "remove_from_cart":
      return withLines(cart, removeItems(cart.items, event.items ?? []), event);
    case "view_cart":
    case "begin_checkout": {
      if (event.items === undefined) return cart;
      if (cart.updated_at !== null && event.ts < cart.updated_at) return cart;
      return withLines(
        cart,
        event.items.map((item) => ({ ...item, quantity: item.quantity ?? 1 })),
        event,
      );
    }
    case "purchase": {
      // A backfilled purchase older than the cart says nothing about what was added since.
      if (cart.updated_at !== null && event.ts < cart.updated_at) return cart;
      const bought = new Set((event.items ?? []).map((item) => item.item_id));
      const remaining = bought.size === 0 ? [] : cart.items.filter((line) => !bought.has(line.item_id));
      if (remaining.length === cart.items.length) return { ...cart, updated_at: Math.max(cart.updated_at ?? event.ts, event.ts) };
      return withLines(cart, remaining, { ...event, type: "remove_from_cart" });
    }
    default:
      return cart;
  }
}

export function emptyCart(): CartState {
  return { items: [], value: 0, currency: null, updated_at: null };
}
