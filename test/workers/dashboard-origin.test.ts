import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, BASE, createShop } from "../helpers";

interface ErrorBody {
  error: { code: string };
}

const CAMPAIGN = {
  name: "Origin test",
  placement: "top_banner",
  variants: [{ id: "a", weight: 100, content: { title: "Hello" } }],
};

async function refusalCode(response: Response): Promise<string> {
  return ((await response.json()) as ErrorBody).error.code;
}

describe("a secret key sent with a browser Origin", () => {
  it("is accepted from the Worker's own origin (its dashboard) for reads", async () => {
    const shop = await createShop();
    const response = await api(shop, "GET", "/v1/campaigns", undefined, { origin: BASE });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ campaigns: [] });
  });

  it("is accepted from the Worker's own origin for writes", async () => {
    const shop = await createShop();
    const created = (await (await api(shop, "POST", "/v1/campaigns", CAMPAIGN)).json()) as { id: string };
    const put = await api(shop, "PUT", `/v1/campaigns/${created.id}`, { ...CAMPAIGN, status: "paused" }, { origin: BASE });
    expect(put.status).toBe(200);
    expect(((await put.json()) as { status: string }).status).toBe("paused");
  });

  it.each([
    ["another site", "https://shop.example"],
    ["the opaque origin null", "null"],
    ["the same host on another port", "https://nudge.test:8443"],
    ["the same host over another scheme", "http://nudge.test"],
    ["a subdomain of the Worker's host", "https://evil.nudge.test"],
  ])("is still refused from %s", async (_name, origin) => {
    const shop = await createShop();
    for (const method of ["GET", "PUT"]) {
      const body = method === "PUT" ? CAMPAIGN : undefined;
      const response = await api(shop, method, "/v1/campaigns/cmp_unknown", body, { origin });
      expect(response.status, `${method} from ${origin}`).toBe(403);
      expect(await refusalCode(response)).toBe("browser_origin");
    }
  });

  it("does not make the admin token acceptable from any browser origin, the Worker's own included", async () => {
    for (const origin of [BASE, "https://shop.example", "null"]) {
      const response = await SELF.fetch(`${BASE}/v1/shops`, {
        method: "POST",
        headers: { authorization: "Bearer test_admin_token", origin, "content-type": "application/json" },
        body: JSON.stringify({ name: "From a page" }),
      });
      expect(response.status, origin).toBe(403);
      expect(await refusalCode(response)).toBe("browser_origin");
    }
  });
});
