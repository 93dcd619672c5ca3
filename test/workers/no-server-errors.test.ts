import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, createShop, SHOP_ORIGIN, type TestShop } from "../helpers";

let shop: TestShop;
beforeAll(async () => {
  shop = await createShop();
});

const bodies = [
  "",
  "null",
  "42",
  '"text"',
  "[]",
  "{}",
  '{"events":null}',
  '{"events":{}}',
  '{"events":[null, 1, "x", []]}',
  '{"events":[{"type":123}]}',
  '{"events":[{"type":"purchase","transaction_id":{},"value":"1"}]}',
  "\u0000\u0001",
  '{"a":"\\ud800"}',
];

type Target = { method: string; path: string; auth: "site" | "secret" | "admin" | "none" };
const targets: Target[] = [
  { method: "POST", path: "/v1/collect", auth: "site" },
  { method: "POST", path: "/v1/events", auth: "secret" },
  { method: "PUT", path: "/v1/settings", auth: "secret" },
  { method: "POST", path: "/v1/shops", auth: "admin" },
  { method: "POST", path: "/v1/keys", auth: "secret" },
  { method: "GET", path: "/v1/profiles/email:%E0%A4%A", auth: "secret" },
  { method: "GET", path: "/v1/profiles/:", auth: "secret" },
  { method: "GET", path: "/v1/profiles/anonymous_id:null", auth: "secret" },
  { method: "DELETE", path: "/v1/keys/%00", auth: "secret" },
  { method: "POST", path: "/v1/collect", auth: "none" },
  { method: "POST", path: "/v1/campaigns", auth: "secret" },
  { method: "PUT", path: "/v1/campaigns/cmp_nope", auth: "secret" },
  { method: "DELETE", path: "/v1/campaigns/%ZZ", auth: "secret" },
  { method: "POST", path: "/v1/flows", auth: "secret" },
  { method: "PUT", path: "/v1/flows/cart_abandonment", auth: "secret" },
  { method: "PUT", path: "/v1/flows/flw_nope", auth: "secret" },
  { method: "DELETE", path: "/v1/flows/%ZZ", auth: "secret" },
  { method: "POST", path: "/m/u/not-a-token", auth: "none" },
  { method: "GET", path: "/m/c/x.y?u=%ZZ", auth: "none" },
];

describe("whatever a client sends", () => {
  const cases = targets.flatMap((target) => bodies.map((body) => [target.method, target.path, target.auth, body] as const));
  it.each(cases)("%s %s (%s key) with body %j answers below 500", async (method, path, auth, body) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (auth === "site") headers.origin = SHOP_ORIGIN;
    if (auth === "secret") headers.authorization = `Bearer ${shop.secret_key}`;
    if (auth === "admin") headers.authorization = "Bearer test_admin_token";
    const withSite = auth === "site" && body.startsWith("{") && body.length > 2 ? `{"site":"${shop.site_key}",${body.slice(1)}` : body;
    const init: RequestInit = { method, headers };
    if (method !== "GET") init.body = withSite;
    const response = await SELF.fetch(`${BASE}${path}`, init);
    expect(response.status).toBeLessThan(500);
    expect(response.status).toBeGreaterThanOrEqual(200);
    if (response.status >= 400) {
      const error = (await response.json()) as { error: { code: string; message: string } };
      expect(typeof error.error.code).toBe("string");
    }
  });
});
