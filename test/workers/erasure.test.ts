import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { identifierHash } from "../../workers/db/erasures";
import type { Shop } from "../../workers/db/shops";
import { profilesOf, rememberDevice } from "../../workers/routing";
import { api, collect, createShop, getProfile, serverEvents, visitorId } from "../helpers";
import { centralDb } from "../central-db";

describe("DELETE /v1/profiles/{key}:{value}", () => {
  it("erases a person with three devices everywhere; a later event from one device starts an empty profile", async () => {
    const shop = await createShop();
    const devices = [visitorId("e1"), visitorId("e2"), visitorId("e3")];
    for (const device of devices) {
      await collect(shop, { anonymous_id: device, events: [{ type: "add_to_cart", items: [{ item_id: "x", price: 1 }] }] });
      await collect(shop, {
        anonymous_id: device,
        events: [{ type: "identify", traits: { email: "gone@example.com", first_name: "Gone" } }],
      });
    }
    await serverEvents(shop, {
      events: [{ type: "identify", email: "gone@example.com", traits: { customer_id: "cust-gone", phone: "+4915112345678" } }],
    });
    const before = await getProfile(shop, "customer_id:cust-gone");
    expect(before.body.identifiers.anonymous_ids).toHaveLength(3);

    const response = await api(shop, "DELETE", "/v1/profiles/email:gone@example.com");
    expect(response.status).toBe(200);
    // Three devices, and the person the server identify started at the customer id's home before joining them.
    expect(await response.json()).toMatchObject({ erased: true, profiles: 4 });

    const keys = ["email:gone@example.com", "customer_id:cust-gone", "phone:+4915112345678", ...devices.map((d) => `anonymous_id:${d}`)];
    for (const key of keys) expect((await getProfile(shop, key)).status, key).toBe(404);
    expect((await api(shop, "GET", "/v1/profiles/email:gone@example.com/export")).status).toBe(404);

    await collect(shop, { anonymous_id: devices[1], events: [{ type: "page_view" }] });
    const fresh = await getProfile(shop, `anonymous_id:${devices[1]}`);
    expect(fresh.status).toBe(200);
    expect(fresh.body.counters).toEqual({ events: 1, page_views: 1, sessions: 1 });
    expect(fresh.body.cart.items).toEqual([]);
    expect(fresh.body.traits).toEqual({});
    expect(fresh.body.identifiers).toEqual({ anonymous_ids: [devices[1]] });
    expect((await getProfile(shop, "email:gone@example.com")).status).toBe(404);
  });

  it("does not revive an erased person through a stale route to the survivor", async () => {
    const shop = await createShop();
    const [a, b] = [visitorId(), visitorId()];
    await collect(shop, { anonymous_id: a, events: [{ type: "identify", traits: { email: "stale@example.com" } }] });
    const merged = await collect(shop, { anonymous_id: b, events: [{ type: "identify", traits: { email: "stale@example.com" } }] });
    const survivor = ((await merged.json()) as { profile_id: string }).profile_id;
    expect((await api(shop, "DELETE", "/v1/profiles/email:stale@example.com")).status).toBe(200);
    // Another isolate may still believe device b lives at the survivor.
    const homeOfB = env.PROFILES.idFromName(`${shop.shop_id}:anonymous_id:${b}`).toString();
    rememberDevice(shop.shop_id, b, homeOfB, survivor);
    const response = await collect(shop, { anonymous_id: b, events: [{ type: "page_view" }] });
    expect(((await response.json()) as { profile_id: string }).profile_id).toBe(homeOfB);
    const fresh = await getProfile(shop, `anonymous_id:${b}`);
    expect(fresh.body.identifiers).toEqual({ anonymous_ids: [b] });
    expect(fresh.body.counters.events).toBe(1);
    const survivorNow = (await env.PROFILES.get(env.PROFILES.idFromString(survivor)).profile("implied")) as unknown;
    expect(survivorNow).toBeNull();
  });

  it("leaves a tombstone of hashed identifiers only", async () => {
    const shop = await createShop();
    const anon = visitorId();
    await collect(shop, { anonymous_id: anon, events: [{ type: "identify", traits: { email: "tomb@example.com" } }] });
    expect((await api(shop, "DELETE", `/v1/profiles/anonymous_id:${anon}`)).status).toBe(200);
    const rows = await centralDb()
      .prepare("SELECT identifier_hash FROM erasures WHERE shop_id = ?")
      .bind(shop.shop_id)
      .all<{ identifier_hash: string }>();
    const hashes = rows.results.map((row) => row.identifier_hash);
    expect(hashes).toContain(await identifierHash(shop.shop_id, { kind: "email", value: "tomb@example.com" }));
    expect(hashes).toContain(await identifierHash(shop.shop_id, { kind: "anonymous_id", value: anon }));
    expect(JSON.stringify(rows.results)).not.toContain("tomb@example.com");
    const index = await centralDb()
      .prepare("SELECT COUNT(*) AS n FROM identities WHERE shop_id = ?")
      .bind(shop.shop_id)
      .first<{ n: number }>();
    expect(index?.n).toBe(0);
  });

  it("answers 404 for an unknown person and for another shop's person", async () => {
    const shop = await createShop();
    const other = await createShop();
    await serverEvents(other, { events: [{ type: "page_view", email: "theirs@example.com" }] });
    expect((await api(shop, "DELETE", "/v1/profiles/email:theirs@example.com")).status).toBe(404);
    expect((await getProfile(other, "email:theirs@example.com")).status).toBe(200);
    expect((await api(shop, "DELETE", "/v1/profiles/shoe:1")).status).toBe(400);
  });
});

describe("data_region", () => {
  it("serves an EU shop's people in the local runtime, where jurisdictions are off", async () => {
    const shop = await createShop({ data_region: "eu" });
    const anon = visitorId();
    const response = await collect(shop, { anonymous_id: anon, events: [{ type: "identify", traits: { email: "eu@example.com" } }] });
    const { profile_id } = (await response.json()) as { profile_id: string };
    expect((await getProfile(shop, "email:eu@example.com")).body.profile_id).toBe(profile_id);
    expect((await api(shop, "GET", "/v1/settings").then((r) => r.json())) as { data_region: string }).toMatchObject({ data_region: "eu" });
  });

  it("chooses the EU jurisdiction's namespace for an EU shop when jurisdictions are on", () => {
    const asked: string[] = [];
    const namespace = {
      jurisdiction(name: string) {
        asked.push(name);
        return namespace;
      },
    } as unknown as Env["PROFILES"];
    const shopIn = (data_region: "eu" | "default") => ({ id: "s", settings: { data_region } }) as Shop;
    profilesOf({ PROFILES: namespace, JURISDICTIONS: "on" }, shopIn("eu"));
    profilesOf({ PROFILES: namespace, JURISDICTIONS: "on" }, shopIn("default"));
    profilesOf({ PROFILES: namespace, JURISDICTIONS: "off" }, shopIn("eu"));
    expect(asked).toEqual(["eu"]);
  });

  it("refuses to move a shop with people to another region", async () => {
    const shop = await createShop();
    expect((await api(shop, "PUT", "/v1/settings", { data_region: "eu" })).status).toBe(200);
    await serverEvents(shop, { events: [{ type: "page_view", email: "here@example.com" }] });
    const response = await api(shop, "PUT", "/v1/settings", { data_region: "default" });
    expect(response.status).toBe(409);
  });
});
