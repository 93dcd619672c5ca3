import type { ApiProfile } from "../core/profile-view";
import { SELF } from "cloudflare:test";

export const BASE = "https://nudge.test";
export const SHOP_ORIGIN = "https://shop.example";

export interface TestShop {
  shop_id: string;
  site_key: string;
  secret_key: string;
  identity_secret: string;
}

export async function createShop(
  options: {
    consent_mode?: "required" | "implied";
    allowed_origins?: string[];
    name?: string;
    data_region?: "default" | "eu";
    /** New shops require proof for browser identifies; tests of stitching itself switch it off unless they say otherwise. */
    identity_verification?: "required" | "off";
  } = {},
): Promise<TestShop> {
  const response = await SELF.fetch(`${BASE}/v1/shops`, {
    method: "POST",
    headers: { authorization: "Bearer test_admin_token", "content-type": "application/json" },
    body: JSON.stringify({
      name: options.name ?? "Test shop",
      allowed_origins: options.allowed_origins ?? [SHOP_ORIGIN],
      consent_mode: options.consent_mode ?? "implied",
      ...(options.data_region ? { data_region: options.data_region } : {}),
    }),
  });
  if (response.status !== 201) throw new Error(`shop creation failed: ${response.status} ${await response.text()}`);
  const shop = (await response.json()) as TestShop;
  if ((options.identity_verification ?? "off") === "off") {
    const update = await api(shop, "PUT", "/v1/settings", { identity_verification: "off" });
    if (update.status !== 200) throw new Error(`identity_verification off failed: ${update.status} ${await update.text()}`);
  }
  return shop;
}

let counter = 0;
/** A fresh anonymous id per call, so tests never share a person. */
export function visitorId(label = "v"): string {
  counter += 1;
  return `${label}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

export function collect(
  shop: TestShop,
  body: Record<string, unknown>,
  init: { origin?: string | null; contentType?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { "content-type": init.contentType ?? "application/json" };
  if (init.origin !== null) headers.origin = init.origin ?? SHOP_ORIGIN;
  return SELF.fetch(`${BASE}/v1/collect`, { method: "POST", headers, body: JSON.stringify({ site: shop.site_key, ...body }) });
}

export function serverEvents(shop: TestShop, body: unknown, secret = shop.secret_key): Promise<Response> {
  return SELF.fetch(`${BASE}/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export function api(shop: TestShop, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const init: RequestInit = { method, headers: { authorization: `Bearer ${shop.secret_key}`, ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)["content-type"] = "application/json";
  }
  return SELF.fetch(`${BASE}${path}`, init);
}

/** A profile as the API answers it; on a 404 the fields are absent (tests check the status first). */
export async function getProfile(shop: TestShop, key: string): Promise<{ status: number; body: ApiProfile }> {
  const response = await api(shop, "GET", `/v1/profiles/${encodeURIComponent(key)}`);
  return { status: response.status, body: (await response.json()) as ApiProfile };
}
