import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { collect, visitorId } from "../helpers";
import { dispatchAt, HOUR, type FlowShop, messageOf, MINUTE, shopWithFlows, webhookMessages } from "./helpers";

/** Message links point at PUBLIC_URL (http://nudge.test in the tests): fetch them through the Worker. */
function follow(url: string, init: RequestInit = {}): Promise<Response> {
  const { pathname, search } = new URL(url);
  return SELF.fetch(`https://nudge.test${pathname}${search}`, { redirect: "manual", ...init });
}

const confirmPost = (url: string) => follow(url, { method: "POST" });

const MUG = { item_id: "mug-1", item_name: "Blue mug", price: 24, quantity: 1 };

/** A browser batch of this visitor (identity verification required: a typed email stays a claim). */
async function browse(shop: FlowShop, anon: string, events: Record<string, unknown>[]): Promise<void> {
  const response = await collect(shop, { anonymous_id: anon, sent_at: new Date().toISOString(), events });
  expect(response.status).toBe(200);
}

/** A visitor who typed their email without proof, subscribed and left a cart; the cron sends the confirmation. */
async function typedAndConfirmationSent(email: string): Promise<{ shop: FlowShop; anon: string; confirmUrl: string; t0: number }> {
  const shop = await shopWithFlows(["cart_abandonment"], { identity_verification: "required" });
  const anon = visitorId("typed");
  const t0 = Date.now();
  await browse(shop, anon, [
    { type: "identify", traits: { email } },
    { type: "subscribe", channel: "email" },
    { type: "add_to_cart", value: 24, currency: "EUR", items: [MUG] },
  ]);
  await dispatchAt(t0 + MINUTE);
  const [confirmation] = await webhookMessages(shop);
  if (!confirmation) throw new Error("no confirmation sent");
  return { shop, anon, confirmUrl: confirmation.links.click, t0 };
}

describe("double opt-in of an email a browser typed without proof", () => {
  it("sends one confirmation to the typed address, and skips the cart reminder as unverified_address", async () => {
    const { shop, anon, confirmUrl, t0 } = await typedAndConfirmationSent("ivy@example.com");
    await dispatchAt(t0 + 2 * MINUTE);
    await dispatchAt(t0 + 4 * HOUR + MINUTE);
    const messages = await webhookMessages(shop);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      flow_id: "double_opt_in",
      step_id: "confirm",
      channel: "email",
      to: "ivy@example.com",
      shop_id: shop.shop_id,
      content: { subject: "Please confirm your subscription to Test shop" },
    });
    expect(messages[0]?.id).toMatch(/^optin_/);
    expect(new URL(confirmUrl).pathname).toMatch(/^\/m\/confirm\//);
    expect(await messageOf(shop, `anonymous_id:${anon}`, "cart_abandonment", "reminder")).toMatchObject({
      status: "skipped",
      reason: "unverified_address",
    });
  });

  it("writes to the address once its owner POSTs the confirmation, while the GET page alone confirms nothing", async () => {
    const { shop, anon, confirmUrl, t0 } = await typedAndConfirmationSent("jon@example.com");
    const page = await follow(confirmUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post">');
    await dispatchAt(t0 + 4 * HOUR + MINUTE);
    expect(await messageOf(shop, `anonymous_id:${anon}`, "cart_abandonment", "reminder")).toMatchObject({ reason: "unverified_address" });

    const confirmed = await confirmPost(confirmUrl);
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain("confirmed");
    expect(await messageOf(shop, `anonymous_id:${anon}`, "double_opt_in", "confirm")).toMatchObject({ status: "confirmed" });
    // A later cart: the first one emptied (its run ends), then a new one.
    await browse(shop, anon, [{ type: "remove_from_cart", items: [MUG] }]);
    await browse(shop, anon, [{ type: "add_to_cart", value: 24, currency: "EUR", items: [MUG] }]);
    await dispatchAt(Date.now() + 4 * HOUR + MINUTE);
    const messages = await webhookMessages(shop);
    expect(messages.map((m) => [m.flow_id, m.step_id, m.to])).toEqual([
      ["double_opt_in", "confirm", "jon@example.com"],
      ["cart_abandonment", "reminder", "jon@example.com"],
    ]);
  });

  it("answers 404 to a forged confirm token, and to another link's token used as one", async () => {
    const { shop, confirmUrl } = await typedAndConfirmationSent("kim@example.com");
    const url = new URL(confirmUrl);
    const forged = `${url.origin}${url.pathname.slice(0, -2)}${url.pathname.endsWith("AA") ? "BB" : "AA"}`;
    const refused = await confirmPost(forged);
    expect(refused.status).toBe(404);
    expect(await refused.json()).toMatchObject({ error: { code: "link_not_found" } });
    expect((await follow(forged)).status).toBe(404);
    const [confirmation] = await webhookMessages(shop);
    const unsubscribeToken = new URL(confirmation?.links.unsubscribe ?? "").pathname.split("/").at(-1);
    expect((await confirmPost(`${url.origin}/m/confirm/${unsubscribeToken}`)).status).toBe(404);
  });
});
