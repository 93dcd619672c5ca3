import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, createShop, SHOP_ORIGIN, visitorId } from "../helpers";

function config(query: string, headers: Record<string, string> = { origin: SHOP_ORIGIN }, method = "GET"): Promise<Response> {
  return SELF.fetch(`${BASE}/v1/config${query}`, { method, headers });
}

const errorOf = async (response: Response) => ((await response.json()) as { error: { code: string; field?: string } }).error;

describe("GET /v1/config", () => {
  it("tells a page of an allowed origin what the snippet needs, cacheable per origin, without a cookie", async () => {
    const shop = await createShop({ consent_mode: "required", identity_verification: "required" });
    const response = await config(`?site=${shop.site_key}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ consent_mode: "required", identity_verification: "required" });
    expect(response.headers.get("access-control-allow-origin")).toBe(SHOP_ORIGIN);
    expect(response.headers.get("vary")).toContain("Origin");
    expect(response.headers.get("cache-control")).toBe("public, max-age=60");
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  it("follows the shop's settings", async () => {
    const shop = await createShop({ consent_mode: "implied", identity_verification: "off" });
    const response = await config(`?site=${shop.site_key}`);
    expect(await response.json()).toEqual({ consent_mode: "implied", identity_verification: "off" });
  });

  it("ignores other query parameters and never reads a device's id", async () => {
    const shop = await createShop({ consent_mode: "required" });
    const response = await config(`?anonymous_id=${visitorId()}&site=${shop.site_key}&v=2`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ consent_mode: "required", identity_verification: "off" });
  });

  it("refuses a foreign origin, and a request without one, with 403", async () => {
    const shop = await createShop();
    for (const headers of [{ origin: "https://evil.example" }, {}] as Record<string, string>[]) {
      const response = await config(`?site=${shop.site_key}`, headers);
      expect(response.status).toBe(403);
      expect((await errorOf(response)).code).toBe("origin_not_allowed");
      // The page can read why (CORS headers on the refusal too), and no cache keeps the refusal.
      expect(response.headers.get("access-control-allow-origin")).toBe(headers.origin ?? null);
      expect(response.headers.get("cache-control")).toBeNull();
    }
  });

  it("refuses an unknown site key with 401, and a secret key as a mistake", async () => {
    const shop = await createShop();
    const unknown = await config("?site=pk_unknown_key");
    expect(unknown.status).toBe(401);
    expect(await errorOf(unknown)).toEqual(expect.objectContaining({ code: "invalid_key", field: "site" }));
    const secret = await config(`?site=${shop.secret_key}`);
    expect(secret.status).toBe(401);
    expect((await errorOf(secret)).code).toBe("wrong_key");
  });

  it("refuses a request without a site key with 400", async () => {
    for (const query of ["", "?site=", "?other=pk_x"]) {
      const response = await config(query);
      expect(response.status, query).toBe(400);
      expect(await errorOf(response)).toEqual(expect.objectContaining({ code: "missing_key", field: "site" }));
    }
  });

  it("answers the preflight for any origin, for GET", async () => {
    const response = await config("?site=pk_anything", { origin: SHOP_ORIGIN, "access-control-request-method": "GET" }, "OPTIONS");
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(SHOP_ORIGIN);
    expect(response.headers.get("access-control-allow-methods")).toContain("GET");
    expect(response.headers.get("vary")).toContain("Origin");
  });

  it("answers HEAD like GET, without a body", async () => {
    const shop = await createShop();
    const response = await config(`?site=${shop.site_key}`, { origin: SHOP_ORIGIN }, "HEAD");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("public, max-age=60");
    expect(await response.text()).toBe("");
  });

  it.each(["/v1/config/", "/v1/config/x"])("GET %s is not a route", async (path) => {
    const response = await SELF.fetch(`${BASE}${path}`, { headers: { origin: SHOP_ORIGIN } });
    expect(response.status).toBe(404);
  });
});
