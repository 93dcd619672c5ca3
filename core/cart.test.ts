import { describe, expect, it } from "vitest";
import { applyCartEvent, emptyCart, MAX_CART_LINES } from "./cart";
import type { CartState, Item, TrackedEvent } from "./types";

const T0 = Date.parse("2025-06-01T12:00:00.000Z");
const MIN = 60_000;

function event(type: string, ts: number, fields: Partial<TrackedEvent> = {}): TrackedEvent {
  return { id: null, type, ts, ...fields };
}

function apply(cart: CartState, ...events: TrackedEvent[]): CartState {
  return events.reduce(applyCartEvent, cart);
}

const shoe: Item = { item_id: "shoe", item_name: "Shoe", price: 50 };
const sock: Item = { item_id: "sock", item_name: "Sock", price: 5 };
const hat: Item = { item_id: "hat", item_name: "Hat", price: 20 };

function cartWith(items: Item[], ts = T0): CartState {
  return apply(emptyCart(), event("add_to_cart", ts, { items, currency: "EUR" }));
}

describe("adding to the cart", () => {
  it("an empty cart holds nothing, is worth 0 and was never updated", () => {
    expect(emptyCart()).toEqual({ items: [], value: 0, currency: null, updated_at: null });
  });

  it("adding items creates lines with a quantity and values the cart from prices", () => {
    const cart = apply(emptyCart(), event("add_to_cart", T0, { items: [shoe, { ...sock, quantity: 3 }], currency: "EUR", value: 65 }));
    expect(cart).toEqual({
      items: [
        { ...shoe, quantity: 1 },
        { ...sock, quantity: 3 },
      ],
      value: 65,
      currency: "EUR",
      updated_at: T0,
    });
  });

  it("adding the same item again increases its line's quantity", () => {
    const cart = apply(cartWith([shoe]), event("add_to_cart", T0 + MIN, { items: [{ ...shoe, quantity: 2 }] }));
    expect(cart.items).toEqual([{ ...shoe, quantity: 3 }]);
    expect(cart.value).toBe(150);
    expect(cart.updated_at).toBe(T0 + MIN);
  });

  it("the same item in another variant is another line", () => {
    const cart = apply(
      emptyCart(),
      event("add_to_cart", T0, {
        items: [
          { ...shoe, item_variant: "42" },
          { ...shoe, item_variant: "43" },
        ],
      }),
    );
    expect(cart.items).toHaveLength(2);
    expect(cart.value).toBe(100);
  });

  it("cart values are rounded to cents", () => {
    const cart = apply(emptyCart(), event("add_to_cart", T0, { items: [{ item_id: "a", price: 0.1, quantity: 3 }] }));
    expect(cart.value).toBe(0.3);
  });

  it("the currency is kept when a later event names none", () => {
    const cart = apply(cartWith([shoe]), event("add_to_cart", T0 + MIN, { items: [sock] }));
    expect(cart.currency).toBe("EUR");
  });

  it("the cart is bounded to its maximum number of lines", () => {
    const items = Array.from({ length: MAX_CART_LINES + 20 }, (_, i) => ({ item_id: `sku-${i}`, price: 1 }));
    const cart = apply(emptyCart(), event("add_to_cart", T0, { items }));
    expect(cart.items).toHaveLength(MAX_CART_LINES);
    expect(cart.value).toBe(MAX_CART_LINES);
  });

  it("the cart given is not modified", () => {
    const before = cartWith([shoe]);
    const copy = structuredClone(before);
    apply(before, event("add_to_cart", T0 + MIN, { items: [shoe, sock] }), event("remove_from_cart", T0 + 2 * MIN, { items: [shoe] }));
    expect(before).toEqual(copy);
  });
});

describe("removing from the cart", () => {
  it("a removal without a quantity takes the whole line away", () => {
    const cart = apply(cartWith([{ ...shoe, quantity: 2 }, sock]), event("remove_from_cart", T0 + MIN, { items: [{ item_id: "shoe" }] }));
    expect(cart.items).toEqual([{ ...sock, quantity: 1 }]);
    expect(cart.value).toBe(5);
    expect(cart.updated_at).toBe(T0 + MIN);
  });

  it("a removal with a quantity lowers the line's quantity", () => {
    const cart = apply(
      cartWith([{ ...shoe, quantity: 3 }]),
      event("remove_from_cart", T0 + MIN, { items: [{ item_id: "shoe", quantity: 1 }] }),
    );
    expect(cart.items).toEqual([{ ...shoe, quantity: 2 }]);
    expect(cart.value).toBe(100);
  });

  it("removing at least the line's quantity takes the line away", () => {
    const cart = apply(
      cartWith([{ ...shoe, quantity: 2 }]),
      event("remove_from_cart", T0 + MIN, { items: [{ item_id: "shoe", quantity: 5 }] }),
    );
    expect(cart.items).toEqual([]);
    expect(cart.value).toBe(0);
  });

  it("removing an item that is not in the cart changes no line", () => {
    const cart = apply(cartWith([shoe]), event("remove_from_cart", T0 + MIN, { items: [hat] }));
    expect(cart.items).toEqual([{ ...shoe, quantity: 1 }]);
    expect(cart.value).toBe(50);
  });
});

describe("cart snapshots", () => {
  it("view_cart replaces the cart with its snapshot", () => {
    const cart = apply(
      cartWith([shoe, sock]),
      event("view_cart", T0 + MIN, { items: [hat, { ...sock, quantity: 2 }], value: 30, currency: "USD" }),
    );
    expect(cart).toEqual({
      items: [
        { ...hat, quantity: 1 },
        { ...sock, quantity: 2 },
      ],
      value: 30,
      currency: "USD",
      updated_at: T0 + MIN,
    });
  });

  it("begin_checkout replaces the cart with its snapshot", () => {
    const cart = apply(cartWith([shoe, sock]), event("begin_checkout", T0 + MIN, { items: [sock] }));
    expect(cart.items).toEqual([{ ...sock, quantity: 1 }]);
  });

  it("an empty snapshot empties the cart", () => {
    const cart = apply(cartWith([shoe]), event("view_cart", T0 + MIN, { items: [], value: 0 }));
    expect(cart.items).toEqual([]);
    expect(cart.value).toBe(0);
  });

  it("a snapshot older than the cart arriving late is ignored", () => {
    const current = apply(cartWith([shoe]), event("view_cart", T0 + 10 * MIN, { items: [shoe, hat] }));
    const cart = apply(current, event("view_cart", T0 + 5 * MIN, { items: [sock] }));
    expect(cart).toEqual(current);
  });

  it("a snapshot without items says nothing about the cart", () => {
    const current = cartWith([shoe]);
    expect(apply(current, event("view_cart", T0 + MIN, { value: 0 }))).toEqual(current);
  });

  it("a snapshot without prices keeps the value it was sent with", () => {
    const cart = apply(emptyCart(), event("view_cart", T0, { items: [{ item_id: "a" }, { item_id: "b" }], value: 42 }));
    expect(cart.value).toBe(42);
  });
});

describe("purchases and the cart", () => {
  it("a purchase without items empties the cart", () => {
    const cart = apply(cartWith([shoe, sock]), event("purchase", T0 + MIN, { transaction_id: "T1", value: 55 }));
    expect(cart.items).toEqual([]);
    expect(cart.value).toBe(0);
    expect(cart.updated_at).toBe(T0 + MIN);
  });

  it("a purchase takes the bought items out and leaves the rest", () => {
    const cart = apply(cartWith([shoe, sock, hat]), event("purchase", T0 + MIN, { transaction_id: "T1", value: 50, items: [shoe] }));
    expect(cart.items.map((item) => item.item_id)).toEqual(["sock", "hat"]);
    expect(cart.value).toBe(25);
  });

  it("a purchase of everything in the cart (completed on another device) leaves nothing to abandon", () => {
    const cart = apply(cartWith([shoe, sock]), event("purchase", T0 + MIN, { transaction_id: "T1", value: 55, items: [sock, shoe] }));
    expect(cart.items).toEqual([]);
    expect(cart.value).toBe(0);
  });

  it("a backfilled purchase older than the cart leaves the newer cart alone", () => {
    // The shop backend sends a purchase of last month after the person filled a new cart today.
    const today = cartWith([hat], T0);
    const cart = apply(today, event("purchase", T0 - 30 * 24 * 60 * MIN, { transaction_id: "OLD-1", value: 20 }));
    expect(cart.items).toEqual(today.items);
    expect(cart.updated_at).toBe(T0);
  });

  it.each([["page_view"], ["view_item"], ["search"], ["refund"], ["identify"], ["wishlist_add"]])(
    "an event of type %s leaves the cart as it is",
    (type) => {
      const current = cartWith([shoe]);
      expect(apply(current, event(type, T0 + MIN, { items: [sock], transaction_id: "T1" }))).toBe(current);
    },
  );
});

describe("cart timing", () => {
  it("a late line change never moves the cart's updated_at backwards", () => {
    const current = apply(cartWith([shoe], T0), event("view_cart", T0 + 10 * MIN, { items: [shoe] }));
    const cart = apply(current, event("add_to_cart", T0 + 5 * MIN, { items: [sock] }));
    expect(cart.updated_at).toBe(T0 + 10 * MIN);
  });

  it("without item prices, add and remove values move the cart value by the event's value", () => {
    // GA4: the value of add_to_cart / remove_from_cart is the value of the items added or removed.
    const added = apply(
      emptyCart(),
      event("add_to_cart", T0, { items: [{ item_id: "a" }], value: 10 }),
      event("add_to_cart", T0 + MIN, { items: [{ item_id: "b" }], value: 5 }),
    );
    expect(added.value).toBe(15);
    const removed = apply(added, event("remove_from_cart", T0 + 2 * MIN, { items: [{ item_id: "b" }], value: 5 }));
    expect(removed.value).toBe(10);
  });
});
