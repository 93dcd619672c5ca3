import { describe, expect, it } from "vitest";
import {
  applyActivity,
  MAX_RECENT_ITEMS,
  MAX_RECENT_SEARCHES,
  MAX_SESSION_STARTS,
  MAX_VIEWED_CATEGORIES,
  MAX_VIEWED_ITEMS,
  retractActivity,
  SESSION_TIMEOUT_MS,
  trackSession,
} from "./activity";
import { emptyProfile } from "./profile";
import type { Item, ProfileState, TrackedEvent } from "./types";

const T0 = Date.parse("2025-06-01T12:00:00.000Z");
const MIN = 60_000;

function event(type: string, ts: number, fields: Partial<TrackedEvent> = {}): TrackedEvent {
  return { id: null, type, ts, ...fields };
}

function stateAfter(...events: TrackedEvent[]): ProfileState {
  const state = emptyProfile("p1", T0);
  for (const e of events) applyActivity(state, e);
  return state;
}

const view = (ts: number, ...items: Item[]) => event("view_item", ts, { items });

describe("sessions", () => {
  it("the first event opens a session", () => {
    const state = stateAfter(event("page_view", T0));
    expect(state.session).toEqual({ started_at: T0, last_event_at: T0 });
    expect(state.counters.sessions).toBe(1);
    expect(state.session_starts).toEqual([T0]);
  });

  it("events less than 30 minutes apart stay in one session, however long it lasts", () => {
    const events = Array.from({ length: 10 }, (_, i) => event("page_view", T0 + i * 29 * MIN));
    const state = stateAfter(...events);
    expect(state.counters.sessions).toBe(1);
    expect(state.session).toEqual({ started_at: T0, last_event_at: T0 + 9 * 29 * MIN });
  });

  it("exactly 30 minutes after the last event still continues the session", () => {
    expect(stateAfter(event("page_view", T0), event("page_view", T0 + SESSION_TIMEOUT_MS)).counters.sessions).toBe(1);
  });

  it("more than 30 minutes of inactivity starts a new session", () => {
    const state = stateAfter(event("page_view", T0), event("page_view", T0 + 10 * MIN), event("page_view", T0 + 40 * MIN + 1));
    expect(state.counters.sessions).toBe(2);
    expect(state.session).toEqual({ started_at: T0 + 40 * MIN + 1, last_event_at: T0 + 40 * MIN + 1 });
    expect(state.session_starts).toEqual([T0, T0 + 40 * MIN + 1]);
  });

  it("a late event from long ago never opens a session", () => {
    const state = stateAfter(event("page_view", T0), event("page_view", T0 - 2 * 24 * 60 * MIN));
    expect(state.counters.sessions).toBe(1);
    expect(state.session).toEqual({ started_at: T0, last_event_at: T0 });
    expect(state.session_starts).toEqual([T0]);
  });

  it("a late event just before the session began moves its start back instead of opening one", () => {
    const state = stateAfter(event("page_view", T0), event("page_view", T0 + 5 * MIN), event("page_view", T0 - 10 * MIN));
    expect(state.counters.sessions).toBe(1);
    expect(state.session).toEqual({ started_at: T0 - 10 * MIN, last_event_at: T0 + 5 * MIN });
  });

  it("a late event within the session changes nothing", () => {
    const state = stateAfter(event("page_view", T0), event("page_view", T0 + 20 * MIN), event("page_view", T0 + 10 * MIN));
    expect(state.session).toEqual({ started_at: T0, last_event_at: T0 + 20 * MIN });
    expect(state.counters.sessions).toBe(1);
  });

  it("session start times are bounded, keeping the latest", () => {
    const state = emptyProfile("p1", T0);
    for (let i = 0; i < MAX_SESSION_STARTS + 10; i++) trackSession(state, T0 + i * 60 * MIN);
    expect(state.counters.sessions).toBe(MAX_SESSION_STARTS + 10);
    expect(state.session_starts).toHaveLength(MAX_SESSION_STARTS);
    expect(state.session_starts.at(-1)).toBe(T0 + (MAX_SESSION_STARTS + 9) * 60 * MIN);
  });
});

describe("counters and first/last seen", () => {
  it("every event counts; only page views count as page views", () => {
    const state = stateAfter(
      event("page_view", T0),
      event("view_item", T0 + MIN, { items: [] }),
      event("page_view", T0 + 2 * MIN),
      event("wishlist_add", T0 + 3 * MIN),
    );
    expect(state.counters).toEqual({ events: 4, page_views: 2, sessions: 1 });
  });

  it("first and last seen span the events whatever their arrival order", () => {
    const state = stateAfter(
      event("page_view", T0),
      event("page_view", T0 - 5 * MIN),
      event("page_view", T0 + 5 * MIN),
      event("page_view", T0 + MIN),
    );
    expect(state.first_seen_at).toBe(T0 - 5 * MIN);
    expect(state.last_seen_at).toBe(T0 + 5 * MIN);
  });
});

describe("product and category views", () => {
  it("views count per item and per category and remember the recent items newest first", () => {
    const shoe: Item = {
      item_id: "shoe",
      item_name: "Shoe",
      item_category: "Shoes",
      price: 50,
      url: "/shoe",
      image_url: "/shoe.jpg",
      item_brand: "X",
    };
    const boot: Item = { item_id: "boot", item_category: "Shoes" };
    const state = stateAfter(view(T0, shoe), view(T0 + MIN, boot), view(T0 + 2 * MIN, shoe));
    expect(state.views.items).toEqual({ shoe: 2, boot: 1 });
    expect(state.views.category).toEqual({ Shoes: 3 });
    expect(state.views.recent).toEqual([
      { item_id: "shoe", item_name: "Shoe", item_category: "Shoes", price: 50, url: "/shoe", image_url: "/shoe.jpg", at: T0 + 2 * MIN },
      { item_id: "boot", item_category: "Shoes", at: T0 + MIN },
    ]);
  });

  it("only view_item events count as product views", () => {
    const state = stateAfter(
      event("view_item_list", T0, { items: [{ item_id: "a" }] }),
      event("add_to_cart", T0, { items: [{ item_id: "b" }] }),
    );
    expect(state.views.items).toEqual({});
    expect(state.views.recent).toEqual([]);
  });

  it("recent views are bounded", () => {
    const events = Array.from({ length: MAX_RECENT_ITEMS + 15 }, (_, i) => view(T0 + i * MIN, { item_id: `sku-${i}` }));
    const state = stateAfter(...events);
    expect(state.views.recent).toHaveLength(MAX_RECENT_ITEMS);
    expect(state.views.recent[0]?.item_id).toBe(`sku-${MAX_RECENT_ITEMS + 14}`);
  });

  it("viewed item counts are bounded, keeping the most viewed and the recently viewed", () => {
    const popular = Array.from({ length: 5 }, (_, i) => view(T0 + i, { item_id: "popular" }));
    const many = Array.from({ length: MAX_VIEWED_ITEMS + 50 }, (_, i) => view(T0 + MIN + i * MIN, { item_id: `sku-${i}` }));
    const state = stateAfter(...popular, ...many);
    const ids = Object.keys(state.views.items);
    expect(ids.length).toBe(MAX_VIEWED_ITEMS);
    expect(state.views.items.popular).toBe(5);
    for (const recent of state.views.recent) expect(state.views.items[recent.item_id]).toBe(1);
  });

  it("viewed category counts are bounded, keeping the most viewed", () => {
    const favourite = Array.from({ length: 3 }, (_, i) => view(T0 + i, { item_id: "f", item_category: "favourite" }));
    const many = Array.from({ length: MAX_VIEWED_CATEGORIES + 30 }, (_, i) =>
      view(T0 + MIN + i, { item_id: `sku-${i}`, item_category: `cat-${i}` }),
    );
    const state = stateAfter(...favourite, ...many);
    expect(Object.keys(state.views.category)).toHaveLength(MAX_VIEWED_CATEGORIES);
    expect(state.views.category.favourite).toBe(3);
  });

  it("item ids and categories named like Object.prototype members are counted like any other", () => {
    const state = stateAfter(
      view(T0, { item_id: "constructor", item_category: "toString" }),
      view(T0 + MIN, { item_id: "constructor", item_category: "toString" }),
    );
    expect(state.views.items.constructor).toBe(2);
    expect(state.views.category.toString).toBe(2);
  });

  it("a late view of an item keeps the item's latest view time", () => {
    const state = stateAfter(
      view(T0 + 10 * MIN, { item_id: "shoe" }),
      view(T0 + 20 * MIN, { item_id: "boot" }),
      view(T0, { item_id: "shoe" }),
    );
    expect(state.views.items.shoe).toBe(2);
    expect(state.views.recent.find((r) => r.item_id === "shoe")?.at).toBe(T0 + 10 * MIN);
  });
});

describe("searches", () => {
  it("searches are counted and the recent terms kept newest first", () => {
    const state = stateAfter(event("search", T0, { search_term: "red shoes" }), event("search", T0 + MIN, { search_term: "boots" }));
    expect(state.searches).toEqual({
      count: 2,
      recent: [
        { term: "boots", at: T0 + MIN },
        { term: "red shoes", at: T0 },
      ],
    });
  });

  it("recent searches are bounded while the count keeps growing", () => {
    const events = Array.from({ length: MAX_RECENT_SEARCHES + 7 }, (_, i) => event("search", T0 + i * MIN, { search_term: `q${i}` }));
    const state = stateAfter(...events);
    expect(state.searches.count).toBe(MAX_RECENT_SEARCHES + 7);
    expect(state.searches.recent).toHaveLength(MAX_RECENT_SEARCHES);
    expect(state.searches.recent[0]?.term).toBe(`q${MAX_RECENT_SEARCHES + 6}`);
  });

  it("a late search does not become the most recent one", () => {
    const state = stateAfter(event("search", T0 + 10 * MIN, { search_term: "boots" }), event("search", T0, { search_term: "sandals" }));
    expect(state.searches.recent.map((s) => s.term)).toEqual(["boots", "sandals"]);
  });
});

describe("retractActivity", () => {
  it("takes back the counts of events the other side of a merge already counted", () => {
    const state = emptyProfile("p1", 0);
    const view: TrackedEvent = { id: "v", type: "view_item", ts: 1, items: [{ item_id: "mug", item_category: "kitchen" }] };
    const page: TrackedEvent = { id: "p", type: "page_view", ts: 2 };
    const search: TrackedEvent = { id: "s", type: "search", ts: 3, search_term: "mugs" };
    for (const event of [view, view, page, page, search]) applyActivity(state, event);
    const retracted = retractActivity(state, [view, page, search]);
    expect(retracted.counters).toMatchObject({ events: 2, page_views: 1 });
    expect(retracted.views.items).toEqual({ mug: 1 });
    expect(retracted.views.category).toEqual({ kitchen: 1 });
    expect(retracted.searches.count).toBe(0);
    expect(state.counters.events).toBe(5);
  });
});
