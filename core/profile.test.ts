import { describe, expect, it } from "vitest";
import type { OrderLedger } from "./orders";
import { applyBatch, emptyProfile, MAX_ANONYMOUS_IDS, MAX_TRAITS, upgradeState, type BatchContext, type IncomingEvent } from "./profile";
import type { ConsentMode, Identifier, ProfileState, TrackedEvent } from "./types";

const T0 = Date.parse("2025-06-01T12:00:00.000Z");
const NOW = T0 + 60 * 60_000;
const DEVICE: Identifier = { kind: "anonymous_id", value: "device-1" };

function event(type: string, ts: number, fields: Partial<TrackedEvent> = {}): TrackedEvent {
  return { id: null, type, ts, ...fields };
}

function incoming(events: TrackedEvent[], identifiers: Identifier[] = [DEVICE]): IncomingEvent[] {
  return events.map((e) => ({ event: e, identifiers }));
}

function context(overrides: Partial<BatchContext> = {}): BatchContext {
  return { now: NOW, consentMode: "implied", seenIds: new Set(), ledger: new Map(), ...overrides };
}

function run(events: TrackedEvent[], overrides: Partial<BatchContext> = {}, state: ProfileState = emptyProfile("p1", T0)) {
  return applyBatch(state, incoming(events), context(overrides));
}

/** A person already known to a consent-required shop, who granted analytics earlier. */
function knownPerson(mode: ConsentMode = "required"): ProfileState {
  return run([event("consent", T0, { consent: { analytics: true } }), event("page_view", T0 + 1)], { consentMode: mode }).state;
}

/** Identifiers named by trusted events (no unproven browser claim). */
const proven = (identifiers: Identifier[]) => identifiers.map((identifier) => ({ ...identifier, verified: true }));

describe("storing events", () => {
  it("stored events update counters, identifiers and updated_at", () => {
    const outcome = run([event("page_view", T0), event("page_view", T0 + 1000)]);
    expect(outcome.stored).toHaveLength(2);
    expect(outcome.skipped).toEqual([]);
    expect(outcome.state.counters).toEqual({ events: 2, page_views: 2, sessions: 1 });
    expect(outcome.state.identifiers.anonymous_ids).toEqual(["device-1"]);
    expect(outcome.addedIdentifiers).toEqual([DEVICE]);
    expect(outcome.state.updated_at).toBe(NOW);
  });

  it("the input state is not mutated", () => {
    const before = knownPerson("implied");
    const snapshot = structuredClone(before);
    const ledger: OrderLedger = new Map();
    run(
      [
        event("page_view", T0 + 10),
        event("view_item", T0 + 20, { items: [{ item_id: "a", item_category: "c" }] }),
        event("add_to_cart", T0 + 30, { items: [{ item_id: "a", price: 5 }] }),
        event("purchase", T0 + 40, { transaction_id: "T1", value: 5, items: [{ item_id: "a" }] }),
        event("identify", T0 + 50, { traits: { email: "ann@example.com", first_name: "Ann" } }),
        event("consent", T0 + 60, { consent: { marketing: true } }),
        event("subscribe", T0 + 70, { channel: "email" }),
        event("search", T0 + 80, { search_term: "x" }),
      ],
      { consentMode: "implied", ledger },
      before,
    );
    expect(before).toEqual(snapshot);
    expect(ledger.size).toBe(0);
  });

  it("a batch that stores nothing leaves updated_at alone", () => {
    const before = knownPerson();
    const outcome = run([event("page_view", T0 + 5, { id: "dup" })], { seenIds: new Set(["dup"]) }, before);
    expect(outcome.stored).toEqual([]);
    expect(outcome.state.updated_at).toBe(before.updated_at);
  });
});

describe("de-duplication by event id", () => {
  it("an event id repeated within a batch is counted once", () => {
    const outcome = run([
      event("page_view", T0, { id: "e1" }),
      event("page_view", T0 + 1, { id: "e1" }),
      event("page_view", T0 + 2, { id: "e2" }),
    ]);
    expect(outcome.stored.map((e) => e.id)).toEqual(["e1", "e2"]);
    expect(outcome.skipped).toEqual([{ index: 1, id: "e1", reason: "duplicate" }]);
    expect(outcome.state.counters.events).toBe(2);
    expect(outcome.state.counters.page_views).toBe(2);
  });

  it("an event id already seen by the person is counted once", () => {
    const outcome = run([event("page_view", T0, { id: "old" }), event("page_view", T0 + 1, { id: "new" })], { seenIds: new Set(["old"]) });
    expect(outcome.stored.map((e) => e.id)).toEqual(["new"]);
    expect(outcome.skipped).toEqual([{ index: 0, id: "old", reason: "duplicate" }]);
    expect(outcome.state.counters.events).toBe(1);
  });

  it("events without an id are never de-duplicated", () => {
    const outcome = run([event("page_view", T0), event("page_view", T0)]);
    expect(outcome.stored).toHaveLength(2);
  });

  it("a repeated purchase event is counted once", () => {
    const purchase = event("purchase", T0, { id: "p-1", transaction_id: "T1", value: 30 });
    const outcome = run([purchase, purchase]);
    expect(outcome.state.orders.count).toBe(1);
    expect(outcome.state.orders.revenue).toBe(30);
  });

  it("the same transaction under two event ids is one order, and a ledger row is returned for it", () => {
    const outcome = run([
      event("purchase", T0, { id: "a", transaction_id: "T1", value: 30 }),
      event("purchase", T0 + 1, { id: "b", transaction_id: "T1", value: 30 }),
    ]);
    expect(outcome.state.orders.count).toBe(1);
    expect(outcome.orders).toEqual([{ transaction_id: "T1", at: T0, value: 30, currency: null, refunded: 0, items: [] }]);
  });

  it("a transaction already in the ledger is not counted again", () => {
    const first = run([event("purchase", T0, { transaction_id: "T1", value: 30 })]);
    const ledger: OrderLedger = new Map(first.orders.map((o) => [o.transaction_id, o]));
    const again = run([event("purchase", T0 + 10, { transaction_id: "T1", value: 30 })], { ledger }, first.state);
    expect(again.state.orders.count).toBe(1);
    expect(again.orders).toEqual([]);
  });

  it("a refund in the same batch as its purchase applies to it", () => {
    const outcome = run([
      event("purchase", T0, { transaction_id: "T1", value: 30 }),
      event("refund", T0 + 1, { transaction_id: "T1", value: 10 }),
    ]);
    expect(outcome.state.orders.revenue).toBe(20);
    expect(outcome.orders).toEqual([{ transaction_id: "T1", at: T0, value: 30, currency: null, refunded: 10, items: [] }]);
  });
});

describe("consent gating", () => {
  it("a consent-required shop stores nothing of an unknown visitor before consent", () => {
    const outcome = run([event("page_view", T0, { id: "a" }), event("view_item", T0 + 1, { items: [{ item_id: "x" }] })], {
      consentMode: "required",
    });
    expect(outcome.stored).toEqual([]);
    expect(outcome.skipped.map((s) => s.reason)).toEqual(["no_consent", "no_consent"]);
    expect(outcome.state).toEqual(emptyProfile("p1", T0));
    expect(outcome.addedIdentifiers).toEqual([]);
  });

  it("a consent-required shop stores events after a consent event granting analytics, and none before it", () => {
    const outcome = run(
      [
        event("page_view", T0),
        event("consent", T0 + 1, { consent: { analytics: true, marketing: false } }),
        event("page_view", T0 + 2),
        event("search", T0 + 3, { search_term: "x" }),
      ],
      { consentMode: "required" },
    );
    expect(outcome.stored.map((e) => e.type)).toEqual(["consent", "page_view", "search"]);
    expect(outcome.skipped).toEqual([{ index: 0, id: null, reason: "no_consent" }]);
    expect(outcome.state.counters.page_views).toBe(1);
    expect(outcome.state.consent_choices).toEqual({ analytics: { value: true, at: T0 + 1 }, marketing: { value: false, at: T0 + 1 } });
  });

  it("a consent granting only marketing does not open analytics storage", () => {
    const outcome = run([event("consent", T0, { consent: { marketing: true } }), event("page_view", T0 + 1)], { consentMode: "required" });
    expect(outcome.stored).toEqual([]);
  });

  it("the batch's consent granting analytics lets a consent-required shop store the batch", () => {
    const outcome = run([event("page_view", T0 + 5), event("page_view", T0 + 10)], {
      consentMode: "required",
      batchConsent: { analytics: true },
    });
    expect(outcome.stored.map((e) => e.type)).toEqual(["consent", "page_view", "page_view"]);
    expect(outcome.state.consent_choices.analytics?.value).toBe(true);
    expect(outcome.state.counters.page_views).toBe(2);
    expect(outcome.state.identifiers.anonymous_ids).toEqual(["device-1"]);
  });

  it("the batch's consent is recorded no later than the batch's first event", () => {
    const outcome = run([event("page_view", T0 + 5), event("page_view", T0)], {
      consentMode: "required",
      batchConsent: { analytics: true },
    });
    expect(outcome.state.consent_choices.analytics?.at).toBeLessThanOrEqual(T0);
  });

  it("a batch consent that changes nothing adds no consent event", () => {
    const outcome = run([event("page_view", T0 + 5)], { consentMode: "required", batchConsent: { analytics: true } }, knownPerson());
    expect(outcome.stored.map((e) => e.type)).toEqual(["page_view"]);
  });

  it("a batch consent refusing analytics stores nothing of an unknown visitor", () => {
    const outcome = run([event("page_view", T0)], { consentMode: "required", batchConsent: { analytics: false } });
    expect(outcome.stored).toEqual([]);
    expect(outcome.state.counters.events).toBe(0);
  });

  it("a revocation by a known person is stored and stops storage of what follows", () => {
    const outcome = run(
      [event("page_view", T0 + 10), event("consent", T0 + 20, { consent: { analytics: false } }), event("page_view", T0 + 30)],
      {},
      knownPerson(),
    );
    expect(outcome.stored.map((e) => e.type)).toEqual(["page_view", "consent"]);
    expect(outcome.skipped).toEqual([{ index: 2, id: null, reason: "no_consent" }]);
    expect(outcome.state.consent_choices.analytics).toEqual({ value: false, at: T0 + 20 });
  });

  it("a revocation through the batch consent by a known person is stored", () => {
    const outcome = run([event("page_view", T0 + 10)], { batchConsent: { analytics: false } }, knownPerson());
    expect(outcome.stored.map((e) => e.type)).toEqual(["consent"]);
    expect(outcome.state.consent_choices.analytics?.value).toBe(false);
    expect(outcome.skipped.map((s) => s.reason)).toEqual(["no_consent"]);
  });

  it("in an implied-consent shop events are stored without any consent event", () => {
    expect(run([event("page_view", T0)], { consentMode: "implied" }).stored).toHaveLength(1);
  });

  it("in an implied-consent shop an unknown visitor's opt-out is remembered and blocks later events", () => {
    const outcome = run([event("consent", T0, { consent: { analytics: false } }), event("page_view", T0 + 1)], { consentMode: "implied" });
    expect(outcome.stored.map((e) => e.type)).toEqual(["consent"]);
    expect(outcome.state.consent_choices.analytics?.value).toBe(false);
  });

  it("an event skipped for lack of consent does not use up its id", () => {
    const first = run(
      [
        event("page_view", T0, { id: "e1" }),
        event("consent", T0 + 1, { consent: { analytics: true } }),
        event("page_view", T0 + 2, { id: "e1" }),
      ],
      {
        consentMode: "required",
      },
    );
    expect(first.stored.map((e) => e.id)).toEqual([null, "e1"]);
  });
});

describe("identifiers and traits", () => {
  it("an identify adds its identifiers and stores the other traits", () => {
    const outcome = run([
      event("identify", T0, {
        traits: { email: "ann@example.com", customer_id: "42", phone: "+14155552671", first_name: "Ann", vip: true },
      }),
    ]);
    expect(outcome.state.identifiers).toEqual({
      anonymous_ids: ["device-1"],
      email: "ann@example.com",
      customer_id: "42",
      phone: "+14155552671",
    });
    expect(outcome.state.traits).toEqual({ first_name: "Ann", vip: true });
    expect(outcome.addedIdentifiers).toEqual([
      DEVICE,
      { kind: "email", value: "ann@example.com" },
      { kind: "customer_id", value: "42" },
      { kind: "phone", value: "+14155552671" },
    ]);
  });

  it("identifiers already known are not reported as added again", () => {
    const first = run([event("identify", T0, { traits: { email: "ann@example.com" } })]);
    const again = run([event("identify", T0 + 1, { traits: { email: "ann@example.com" } })], {}, first.state);
    expect(again.addedIdentifiers).toEqual([]);
  });

  it("a null trait removes the trait; later values replace earlier ones", () => {
    const first = run([event("identify", T0, { traits: { first_name: "Ann", nickname: "A" } })]);
    const next = run([event("identify", T0 + 1, { traits: { first_name: "Anna", nickname: null } })], {}, first.state);
    expect(next.state.traits).toEqual({ first_name: "Anna" });
  });

  it("traits are bounded", () => {
    const traits = Object.fromEntries(Array.from({ length: MAX_TRAITS + 10 }, (_, i) => [`t${i}`, i]));
    const outcome = run([event("identify", T0, { traits })]);
    expect(Object.keys(outcome.state.traits)).toHaveLength(MAX_TRAITS);
  });

  it("traits named like Object.prototype members count against the bound like any other", () => {
    const traits = Object.fromEntries(Array.from({ length: MAX_TRAITS }, (_, i) => [`t${i}`, i]));
    const full = run([event("identify", T0, { traits })]).state;
    const next = run([event("identify", T0 + 1, { traits: { toString: "x", valueOf: 1, hasOwnProperty: true } })], {}, full).state;
    expect(Object.keys(next.traits)).toHaveLength(MAX_TRAITS);
  });

  it("anonymous ids are bounded, keeping the latest devices", () => {
    let state = emptyProfile("p1", T0);
    for (let i = 0; i < MAX_ANONYMOUS_IDS + 5; i++) {
      state = applyBatch(
        state,
        [{ event: event("page_view", T0 + i), identifiers: [{ kind: "anonymous_id", value: `d${i}` }] }],
        context(),
      ).state;
    }
    expect(state.identifiers.anonymous_ids).toHaveLength(MAX_ANONYMOUS_IDS);
    expect(state.identifiers.anonymous_ids.at(-1)).toBe(`d${MAX_ANONYMOUS_IDS + 4}`);
  });

  it("subscriptions record the latest choice per channel", () => {
    const outcome = run([
      event("subscribe", T0, { channel: "email" }),
      event("subscribe", T0 + 1, { channel: "sms" }),
      event("unsubscribe", T0 + 2, { channel: "sms" }),
    ]);
    expect(outcome.state.subscriptions).toEqual({ email: { value: true, at: T0 }, sms: { value: false, at: T0 + 2 } });
  });

  it("cart and orders follow the stored events", () => {
    const outcome = run([
      event("add_to_cart", T0, { items: [{ item_id: "a", price: 10 }], currency: "EUR" }),
      event("purchase", T0 + 1, { transaction_id: "T1", value: 10, items: [{ item_id: "a" }] }),
    ]);
    expect(outcome.state.cart.items).toEqual([]);
    expect(outcome.state.orders.count).toBe(1);
    expect(outcome.state.orders.items).toEqual({ a: 1 });
  });
});

describe("named identifiers", () => {
  const EMAIL: Identifier = { kind: "email", value: "ann@example.com" };
  const CUSTOMER: Identifier = { kind: "customer_id", value: "42" };
  const PHONE: Identifier = { kind: "phone", value: "+14155552671" };

  it("an identify names its email, customer id and phone, but not the device", () => {
    const outcome = run([
      event("identify", T0, { traits: { email: EMAIL.value, customer_id: CUSTOMER.value, phone: PHONE.value, first_name: "Ann" } }),
    ]);
    expect(outcome.namedIdentifiers).toEqual(proven([EMAIL, CUSTOMER, PHONE]));
  });

  it("identifiers the person already had are named again, though not reported as added", () => {
    const first = run([event("identify", T0, { traits: { email: EMAIL.value, customer_id: CUSTOMER.value } })]);
    const again = run([event("identify", T0 + 1, { traits: { email: EMAIL.value, customer_id: CUSTOMER.value } })], {}, first.state);
    expect(again.addedIdentifiers).toEqual([]);
    expect(again.namedIdentifiers).toEqual(proven([EMAIL, CUSTOMER]));
  });

  it("anonymous ids are never named, even when they are new", () => {
    const device: Identifier = { kind: "anonymous_id", value: "device-2" };
    const outcome = applyBatch(
      emptyProfile("p1", T0),
      [{ event: event("page_view", T0), identifiers: [DEVICE] }],
      context({ batchConsent: { analytics: true }, batchIdentifiers: [device] }),
    );
    expect(outcome.addedIdentifiers).toEqual([device, DEVICE]);
    expect(outcome.namedIdentifiers).toEqual([]);
  });

  it("an event's own identifiers other than the device are named", () => {
    const outcome = applyBatch(
      emptyProfile("p1", T0),
      [{ event: event("purchase", T0, { transaction_id: "T1", value: 10 }), identifiers: [DEVICE, CUSTOMER, EMAIL] }],
      context(),
    );
    expect(outcome.namedIdentifiers).toEqual(proven([CUSTOMER, EMAIL]));
  });

  it("an identifier named several times in a batch is named once", () => {
    const outcome = applyBatch(
      emptyProfile("p1", T0),
      [
        { event: event("identify", T0, { traits: { email: EMAIL.value } }), identifiers: [DEVICE, EMAIL] },
        { event: event("identify", T0 + 1, { traits: { email: EMAIL.value, phone: PHONE.value } }), identifiers: [DEVICE] },
        { event: event("identify", T0 + 2, { traits: { phone: PHONE.value } }), identifiers: [DEVICE] },
      ],
      context(),
    );
    expect(outcome.namedIdentifiers).toEqual(proven([EMAIL, PHONE]));
  });

  it("an email changed within a batch names both emails, in order", () => {
    const other: Identifier = { kind: "email", value: "ann.new@example.com" };
    const outcome = run([
      event("identify", T0, { traits: { email: EMAIL.value } }),
      event("identify", T0 + 1, { traits: { email: other.value } }),
    ]);
    expect(outcome.namedIdentifiers).toEqual(proven([EMAIL, other]));
    expect(outcome.state.identifiers.email).toBe(other.value);
  });

  it.each<{ name: string; events: TrackedEvent[]; overrides: Partial<BatchContext>; reasons: string[] }>([
    {
      name: "an identify already seen by the person names nothing",
      events: [event("identify", T0, { id: "i1", traits: { email: EMAIL.value } })],
      overrides: { seenIds: new Set(["i1"]) },
      reasons: ["duplicate"],
    },
    {
      name: "an identify skipped for lack of consent names nothing",
      events: [event("identify", T0, { traits: { email: EMAIL.value, customer_id: CUSTOMER.value } })],
      overrides: { consentMode: "required" },
      reasons: ["no_consent"],
    },
    {
      name: "an identify after an analytics revocation names nothing",
      events: [event("consent", T0, { consent: { analytics: false } }), event("identify", T0 + 1, { traits: { phone: PHONE.value } })],
      overrides: {},
      reasons: ["no_consent"],
    },
  ])("$name", ({ events, overrides, reasons }) => {
    const outcome = run(events, overrides);
    expect(outcome.skipped.map((s) => s.reason)).toEqual(reasons);
    expect(outcome.namedIdentifiers).toEqual([]);
  });

  it("an identify repeated within a batch names only what its first copy named", () => {
    const outcome = run([
      event("identify", T0, { id: "i1", traits: { email: EMAIL.value } }),
      event("identify", T0 + 1, { id: "i1", traits: { email: "ann.new@example.com" } }),
    ]);
    expect(outcome.skipped).toEqual([{ index: 1, id: "i1", reason: "duplicate" }]);
    expect(outcome.namedIdentifiers).toEqual(proven([EMAIL]));
  });
});

describe("stored states from earlier versions", () => {
  it("gain the fields added since, with empty values, and keep everything they had", () => {
    const current = emptyProfile("p-old", 5);
    const { campaigns: _c, assignments: _a, ...older } = { ...current, counters: { events: 7, page_views: 3, sessions: 2 } };
    const upgraded = upgradeState(older as ProfileState);
    expect(upgraded.campaigns).toEqual({});
    expect(upgraded.assignments).toEqual({});
    expect(upgraded.counters).toEqual({ events: 7, page_views: 3, sessions: 2 });
    expect(upgraded.created_at).toBe(5);
  });
});

describe("unproven identify claims", () => {
  const identify = (traits: Record<string, string>) => event("identify", T0, { traits });
  const claim = (traits: Record<string, string>, unproven: IncomingEvent["unproven"]): IncomingEvent => ({
    event: identify(traits),
    identifiers: [DEVICE],
    unproven,
  });

  it("records an unproven email as a claim of the device's person, never as its identifier", () => {
    const outcome = applyBatch(emptyProfile("p1", T0), [claim({ email: "ann@example.com", first_name: "M" }, ["email"])], context());
    expect(outcome.state.identifiers.email).toBeUndefined();
    expect(outcome.state.identifiers.unverified).toEqual([{ kind: "email", value: "ann@example.com" }]);
    expect(outcome.state.traits).toEqual({ first_name: "M" });
    expect(outcome.namedIdentifiers).toEqual([{ kind: "email", value: "ann@example.com", verified: false }]);
  });

  it("settles an earlier unverified claim once the same identifier is proven", () => {
    const claimed = applyBatch(emptyProfile("p1", T0), [claim({ email: "ann@example.com" }, ["email"])], context()).state;
    const outcome = applyBatch(claimed, [claim({ email: "ann@example.com" }, [])], context());
    expect(outcome.state.identifiers.email).toBe("ann@example.com");
    expect(outcome.state.identifiers.unverified).toBeUndefined();
    expect(outcome.namedIdentifiers).toEqual(proven([{ kind: "email", value: "ann@example.com" }]));
  });

  it("treats a proof as covering only the identifier it signs", () => {
    const outcome = applyBatch(emptyProfile("p1", T0), [claim({ customer_id: "42", email: "ann@example.com" }, ["email"])], context());
    expect(outcome.state.identifiers.customer_id).toBe("42");
    expect(outcome.namedIdentifiers).toEqual([
      { kind: "customer_id", value: "42", verified: true },
      { kind: "email", value: "ann@example.com", verified: false },
    ]);
  });
});

describe("decision outcomes", () => {
  const impression = (id: string | null): IncomingEvent => ({
    event: event("nudge_impression", T0, { id, campaign_id: "c1", variant_id: "a" }),
    identifiers: [DEVICE],
    decision: { id: "decision-1", expired: false },
  });

  it("counts a decision's impression once however often its token is replayed", () => {
    const outcome = applyBatch(emptyProfile("p1", T0), [impression("e1"), impression("e2"), impression(null)], context());
    expect(outcome.stored).toHaveLength(1);
    expect(outcome.skipped.map((skip) => skip.reason)).toEqual(["duplicate", "duplicate"]);
    expect(outcome.tokenUses).toEqual(["decision-1:nudge_impression"]);
    expect(outcome.state.campaigns.c1?.impressions_total).toBe(1);
    const later = applyBatch(outcome.state, [impression("e3")], context({ tokenUses: new Set(outcome.tokenUses) }));
    expect(later.stored).toEqual([]);
  });

  it("counts nothing for an expired decision token", () => {
    const expired: IncomingEvent = { ...impression("e1"), decision: { id: "decision-2", expired: true } };
    const outcome = applyBatch(emptyProfile("p1", T0), [expired], context());
    expect(outcome.stored).toEqual([]);
    expect(outcome.skipped.map((skip) => skip.reason)).toEqual(["expired_token"]);
  });
});

describe("a batch never changes the state it was given", () => {
  function deepFreeze<T>(value: T): T {
    if (value && typeof value === "object" && !Object.isFrozen(value)) {
      Object.freeze(value);
      for (const inner of Object.values(value)) deepFreeze(inner);
    }
    return value;
  }

  const T = Date.parse("2026-11-29T12:00:00Z");
  const device: Identifier = { kind: "anonymous_id", value: "frozen-device" };
  const item = (id: string) => ({ item_id: id, item_name: id, item_category: "mugs", price: 12, quantity: 1 });
  const everyKind: TrackedEvent[] = [
    { id: "e1", type: "page_view", ts: T, page: { url: "https://shop.example/" } },
    { id: "e2", type: "view_item", ts: T + 1, items: [item("a"), item("b")] },
    { id: "e3", type: "search", ts: T + 2, search_term: "mug" },
    { id: "e4", type: "add_to_cart", ts: T + 3, items: [item("a")], value: 12, currency: "EUR" },
    { id: "e5", type: "remove_from_cart", ts: T + 4, items: [item("a")] },
    { id: "e6", type: "identify", ts: T + 5, traits: { email: "ann@example.com", first_name: "Ann", plan: null } },
    { id: "e7", type: "subscribe", ts: T + 6, channel: "email" },
    { id: "e8", type: "unsubscribe", ts: T + 7, channel: "sms" },
    { id: "e9", type: "consent", ts: T + 8, consent: { marketing: true } },
    { id: "e10", type: "purchase", ts: T + 9, transaction_id: "T1", value: 24, currency: "EUR", items: [item("b")] },
    { id: "e11", type: "refund", ts: T + 10, transaction_id: "T1", value: 4 },
    { id: "e12", type: "page_view", ts: T + 3 * 3_600_000, page: { url: "https://shop.example/later" } },
  ];
  const ctx = (now: number): BatchContext => ({
    now,
    consentMode: "implied",
    seenIds: new Set(),
    ledger: new Map(),
    batchIdentifiers: [device],
    tokenUses: new Set(),
  });

  it("applies every kind of event to a frozen state, twice over, without touching it", () => {
    const first = applyBatch(
      emptyProfile("p-frozen", T),
      everyKind.map((event) => ({ event, identifiers: [device] })),
      ctx(T + 20),
    );
    const frozen = deepFreeze(structuredClone(first.state));
    const copy = structuredClone(frozen);
    // The first event continues the frozen session; the rest start another hours later.
    const again = [
      { event: { id: "e0-2", type: "page_view", ts: T + 3 * 3_600_000 + 600_000 }, identifiers: [device] },
      ...everyKind.map((event) => ({ event: { ...event, id: `${event.id}-2`, ts: event.ts + 4 * 3_600_000 }, identifiers: [device] })),
    ];
    const ledger: OrderLedger = new Map(first.orders.map((order) => [order.transaction_id, order]));
    const second = applyBatch(frozen, again, { ...ctx(T + 5 * 3_600_000), ledger });
    expect(frozen).toEqual(copy);
    expect(second.state.counters.events).toBe(first.state.counters.events + again.length);
    expect(second.state.views.items).toEqual({ a: 2, b: 2 });
    // Each kind alone too: a batch copies only what its own events write.
    for (const event of again) applyBatch(frozen, [event], { ...ctx(T + 5 * 3_600_000), ledger });
    expect(frozen).toEqual(copy);
  });
});
