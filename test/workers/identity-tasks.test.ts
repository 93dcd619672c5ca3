import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ProfileObject } from "../../durable-objects/profile-object";
import type { IngestRequest } from "../../durable-objects/profile-rpc";
import { api, collect, createShop, getProfile, serverEvents, visitorId, type TestShop } from "../helpers";

function deviceObject(shop: TestShop, anon: string): DurableObjectStub<ProfileObject> {
  return env.PROFILES.get(env.PROFILES.idFromName(`${shop.shop_id}:anonymous_id:${anon}`));
}

interface ExportBody {
  merges: { type: string }[];
}

describe("identity claims are durable", () => {
  it("claims an identifier on a retried batch when the claim failed after the batch was stored", async () => {
    const shop = await createShop();
    const anon = visitorId();
    const identify = { id: "ident-durable", type: "identify", ts: Date.now(), traits: { email: "durable@example.com" } };
    // The batch reached the person's object, then the Worker failed before claiming the email.
    const request: IngestRequest = {
      shopId: shop.shop_id,
      consentMode: "implied",
      source: "browser",
      events: [{ event: identify, identifiers: [{ kind: "anonymous_id", value: anon }] }],
      batchConsent: null,
      batchIdentifiers: [{ kind: "anonymous_id", value: anon }],
      receivedAt: Date.now(),
      viaHome: true,
      segmentRules: {},
    };
    expect(await deviceObject(shop, anon).ingest(request)).toMatchObject({ ok: true, stored: 1 });
    expect((await getProfile(shop, "email:durable@example.com")).status).toBe(404);

    const retry = await collect(shop, {
      anonymous_id: anon,
      events: [{ id: "ident-durable", type: "identify", traits: { email: "durable@example.com" } }],
    });
    expect(await retry.json()).toMatchObject({ events: { stored: 0, duplicates: 1 } });
    const { status, body } = await getProfile(shop, "email:durable@example.com");
    expect(status).toBe(200);
    expect(body.identifiers.anonymous_ids).toEqual([anon]);
  });
});

describe("server events and devices", () => {
  it("adds a new email named by a server identify to the person of the device it names", async () => {
    const shop = await createShop();
    const anon = visitorId();
    const first = (await (await collect(shop, { anonymous_id: anon, events: [{ type: "page_view" }] })).json()) as { profile_id: string };
    const answer = await serverEvents(shop, {
      events: [{ type: "identify", anonymous_id: anon, traits: { email: "device@example.com", first_name: "Dee" } }],
    });
    expect(await answer.json()).toMatchObject({ stored: 1, profile_ids: [first.profile_id] });
    const byEmail = await getProfile(shop, "email:device@example.com");
    expect(byEmail.body.profile_id).toBe(first.profile_id);
    expect(byEmail.body.counters.events).toBe(2);
    expect(byEmail.body.traits).toEqual({ first_name: "Dee" });
  });

  it("joins a device to the known customer a server event ties it to", async () => {
    const shop = await createShop();
    const anon = visitorId();
    await collect(shop, {
      anonymous_id: anon,
      events: [{ type: "page_view" }, { type: "add_to_cart", items: [{ item_id: "mug", price: 12 }] }],
    });
    await serverEvents(shop, { events: [{ type: "identify", customer_id: "c-tie", traits: { email: "tie@example.com" } }] });
    const customer = (await getProfile(shop, "customer_id:c-tie")).body.profile_id;
    await serverEvents(shop, { events: [{ type: "page_view", customer_id: "c-tie", anonymous_id: anon }] });
    const device = await getProfile(shop, `anonymous_id:${anon}`);
    expect(device.body.profile_id).toBe(customer);
    expect(device.body.counters.page_views).toBe(2);
    expect(device.body.cart.items).toHaveLength(1);
  });
});

describe("the identity audit", () => {
  it("records a repeated conflicting identify once", async () => {
    const shop = await createShop();
    await serverEvents(shop, { events: [{ type: "identify", customer_id: "mum", traits: { email: "family@example.com" } }] });
    for (let i = 0; i < 5; i++) {
      const answer = await serverEvents(shop, {
        events: [{ type: "identify", id: `son-${i}`, customer_id: "son", traits: { email: "family@example.com" } }],
      });
      expect(answer.status).toBe(200);
    }
    for (const key of ["customer_id:mum", "customer_id:son"]) {
      const exported = (await (await api(shop, "GET", `/v1/profiles/${key}/export`)).json()) as ExportBody;
      expect(exported.merges.filter((entry) => entry.type === "conflict")).toHaveLength(1);
    }
  });
});
