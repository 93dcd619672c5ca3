import { SELF } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createSecretKey, findSecretKey, findSiteKey } from "../../workers/db/keys";
import { createShop as createShopRow } from "../../workers/db/shops";
import { api, BASE, collect, createShop, visitorId } from "../helpers";
import { centralDatabase } from "../central-db";

/** The central-database entry of Server-Timing (the header also counts object calls). */
const queriesOf = (response: Response) => /db;desc="[^"]*"/.exec(response.headers.get("server-timing") ?? "")?.[0];

function bogusSecretKeyRequest(token: string): Promise<Response> {
  return SELF.fetch(`${BASE}/v1/settings`, { headers: { authorization: `Bearer ${token}` } });
}

/** The token randomToken makes from bytes all equal to `fill` (base64url, no padding). */
function tokenOfFilledBytes(prefix: string, bytes: number, fill: number): string {
  const base64 = btoa(String.fromCharCode(...new Uint8Array(bytes).fill(fill)));
  return prefix + base64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Makes the next calls of crypto.getRandomValues fill with these bytes, one call each. */
function nextRandomFills(...fills: number[]): void {
  const spy = vi.spyOn(crypto, "getRandomValues");
  for (const fill of fills) spy.mockImplementationOnce(((array: Uint8Array) => array.fill(fill)) as typeof crypto.getRandomValues);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("unknown keys", () => {
  it("cost a query the first time and none when the same bogus secret key comes again", async () => {
    const token = `sk_bogus_${visitorId()}`;
    const first = await bogusSecretKeyRequest(token);
    expect(first.status).toBe(401);
    expect(queriesOf(first)).toBe('db;desc="1 queries"');
    const second = await bogusSecretKeyRequest(token);
    expect(second.status).toBe(401);
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe("invalid_key");
    expect(queriesOf(second)).toBe('db;desc="0 queries"');
  });

  it("cost a query the first time and none when the same bogus site key comes again", async () => {
    const shop = { ...(await createShop()), site_key: `pk_bogus_${visitorId()}` };
    const first = await collect(shop, { anonymous_id: visitorId(), events: [] });
    expect(first.status).toBe(401);
    expect(queriesOf(first)).toBe('db;desc="1 queries"');
    const second = await collect(shop, { anonymous_id: visitorId(), events: [] });
    expect(second.status).toBe(401);
    expect(queriesOf(second)).toBe('db;desc="0 queries"');
  });

  it("do not refuse a secret key created in this isolate after it was asked for as unknown", async () => {
    const shop = await createShop();
    const db = centralDatabase();
    const predicted = tokenOfFilledBytes("sk_", 24, 7);
    expect(await findSecretKey(db, predicted)).toBeNull();
    nextRandomFills(7);
    const created = await createSecretKey(db, shop.shop_id);
    expect(created.secret_key).toBe(predicted);
    expect((await api({ ...shop, secret_key: predicted }, "GET", "/v1/settings")).status).toBe(200);
  });

  it("do not refuse the keys of a shop created in this isolate after they were asked for as unknown", async () => {
    const db = centralDatabase();
    const siteKey = tokenOfFilledBytes("pk_", 18, 9);
    const secretKey = tokenOfFilledBytes("sk_", 24, 9);
    expect(await findSiteKey(db, siteKey)).toBeNull();
    expect(await findSecretKey(db, secretKey)).toBeNull();
    nextRandomFills(1, 9, 9); // shop id, site key, secret key
    const created = await createShopRow(db, { name: "Predicted", allowed_origins: ["https://shop.example"] });
    expect(created).toMatchObject({ site_key: siteKey, secret_key: secretKey });
    expect(await findSiteKey(db, siteKey)).toMatchObject({ shopId: created.shop_id });
    expect((await api(created, "GET", "/v1/settings")).status).toBe(200);
  });
});
