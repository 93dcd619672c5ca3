import { describe, expect, it } from "vitest";
import { MAX_RECENT_ITEMS, MAX_RECENT_SEARCHES, MAX_SESSION_STARTS, MAX_VIEWED_CATEGORIES, MAX_VIEWED_ITEMS } from "./activity";
import { laterChoice, mergeConflict, mergeProfiles } from "./merge";
import type { OrderRecord } from "./orders";
import { emptyProfile, MAX_ANONYMOUS_IDS, MAX_TRAITS } from "./profile";
import type { CartState, Choice, ProfileState, RecentItem, TraitValue } from "./types";

const T0 = Date.parse("2025-06-01T12:00:00.000Z");
const HOUR = 3_600_000;
const NOW = T0 + 48 * HOUR;

/** A person as their object keeps them, created at T0 unless told otherwise. */
function person(profileId: string, changes: Partial<ProfileState> = {}): ProfileState {
  return { ...emptyProfile(profileId, T0), ...changes };
}

function merge(survivor: ProfileState, absorbed: ProfileState, ledger: readonly OrderRecord[] = []): ProfileState {
  return mergeProfiles(survivor, absorbed, ledger, NOW);
}

function traitsNamed(prefix: string, count: number): Record<string, TraitValue> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${i}`, i]));
}

function viewed(itemId: string, at: number, itemName?: string): RecentItem {
  return { item_id: itemId, at, ...(itemName === undefined ? {} : { item_name: itemName }) };
}

function cart(itemId: string, updatedAt: number | null): CartState {
  return { items: [{ item_id: itemId, price: 10, quantity: 1 }], value: 10, currency: "EUR", updated_at: updatedAt };
}

function order(transactionId: string, at: number, value: number, refunded = 0, itemIds: string[] = []): OrderRecord {
  return { transaction_id: transactionId, at, value, currency: "EUR", refunded, items: itemIds.map((item_id) => ({ item_id })) };
}

describe("mergeProfiles: identifiers", () => {
  it("the survivor keeps its profile id and its identifiers, and the absorbed person's fill the gaps", () => {
    const survivor = person("survivor", { identifiers: { anonymous_ids: ["d1"], email: "ann@example.com" } });
    const absorbed = person("absorbed", {
      identifiers: { anonymous_ids: ["d2"], email: "other@example.com", customer_id: "42", phone: "+14155552671" },
    });
    const merged = merge(survivor, absorbed);
    expect(merged.profile_id).toBe("survivor");
    expect(merged.identifiers).toEqual({ anonymous_ids: ["d1", "d2"], email: "ann@example.com", customer_id: "42", phone: "+14155552671" });
  });

  it("anonymous ids are united without duplicates, the survivor's first", () => {
    const survivor = person("s", { identifiers: { anonymous_ids: ["d1", "d2"] } });
    const absorbed = person("a", { identifiers: { anonymous_ids: ["d2", "d3", "d1"] } });
    expect(merge(survivor, absorbed).identifiers.anonymous_ids).toEqual(["d1", "d2", "d3"]);
  });

  it("united anonymous ids stay bounded, keeping the absorbed person's latest devices", () => {
    const ids = (prefix: string) => Array.from({ length: MAX_ANONYMOUS_IDS }, (_, i) => `${prefix}${i}`);
    const merged = merge(
      person("s", { identifiers: { anonymous_ids: ids("s") } }),
      person("a", { identifiers: { anonymous_ids: ids("a") } }),
    );
    expect(merged.identifiers.anonymous_ids).toHaveLength(MAX_ANONYMOUS_IDS);
    expect(merged.identifiers.anonymous_ids.at(-1)).toBe(`a${MAX_ANONYMOUS_IDS - 1}`);
  });
});

describe("mergeProfiles: traits", () => {
  it("the survivor's traits win and the absorbed person's fill the gaps", () => {
    const survivor = person("s", { traits: { first_name: "Ann", locale: "de-DE" } });
    const absorbed = person("a", { traits: { first_name: "Anna", birthday: "1990-04-01", vip: true } });
    expect(merge(survivor, absorbed).traits).toEqual({ first_name: "Ann", locale: "de-DE", birthday: "1990-04-01", vip: true });
  });

  it.each([
    { survivorTraits: MAX_TRAITS - 2, absorbedTraits: 5, expected: MAX_TRAITS },
    { survivorTraits: MAX_TRAITS, absorbedTraits: 3, expected: MAX_TRAITS },
    { survivorTraits: 10, absorbedTraits: 10, expected: 20 },
  ])(
    "a survivor with $survivorTraits traits absorbing $absorbedTraits new ones ends with $expected traits",
    ({ survivorTraits, absorbedTraits, expected }) => {
      const survivor = person("s", { traits: traitsNamed("s", survivorTraits) });
      const merged = merge(survivor, person("a", { traits: traitsNamed("a", absorbedTraits) }));
      expect(Object.keys(merged.traits)).toHaveLength(expected);
      expect(merged.traits).toMatchObject(survivor.traits);
    },
  );

  it("a full survivor still keeps its own value of a trait both people have", () => {
    const survivor = person("s", { traits: { ...traitsNamed("t", MAX_TRAITS - 1), first_name: "Ann" } });
    const merged = merge(survivor, person("a", { traits: { first_name: "Anna" } }));
    expect(merged.traits.first_name).toBe("Ann");
  });
});

describe("mergeProfiles: activity", () => {
  it("counters are summed", () => {
    const survivor = person("s", { counters: { events: 10, page_views: 4, sessions: 2 } });
    const absorbed = person("a", { counters: { events: 5, page_views: 3, sessions: 1 } });
    expect(merge(survivor, absorbed).counters).toEqual({ events: 15, page_views: 7, sessions: 3 });
  });

  it.each<{ name: string; survivor: Record<string, number>; absorbed: Record<string, number>; expected: Record<string, number> }>([
    {
      name: "counts of items both people viewed are summed",
      survivor: { shoe: 2, sock: 1 },
      absorbed: { shoe: 3, hat: 4 },
      expected: { shoe: 5, sock: 1, hat: 4 },
    },
    {
      name: "an item called constructor that only the absorbed person viewed keeps its count",
      survivor: { shoe: 1 },
      absorbed: { constructor: 2 },
      expected: { shoe: 1, constructor: 2 },
    },
    {
      name: "an item called constructor that both people viewed has its counts summed",
      survivor: { constructor: 1 },
      absorbed: { constructor: 2, toString: 1 },
      expected: { constructor: 3, toString: 1 },
    },
  ])("$name", ({ survivor, absorbed, expected }) => {
    const views = (items: Record<string, number>): ProfileState["views"] => ({ items, category: {}, recent: [] });
    const merged = merge(person("s", { views: views(survivor) }), person("a", { views: views(absorbed) }));
    expect(merged.views.items).toEqual(expected);
  });

  it("category view counts are summed, including a category called constructor", () => {
    const survivor = person("s", { views: { items: {}, category: { shoes: 3 }, recent: [] } });
    const absorbed = person("a", { views: { items: {}, category: { shoes: 1, constructor: 2 }, recent: [] } });
    expect(merge(survivor, absorbed).views.category).toEqual({ shoes: 4, constructor: 2 });
  });

  it("recent views are de-duplicated by item, keeping the newest view, newest first", () => {
    const survivor = person("s", {
      views: { items: {}, category: {}, recent: [viewed("shoe", T0 + 5, "Shoe (new)"), viewed("sock", T0 + 1)] },
    });
    const absorbed = person("a", {
      views: { items: {}, category: {}, recent: [viewed("hat", T0 + 4), viewed("shoe", T0 + 3, "Shoe (old)"), viewed("sock", T0 + 2)] },
    });
    expect(merge(survivor, absorbed).views.recent).toEqual([
      viewed("shoe", T0 + 5, "Shoe (new)"),
      viewed("hat", T0 + 4),
      viewed("sock", T0 + 2),
    ]);
  });

  it("merged recent views stay bounded, keeping the newest", () => {
    const recent = (prefix: string, offset: number) =>
      Array.from({ length: MAX_RECENT_ITEMS }, (_, i) => viewed(`${prefix}${i}`, T0 + offset + (MAX_RECENT_ITEMS - i)));
    const merged = merge(
      person("s", { views: { items: {}, category: {}, recent: recent("old", 0) } }),
      person("a", { views: { items: {}, category: {}, recent: recent("new", HOUR) } }),
    );
    expect(merged.views.recent).toHaveLength(MAX_RECENT_ITEMS);
    expect(merged.views.recent.every((view) => view.item_id.startsWith("new"))).toBe(true);
  });

  it.each<{ name: string; key: "items" | "category"; bound: number }>([
    { name: "merged item view counts stay within their bound", key: "items", bound: MAX_VIEWED_ITEMS },
    { name: "merged category view counts stay within their bound", key: "category", bound: MAX_VIEWED_CATEGORIES },
  ])("$name", ({ key, bound }) => {
    const counts = (prefix: string) => Object.fromEntries(Array.from({ length: bound }, (_, i) => [`${prefix}${i}`, i + 1]));
    const views = (prefix: string): ProfileState["views"] => ({ items: {}, category: {}, recent: [], [key]: counts(prefix) });
    const merged = merge(person("s", { views: views("s") }), person("a", { views: views("a") }));
    expect(Object.keys(merged.views[key]).length).toBeLessThanOrEqual(bound);
  });

  it("search counts are summed and recent searches are united newest first", () => {
    const survivor = person("s", {
      searches: {
        count: 3,
        recent: [
          { term: "boots", at: T0 + 30 },
          { term: "socks", at: T0 + 10 },
        ],
      },
    });
    const absorbed = person("a", {
      searches: {
        count: 2,
        recent: [
          { term: "hats", at: T0 + 20 },
          { term: "gloves", at: T0 },
        ],
      },
    });
    expect(merge(survivor, absorbed).searches).toEqual({
      count: 5,
      recent: [
        { term: "boots", at: T0 + 30 },
        { term: "hats", at: T0 + 20 },
        { term: "socks", at: T0 + 10 },
        { term: "gloves", at: T0 },
      ],
    });
  });

  it("merged recent searches stay bounded, keeping the newest", () => {
    const recent = (offset: number) =>
      Array.from({ length: MAX_RECENT_SEARCHES }, (_, i) => ({ term: `t${offset}-${i}`, at: T0 + offset - i }));
    const merged = merge(
      person("s", { searches: { count: MAX_RECENT_SEARCHES, recent: recent(0) } }),
      person("a", { searches: { count: MAX_RECENT_SEARCHES, recent: recent(HOUR) } }),
    );
    expect(merged.searches.count).toBe(2 * MAX_RECENT_SEARCHES);
    expect(merged.searches.recent).toEqual(recent(HOUR));
  });

  it("the live session is the one with the latest event, and session starts are united in order", () => {
    const survivor = person("s", { session: { started_at: T0, last_event_at: T0 + 10 }, session_starts: [T0 - 2 * HOUR, T0] });
    const absorbed = person("a", { session: { started_at: T0 + 5, last_event_at: T0 + 20 }, session_starts: [T0 - HOUR, T0 + 5] });
    const merged = merge(survivor, absorbed);
    expect(merged.session).toEqual({ started_at: T0 + 5, last_event_at: T0 + 20 });
    expect(merged.session_starts).toEqual([T0 - 2 * HOUR, T0 - HOUR, T0, T0 + 5]);
  });

  it("merged session starts stay bounded, keeping the latest", () => {
    const starts = (offset: number) => Array.from({ length: MAX_SESSION_STARTS }, (_, i) => T0 + offset + i);
    const merged = merge(person("s", { session_starts: starts(0) }), person("a", { session_starts: starts(HOUR) }));
    expect(merged.session_starts).toEqual(starts(HOUR));
  });
});

describe("mergeProfiles: cart", () => {
  it.each([
    { name: "the survivor's newer cart wins", survivorAt: T0 + 10, absorbedAt: T0 + 5, winner: "survivor" },
    { name: "the absorbed person's newer cart wins", survivorAt: T0 + 5, absorbedAt: T0 + 10, winner: "absorbed" },
    { name: "the absorbed person's cart wins over a survivor's cart never touched", survivorAt: null, absorbedAt: T0, winner: "absorbed" },
    { name: "the survivor's cart wins over an absorbed cart never touched", survivorAt: T0, absorbedAt: null, winner: "survivor" },
  ])("$name", ({ survivorAt, absorbedAt, winner }) => {
    const survivorCart = cart("survivor-item", survivorAt);
    const absorbedCart = cart("absorbed-item", absorbedAt);
    const merged = merge(person("s", { cart: survivorCart }), person("a", { cart: absorbedCart }));
    expect(merged.cart).toEqual(winner === "survivor" ? survivorCart : absorbedCart);
  });
});

type ChoiceCase = { name: string; survivor: Choice | undefined; absorbed: Choice | undefined; expected: Choice | undefined };

const choiceCases: ChoiceCase[] = [
  {
    name: "the survivor's later choice wins",
    survivor: { value: true, at: T0 + 10 },
    absorbed: { value: false, at: T0 + 5 },
    expected: { value: true, at: T0 + 10 },
  },
  {
    name: "the absorbed person's later choice wins",
    survivor: { value: true, at: T0 },
    absorbed: { value: false, at: T0 + 8 },
    expected: { value: false, at: T0 + 8 },
  },
  {
    name: "a later grant wins over an earlier refusal",
    survivor: { value: false, at: T0 },
    absorbed: { value: true, at: T0 + 1 },
    expected: { value: true, at: T0 + 1 },
  },
  {
    name: "on an equal time a survivor's refusal wins",
    survivor: { value: false, at: T0 },
    absorbed: { value: true, at: T0 },
    expected: { value: false, at: T0 },
  },
  {
    name: "on an equal time an absorbed refusal wins",
    survivor: { value: true, at: T0 },
    absorbed: { value: false, at: T0 },
    expected: { value: false, at: T0 },
  },
  {
    name: "a choice only the survivor made is kept",
    survivor: { value: true, at: T0 },
    absorbed: undefined,
    expected: { value: true, at: T0 },
  },
  {
    name: "a choice only the absorbed person made is kept",
    survivor: undefined,
    absorbed: { value: false, at: T0 },
    expected: { value: false, at: T0 },
  },
  { name: "no choice on either side stays no choice", survivor: undefined, absorbed: undefined, expected: undefined },
];

describe("mergeProfiles: consent and subscriptions", () => {
  it.each(choiceCases)("consent: $name", ({ survivor, absorbed, expected }) => {
    const merged = merge(
      person("s", { consent_choices: survivor ? { marketing: survivor } : {} }),
      person("a", { consent_choices: absorbed ? { marketing: absorbed } : {} }),
    );
    expect(merged.consent_choices).toEqual(expected ? { marketing: expected } : {});
  });

  it.each(choiceCases)("subscriptions: $name", ({ survivor, absorbed, expected }) => {
    const merged = merge(
      person("s", { subscriptions: survivor ? { email: survivor } : {} }),
      person("a", { subscriptions: absorbed ? { email: absorbed } : {} }),
    );
    expect(merged.subscriptions).toEqual(expected ? { email: expected } : {});
  });

  it("each purpose is decided on its own", () => {
    const survivor = person("s", { consent_choices: { analytics: { value: true, at: T0 + 10 }, marketing: { value: true, at: T0 } } });
    const absorbed = person("a", {
      consent_choices: {
        analytics: { value: false, at: T0 + 5 },
        personalization: { value: true, at: T0 },
        marketing: { value: false, at: T0 + 1 },
      },
    });
    expect(merge(survivor, absorbed).consent_choices).toEqual({
      analytics: { value: true, at: T0 + 10 },
      personalization: { value: true, at: T0 },
      marketing: { value: false, at: T0 + 1 },
    });
  });

  it("each channel is decided on its own", () => {
    const survivor = person("s", { subscriptions: { email: { value: false, at: T0 + 3 } } });
    const absorbed = person("a", { subscriptions: { email: { value: true, at: T0 + 1 }, sms: { value: true, at: T0 } } });
    expect(merge(survivor, absorbed).subscriptions).toEqual({ email: { value: false, at: T0 + 3 }, sms: { value: true, at: T0 } });
  });
});

describe("laterChoice", () => {
  const grant = (at: number): Choice => ({ value: true, at });
  const refusal = (at: number): Choice => ({ value: false, at });
  it.each<[string, Choice | undefined, Choice | undefined, Choice | undefined]>([
    ["the later of two choices wins when it comes first", grant(T0 + 1), refusal(T0), grant(T0 + 1)],
    ["the later of two choices wins when it comes second", refusal(T0), grant(T0 + 1), grant(T0 + 1)],
    ["a refusal wins a tie against a grant when it comes first", refusal(T0), grant(T0), refusal(T0)],
    ["a refusal wins a tie against a grant when it comes second", grant(T0), refusal(T0), refusal(T0)],
    ["two equal grants give a grant", grant(T0), grant(T0), grant(T0)],
    ["two equal refusals give a refusal", refusal(T0), refusal(T0), refusal(T0)],
    ["a choice against no choice is kept when it comes first", grant(T0), undefined, grant(T0)],
    ["a choice against no choice is kept when it comes second", undefined, refusal(T0), refusal(T0)],
    ["no choice against no choice is no choice", undefined, undefined, undefined],
  ])("%s", (_name, a, b, expected) => {
    expect(laterChoice(a, b)).toEqual(expected);
  });
});

describe("mergeProfiles: orders", () => {
  it("orders are recomputed from the ledger passed in, not from either person's summary", () => {
    const stale = { count: 99, revenue: 9999, first_at: T0 - 100 * HOUR, last_at: NOW, items: { stale: 7 }, recent: [] };
    const ledger = [
      order("T1", T0, 30, 0, ["shoe", "shoe"]),
      order("T2", T0 + HOUR, 50, 20, ["hat"]),
      order("T3", T0 + 2 * HOUR, 10, 10, ["sock"]),
    ];
    const merged = merge(person("s", { orders: stale }), person("a", { orders: stale }), ledger);
    expect(merged.orders).toEqual({
      count: 2,
      revenue: 60,
      first_at: T0,
      last_at: T0 + HOUR,
      items: { shoe: 2, hat: 1 },
      recent: [
        { transaction_id: "T2", at: T0 + HOUR, value: 50, currency: "EUR" },
        { transaction_id: "T1", at: T0, value: 30, currency: "EUR" },
      ],
    });
  });

  it("an empty ledger leaves no orders", () => {
    const stale = { count: 1, revenue: 10, first_at: T0, last_at: T0, items: { shoe: 1 }, recent: [] };
    expect(merge(person("s", { orders: stale }), person("a")).orders).toEqual({
      count: 0,
      revenue: 0,
      first_at: null,
      last_at: null,
      items: {},
      recent: [],
    });
  });
});

describe("mergeProfiles: times", () => {
  it.each([
    { name: "both seen", survivor: [T0 + 5, T0 + 20], absorbed: [T0, T0 + 10], expected: [T0, T0 + 20] },
    { name: "the absorbed person seen earlier and later", survivor: [T0 + 5, T0 + 10], absorbed: [T0, T0 + 20], expected: [T0, T0 + 20] },
    { name: "only the survivor seen", survivor: [T0, T0 + 10], absorbed: [null, null], expected: [T0, T0 + 10] },
    { name: "only the absorbed person seen", survivor: [null, null], absorbed: [T0, T0 + 10], expected: [T0, T0 + 10] },
    { name: "neither seen", survivor: [null, null], absorbed: [null, null], expected: [null, null] },
  ])("first and last seen span both people ($name)", ({ survivor, absorbed, expected }) => {
    const seen = ([first, last]: (number | null)[]) => ({ first_seen_at: first ?? null, last_seen_at: last ?? null });
    const merged = merge(person("s", seen(survivor)), person("a", seen(absorbed)));
    expect([merged.first_seen_at, merged.last_seen_at]).toEqual(expected);
  });

  it.each([
    { name: "the survivor's earlier creation is kept", survivor: T0, absorbed: T0 + HOUR, expected: T0 },
    { name: "the absorbed person's earlier creation is taken", survivor: T0 + HOUR, absorbed: T0, expected: T0 },
  ])("$name", ({ survivor, absorbed, expected }) => {
    expect(merge(person("s", { created_at: survivor }), person("a", { created_at: absorbed })).created_at).toBe(expected);
  });

  it("updated_at is the merge time", () => {
    const merged = merge(person("s", { updated_at: T0 + 5 }), person("a", { updated_at: T0 + 10 }));
    expect(merged.updated_at).toBe(NOW);
  });
});

describe("mergeProfiles: purity", () => {
  it("neither input state nor the ledger is mutated", () => {
    const survivor = person("s", {
      identifiers: { anonymous_ids: ["d1"], email: "ann@example.com" },
      traits: { first_name: "Ann" },
      consent_choices: { analytics: { value: true, at: T0 } },
      subscriptions: { email: { value: true, at: T0 } },
      counters: { events: 3, page_views: 2, sessions: 1 },
      session: { started_at: T0, last_event_at: T0 + 10 },
      session_starts: [T0],
      views: { items: { shoe: 1, constructor: 1 }, category: { shoes: 1 }, recent: [viewed("shoe", T0)] },
      searches: { count: 1, recent: [{ term: "boots", at: T0 }] },
      cart: cart("shoe", T0),
      first_seen_at: T0,
      last_seen_at: T0 + 10,
    });
    const absorbed = person("a", {
      identifiers: { anonymous_ids: ["d2", "d1"], customer_id: "42" },
      traits: { first_name: "Anna", locale: "de-DE" },
      consent_choices: { analytics: { value: false, at: T0 + 1 }, marketing: { value: true, at: T0 } },
      subscriptions: { sms: { value: true, at: T0 } },
      counters: { events: 4, page_views: 1, sessions: 2 },
      session: { started_at: T0 + 20, last_event_at: T0 + 30 },
      session_starts: [T0 - HOUR, T0 + 20],
      views: { items: { shoe: 2, constructor: 2 }, category: { shoes: 2 }, recent: [viewed("shoe", T0 + 20), viewed("hat", T0 + 21)] },
      searches: { count: 2, recent: [{ term: "hats", at: T0 + 25 }] },
      cart: cart("hat", T0 + 30),
      first_seen_at: T0 - HOUR,
      last_seen_at: T0 + 30,
    });
    const ledger = [order("T1", T0, 30, 5, ["shoe"]), order("T2", T0 + 1, 10, 10, ["hat"])];
    const snapshots = structuredClone({ survivor, absorbed, ledger });
    merge(survivor, absorbed, ledger);
    expect({ survivor, absorbed, ledger }).toEqual(snapshots);
  });
});

describe("mergeConflict", () => {
  it.each<[string, string | undefined, string | undefined, string | null]>([
    ["two different customer ids conflict", "42", "43", "different_customer_ids"],
    ["the same customer id on both sides does not conflict", "42", "42", null],
    ["a survivor without a customer id does not conflict", undefined, "43", null],
    ["an absorbed person without a customer id does not conflict", "42", undefined, null],
    ["two people without a customer id do not conflict", undefined, undefined, null],
  ])("%s", (_name, survivorId, absorbedId, expected) => {
    const identifiers = (customerId: string | undefined): Pick<ProfileState, "identifiers"> => ({
      identifiers: { anonymous_ids: [], ...(customerId === undefined ? {} : { customer_id: customerId }) },
    });
    expect(mergeConflict(identifiers(survivorId), identifiers(absorbedId))).toBe(expected);
  });

  it("different emails or phones alone never conflict", () => {
    const survivor = { identifiers: { anonymous_ids: ["d1"], email: "ann@example.com", phone: "+14155552671", customer_id: "42" } };
    const absorbed = { identifiers: { anonymous_ids: ["d2"], email: "bob@example.com", phone: "+14155550000" } };
    expect(mergeConflict(survivor, absorbed)).toBeNull();
  });
});

describe("campaign history and sticky assignments in a merge", () => {
  it("adds both people's campaign interactions and keeps the assignment made first", () => {
    const older = emptyProfile("older", 1_000);
    const newer = emptyProfile("newer", 2_000);
    older.campaigns = { c1: { impressions: [10], impressions_total: 1, clicks: 1, dismissals: 0, last_click_at: 11, converted_at: null } };
    newer.campaigns = {
      c1: { impressions: [20], impressions_total: 1, clicks: 0, dismissals: 1, last_click_at: null, converted_at: null },
    };
    older.assignments = { c1: { variant_id: "a", at: 10 } };
    newer.assignments = { c1: { variant_id: "b", at: 20 }, c2: { variant_id: null, at: 21 } };
    const merged = mergeProfiles(newer, older, [], 3_000);
    expect(merged.campaigns.c1).toMatchObject({ impressions: [10, 20], impressions_total: 2, clicks: 1, dismissals: 1, last_click_at: 11 });
    expect(merged.assignments).toEqual({ c1: { variant_id: "a", at: 10 }, c2: { variant_id: null, at: 21 } });
  });
});

describe("mergeProfiles: double opt-in", () => {
  const confirmed = {
    email: {
      address: "ann@example.com",
      requested_at: T0,
      message_id: "optin_1",
      status: "confirmed" as const,
      attempts: 1,
      confirmed_at: T0,
    },
  };

  it("keeps the absorbed person's confirmed address when the survivor asked for none", () => {
    expect(merge(person("a"), person("b", { opt_in: confirmed })).opt_in).toEqual(confirmed);
  });

  it("keeps the survivor's own request over the absorbed person's", () => {
    const own = { email: { ...confirmed.email, address: "own@example.com", message_id: "optin_2" } };
    expect(merge(person("a", { opt_in: own }), person("b", { opt_in: confirmed })).opt_in).toEqual(own);
  });
});
