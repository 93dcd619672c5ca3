import { describe, expect, it } from "vitest";
import { collect, serverEvents, visitorId } from "../helpers";
import { customerWithCart, dispatchAt, HOUR, messageOf, MINUTE, shopWithFlows, webhookMessages } from "./helpers";
import { script } from "./receiver";

describe("the cart abandonment flow through the cron", () => {
  it("sends the reminder 4 hours after the cart changed, not before, and once however often the cron runs", async () => {
    const shop = await shopWithFlows(["cart_abandonment"]);
    const t0 = Date.now();
    await customerWithCart(shop, "ann@example.com", t0);
    await dispatchAt(t0 + 3 * HOUR + 59 * MINUTE);
    expect(await webhookMessages(shop)).toEqual([]);
    await dispatchAt(t0 + 4 * HOUR + MINUTE);
    await dispatchAt(t0 + 4 * HOUR + 2 * MINUTE);
    const messages = await webhookMessages(shop);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      flow_id: "cart_abandonment",
      step_id: "reminder",
      channel: "email",
      to: "ann@example.com",
      shop_id: shop.shop_id,
    });
    expect(messages[0]?.content.items?.map((item) => item.item_id)).toEqual(["mug-1"]);
    expect(await messageOf(shop, "email:ann@example.com", "cart_abandonment", "reminder")).toMatchObject({ status: "sent" });
  });

  it("restarts the cart clock when the cart changes", async () => {
    const shop = await shopWithFlows(["cart_abandonment"]);
    const t0 = Date.now() - 3 * HOUR;
    await customerWithCart(shop, "ben@example.com", t0);
    const later = t0 + 2 * HOUR;
    await serverEvents(shop, {
      events: [
        { type: "add_to_cart", email: "ben@example.com", ts: new Date(later).toISOString(), items: [{ item_id: "mug-2", price: 9 }] },
      ],
    });
    await dispatchAt(t0 + 4 * HOUR + MINUTE);
    expect(await webhookMessages(shop)).toEqual([]);
    await dispatchAt(later + 4 * HOUR + MINUTE);
    expect((await webhookMessages(shop)).map((m) => m.step_id)).toEqual(["reminder"]);
  });

  it("sends the 48-hour offer with a code, and skips the SMS for a person without SMS consent, with its reason", async () => {
    const shop = await shopWithFlows(["cart_abandonment"]);
    const t0 = Date.now();
    await customerWithCart(shop, "cy@example.com", t0);
    for (const hours of [4, 24, 48]) await dispatchAt(t0 + hours * HOUR + MINUTE);
    const messages = await webhookMessages(shop);
    expect(messages.map((m) => m.step_id)).toEqual(["reminder", "offer"]);
    expect(messages[1]?.content.code).toMatch(/^CART-/);
    const sms = await messageOf(shop, "email:cy@example.com", "cart_abandonment", "sms_nudge");
    expect(sms).toMatchObject({ status: "skipped" });
    expect(["no_address", "not_subscribed"]).toContain(sms?.reason);
  });

  it("does not send a cart reminder after a purchase on another device of the same person", async () => {
    const shop = await shopWithFlows(["cart_abandonment"]);
    const phone = visitorId("phone");
    const laptop = visitorId("laptop");
    const identify = { type: "identify", traits: { email: "dee@example.com" } };
    const response = await collect(shop, {
      anonymous_id: phone,
      sent_at: new Date().toISOString(),
      events: [
        identify,
        { type: "subscribe", channel: "email" },
        { type: "add_to_cart", value: 30, currency: "EUR", items: [{ item_id: "teapot", price: 30, quantity: 1 }] },
      ],
    });
    expect(response.status).toBe(200);
    const purchase = await collect(shop, {
      anonymous_id: laptop,
      sent_at: new Date().toISOString(),
      events: [identify, { type: "purchase", transaction_id: "T-dee", value: 30, currency: "EUR", items: [{ item_id: "teapot" }] }],
    });
    expect(purchase.status).toBe(200);
    await dispatchAt(Date.now() + 4 * HOUR + MINUTE);
    expect(await webhookMessages(shop)).toEqual([]);
    const reminder = await messageOf(shop, "email:dee@example.com", "cart_abandonment", "reminder");
    expect(reminder).toMatchObject({ status: "skipped", reason: "purchased" });
  });

  it("skips the reminder as unsubscribed when the person unsubscribed between scheduling and sending", async () => {
    const shop = await shopWithFlows(["cart_abandonment"]);
    const t0 = Date.now();
    await customerWithCart(shop, "eve@example.com", t0);
    await serverEvents(shop, { events: [{ type: "unsubscribe", email: "eve@example.com", channel: "email" }] });
    await dispatchAt(t0 + 4 * HOUR + MINUTE);
    expect(await webhookMessages(shop)).toEqual([]);
    expect(await messageOf(shop, "email:eve@example.com", "cart_abandonment", "reminder")).toMatchObject({
      status: "skipped",
      reason: "unsubscribed",
    });
  });

  it("skips a step more than 12 hours past its due time as stale (a backdated cart), and still sends the later ones", async () => {
    const shop = await shopWithFlows(["cart_abandonment"]);
    const t0 = Date.now() - 20 * HOUR;
    await customerWithCart(shop, "fay@example.com", t0);
    await dispatchAt(Date.now() + MINUTE);
    expect(await webhookMessages(shop)).toEqual([]);
    expect(await messageOf(shop, "email:fay@example.com", "cart_abandonment", "reminder")).toMatchObject({
      status: "skipped",
      reason: "stale",
    });
    await dispatchAt(t0 + 48 * HOUR + MINUTE);
    expect((await webhookMessages(shop)).map((m) => m.step_id)).toEqual(["offer"]);
  });

  it("retries after a 429, honouring Retry-After, and delivers the message once", async () => {
    const shop = await shopWithFlows(["cart_abandonment"]);
    await script(shop.box, [{ status: 429, headers: { "Retry-After": "120" } }]);
    const t0 = Date.now();
    await customerWithCart(shop, "gus@example.com", t0);
    const first = t0 + 4 * HOUR + MINUTE;
    await dispatchAt(first);
    const waiting = await messageOf(shop, "email:gus@example.com", "cart_abandonment", "reminder");
    expect(waiting).toMatchObject({ status: "pending", attempts: 1 });
    expect(Date.parse(waiting?.not_before ?? "")).toBeGreaterThanOrEqual(first + 120_000);
    await dispatchAt(first + MINUTE);
    expect(await webhookMessages(shop)).toHaveLength(1);
    await dispatchAt(first + 3 * MINUTE);
    await dispatchAt(first + 4 * MINUTE);
    const messages = await webhookMessages(shop);
    expect(messages).toHaveLength(2);
    expect(new Set(messages.map((m) => m.id)).size).toBe(1);
    expect(await messageOf(shop, "email:gus@example.com", "cart_abandonment", "reminder")).toMatchObject({ status: "sent", attempts: 2 });
  });
});

describe("the welcome flow", () => {
  it("welcomes a new subscriber at once, and not someone who subscribed long ago", async () => {
    const shop = await shopWithFlows(["welcome"]);
    const now = Date.now();
    const longAgo = new Date(now - 60 * 24 * HOUR).toISOString();
    await serverEvents(shop, {
      events: [
        { type: "identify", email: "old@example.com", traits: { email: "old@example.com" }, ts: longAgo },
        { type: "subscribe", email: "old@example.com", channel: "email", ts: longAgo },
        { type: "identify", email: "new@example.com", traits: { email: "new@example.com", first_name: "Nia" } },
        { type: "subscribe", email: "new@example.com", channel: "email" },
      ],
    });
    await dispatchAt(now + MINUTE);
    const messages = await webhookMessages(shop);
    expect(messages.map((m) => [m.to, m.step_id])).toEqual([["new@example.com", "discount"]]);
    expect(messages[0]?.content.code).toMatch(/^WELCOME-/);
  });
});
