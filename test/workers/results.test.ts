import { describe, expect, it } from "vitest";
import type { CampaignReport } from "../../core/results/report";
import { flushReportCounts } from "../../workers/report-counters";
import { api, collect, createShop, serverEvents, visitorId, type TestShop } from "../helpers";
import { centralDatabase } from "../central-db";

interface Decision {
  campaign_id: string;
  variant_id: string;
  token: string;
}

async function campaign(shop: TestShop, body: Record<string, unknown> = {}): Promise<string> {
  const response = await api(shop, "POST", "/v1/campaigns", {
    name: "Free shipping",
    placement: "top_banner",
    variants: [{ id: "a", weight: 100, content: { title: "Free shipping from 50 EUR" } }],
    ...body,
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function send(shop: TestShop, anon: string, events: unknown[], placements: string[] = []): Promise<Decision[]> {
  const response = await collect(shop, { anonymous_id: anon, events, placements });
  expect(response.status, await response.clone().text()).toBe(200);
  return ((await response.json()) as { decisions: Decision[] }).decisions;
}

const nudge = (type: string, decision: Decision) => ({
  type,
  campaign_id: decision.campaign_id,
  variant_id: decision.variant_id,
  token: decision.token,
});

const purchase = (transaction_id: string, value: number) => ({ type: "purchase", transaction_id, value, currency: "EUR" });

async function report(shop: TestShop, campaignId: string): Promise<CampaignReport> {
  await flushReportCounts(centralDatabase());
  const response = await api(shop, "GET", `/v1/reports/campaigns/${campaignId}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as CampaignReport;
}

/** A visitor who is shown the campaign, clicks it and, optionally, buys. */
async function shownAndClicked(shop: TestShop, anon: string): Promise<Decision> {
  const [decision] = await send(shop, anon, [], ["top_banner"]);
  if (!decision) throw new Error("no decision");
  await send(shop, anon, [nudge("nudge_impression", decision), nudge("nudge_click", decision)]);
  return decision;
}

describe("campaign results over HTTP", () => {
  it("credits a purchase to the campaign the visitor clicked, once per order, and a refund takes back what it refunds", async () => {
    const shop = await createShop();
    const id = await campaign(shop);
    const anon = visitorId("buyer");
    await shownAndClicked(shop, anon);
    await send(shop, anon, [purchase("T-1", 59.9)]);
    // The same order again from the browser, and from the shop's server for the same device.
    await send(shop, anon, [purchase("T-1", 59.9)]);
    const again = await serverEvents(shop, { events: [{ ...purchase("T-1", 59.9), anonymous_id: anon }] });
    expect(again.status).toBe(200);

    const bought = await report(shop, id);
    expect(bought.variants).toEqual([
      { variant_id: "a", people: 1, impressions: 1, clicks: 1, dismissals: 0, conversions: 1, revenue: 59.9, conversion_rate: 1 },
    ]);
    expect(bought.daily.at(-1)).toMatchObject({ impressions: 1, clicks: 1, conversions: 1, revenue: 59.9 });

    const refund = await serverEvents(shop, { events: [{ type: "refund", transaction_id: "T-1", value: 9.9, anonymous_id: anon }] });
    expect(refund.status).toBe(200);
    expect((await report(shop, id)).variants[0]).toMatchObject({ conversions: 1, revenue: 50 });
    await serverEvents(shop, { events: [{ type: "refund", transaction_id: "T-1", anonymous_id: anon }] });
    expect((await report(shop, id)).variants[0]).toMatchObject({ people: 1, conversions: 0, revenue: 0 });
  });

  it("credits nothing to a campaign shown but not clicked more than the view window before the order", async () => {
    const shop = await createShop();
    const id = await campaign(shop);
    const anon = visitorId();
    const [decision] = await send(shop, anon, [], ["top_banner"]);
    if (!decision) throw new Error("no decision");
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000).toISOString();
    // Server events keep their past timestamps: the impression was two days before the order.
    await send(shop, anon, [nudge("nudge_impression", decision)]);
    await serverEvents(shop, { events: [{ ...purchase("T-2", 10), anonymous_id: anon, ts: new Date().toISOString() }] });
    expect((await report(shop, id)).variants[0]).toMatchObject({ impressions: 1, conversions: 1 });

    const late = visitorId();
    const [shown] = await send(shop, late, [], ["top_banner"]);
    if (!shown) throw new Error("no decision");
    await serverEvents(shop, {
      events: [{ ...nudge("nudge_impression", shown), anonymous_id: late, ts: twoDaysAgo }],
    });
    await serverEvents(shop, { events: [{ ...purchase("T-3", 10), anonymous_id: late }] });
    expect((await report(shop, id)).variants[0]).toMatchObject({ people: 2, impressions: 2, conversions: 1, revenue: 10 });
  });

  it("counts held-out people at decision time and their orders against the holdout, with an uplift interval", async () => {
    const shop = await createShop();
    const id = await campaign(shop, { holdout: 0.5 });
    const held: string[] = [];
    const shown: string[] = [];
    for (let i = 0; held.length < 3 || shown.length < 3; i++) {
      const anon = visitorId(`h${i}`);
      // A first event keeps the visitor's state, so the holdout is recorded.
      const decisions = await send(shop, anon, [{ type: "page_view", page: { url: "https://shop.example/" } }], ["top_banner"]);
      const [decision] = decisions;
      if (decision) {
        await send(shop, anon, [nudge("nudge_impression", decision)]);
        shown.push(anon);
      } else held.push(anon);
      expect(i).toBeLessThan(60);
    }
    await send(shop, held[0] as string, [purchase("H-1", 20)]);
    await send(shop, shown[0] as string, [purchase("S-1", 30)]);
    await send(shop, shown[1] as string, [purchase("S-2", 30)]);

    const result = await report(shop, id);
    expect(result.holdout).toMatchObject({ people: held.length, conversions: 1, revenue: 20 });
    expect(result.variants[0]).toMatchObject({ people: shown.length, conversions: 2, revenue: 60 });
    expect(result.uplift?.method).toBe("newcomb_hybrid_score");
    expect(result.uplift?.absolute).toBeCloseTo(2 / shown.length - 1 / held.length, 4);
  });

  it("adds up the counters of 40 visitors sent concurrently", async () => {
    const shop = await createShop();
    const id = await campaign(shop);
    await Promise.all(Array.from({ length: 40 }, (_, i) => shownAndClicked(shop, visitorId(`c${i}`))));
    const result = await report(shop, id);
    expect(result.variants[0]).toMatchObject({ people: 40, impressions: 40, clicks: 40 });
  });

  it("counts two devices of one person once after they merge, and their one order once", async () => {
    const shop = await createShop();
    const id = await campaign(shop);
    const phone = visitorId("phone");
    const laptop = visitorId("laptop");
    await shownAndClicked(shop, phone);
    await shownAndClicked(shop, laptop);
    await send(shop, phone, [purchase("M-1", 25)]);
    await send(shop, laptop, [purchase("M-1", 25)]);
    expect((await report(shop, id)).variants[0]).toMatchObject({ people: 2, conversions: 2, revenue: 50 });

    const email = `${visitorId("ann")}@example.com`;
    for (const anon of [phone, laptop]) await send(shop, anon, [{ type: "identify", traits: { email } }]);
    expect((await report(shop, id)).variants[0]).toMatchObject({ people: 1, impressions: 2, clicks: 2, conversions: 1, revenue: 25 });
  });
});

describe("the attribution setting", () => {
  it("defaults to 7 click days and 1 view day, is changed key by key, and refuses bad values naming the field", async () => {
    const shop = await createShop();
    const read = async () => ((await (await api(shop, "GET", "/v1/settings")).json()) as { attribution: unknown }).attribution;
    expect(await read()).toEqual({ click_days: 7, view_days: 1 });
    expect((await api(shop, "PUT", "/v1/settings", { attribution: { view_days: 0 } })).status).toBe(200);
    expect(await read()).toEqual({ click_days: 7, view_days: 0 });
    for (const [attribution, field] of [
      [{ click_days: -1 }, "attribution.click_days"],
      [{ view_days: 91 }, "attribution.view_days"],
      [{ view_days: 1.5 }, "attribution.view_days"],
      [{ hours: 3 }, "attribution.hours"],
    ] as const) {
      const response = await api(shop, "PUT", "/v1/settings", { attribution });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { field: string } }).error.field).toBe(field);
    }
    expect(await read()).toEqual({ click_days: 7, view_days: 0 });
  });

  it("credits no order to an impression when the shop's view window is 0 days, but still to a click", async () => {
    const shop = await createShop();
    expect((await api(shop, "PUT", "/v1/settings", { attribution: { view_days: 0 } })).status).toBe(200);
    const id = await campaign(shop);
    const viewer = visitorId("viewer");
    const [decision] = await send(shop, viewer, [], ["top_banner"]);
    if (!decision) throw new Error("no decision");
    await send(shop, viewer, [nudge("nudge_impression", decision)]);
    await send(shop, viewer, [purchase("V-1", 10)]);
    expect((await report(shop, id)).variants[0]).toMatchObject({ people: 1, conversions: 0, revenue: 0 });
    const clicker = visitorId("clicker");
    await shownAndClicked(shop, clicker);
    await send(shop, clicker, [purchase("V-2", 12)]);
    expect((await report(shop, id)).variants[0]).toMatchObject({ people: 2, conversions: 1, revenue: 12 });
  });
});

describe("a person's results in their export", () => {
  it("lists their touches and the orders credited to a campaign", async () => {
    const shop = await createShop();
    const id = await campaign(shop);
    const anon = visitorId("exported");
    await shownAndClicked(shop, anon);
    await send(shop, anon, [purchase("E-1", 15)]);
    const response = await api(shop, "GET", `/v1/profiles/anonymous_id:${anon}/export`);
    expect(response.status).toBe(200);
    const { results } = (await response.json()) as {
      results: { touches: { kind: string; at: string; target: { id: string } }[]; orders: Record<string, { amount: number }> };
    };
    expect(results.touches.map((touch) => [touch.kind, touch.target.id])).toEqual([
      ["view", id],
      ["click", id],
    ]);
    expect(results.touches[0]?.at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(results.orders["E-1"]?.amount).toBe(1500);
  });
});
