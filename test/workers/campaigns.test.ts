import { describe, expect, it } from "vitest";
import { activeCampaigns } from "../../workers/db/campaigns";
import { api, createShop } from "../helpers";
import { centralDatabase, centralDb } from "../central-db";

const banner = {
  name: "Free shipping from 50 EUR",
  placement: "top_banner",
  priority: 10,
  audience: { all: [{ attr: "cart.value", op: "gte", value: 30 }] },
  variants: [{ id: "a", weight: 100, content: { title: "Almost there", cta: { label: "To the cart", url: "https://shop.example/cart" } } }],
};

interface StoredCampaign {
  id: string;
  name: string;
  status: string;
  created_at: string;
  updated_at: string;
  holdout: number;
}

async function count(shopId: string): Promise<number> {
  const row = await centralDb()
    .prepare("SELECT COUNT(*) AS n FROM campaigns WHERE shop_id = ? AND deleted_at IS NULL")
    .bind(shopId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("/v1/campaigns", () => {
  it("creates, reads, lists, replaces and deletes a campaign", async () => {
    const shop = await createShop();
    const created = await api(shop, "POST", "/v1/campaigns", banner);
    expect(created.status).toBe(201);
    const campaign = (await created.json()) as StoredCampaign;
    expect(campaign).toMatchObject({ name: banner.name, status: "active", holdout: 0 });
    expect(campaign.id).toMatch(/^cmp_/);

    expect(await (await api(shop, "GET", `/v1/campaigns/${campaign.id}`)).json()).toEqual(campaign);
    const listed = (await (await api(shop, "GET", "/v1/campaigns")).json()) as { campaigns: StoredCampaign[] };
    expect(listed.campaigns.map((c) => c.id)).toEqual([campaign.id]);

    // A campaign sent back as it was read (with the server's fields) replaces the stored one.
    const replaced = await api(shop, "PUT", `/v1/campaigns/${campaign.id}`, { ...campaign, status: "paused" });
    expect(replaced.status).toBe(200);
    expect(((await replaced.json()) as StoredCampaign).status).toBe("paused");

    expect((await api(shop, "DELETE", `/v1/campaigns/${campaign.id}`)).status).toBe(200);
    expect((await api(shop, "GET", `/v1/campaigns/${campaign.id}`)).status).toBe(404);
    expect(await count(shop.shop_id)).toBe(0);
  });

  it("refuses an invalid campaign with its field and stores nothing", async () => {
    const shop = await createShop();
    const cases: [unknown, string][] = [
      [{ ...banner, audience: { attr: "cart.colour", op: "eq", value: "red" } }, "audience.attr"],
      [{ ...banner, variants: [{ id: "a", weight: 90, content: {} }] }, "variants"],
      [{ ...banner, holdout: 0.75 }, "holdout"],
      [
        { ...banner, variants: [{ id: "a", weight: 100, content: { cta: { label: "x", url: "javascript:alert(1)" } } }] },
        "variants[0].content.cta.url",
      ],
      [{ ...banner, extra: true }, "extra"],
    ];
    for (const [body, field] of cases) {
      const response = await api(shop, "POST", "/v1/campaigns", body);
      expect(response.status, field).toBe(400);
      expect(((await response.json()) as { error: { field: string } }).error.field).toBe(field);
    }
    expect(await count(shop.shop_id)).toBe(0);
  });

  it("keeps campaigns to their shop", async () => {
    const shop = await createShop();
    const other = await createShop();
    const campaign = (await (await api(shop, "POST", "/v1/campaigns", banner)).json()) as StoredCampaign;
    expect((await api(other, "GET", `/v1/campaigns/${campaign.id}`)).status).toBe(404);
    expect((await api(other, "PUT", `/v1/campaigns/${campaign.id}`, banner)).status).toBe(404);
    expect((await api(other, "DELETE", `/v1/campaigns/${campaign.id}`)).status).toBe(404);
    expect((await api(shop, "GET", `/v1/campaigns/${campaign.id}`)).status).toBe(200);
  });

  it("shows a change to the decision engine's campaign cache at once", async () => {
    const shop = await createShop();
    const db = centralDatabase();
    const before = await activeCampaigns(db, shop.shop_id);
    expect(before.campaigns).toEqual([]);
    const campaign = (await (await api(shop, "POST", "/v1/campaigns", banner)).json()) as StoredCampaign;
    const after = await activeCampaigns(db, shop.shop_id);
    expect(after.campaigns.map((c) => c.id)).toEqual([campaign.id]);
    expect(after.version).not.toBe(before.version);
    await api(shop, "PUT", `/v1/campaigns/${campaign.id}`, { ...banner, status: "paused" });
    expect((await activeCampaigns(db, shop.shop_id)).campaigns).toEqual([]);
  });
});
