import { describe, expect, it } from "vitest";
import { api, collect, createShop, getProfile, visitorId } from "../helpers";

describe("overload of one person", () => {
  // The test runtime sets a burst of 60 batches refilled at 1 per second (vitest.config.ts).
  it("answers 429 with Retry-After beyond the burst, and stores exactly the accepted batches", { timeout: 30_000 }, async () => {
    const shop = await createShop();
    const anon = visitorId();
    const responses = await Promise.all(
      Array.from({ length: 120 }, (_, i) => collect(shop, { anonymous_id: anon, events: [{ type: "page_view", id: `o-${i}` }] })),
    );
    const accepted = responses.filter((r) => r.status === 200).length;
    const limited = responses.filter((r) => r.status === 429);
    expect(accepted + limited.length).toBe(120);
    expect(accepted).toBeGreaterThanOrEqual(60);
    expect(limited.length).toBeGreaterThan(0);
    expect(Number(limited[0]?.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(((await (limited[0] as Response).json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    expect((await getProfile(shop, `anonymous_id:${anon}`)).body.counters.page_views).toBe(accepted);
  });

  it("does not limit other people when one is flooded", { timeout: 30_000 }, async () => {
    const shop = await createShop();
    const flooded = visitorId();
    await Promise.all(Array.from({ length: 90 }, () => collect(shop, { anonymous_id: flooded, events: [{ type: "page_view" }] })));
    const other = await collect(shop, { anonymous_id: visitorId(), events: [{ type: "page_view" }] });
    expect(other.status).toBe(200);
  });
});

describe("overload of one shop", () => {
  it("answers 429 with Retry-After beyond the shop's rate_limit, and stores nothing of the refused batches", {
    timeout: 30_000,
  }, async () => {
    const shop = await createShop();
    const update = await api(shop, "PUT", "/v1/settings", { rate_limit: { per_second: 1, burst: 5 } });
    expect(update.status).toBe(200);
    const visitors = Array.from({ length: 12 }, () => visitorId("shop-rate"));
    const responses = await Promise.all(visitors.map((anon) => collect(shop, { anonymous_id: anon, events: [{ type: "page_view" }] })));
    const limited = responses.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(5);
    expect(((await (limited[0] as Response).json()) as { error: { code: string } }).error.code).toBe("shop_rate_limited");
    expect(Number(limited[0]?.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const stored = await Promise.all(visitors.map(async (anon) => (await getProfile(shop, `anonymous_id:${anon}`)).status));
    expect(stored.filter((status) => status === 200)).toHaveLength(responses.filter((r) => r.status === 200).length);
  });

  it("refuses a rate_limit that is not a positive rate", async () => {
    const shop = await createShop();
    const response = await api(shop, "PUT", "/v1/settings", { rate_limit: { per_second: 0, burst: 5 } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { field: string } }).error.field).toBe("rate_limit.per_second");
  });
});
