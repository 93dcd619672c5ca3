import { describe, expect, it } from "vitest";
import { ga4 } from "./ga4";

const GA4_EVENTS = [
  "view_item",
  "view_item_list",
  "select_item",
  "add_to_cart",
  "remove_from_cart",
  "view_cart",
  "begin_checkout",
  "purchase",
  "refund",
  "search",
];

const json = (v: unknown) => JSON.parse(JSON.stringify(v));

describe("ga4", () => {
  it("maps every GA4 e-commerce name to the Nudge event of the same name", () => {
    for (const name of GA4_EVENTS) expect(ga4(name, { transaction_id: "T-1", value: 1, search_term: "mug" })?.type).toBe(name);
  });

  it("takes no other name", () => {
    for (const name of [
      "gtm.js",
      "page_view",
      "login",
      "identify",
      "consent",
      "nudge_click",
      "view_items",
      "add_to_cart2",
      "",
      undefined,
      42,
    ]) {
      expect(ga4(name, {})).toBeUndefined();
    }
  });

  it("keeps an add_to_cart's items, value and currency, numbers from numeric strings", () => {
    const event = ga4("add_to_cart", {
      currency: "EUR",
      value: "24.00",
      items: [{ item_id: 7, item_name: "Mug", price: "12", quantity: "2", item_category: "kitchen", index: 0 }],
    });
    expect(json(event)).toEqual({
      type: "add_to_cart",
      currency: "EUR",
      value: 24,
      items: [{ item_id: "7", item_name: "Mug", price: 12, quantity: 2, item_category: "kitchen", index: 0 }],
    });
  });

  it("names an item by its item_name when it has no item_id, and leaves out items without either", () => {
    const event = ga4("view_item_list", { items: [{ item_name: "Mug" }, { price: 3 }, null, "x", { item_id: "" }] });
    expect(json(event).items).toEqual([{ item_id: "Mug", item_name: "Mug" }]);
  });

  it("leaves out numbers that are not numbers", () => {
    const event = json(ga4("add_to_cart", { value: "12,50", items: [{ item_id: "a", price: "", quantity: true }] }));
    expect(event).toEqual({ type: "add_to_cart", items: [{ item_id: "a" }] });
  });

  it("gives an event items only when the page gave a list (a view_cart with one replaces the cart)", () => {
    for (const name of ["view_item", "add_to_cart", "view_cart", "begin_checkout", "purchase"])
      expect(ga4(name, {})?.items).toBeUndefined();
    expect(ga4("view_cart", { items: [] })?.items).toEqual([]);
  });

  it("keeps a purchase's transaction id (as a string), tax, shipping and coupon", () => {
    const event = json(ga4("purchase", { transaction_id: 1001, value: 30, currency: "EUR", tax: "4.79", shipping: 0, coupon: "SUMMER" }));
    expect(event).toEqual({
      type: "purchase",
      transaction_id: "1001",
      value: 30,
      currency: "EUR",
      tax: 4.79,
      shipping: 0,
      coupon: "SUMMER",
    });
  });

  it("keeps a search's term", () => {
    expect(ga4("search", { search_term: "blue mug" })?.search_term).toBe("blue mug");
  });

  it("takes at most 200 items", () => {
    const items = Array.from({ length: 250 }, (_, i) => ({ item_id: `i${i}` }));
    expect(ga4("view_item_list", { items })?.items).toHaveLength(200);
  });

  it("survives parameters that are not objects", () => {
    expect(json(ga4("view_cart", "nonsense"))).toEqual({ type: "view_cart" });
    expect(json(ga4("view_item", null))).toEqual({ type: "view_item" });
  });
});
