import { countOf } from "./counts";
import type { ProfileState, RecentItem, TrackedEvent } from "./types";

export const SESSION_TIMEOUT_MS = 30 * 60 * 1000;
export const MAX_SESSION_STARTS = 100;
export const MAX_VIEWED_ITEMS = 200;
export const MAX_VIEWED_CATEGORIES = 100;
export const MAX_RECENT_ITEMS = 20;
export const MAX_RECENT_SEARCHES = 20;

/**
 * Sessions end after 30 minutes without an event. An event older than the current session's
 * last one (a late batch) belongs to the past and never opens a new session.
 */
export function trackSession(state: ProfileState, ts: number): void {
  const session = state.session;
  if (session && ts <= session.last_event_at) {
    if (ts >= session.started_at - SESSION_TIMEOUT_MS) session.started_at = Math.min(session.started_at, ts);
    return;
  }
  if (session && ts - session.last_event_at <= SESSION_TIMEOUT_MS) {
    session.last_event_at = ts;
    return;
  }
  state.session = { started_at: ts, last_event_at: ts };
  state.counters.sessions += 1;
  state.session_starts = [...state.session_starts, ts].slice(-MAX_SESSION_STARTS);
}

/** Keeps the `limit` largest counts of a map, so a long browsing history stays bounded. */
export function boundCounts(counts: Record<string, number>, limit: number, keep: ReadonlySet<string>): Record<string, number> {
  const keys = Object.keys(counts);
  if (keys.length <= limit) return counts;
  const ranked = keys.sort((a, b) => Number(keep.has(b)) - Number(keep.has(a)) || countOf(counts, b) - countOf(counts, a));
  return Object.fromEntries(ranked.slice(0, limit).map((key) => [key, countOf(counts, key)]));
}

function recordItemViews(state: ProfileState, event: TrackedEvent): void {
  const views = state.views;
  for (const item of event.items ?? []) {
    views.items[item.item_id] = countOf(views.items, item.item_id) + 1;
    if (item.item_category) views.category[item.item_category] = countOf(views.category, item.item_category) + 1;
    const previous = views.recent.find((r) => r.item_id === item.item_id);
    const recent: RecentItem = { ...previous, item_id: item.item_id, at: Math.max(previous?.at ?? event.ts, event.ts) };
    for (const key of ["item_name", "item_category", "url", "image_url"] as const) {
      if (item[key] !== undefined) recent[key] = item[key];
    }
    if (item.price !== undefined) recent.price = item.price;
    views.recent = [recent, ...views.recent.filter((r) => r.item_id !== item.item_id)]
      .sort((a, b) => b.at - a.at)
      .slice(0, MAX_RECENT_ITEMS);
  }
  const recentIds = new Set(views.recent.map((r) => r.item_id));
  views.items = boundCounts(views.items, MAX_VIEWED_ITEMS, recentIds);
  views.category = boundCounts(views.category, MAX_VIEWED_CATEGORIES, new Set());
}

/** Counters, sessions, item and category views and searches for one stored event. */
export function applyActivity(state: ProfileState, event: TrackedEvent): void {
  state.counters.events += 1;
  trackSession(state, event.ts);
  state.first_seen_at = state.first_seen_at === null ? event.ts : Math.min(state.first_seen_at, event.ts);
  state.last_seen_at = state.last_seen_at === null ? event.ts : Math.max(state.last_seen_at, event.ts);
  if (event.type === "page_view") state.counters.page_views += 1;
  if (event.type === "view_item") recordItemViews(state, event);
  if (event.type === "search" && event.search_term !== undefined) {
    state.searches.count += 1;
    state.searches.recent = [{ term: event.search_term, at: event.ts }, ...state.searches.recent]
      .sort((a, b) => b.at - a.at)
      .slice(0, MAX_RECENT_SEARCHES);
  }
}

const decrement = (counts: Record<string, number>, key: string) => {
  const count = countOf(counts, key) - 1;
  if (count > 0) counts[key] = count;
  else delete counts[key];
};

/**
 * Takes back the counts of events a person holds that the other side of a merge already counted
 * (the same event id reached both people): a merge counts no event twice. Sessions and recent
 * lists are not counts of events and stay as they are.
 */
export function retractActivity(state: ProfileState, events: readonly TrackedEvent[]): ProfileState {
  if (events.length === 0) return state;
  const next = structuredClone(state);
  for (const event of events) {
    next.counters.events = Math.max(0, next.counters.events - 1);
    if (event.type === "page_view") next.counters.page_views = Math.max(0, next.counters.page_views - 1);
    if (event.type === "search" && event.search_term !== undefined) next.searches.count = Math.max(0, next.searches.count - 1);
    if (event.type !== "view_item") continue;
    for (const item of event.items ?? []) {
      decrement(next.views.items, item.item_id);
      if (item.item_category) decrement(next.views.category, item.item_category);
    }
  }
  return next;
}
