import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { api, BASE, createShop, SHOP_ORIGIN, type TestShop } from "../helpers";

let shop: TestShop;
beforeAll(async () => {
  shop = await createShop();
});

const codeOf = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;

describe("route groups mounted under their prefix", () => {
  it.each([
    ["GET", "/healthz/"],
    ["POST", "/v1/collect/"],
    ["POST", "/v1/collect/x"],
    ["OPTIONS", "/v1/collect/x"],
    ["OPTIONS", "/v1/events"],
    ["GET", "/v1/collect"],
    ["GET", "/v1/settings/"],
    ["GET", "/v1/keys/"],
    ["DELETE", "/v1/keys/a/b"],
    ["POST", "/v1/shops/x"],
    ["GET", "/v1/campaigns/a/b"],
    ["GET", "/v1/flows/a/b"],
    ["GET", "/m/o/"],
    ["GET", "/v1/profiles/"],
    ["PATCH", "/v1/settings"],
  ])("%s %s is not a route: 404 in the error shape", async (method, path) => {
    const headers: Record<string, string> = { authorization: `Bearer ${shop.secret_key}` };
    if (method === "OPTIONS") Object.assign(headers, { origin: SHOP_ORIGIN, "access-control-request-method": "POST" });
    const response = await SELF.fetch(`${BASE}${path}`, { method, headers });
    expect(response.status).toBe(404);
    expect(await codeOf(response)).toBe("not_found");
  });

  it("answers the decide preflight", async () => {
    const response = await SELF.fetch(`${BASE}/v1/decide`, {
      method: "OPTIONS",
      headers: { origin: SHOP_ORIGIN, "access-control-request-method": "POST" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(SHOP_ORIGIN);
  });

  it.each(["email:a+b@shop.example", "email%3Aa%2Bb%40shop.example", "anonymous_id:x:y", "customer_id:a/b", "customer_id:a%2Fb"])(
    "reads and exports the profile key %s",
    async (key) => {
      expect((await api(shop, "GET", `/v1/profiles/${key}`)).status).toBe(404);
      expect((await api(shop, "GET", `/v1/profiles/${key}/export`)).status).toBe(404);
    },
  );
});

describe("body limits", () => {
  it("refuses a 10 MB server batch streamed without a length", async () => {
    const chunk = new TextEncoder().encode(" ".repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 160) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await SELF.fetch(`${BASE}/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${shop.secret_key}` },
      body,
    });
    expect(response.status).toBe(413);
    expect(await codeOf(response)).toBe("payload_too_large");
    expect(sent).toBeLessThan(160);
  });

  it.each([
    ["PUT", "/v1/settings"],
    ["POST", "/v1/campaigns"],
    ["POST", "/v1/flows"],
    ["POST", "/v1/keys"],
  ])("refuses a management body over 64 KB on %s %s", async (method, path) => {
    const response = await api(shop, method, path, { pad: "x".repeat(64 * 1024) });
    expect(response.status).toBe(413);
    expect(await codeOf(response)).toBe("payload_too_large");
  });
});
