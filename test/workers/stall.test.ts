import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, BASE, collect, createShop, getProfile, SHOP_ORIGIN, visitorId, type TestShop } from "../helpers";

interface Answer {
  decisions?: { campaign_id: string }[];
  error?: { code: string; field?: string };
}

/** The audience that once took 13 s on a 20 KB url and stalled the whole runtime. */
const reviewsCampaign = {
  name: "Review helpers",
  placement: "top_banner",
  audience: { attr: "context.url", op: "matches", value: "*/category/*/product/*/reviews" },
  variants: [{ id: "a", weight: 100, content: { title: "Read what others say" } }],
};

/** Generous: a stalled evaluation took seconds; a bounded one takes milliseconds. */
const PROMPT_MS = 5_000;

/** A url of `length` characters that repeats the pattern's segments without ever ending in `/reviews`. */
function nearMissUrl(length: number): string {
  const path = "/category/product".repeat(Math.ceil(length / "/category/product".length));
  return `${`https://shop.example${path}`.slice(0, length - "/review".length)}/review`;
}

async function timedCollect(
  shop: TestShop,
  context: Record<string, unknown>,
  events: unknown[] = [],
): Promise<{ status: number; body: Answer; ms: number }> {
  const started = Date.now();
  const response = await collect(shop, { anonymous_id: visitorId("stall"), events, placements: ["top_banner"], context });
  const body = (await response.json()) as Answer;
  return { status: response.status, body, ms: Date.now() - started };
}

async function shopWithReviewsCampaign(): Promise<{ shop: TestShop; campaignId: string }> {
  const shop = await createShop();
  const created = await api(shop, "POST", "/v1/campaigns", reviewsCampaign);
  expect(created.status, await created.clone().text()).toBe(201);
  const campaignId = ((await created.json()) as { id: string }).id;
  // Warm the shop and campaign caches so the timed requests measure the decision alone.
  expect((await timedCollect(shop, { url: "https://shop.example/" })).status).toBe(200);
  return { shop, campaignId };
}

describe("a pathological url pattern never stalls the engine", () => {
  it("decides promptly for urls up to the limit, whether they match or not", { timeout: 30_000 }, async () => {
    const { shop, campaignId } = await shopWithReviewsCampaign();
    const miss = await timedCollect(shop, { url: nearMissUrl(2_048) });
    expect(miss).toMatchObject({ status: 200, body: { decisions: [] } });
    expect(miss.ms).toBeLessThan(PROMPT_MS);
    const hit = await timedCollect(shop, { url: `${nearMissUrl(2_047)}s` });
    expect(hit.status).toBe(200);
    expect(hit.body.decisions?.map((d) => d.campaign_id)).toEqual([campaignId]);
    expect(hit.ms).toBeLessThan(PROMPT_MS);
  });

  it("refuses a 20 KB url promptly with 400 naming context.url", { timeout: 30_000 }, async () => {
    const { shop } = await shopWithReviewsCampaign();
    const answer = await timedCollect(shop, { url: nearMissUrl(20 * 1024) });
    expect(answer).toMatchObject({ status: 400, body: { error: { code: "invalid_request", field: "context.url" } } });
    expect(answer.ms).toBeLessThan(PROMPT_MS);
  });

  it("refuses a 60 KB url with 400 naming context.url and stores nothing of the batch", { timeout: 30_000 }, async () => {
    const { shop } = await shopWithReviewsCampaign();
    const anon = visitorId("stall");
    const response = await collect(shop, {
      anonymous_id: anon,
      events: [{ type: "page_view" }],
      placements: ["top_banner"],
      context: { url: nearMissUrl(60 * 1024) },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Answer).error).toMatchObject({ code: "invalid_request", field: "context.url" });
    expect((await getProfile(shop, `anonymous_id:${anon}`)).status).toBe(404);
  });

  it("refuses a 60 KB url in POST /v1/decide the same way", { timeout: 30_000 }, async () => {
    const { shop } = await shopWithReviewsCampaign();
    const response = await SELF.fetch(`${BASE}/v1/decide`, {
      method: "POST",
      headers: { origin: SHOP_ORIGIN, "content-type": "application/json" },
      body: JSON.stringify({
        site: shop.site_key,
        anonymous_id: visitorId("stall"),
        placements: ["top_banner"],
        context: { url: nearMissUrl(60 * 1024) },
      }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Answer).error).toMatchObject({ code: "invalid_request", field: "context.url" });
  });
});
