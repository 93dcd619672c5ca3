import { abortAllDurableObjects, env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ApiProfile } from "../../core/profile-view";
import { BASE, collect, createShop, getProfile, serverEvents, SHOP_ORIGIN, visitorId } from "../helpers";

const HOUR = 60 * 60 * 1000;

describe("POST /v1/collect", () => {
  it("stores a browser batch and answers with the profile id and decisions", async () => {
    const shop = await createShop();
    const anon = visitorId();
    const response = await collect(shop, {
      anonymous_id: anon,
      sent_at: new Date().toISOString(),
      events: [
        { type: "page_view", id: "e1", page: { url: "https://shop.example/", title: "Home" } },
        { type: "view_item", id: "e2", items: [{ item_id: "sku-1", item_name: "Mug", item_category: "kitchen", price: 12 }] },
        { type: "search", id: "e3", search_term: "mugs" },
      ],
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { profile_id: string; decisions: unknown[]; events: { stored: number } };
    expect(body.profile_id).toMatch(/^[0-9a-f]{64}$/);
    expect(body.decisions).toEqual([]);
    expect(body.events.stored).toBe(3);

    const { status, body: profile } = await getProfile(shop, `anonymous_id:${anon}`);
    expect(status).toBe(200);
    expect(profile.profile_id).toBe(body.profile_id);
    expect(profile.identifiers.anonymous_ids).toEqual([anon]);
    expect(profile.counters).toEqual({ events: 3, page_views: 1, sessions: 1 });
    expect(profile.views.items).toEqual({ "sku-1": 1 });
    expect(profile.views.category).toEqual({ kitchen: 1 });
    expect(profile.searches.count).toBe(1);
    expect(profile.lifecycle).toBe("consideration");
    expect(profile.engagement).toBe("silver");
    expect(profile.consent).toEqual({ analytics: true, personalization: true, marketing: true });
  });

  it("accepts a text/plain body as sendBeacon sends it", async () => {
    const shop = await createShop();
    const anon = visitorId();
    const response = await collect(
      shop,
      { anonymous_id: anon, events: [{ type: "page_view" }] },
      { contentType: "text/plain;charset=UTF-8" },
    );
    expect(response.status).toBe(200);
    expect((await getProfile(shop, `anonymous_id:${anon}`)).body.counters.page_views).toBe(1);
  });

  it("accepts an empty batch that only asks for decisions, and stores nothing", async () => {
    const shop = await createShop();
    const anon = visitorId();
    const response = await collect(shop, { anonymous_id: anon, events: [], placements: ["top_banner"] });
    expect(response.status).toBe(200);
    expect((await getProfile(shop, `anonymous_id:${anon}`)).status).toBe(404);
  });

  it("counts an event id sent twice once, across batches and within one", async () => {
    const shop = await createShop();
    const anon = visitorId();
    const batch = {
      anonymous_id: anon,
      events: [
        { type: "page_view", id: "dup-1" },
        { type: "page_view", id: "dup-1" },
      ],
    };
    const first = (await (await collect(shop, batch)).json()) as { events: { stored: number; duplicates: number } };
    const retry = (await (await collect(shop, batch)).json()) as { events: { stored: number; duplicates: number } };
    expect(first.events).toMatchObject({ stored: 1, duplicates: 1 });
    expect(retry.events).toMatchObject({ stored: 0, duplicates: 2 });
    expect((await getProfile(shop, `anonymous_id:${anon}`)).body.counters.events).toBe(1);
  });

  it("corrects a browser clock that is off by hours with the batch's sent_at", async () => {
    const shop = await createShop();
    const anon = visitorId();
    const skew = 5 * HOUR;
    const browserNow = Date.now() + skew;
    const before = Date.now();
    await collect(shop, {
      anonymous_id: anon,
      sent_at: new Date(browserNow).toISOString(),
      events: [{ type: "page_view", ts: new Date(browserNow - 60_000).toISOString() }],
    });
    const { body } = await getProfile(shop, `anonymous_id:${anon}`);
    const seen = Date.parse(body.last_seen_at ?? "");
    expect(seen).toBeGreaterThanOrEqual(before - 60_000 - 1000);
    expect(seen).toBeLessThanOrEqual(Date.now() - 60_000 + 1000);
  });

  it("clamps an event from the future to the time it was received", async () => {
    const shop = await createShop();
    const anon = visitorId();
    await collect(shop, { anonymous_id: anon, events: [{ type: "page_view", ts: new Date(Date.now() + 3 * HOUR).toISOString() }] });
    const { body } = await getProfile(shop, `anonymous_id:${anon}`);
    expect(Date.parse(body.last_seen_at ?? "")).toBeLessThanOrEqual(Date.now());
  });

  it("lands all of 50 concurrent batches for one person", async () => {
    const shop = await createShop();
    const anon = visitorId();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => collect(shop, { anonymous_id: anon, events: [{ type: "page_view", id: `c-${i}` }] })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect((await getProfile(shop, `anonymous_id:${anon}`)).body.counters.page_views).toBe(50);
  });

  it("keeps the profile when the object is evicted and reached through a fresh stub", async () => {
    const shop = await createShop();
    const anon = visitorId();
    await collect(shop, {
      anonymous_id: anon,
      events: [{ type: "add_to_cart", items: [{ item_id: "sku-9", price: 20, quantity: 2 }], currency: "EUR" }],
    });
    await abortAllDurableObjects();
    const id = env.PROFILES.idFromName(`${shop.shop_id}:anonymous_id:${anon}`);
    const profile = (await env.PROFILES.get(id).profile("implied")) as ApiProfile | null;
    expect(profile?.cart.value).toBe(40);
    expect(profile?.cart.items).toEqual([{ item_id: "sku-9", price: 20, quantity: 2 }]);
  });

  it("answers a CORS preflight and echoes an allowed origin", async () => {
    const shop = await createShop();
    const preflight = await SELF.fetch(`${BASE}/v1/collect`, {
      method: "OPTIONS",
      headers: { origin: SHOP_ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(SHOP_ORIGIN);
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
    const response = await collect(shop, { anonymous_id: visitorId(), events: [] });
    expect(response.headers.get("access-control-allow-origin")).toBe(SHOP_ORIGIN);
  });

  it("reads nothing from the central database once the site key and shop are cached", async () => {
    const shop = await createShop();
    await collect(shop, { anonymous_id: visitorId(), events: [{ type: "page_view" }] });
    const warm = await collect(shop, {
      anonymous_id: visitorId(),
      events: [{ type: "page_view" }, { type: "add_to_cart", items: [{ item_id: "a" }] }],
    });
    expect(warm.status).toBe(200);
    expect(warm.headers.get("server-timing")).toContain('db;desc="0 queries"');
  });

  it("records an identified email in the identity index (one query), then routes server events to the device's person", async () => {
    const shop = await createShop();
    const anon = visitorId();
    await collect(shop, { anonymous_id: anon, events: [{ type: "page_view" }] });
    const identify = await collect(shop, {
      anonymous_id: anon,
      events: [{ type: "identify", traits: { email: "Dee@Example.com", first_name: "Dee" } }],
    });
    expect(identify.headers.get("server-timing")).toContain('db;desc="1 queries"');
    const order = await serverEvents(shop, { events: [{ type: "purchase", email: "dee@example.com", transaction_id: "D1", value: 12 }] });
    expect(order.status).toBe(200);
    const { body } = await getProfile(shop, `anonymous_id:${anon}`);
    expect(body.orders.count).toBe(1);
    expect(body.traits.first_name).toBe("Dee");
    expect((await getProfile(shop, "email:dee@example.com")).body.profile_id).toBe(body.profile_id);
  });

  it("starts a new session after 30 minutes of inactivity", async () => {
    const shop = await createShop();
    const anon = visitorId();
    const now = Date.now();
    await collect(shop, {
      anonymous_id: anon,
      events: [
        { type: "page_view", ts: new Date(now - 3 * HOUR).toISOString() },
        { type: "page_view", ts: new Date(now - 3 * HOUR + 20 * 60_000).toISOString() },
        { type: "page_view", ts: new Date(now - HOUR).toISOString() },
      ],
    });
    expect((await getProfile(shop, `anonymous_id:${anon}`)).body.counters.sessions).toBe(2);
  });
});
