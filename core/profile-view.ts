import { effectiveConsent } from "./consent";
import type { ApiMessage } from "./flows/history";
import { deriveProfile } from "./derive";
import { customSegments, type SegmentRules } from "./segments";
import { daysBetween } from "./time";
import type { CartState, ConsentPurpose, ConsentMode, Derived, Item, OrderSummary, ProfileState, RecentItem } from "./types";

type Iso = string | null;
type WithIsoAt<T extends { at: number }> = Omit<T, "at"> & { at: Iso };

/** The profile as the API returns it; timestamps are ISO 8601 strings. */
export interface ApiProfile extends Derived {
  profile_id: string;
  identifiers: ProfileState["identifiers"];
  traits: ProfileState["traits"];
  consent: Record<ConsentPurpose, boolean>;
  subscribed: { email: boolean; sms: boolean };
  counters: ProfileState["counters"];
  session: { started_at: Iso; last_event_at: Iso } | null;
  views: { items: Record<string, number>; category: Record<string, number>; recent: WithIsoAt<RecentItem>[] };
  searches: { count: number; recent: { term: string; at: Iso }[] };
  cart: Omit<CartState, "updated_at"> & { items: Item[]; updated_at: Iso };
  orders: { count: number; revenue: number; first_at: Iso; last_at: Iso; items: Record<string, number>; recent: WithIsoAt<OrderSummary>[] };
  days_since_last_order: number | null;
  first_seen_at: Iso;
  last_seen_at: Iso;
  created_at: Iso;
  updated_at: Iso;
  /** Flow messages (the profile route adds them; decisions do not need them). */
  messages?: ApiMessage[];
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The profile in the shape of the API contract, with derived fields as of `now`. */
export function toApiProfile(state: ProfileState, mode: ConsentMode, now: number, segmentRules: SegmentRules = {}): ApiProfile {
  const derived = deriveProfile(state, now);
  const { orders, cart } = state;
  const profile: ApiProfile = {
    profile_id: state.profile_id,
    identifiers: state.identifiers,
    traits: state.traits,
    consent: effectiveConsent(state.consent_choices, mode),
    subscribed: { email: state.subscriptions.email?.value ?? false, sms: state.subscriptions.sms?.value ?? false },
    counters: state.counters,
    session: state.session && { started_at: iso(state.session.started_at), last_event_at: iso(state.session.last_event_at) },
    views: {
      items: state.views.items,
      category: state.views.category,
      recent: state.views.recent.map((view) => ({ ...view, at: iso(view.at) })),
    },
    searches: { count: state.searches.count, recent: state.searches.recent.map((s) => ({ term: s.term, at: iso(s.at) })) },
    cart: { items: cart.items, value: cart.value, currency: cart.currency, updated_at: iso(cart.updated_at) },
    orders: {
      count: orders.count,
      revenue: orders.revenue,
      first_at: iso(orders.first_at),
      last_at: iso(orders.last_at),
      items: orders.items,
      recent: orders.recent.map((order) => ({ ...order, at: iso(order.at) })),
    },
    days_since_last_order: orders.last_at === null ? null : Math.floor(daysBetween(orders.last_at, now)),
    ...derived,
    first_seen_at: iso(state.first_seen_at),
    last_seen_at: iso(state.last_seen_at),
    created_at: iso(state.created_at),
    updated_at: iso(state.updated_at),
  };
  const own = customSegments(profile, segmentRules).filter((name) => !profile.segments.includes(name));
  return own.length === 0 ? profile : { ...profile, segments: [...profile.segments, ...own] };
}
