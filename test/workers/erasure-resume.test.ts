import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { identifierHash } from "../../workers/db/erasures";
import { api, collect, createShop, getProfile, visitorId, type TestShop } from "../helpers";
import { centralDb } from "../central-db";

async function indexRows(shop: TestShop): Promise<number> {
  return (
    (await centralDb().prepare("SELECT COUNT(*) AS n FROM identities WHERE shop_id = ?").bind(shop.shop_id).first<{ n: number }>())?.n ?? -1
  );
}

async function tombstoned(shop: TestShop, kind: "email" | "anonymous_id", value: string): Promise<boolean> {
  const hash = await identifierHash(shop.shop_id, { kind, value });
  return (
    (await centralDb()
      .prepare("SELECT 1 AS one FROM erasures WHERE shop_id = ? AND identifier_hash = ?")
      .bind(shop.shop_id, hash)
      .first()) !== null
  );
}

async function personWithDevices(shop: TestShop, email: string, count: number): Promise<string[]> {
  const devices = Array.from({ length: count }, () => visitorId("dev"));
  for (const device of devices) {
    const response = await collect(shop, {
      anonymous_id: device,
      events: [{ type: "page_view" }, { type: "identify", traits: { email } }],
    });
    expect(response.status).toBe(200);
  }
  return devices;
}

describe("erasure as a resumable job", () => {
  it("finishes on a retried DELETE what an erasure that failed after wiping the person left undone", async () => {
    const shop = await createShop();
    const devices = await personWithDevices(shop, "half@example.com", 2);
    const { body } = await getProfile(shop, "email:half@example.com");
    // The first attempt wiped the person's object, then failed before the index and the tombstones.
    const survivor = env.PROFILES.get(env.PROFILES.idFromString(body.profile_id));
    expect(await survivor.erase()).toMatchObject({ status: "erasing" });
    expect(await indexRows(shop)).toBe(1);

    const retried = await api(shop, "DELETE", "/v1/profiles/email:half@example.com");
    expect(retried.status, await retried.clone().text()).toBe(200);
    expect(await retried.json()).toMatchObject({ erased: true, profile_id: body.profile_id, profiles: 2 });
    expect(await indexRows(shop)).toBe(0);
    expect(await tombstoned(shop, "email", "half@example.com")).toBe(true);
    for (const device of devices) {
      expect(await tombstoned(shop, "anonymous_id", device)).toBe(true);
      expect((await getProfile(shop, `anonymous_id:${device}`)).status).toBe(404);
    }
    // Done: the job is gone from the object, and another retry answers that the person is erased.
    const again = await api(shop, "DELETE", "/v1/profiles/email:half@example.com");
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ erased: true, profiles: 0 });
    expect((await api(shop, "DELETE", "/v1/profiles/email:never@example.com")).status).toBe(404);
  });

  it("erases a person who absorbed more people than one query may bind parameters", { timeout: 60_000 }, async () => {
    const shop = await createShop();
    const devices = await personWithDevices(shop, "many@example.com", 105);
    const response = await api(shop, "DELETE", "/v1/profiles/email:many@example.com");
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await response.json()).toMatchObject({ erased: true, profiles: 105 });
    expect(await indexRows(shop)).toBe(0);
    for (const device of [devices[0], devices[60], devices[104]])
      expect((await getProfile(shop, `anonymous_id:${device}`)).status).toBe(404);
    expect(await tombstoned(shop, "anonymous_id", devices[70] ?? "")).toBe(true);
  });
});
