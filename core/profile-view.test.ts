import { describe, expect, it } from "vitest";
import { applyBatch, emptyProfile } from "./profile";
import { toApiProfile } from "./profile-view";
import type { TrackedEvent } from "./types";

const T0 = Date.parse("2025-06-01T12:00:00.000Z");
const NOW = T0 + 2 * 24 * 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

function event(type: string, ts: number, fields: Partial<TrackedEvent> = {}): TrackedEvent {
  return { id: null, type, ts, ...fields };
}

function profileAfter(events: TrackedEvent[]) {
  return applyBatch(
    emptyProfile("prof-1", T0),
    events.map((e) => ({ event: e, identifiers: [{ kind: "anonymous_id", value: "dev-1" }] })),
    { now: T0 + 10_000, consentMode: "implied", seenIds: new Set(), ledger: new Map() },
  ).state;
}

describe("the API profile", () => {
  it("has every field of the contract, with timestamps as ISO 8601", () => {
    const state = profileAfter([
      event("page_view", T0),
      event("identify", T0 + 1000, { traits: { email: "ann@example.com", first_name: "Ann" } }),
      event("view_item", T0 + 2000, { items: [{ item_id: "shoe", item_category: "Shoes" }] }),
      event("search", T0 + 2500, { search_term: "boots" }),
      event("add_to_cart", T0 + 3000, { items: [{ item_id: "sock", price: 5 }], currency: "EUR" }),
      event("purchase", T0 + 4000, { transaction_id: "T1", value: 30, currency: "EUR", items: [{ item_id: "shoe" }] }),
      event("subscribe", T0 + 5000, { channel: "email" }),
    ]);
    const api = toApiProfile(state, "implied", NOW);
    expect(api).toMatchObject({
      profile_id: "prof-1",
      identifiers: { anonymous_ids: ["dev-1"], email: "ann@example.com" },
      traits: { first_name: "Ann" },
      consent: { analytics: true, personalization: true, marketing: true },
      subscribed: { email: true, sms: false },
      counters: { events: 7, page_views: 1, sessions: 1 },
      views: { items: { shoe: 1 }, category: { Shoes: 1 }, recent: [{ item_id: "shoe", item_category: "Shoes", at: iso(T0 + 2000) }] },
      searches: { count: 1, recent: [{ term: "boots", at: iso(T0 + 2500) }] },
      cart: { items: [{ item_id: "sock", price: 5, quantity: 1 }], value: 5, currency: "EUR", updated_at: iso(T0 + 4000) },
      orders: {
        count: 1,
        revenue: 30,
        first_at: iso(T0 + 4000),
        last_at: iso(T0 + 4000),
        items: { shoe: 1 },
        recent: [{ transaction_id: "T1", at: iso(T0 + 4000), value: 30, currency: "EUR" }],
      },
      days_since_last_order: 1,
      lifecycle: "retention",
      segments: expect.arrayContaining(["new_customer", "subscriber"]),
      predictions: { churn_risk: expect.any(Number), next_order_at: null, clv: expect.any(Number) },
      first_seen_at: iso(T0),
      last_seen_at: iso(T0 + 5000),
      created_at: iso(T0),
      updated_at: iso(T0 + 10_000),
    });
    expect(["gold", "silver", "bronze"]).toContain(api.engagement);
  });

  it("consent follows the shop's mode when the person made no choice", () => {
    const state = emptyProfile("p", T0);
    expect(toApiProfile(state, "required", NOW).consent).toEqual({ analytics: false, personalization: false, marketing: false });
    expect(toApiProfile(state, "implied", NOW).consent).toEqual({ analytics: true, personalization: true, marketing: true });
  });

  it("a person who never ordered has null order dates and no days since last order", () => {
    const api = toApiProfile(emptyProfile("p", T0), "implied", NOW);
    expect(api.orders.first_at).toBeNull();
    expect(api.orders.last_at).toBeNull();
    expect(api.days_since_last_order).toBeNull();
    expect(api.cart.updated_at).toBeNull();
    expect(api.session).toBeNull();
  });
});
