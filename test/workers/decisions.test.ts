import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, BASE, collect, createShop, getProfile, serverEvents, SHOP_ORIGIN, visitorId, type TestShop } from "../helpers";
import { flushNbaOutcomes } from "../../workers/nba-outcomes";
import { centralDatabase, centralDb } from "../central-db";

interface Decision {
  placement: string;
  campaign_id: string;
  variant_id: string;
  kind: string;
  content: { title?: string; items?: { item_id: string }[]; code?: string };
  token: string;
}
interface CollectAnswer {
  profile_id: string;
  decisions: Decision[];
}

const shipping = {
  name: "Free shipping from 50 EUR",
  placement: "top_banner",
  priority: 10,
  audience: { all: [{ attr: "cart.value", op: "gte", value: 30 }] },
  variants: [{ id: "a", weight: 100, content: { title: "Almost there", cta: { label: "To the cart", url: "/cart" } } }],
};

async function createCampaign(shop: TestShop, campaign: Record<string, unknown>): Promise<string> {
  const response = await api(shop, "POST", "/v1/campaigns", campaign);
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function collectWith(shop: TestShop, anon: string, events: unknown[], placements = ["top_banner"]): Promise<CollectAnswer> {
  const response = await collect(shop, { anonymous_id: anon, events, placements });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as CollectAnswer;
}

const addToCart = (price: number) => ({ type: "add_to_cart", currency: "EUR", items: [{ item_id: "mug", price }] });

describe("decisions", () => {
  it("shows a campaign created with the API to a matching visitor, counting the add_to_cart of the same collect", async () => {
    const shop = await createShop();
    const campaignId = await createCampaign(shop, shipping);
    const anon = visitorId();
    expect((await collectWith(shop, anon, [{ type: "page_view" }])).decisions).toEqual([]);
    const answer = await collectWith(shop, anon, [addToCart(35)]);
    expect(answer.decisions).toEqual([
      expect.objectContaining({
        placement: "top_banner",
        campaign_id: campaignId,
        variant_id: "a",
        kind: "banner",
        content: shipping.variants[0]?.content,
      }),
    ]);
    expect(answer.decisions[0]?.token).toMatch(/\./);
  });

  it("picks the eligible campaign of the highest priority per placement", async () => {
    const shop = await createShop();
    await createCampaign(shop, { ...shipping, name: "low", priority: 1 });
    const high = await createCampaign(shop, { ...shipping, name: "high", priority: 50 });
    await createCampaign(shop, {
      ...shipping,
      name: "vip only",
      priority: 99,
      audience: { attr: "segments", op: "contains", value: "vip" },
    });
    const popup = await createCampaign(shop, { ...shipping, name: "popup", placement: "popup", audience: { all: [] } });
    const answer = await collectWith(shop, visitorId(), [addToCart(40)], ["top_banner", "popup", "inline:hero"]);
    expect(answer.decisions.map((d) => [d.placement, d.campaign_id])).toEqual([
      ["top_banner", high],
      ["popup", popup],
    ]);
  });

  it("refuses a forged or foreign token and stores nothing of the batch", async () => {
    const shop = await createShop();
    const other = await createShop();
    const campaignId = await createCampaign(shop, shipping);
    await createCampaign(other, shipping);
    const anon = visitorId();
    const [decision] = (await collectWith(shop, anon, [addToCart(35)])).decisions;
    const foreign = (await collectWith(other, visitorId(), [addToCart(35)])).decisions[0];
    for (const token of [`${decision?.token}x`, foreign?.token ?? "", "forged.token"]) {
      const response = await collect(shop, {
        anonymous_id: anon,
        events: [{ type: "page_view" }, { type: "nudge_impression", campaign_id: campaignId, variant_id: "a", token }],
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { field: string } }).error.field).toBe("events[1].token");
    }
    const stolen = await collect(shop, {
      anonymous_id: visitorId(),
      events: [{ type: "nudge_click", campaign_id: campaignId, variant_id: "a", token: decision?.token }],
    });
    expect(stolen.status).toBe(400);
    expect((await getProfile(shop, `anonymous_id:${anon}`)).body.counters.page_views).toBe(0);
  });

  it("applies caps from impressions and stops after a click", async () => {
    const shop = await createShop();
    const campaignId = await createCampaign(shop, {
      ...shipping,
      caps: { per_day: 2, lifetime: 10, stop_after_click: true, stop_after_conversion: false },
    });
    const anon = visitorId();
    const first = (await collectWith(shop, anon, [addToCart(35)])).decisions[0] as Decision;
    const impression = (decision: Decision) => ({
      type: "nudge_impression",
      campaign_id: campaignId,
      variant_id: decision.variant_id,
      token: decision.token,
    });
    const second = (await collectWith(shop, anon, [impression(first)])).decisions[0] as Decision;
    expect(second.token).not.toBe(first.token);
    // A replayed token is the same decision: its impression counted once, the cap is not reached.
    expect((await collectWith(shop, anon, [impression(first)])).decisions).toHaveLength(1);
    expect((await collectWith(shop, anon, [impression(second)])).decisions).toEqual([]);

    const clicker = visitorId();
    const shown = (await collectWith(shop, clicker, [addToCart(35)])).decisions[0] as Decision;
    const click = { type: "nudge_click", campaign_id: campaignId, variant_id: shown.variant_id, token: shown.token };
    expect((await collectWith(shop, clicker, [click])).decisions).toEqual([]);
  });

  it("gives holdout members nothing and keeps every visitor's variant sticky", async () => {
    const shop = await createShop();
    await createCampaign(shop, {
      ...shipping,
      audience: { all: [] },
      holdout: 0.5,
      variants: [
        { id: "a", weight: 50, content: { title: "A" } },
        { id: "b", weight: 50, content: { title: "B" } },
      ],
    });
    const visitors = Array.from({ length: 24 }, () => visitorId("hold"));
    const first = await Promise.all(visitors.map((anon) => collectWith(shop, anon, [{ type: "page_view" }])));
    const again = await Promise.all(visitors.map((anon) => collectWith(shop, anon, [{ type: "page_view" }])));
    const held = first.filter((answer) => answer.decisions.length === 0).length;
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThan(24);
    expect(again.map((answer) => answer.decisions[0]?.variant_id ?? null)).toEqual(
      first.map((answer) => answer.decisions[0]?.variant_id ?? null),
    );
  });

  it("keeps the variant a person saw first after their devices merge", async () => {
    const shop = await createShop();
    await createCampaign(shop, {
      ...shipping,
      audience: { all: [] },
      variants: [
        { id: "a", weight: 50, content: { title: "A" } },
        { id: "b", weight: 50, content: { title: "B" } },
      ],
    });
    const phone = visitorId("phone");
    const seenOnPhone = (await collectWith(shop, phone, [{ type: "identify", traits: { email: "sticky@example.com" } }])).decisions[0]
      ?.variant_id;
    for (let i = 0; i < 6; i++) {
      const laptop = visitorId(`laptop${i}`);
      const answer = await collectWith(shop, laptop, [{ type: "identify", traits: { email: "sticky@example.com" } }]);
      expect(answer.decisions[0]?.variant_id).toBe(seenOnPhone);
    }
  });

  it("never offers a discount on an item the person already bought", async () => {
    const shop = await createShop();
    await createCampaign(shop, {
      ...shipping,
      audience: { all: [] },
      variants: [{ id: "a", weight: 100, content: { title: "10% off boots", code: "BOOTS10", items: [{ item_id: "boots" }] } }],
    });
    const anon = visitorId();
    expect((await collectWith(shop, anon, [{ type: "page_view" }])).decisions).toHaveLength(1);
    await collectWith(shop, anon, [{ type: "purchase", transaction_id: "T-boots", value: 80, items: [{ item_id: "boots", price: 80 }] }]);
    expect((await collectWith(shop, anon, [{ type: "page_view" }])).decisions).toEqual([]);
  });

  it("personalizes nobody without personalization consent in a consent-required shop", async () => {
    const shop = await createShop({ consent_mode: "required" });
    await createCampaign(shop, { ...shipping, audience: { all: [] } });
    const anon = visitorId();
    expect((await collectWith(shop, anon, [{ type: "page_view" }])).decisions).toEqual([]);
    const consented = await collect(shop, {
      anonymous_id: anon,
      consent: { analytics: true, personalization: true },
      events: [],
      placements: ["top_banner"],
    });
    expect(((await consented.json()) as CollectAnswer).decisions).toHaveLength(1);
  });

  it("refuses unknown placements and more than 10", async () => {
    const shop = await createShop();
    for (const placements of [["footer"], Array.from({ length: 11 }, (_, i) => `inline:s${i}`)]) {
      const response = await collect(shop, { anonymous_id: visitorId(), events: [], placements });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { field: string } }).error.field).toMatch(/^placements/);
    }
  });
});

describe("POST /v1/decide", () => {
  it("decides for a device with the site key, and for a customer with the secret key, with explain", async () => {
    const shop = await createShop();
    const campaignId = await createCampaign(shop, shipping);
    const anon = visitorId();
    await collect(shop, { anonymous_id: anon, events: [addToCart(35)] });
    const fromPage = await SELF.fetch(`${BASE}/v1/decide`, {
      method: "POST",
      headers: { origin: SHOP_ORIGIN, "content-type": "application/json" },
      body: JSON.stringify({ site: shop.site_key, anonymous_id: anon, placements: ["top_banner"] }),
    });
    expect(fromPage.status).toBe(200);
    expect(((await fromPage.json()) as CollectAnswer).decisions.map((d) => d.campaign_id)).toEqual([campaignId]);

    await serverEvents(shop, { events: [{ type: "add_to_cart", customer_id: "c-dec", items: [{ item_id: "x", price: 10 }] }] });
    const fromServer = await api(shop, "POST", "/v1/decide?explain=1", { customer_id: "c-dec", placements: ["top_banner"] });
    expect(fromServer.status).toBe(200);
    const body = (await fromServer.json()) as CollectAnswer & { candidates: { campaign_id: string; outcome: string; reason: string }[] };
    expect(body.decisions).toEqual([]);
    expect(body.candidates).toEqual([
      expect.objectContaining({ campaign_id: campaignId, outcome: "skipped", reason: expect.stringContaining("cart.value gte 30: 10") }),
    ]);
  });

  it("explains every candidate only when asked, also when personalization is not granted", async () => {
    const shop = await createShop();
    const campaignId = await createCampaign(shop, shipping);
    await serverEvents(shop, {
      events: [
        { type: "consent", customer_id: "c-no", consent: { personalization: false } },
        { ...addToCart(35), customer_id: "c-no" },
      ],
    });
    const ask = async (path: string) =>
      (await (await api(shop, "POST", path, { customer_id: "c-no", placements: ["top_banner"] })).json()) as CollectAnswer & {
        candidates?: { campaign_id: string; outcome: string; reason: string }[];
      };
    const plain = await ask("/v1/decide");
    expect(plain.decisions).toEqual([]);
    expect(plain.candidates).toBeUndefined();
    const explained = await ask("/v1/decide?explain=1");
    expect(explained.candidates).toEqual([
      { placement: "top_banner", campaign_id: campaignId, outcome: "skipped", reason: "no_consent: personalization is not granted" },
    ]);
  });

  it("refuses a request without a person or placements", async () => {
    const shop = await createShop();
    expect((await api(shop, "POST", "/v1/decide", { placements: ["top_banner"] })).status).toBe(400);
    expect((await api(shop, "POST", "/v1/decide", { customer_id: "x", placements: [] })).status).toBe(400);
  });
});

describe("next-best-action", () => {
  const action = (name: string, actionId: string) => ({
    name,
    placement: "nba",
    action: actionId,
    variants: [{ id: "a", weight: 100, content: { title: name } }],
  });

  it("offers only actions that fit the person's phase", async () => {
    const shop = await createShop();
    const complete = await createCampaign(shop, action("Finish your order", "complete_purchase"));
    const subscribe = await createCampaign(shop, action("Join the newsletter", "subscribe"));
    await createCampaign(shop, action("Tell a friend", "refer_friend"));
    const shopper = visitorId();
    await collectWith(shop, shopper, [{ type: "subscribe", channel: "email" }, addToCart(20)], []);
    const forShopper = await collectWith(shop, shopper, [], ["nba"]);
    expect(forShopper.decisions.map((d) => [d.campaign_id, d.kind])).toEqual([[complete, "action"]]);
    const newcomer = await collectWith(shop, visitorId(), [{ type: "page_view" }], ["nba"]);
    expect(newcomer.decisions.map((d) => d.campaign_id)).toEqual([subscribe]);
  });

  it("learns from impressions and clicks of its decisions, per action and segment", async () => {
    const shop = await createShop();
    const campaignId = await createCampaign(shop, action("Join the newsletter", "subscribe"));
    const anon = visitorId();
    const [decision] = (await collectWith(shop, anon, [{ type: "page_view" }], ["nba"])).decisions;
    expect(decision?.campaign_id).toBe(campaignId);
    const nudge = (type: string) => ({ type, campaign_id: campaignId, variant_id: decision?.variant_id, token: decision?.token });
    await collectWith(shop, anon, [nudge("nudge_impression"), nudge("nudge_click")], []);
    await flushNbaOutcomes(centralDatabase());
    const rows = await centralDb()
      .prepare("SELECT segment, action, trials, successes FROM nba_stats WHERE shop_id = ?")
      .bind(shop.shop_id)
      .all();
    expect(rows.results).toEqual([{ segment: "awareness", action: "subscribe", trials: 1, successes: 1 }]);
  });

  it("refuses an nba campaign without an action", async () => {
    const shop = await createShop();
    const response = await api(shop, "POST", "/v1/campaigns", {
      name: "x",
      placement: "nba",
      variants: [{ id: "a", weight: 100, content: {} }],
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { field: string } }).error.field).toBe("action");
  });
});

describe("a shop's own segments", () => {
  it("puts people in segments the shop defines by rule, which audiences can target", async () => {
    const shop = await createShop();
    const saved = await api(shop, "PUT", "/v1/settings", { segments: { big_spender: { attr: "orders.revenue", op: "gte", value: 100 } } });
    expect(saved.status).toBe(200);
    const campaignId = await createCampaign(shop, { ...shipping, audience: { attr: "segments", op: "contains", value: "big_spender" } });
    const anon = visitorId();
    expect((await collectWith(shop, anon, [{ type: "purchase", transaction_id: "S-1", value: 60 }])).decisions).toEqual([]);
    const answer = await collectWith(shop, anon, [{ type: "purchase", transaction_id: "S-2", value: 60 }]);
    expect(answer.decisions.map((d) => d.campaign_id)).toEqual([campaignId]);
    expect((await getProfile(shop, `anonymous_id:${anon}`)).body.segments).toContain("big_spender");
  });

  it("refuses a segment with a bad rule or a built-in name", async () => {
    const shop = await createShop();
    const bad = await api(shop, "PUT", "/v1/settings", { segments: { fans: { attr: "cart.colour", op: "eq", value: "red" } } });
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe("segments.fans.attr");
    const builtIn = await api(shop, "PUT", "/v1/settings", { segments: { vip: { attr: "orders.count", op: "gt", value: 1 } } });
    expect(builtIn.status).toBe(400);
  });
});
