import { describe, expect, it } from "vitest";
import { createShop, getProfile, serverEvents, visitorId } from "../helpers";

const DAY = 24 * 60 * 60 * 1000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();

describe("POST /v1/events", () => {
  it("routes each event to the person it names and reports what was stored", async () => {
    const shop = await createShop();
    const response = await serverEvents(shop, {
      events: [
        {
          type: "purchase",
          customer_id: "c-1",
          transaction_id: "T1",
          value: 30,
          currency: "eur",
          items: [{ item_id: "sku-1", price: 30 }],
        },
        { type: "page_view", email: "  Ann@Example.COM " },
        { type: "order_shipped", customer_id: 7, properties: { carrier: "dhl" } },
      ],
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { stored: number; profile_ids: string[] };
    expect(body.stored).toBe(3);
    expect(new Set(body.profile_ids).size).toBe(3);

    const buyer = await getProfile(shop, "customer_id:c-1");
    expect(buyer.body.orders).toMatchObject({ count: 1, revenue: 30, items: { "sku-1": 1 } });
    expect(buyer.body.identifiers.customer_id).toBe("c-1");
    expect(buyer.body.lifecycle).toBe("retention");
    expect(buyer.body.segments).toContain("new_customer");
    const ann = await getProfile(shop, "email:ann@example.com");
    expect(ann.body.identifiers.email).toBe("ann@example.com");
    expect((await getProfile(shop, "customer_id:7")).body.counters.events).toBe(1);
  });

  it("counts a repeated transaction_id once", async () => {
    const shop = await createShop();
    const purchase = { type: "purchase", customer_id: "c-2", transaction_id: "T-9", value: 50 };
    await serverEvents(shop, { events: [purchase] });
    await serverEvents(shop, { events: [{ ...purchase, value: 70 }] });
    const { body } = await getProfile(shop, "customer_id:c-2");
    expect(body.orders).toMatchObject({ count: 1, revenue: 50 });
  });

  it("applies a partial and then a full refund without ever going below zero", async () => {
    const shop = await createShop();
    const who = { customer_id: "c-3" };
    await serverEvents(shop, {
      events: [
        { type: "purchase", ...who, transaction_id: "A", value: 100, items: [{ item_id: "x", quantity: 2 }] },
        { type: "purchase", ...who, transaction_id: "B", value: 40 },
      ],
    });
    await serverEvents(shop, { events: [{ type: "refund", ...who, transaction_id: "A", value: 30 }] });
    let { body } = await getProfile(shop, "customer_id:c-3");
    expect(body.orders).toMatchObject({ count: 2, revenue: 110 });
    await serverEvents(shop, { events: [{ type: "refund", ...who, transaction_id: "A" }] });
    await serverEvents(shop, { events: [{ type: "refund", ...who, transaction_id: "A" }] });
    ({ body } = await getProfile(shop, "customer_id:c-3"));
    expect(body.orders).toMatchObject({ count: 1, revenue: 40, items: {} });
  });

  it("keeps a cart from add, remove and checkout events and empties it on purchase", async () => {
    const shop = await createShop();
    const anon = visitorId();
    const who = { anonymous_id: anon };
    await serverEvents(shop, {
      events: [
        { type: "add_to_cart", ...who, currency: "EUR", items: [{ item_id: "a", price: 10, quantity: 1 }] },
        {
          type: "add_to_cart",
          ...who,
          items: [
            { item_id: "a", price: 10, quantity: 2 },
            { item_id: "b", price: 5 },
          ],
        },
        { type: "remove_from_cart", ...who, items: [{ item_id: "a", quantity: 1 }] },
      ],
    });
    let { body } = await getProfile(shop, `anonymous_id:${anon}`);
    expect(body.cart.items).toEqual([
      { item_id: "a", price: 10, quantity: 2 },
      { item_id: "b", price: 5, quantity: 1 },
    ]);
    expect(body.cart.value).toBe(25);
    expect(body.cart.currency).toBe("EUR");
    expect(body.lifecycle).toBe("conversion");

    await serverEvents(shop, { events: [{ type: "begin_checkout", ...who, value: 10, items: [{ item_id: "a", price: 10 }] }] });
    ({ body } = await getProfile(shop, `anonymous_id:${anon}`));
    expect(body.cart.items).toEqual([{ item_id: "a", price: 10, quantity: 1 }]);

    await serverEvents(shop, { events: [{ type: "purchase", ...who, transaction_id: "T-c", value: 10 }] });
    ({ body } = await getProfile(shop, `anonymous_id:${anon}`));
    expect(body.cart).toMatchObject({ items: [], value: 0 });
    expect(body.orders.count).toBe(1);
  });

  it("accepts backfill up to 90 days and measures orders from their timestamps", async () => {
    const shop = await createShop();
    const who = { customer_id: "c-backfill" };
    const response = await serverEvents(shop, {
      events: [
        { type: "purchase", ...who, transaction_id: "old", value: 10, ts: daysAgo(89) },
        { type: "purchase", ...who, transaction_id: "new", value: 10, ts: daysAgo(29) },
      ],
    });
    expect(response.status).toBe(200);
    const { body } = await getProfile(shop, "customer_id:c-backfill");
    expect(body.days_since_last_order).toBe(29);
    expect(Date.parse(body.orders.first_at ?? "")).toBeLessThan(Date.now() - 88 * DAY);
    expect(Date.parse(body.predictions.next_order_at ?? "")).toBeGreaterThan(Date.now());
  });

  it("refuses a batch with an event older than 90 days and stores none of it", async () => {
    const shop = await createShop();
    const response = await serverEvents(shop, {
      events: [
        { type: "page_view", customer_id: "c-old" },
        { type: "purchase", customer_id: "c-old", transaction_id: "x", value: 1, ts: daysAgo(91) },
      ],
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { field: string } }).error.field).toBe("events[1].ts");
    expect((await getProfile(shop, "customer_id:c-old")).status).toBe(404);
  });

  it("stores server events of a consent-required shop (the shop's own records)", async () => {
    const shop = await createShop({ consent_mode: "required" });
    await serverEvents(shop, { events: [{ type: "purchase", customer_id: "c-r", transaction_id: "R1", value: 5 }] });
    const { body } = await getProfile(shop, "customer_id:c-r");
    expect(body.orders.count).toBe(1);
    expect(body.consent.analytics).toBe(false);
  });

  it("keeps the same email in two shops as two people", async () => {
    const first = await createShop();
    const second = await createShop();
    await serverEvents(first, { events: [{ type: "page_view", email: "bo@example.com" }] });
    await serverEvents(second, {
      events: [
        { type: "page_view", email: "bo@example.com" },
        { type: "page_view", email: "bo@example.com" },
      ],
    });
    const a = await getProfile(first, "email:bo@example.com");
    const b = await getProfile(second, "email:bo@example.com");
    expect(a.body.counters.events).toBe(1);
    expect(b.body.counters.events).toBe(2);
    expect(a.body.profile_id).not.toBe(b.body.profile_id);
  });

  it("reaches a person by an identifier they gained through identify", async () => {
    const shop = await createShop();
    await serverEvents(shop, {
      events: [{ type: "identify", customer_id: "c-id", traits: { email: "cy@example.com", first_name: "Cy" } }],
    });
    await serverEvents(shop, { events: [{ type: "purchase", email: "cy@example.com", transaction_id: "I1", value: 9 }] });
    const { body } = await getProfile(shop, "customer_id:c-id");
    expect(body.traits).toEqual({ first_name: "Cy" });
    expect(body.identifiers.email).toBe("cy@example.com");
    expect(body.orders.count).toBe(1);
  });
});
