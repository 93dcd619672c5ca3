import { describe, expect, it } from "vitest";
import { userHash } from "../../core/identity-proof";
import { api, collect, createShop, getProfile, serverEvents, visitorId, type TestShop } from "../helpers";

interface CollectAnswer {
  profile_id: string;
  decisions: { campaign_id: string }[];
}

async function collectAs(shop: TestShop, anon: string, body: Record<string, unknown>): Promise<CollectAnswer> {
  const response = await collect(shop, { anonymous_id: anon, placements: ["top_banner"], ...body });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as CollectAnswer;
}

/** Ann is a known customer: her cart qualifies for the campaign, she refused marketing. */
async function shopWithAnn(): Promise<{ shop: TestShop; ann: string; campaignId: string }> {
  const shop = await createShop({ identity_verification: "required" });
  const created = await api(shop, "POST", "/v1/campaigns", {
    name: "Cart reminder",
    placement: "top_banner",
    audience: { attr: "cart.value", op: "gte", value: 30 },
    variants: [{ id: "a", weight: 100, content: { title: "Your cart is waiting" } }],
  });
  expect(created.status).toBe(201);
  const events = [
    { type: "identify", customer_id: "ann-42", traits: { email: "ann@example.com", first_name: "Ann" } },
    { type: "consent", customer_id: "ann-42", consent: { marketing: false } },
    { type: "unsubscribe", customer_id: "ann-42", channel: "email" },
    { type: "add_to_cart", customer_id: "ann-42", currency: "EUR", items: [{ item_id: "coat", price: 120 }] },
  ];
  const stored = await serverEvents(shop, { events });
  expect(stored.status, await stored.clone().text()).toBe(200);
  const { body } = await getProfile(shop, "customer_id:ann-42");
  return { shop, ann: body.profile_id, campaignId: ((await created.json()) as { id: string }).id };
}

describe("identity verification", () => {
  it("never lets a page become a known customer by claiming her email without proof", async () => {
    const { shop, ann } = await shopWithAnn();
    const before = (await getProfile(shop, "customer_id:ann-42")).body;
    const attacker = visitorId("attacker");
    const answer = await collectAs(shop, attacker, {
      consent: { analytics: true, personalization: true, marketing: true },
      events: [
        { type: "identify", traits: { email: "ann@example.com", first_name: "Mallory" } },
        { type: "subscribe", channel: "email" },
      ],
    });
    expect(answer.profile_id).not.toBe(ann);
    expect(answer.decisions).toEqual([]);

    const after = (await getProfile(shop, "customer_id:ann-42")).body;
    expect(after.consent).toEqual(before.consent);
    expect(after.subscribed).toEqual(before.subscribed);
    expect(after.traits).toEqual(before.traits);
    expect(after.counters).toEqual(before.counters);
    expect(after.identifiers.anonymous_ids).not.toContain(attacker);
    expect((await getProfile(shop, "email:ann@example.com")).body.profile_id).toBe(ann);

    const device = (await getProfile(shop, `anonymous_id:${attacker}`)).body;
    expect(device.identifiers.email).toBeUndefined();
    expect(device.identifiers.unverified).toEqual([{ kind: "email", value: "ann@example.com" }]);
  });

  it("refuses a wrong user_hash and joins the device to the customer with the right one", async () => {
    const { shop, ann, campaignId } = await shopWithAnn();
    const phone = visitorId("phone");
    const wrong = await collectAs(shop, phone, {
      events: [{ type: "identify", user_hash: "0".repeat(64), traits: { email: "ann@example.com" } }],
    });
    expect(wrong.profile_id).not.toBe(ann);
    const user_hash = await userHash(shop.identity_secret, "ann@example.com");
    const proven = await collectAs(shop, phone, { events: [{ type: "identify", user_hash, traits: { email: "Ann@Example.com" } }] });
    expect(proven.profile_id).toBe(ann);
    expect(proven.decisions.map((decision) => decision.campaign_id)).toEqual([campaignId]);
    expect((await getProfile(shop, "customer_id:ann-42")).body.identifiers.anonymous_ids).toContain(phone);
    // A proof is checked, never kept: it would prove again for anyone who read it.
    const exported = await (await api(shop, "GET", "/v1/profiles/customer_id:ann-42/export")).text();
    expect(exported).toContain("identify");
    expect(exported).not.toContain(user_hash);
    expect(exported).not.toContain("user_hash");
  });

  it("accepts the user_hash inside the traits, as the page API sends it", async () => {
    const { shop, ann } = await shopWithAnn();
    const user_hash = await userHash(shop.identity_secret, "ann-42");
    const proven = await collectAs(shop, visitorId(), { events: [{ type: "identify", traits: { customer_id: "ann-42", user_hash } }] });
    expect(proven.profile_id).toBe(ann);
  });

  it("lets a proven customer take back an email a page claimed first, without joining that page", async () => {
    const shop = await createShop({ identity_verification: "required" });
    const squatter = visitorId("squatter");
    const claimed = await collectAs(shop, squatter, { events: [{ type: "identify", traits: { email: "new@example.com" } }] });
    expect((await getProfile(shop, "email:new@example.com")).body.profile_id).toBe(claimed.profile_id);

    const stored = await serverEvents(shop, {
      events: [{ type: "purchase", email: "new@example.com", transaction_id: "T-new", value: 50, currency: "EUR" }],
    });
    expect(stored.status).toBe(200);
    const owner = (await getProfile(shop, "email:new@example.com")).body;
    expect(owner.profile_id).not.toBe(claimed.profile_id);
    expect(owner.orders.count).toBe(1);
    const device = (await getProfile(shop, `anonymous_id:${squatter}`)).body;
    expect(device.orders.count).toBe(0);
    expect(device.profile_id).toBe(claimed.profile_id);
  });

  it("trusts a browser identify where the shop switched verification off", async () => {
    const { shop, ann } = await shopWithAnn();
    expect((await api(shop, "PUT", "/v1/settings", { identity_verification: "off" })).status).toBe(200);
    const answer = await collectAs(shop, visitorId(), { events: [{ type: "identify", traits: { email: "ann@example.com" } }] });
    expect(answer.profile_id).toBe(ann);
  });
});
