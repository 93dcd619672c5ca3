import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { collect, createShop, getProfile, visitorId } from "../helpers";

describe("a consent-required shop", () => {
  it("stores nothing of a visitor until a consent event grants analytics, and everything after", async () => {
    const shop = await createShop({ consent_mode: "required" });
    const anon = visitorId();
    const early = await collect(shop, {
      anonymous_id: anon,
      events: [{ type: "page_view" }, { type: "add_to_cart", items: [{ item_id: "a", price: 3 }] }],
    });
    expect(early.status).toBe(200);
    expect(((await early.json()) as { events: { stored: number; without_consent: number } }).events).toMatchObject({
      stored: 0,
      without_consent: 2,
    });
    expect((await getProfile(shop, `anonymous_id:${anon}`)).status).toBe(404);
    const objectIds = await env.PROFILES.get(env.PROFILES.idFromName(`${shop.shop_id}:anonymous_id:${anon}`)).profile("required");
    expect(objectIds).toBeNull();

    await collect(shop, {
      anonymous_id: anon,
      events: [{ type: "page_view" }, { type: "consent", consent: { analytics: true, marketing: false } }, { type: "page_view" }],
    });
    const { body } = await getProfile(shop, `anonymous_id:${anon}`);
    expect(body.counters).toMatchObject({ events: 2, page_views: 1 });
    expect(body.consent).toEqual({ analytics: true, personalization: false, marketing: false });
    expect(body.cart.items).toEqual([]);
  });

  it("stores an event refused without consent when it is sent again after consent (its id is not remembered)", async () => {
    const shop = await createShop({ consent_mode: "required" });
    const anon = visitorId();
    const counts = async (response: Response) => ((await response.json()) as { events: Record<string, number> }).events;
    const refused = await collect(shop, { anonymous_id: anon, events: [{ id: "view-1", type: "page_view" }] });
    expect(await counts(refused)).toEqual({ stored: 0, duplicates: 0, without_consent: 1 });
    await collect(shop, { anonymous_id: anon, consent: { analytics: true }, events: [] });
    const retried = await collect(shop, { anonymous_id: anon, events: [{ id: "view-1", type: "page_view" }] });
    expect(await counts(retried)).toEqual({ stored: 1, duplicates: 0, without_consent: 0 });
    const again = await collect(shop, { anonymous_id: anon, events: [{ id: "view-1", type: "page_view" }] });
    expect(await counts(again)).toEqual({ stored: 0, duplicates: 1, without_consent: 0 });
  });

  it("takes the batch's consent field as the visitor's choice", async () => {
    const shop = await createShop({ consent_mode: "required" });
    const anon = visitorId();
    await collect(shop, { anonymous_id: anon, consent: { analytics: true, personalization: true }, events: [{ type: "page_view" }] });
    const { body } = await getProfile(shop, `anonymous_id:${anon}`);
    expect(body.counters.page_views).toBe(1);
    expect(body.consent).toMatchObject({ analytics: true, personalization: true });
  });

  it("records a consent given in a batch without events, with the device's id", async () => {
    const shop = await createShop({ consent_mode: "required" });
    const anon = visitorId();
    await collect(shop, { anonymous_id: anon, consent: { analytics: true }, events: [] });
    const { status, body } = await getProfile(shop, `anonymous_id:${anon}`);
    expect(status).toBe(200);
    expect(body.identifiers.anonymous_ids).toEqual([anon]);
    expect(body.consent.analytics).toBe(true);
  });

  it("remembers a revocation and stores nothing after it", async () => {
    const shop = await createShop({ consent_mode: "required" });
    const anon = visitorId();
    await collect(shop, { anonymous_id: anon, events: [{ type: "consent", consent: { analytics: true } }, { type: "page_view" }] });
    await collect(shop, { anonymous_id: anon, events: [{ type: "consent", consent: { analytics: false } }, { type: "page_view" }] });
    const { body } = await getProfile(shop, `anonymous_id:${anon}`);
    expect(body.consent.analytics).toBe(false);
    expect(body.counters.page_views).toBe(1);
  });
});

describe("an implied-consent shop", () => {
  it("stores from the first event and respects an opt-out", async () => {
    const shop = await createShop({ consent_mode: "implied" });
    const anon = visitorId();
    await collect(shop, {
      anonymous_id: anon,
      events: [{ type: "page_view" }, { type: "consent", consent: { analytics: false } }, { type: "page_view" }],
    });
    const { body } = await getProfile(shop, `anonymous_id:${anon}`);
    expect(body.counters.page_views).toBe(1);
    expect(body.consent).toEqual({ analytics: false, personalization: true, marketing: true });
  });
});
