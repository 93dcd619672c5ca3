/** Shared types of the pure core: events as they reach a profile, and the profile itself. */

import type { StickyAssignments } from "./assignment";
import type { CampaignHistory } from "./eligibility";
import type { FlowState } from "./flows/types";
import type { PersonResults } from "./results/person";

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export const CONSENT_PURPOSES = ["analytics", "personalization", "marketing"] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];
export type ConsentMode = "required" | "implied";
export type Channel = "email" | "sms";

export interface Item {
  item_id: string;
  item_name?: string;
  price?: number;
  quantity?: number;
  item_category?: string;
  item_brand?: string;
  item_variant?: string;
  url?: string;
  image_url?: string;
}

export interface Traits {
  email?: string;
  customer_id?: string;
  phone?: string;
  [trait: string]: Json | undefined;
}

/** An event after validation and clock correction: `ts` is epoch milliseconds on the server's clock. */
export interface TrackedEvent {
  id: string | null;
  type: string;
  ts: number;
  page?: { url?: string; title?: string; referrer?: string };
  items?: Item[];
  value?: number;
  currency?: string;
  search_term?: string;
  transaction_id?: string;
  traits?: Traits;
  /** An identify's proof of its strongest identifier: lowercase hex HMAC-SHA256. */
  user_hash?: string;
  channel?: Channel;
  consent?: Partial<Record<ConsentPurpose, boolean>>;
  campaign_id?: string;
  variant_id?: string;
  token?: string;
  properties?: Record<string, Json>;
}

export type IdentifierKind = "anonymous_id" | "customer_id" | "email" | "phone";
export interface Identifier {
  kind: IdentifierKind;
  value: string;
}

export interface Choice {
  value: boolean;
  at: number;
}

export interface CartState {
  items: Item[];
  value: number;
  currency: string | null;
  updated_at: number | null;
}

export interface OrderSummary {
  transaction_id: string;
  at: number;
  value: number;
  currency: string | null;
}

export interface OrdersState {
  count: number;
  revenue: number;
  first_at: number | null;
  last_at: number | null;
  /** Quantity bought per item id (net of full refunds). */
  items: Record<string, number>;
  /** The latest orders, newest first, bounded. */
  recent: OrderSummary[];
}

export interface RecentItem {
  item_id: string;
  item_name?: string;
  item_category?: string;
  price?: number;
  url?: string;
  image_url?: string;
  at: number;
}

/** Everything a person's object keeps as live state. Bounded in size by construction. */
export type TraitValue = string | number | boolean;

export interface ProfileState {
  profile_id: string;
  identifiers: {
    anonymous_ids: string[];
    email?: string;
    customer_id?: string;
    phone?: string;
    /** Identifiers a browser claimed without proof (identity verification): recorded, never routed or merged on. */
    unverified?: Identifier[];
  };
  traits: Record<string, TraitValue>;
  consent_choices: Partial<Record<ConsentPurpose, Choice>>;
  subscriptions: Partial<Record<Channel, Choice>>;
  counters: { events: number; page_views: number; sessions: number };
  session: { started_at: number; last_event_at: number } | null;
  /** Start times of the latest sessions, newest last, bounded. */
  session_starts: number[];
  views: { items: Record<string, number>; category: Record<string, number>; recent: RecentItem[] };
  searches: { count: number; recent: { term: string; at: number }[] };
  cart: CartState;
  orders: OrdersState;
  /** What the person saw and did with each on-site campaign (caps, stop rules, results). */
  campaigns: CampaignHistory;
  /** Sticky variant (or holdout, `null`) per campaign. */
  assignments: StickyAssignments;
  /** Messaging flow runs, their steps and the last send per channel (absent until a flow starts). */
  flows?: FlowState;
  /** What the person counted as in campaign and flow results, their touches and credited orders (absent until one). */
  results?: PersonResults;
  /** Double opt-in of an address a browser typed without proof (see core/flows/opt-in.ts). */
  opt_in?: { email?: OptIn };
  first_seen_at: number | null;
  last_seen_at: number | null;
  created_at: number;
  updated_at: number;
}

/**
 * One confirmation request to an unproven address: one message asks its owner to confirm, and
 * only a confirmed address is written to by flows.
 */
export interface OptIn {
  address: string;
  requested_at: number;
  /** `optin_…`: the confirmation message's stable id (the same on every retry). */
  message_id: string;
  status: "pending" | "sending" | "sent" | "confirmed" | "failed";
  attempts: number;
  /** When the status last changed. */
  at?: number;
  /** A retry's backoff: not sent before this. */
  not_before?: number;
  confirmed_at?: number;
  /** Why it failed (`expired`, `interrupted`, `http_400`, …). */
  reason?: string;
  /** Earlier requests of the last 24 hours (other addresses), for the request limits. */
  earlier?: { address: string; requested_at: number }[];
}

export type Lifecycle = "awareness" | "consideration" | "conversion" | "retention" | "advocacy" | "win-back";
export type Engagement = "gold" | "silver" | "bronze";

export interface Rfm {
  recency: number;
  frequency: number;
  monetary: number;
}

export interface Predictions {
  churn_risk: number | null;
  next_order_at: string | null;
  clv: number;
}

export interface Derived {
  lifecycle: Lifecycle;
  engagement: Engagement;
  rfm: Rfm;
  segments: string[];
  predictions: Predictions;
}
