import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { collect, createShop, getProfile, visitorId } from "../helpers";

describe("smoke", () => {
  it("collects a page view and shows it in the profile", async () => {
    const shop = await createShop();
    const health = await SELF.fetch("https://nudge.test/healthz");
    expect(health.status).toBe(200);
    const anon = visitorId();
    const response = await collect(shop, { anonymous_id: anon, events: [{ type: "page_view", page: { url: "https://shop.example/" } }] });
    expect(response.status, await response.clone().text()).toBe(200);
    const profile = await getProfile(shop, `anonymous_id:${anon}`);
    expect(profile.status).toBe(200);
    expect(profile.body.counters.page_views).toBe(1);
  });
});
