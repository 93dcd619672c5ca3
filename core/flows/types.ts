/**
 * Messaging flows: "when a person does X, wait Y, check Z, send W". These are the shapes shared by
 * the flow definitions (the API's), the runs a person's object keeps in its live state, and the
 * orders to send that the send-time check hands to the channels.
 */
import type { Rule } from "../rules";
import type { Channel } from "../types";

/** The built-in flows every shop has (switched off in a new shop). */
export const BUILT_IN_FLOW_IDS = [
  "cart_abandonment",
  "browse_abandonment",
  "welcome",
  "post_purchase",
  "replenishment",
  "win_back",
  "vip_anniversary",
  "birthday",
] as const;

export const TRIGGER_TYPES = [
  "cart_abandoned",
  "browse_abandoned",
  "subscribed",
  "purchased",
  "no_purchase",
  "order_anniversary",
  "birthday",
] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];

/**
 * What starts a run and the moment its delays count from (its anchor):
 * - `cart_abandoned`: the cart holds items; anchor: the cart's last change (a change restarts the clock).
 * - `browse_abandoned`: at least `min_views` distinct products viewed in one session and an empty
 *   cart; anchor: the session's last product view.
 * - `subscribed`: the person subscribed to `channel`; anchor: the subscription's time.
 * - `purchased`: an order (with an item of `item_categories` when given); anchor: the order's time.
 * - `no_purchase`: `days` days after the last order (a new order restarts the clock).
 * - `order_anniversary`: `days_before` days before each anniversary of the first order.
 * - `birthday`: `days_before` days before each birthday (`traits.birthday`, `YYYY-MM-DD` or `MM-DD`).
 */
export type FlowTrigger =
  | { type: "cart_abandoned" }
  | { type: "browse_abandoned"; min_views: number }
  | { type: "subscribed"; channel: Channel }
  | { type: "purchased"; item_categories?: string[] | undefined }
  | { type: "no_purchase"; days: number }
  | { type: "order_anniversary"; days_before: number }
  | { type: "birthday"; days_before: number };

/** A message's content. `subject` and `body` hold `{{placeholders}}` (see core/flows/template.ts). */
export interface StepTemplate {
  /** Email only. */
  subject?: string | undefined;
  body: string;
  /** Items listed in the message: the cart's, the recently viewed ones, or the last order's. */
  items?: "cart" | "viewed" | "ordered" | null | undefined;
  /** The message's main link (http or https). */
  cta?: { label: string; url: string } | null | undefined;
  /** A discount code: the same for everyone, or unique per message from a prefix. */
  code?: string | { prefix: string } | null | undefined;
}

export interface FlowStep {
  /** snake_case, unique within the flow; message ids and reports name it. */
  id: string;
  /** Hours after the run's anchor (not after the previous step); at least 0. */
  delay_hours: number;
  /** Replenishment: due at the person's predicted next order date when there is one, else after `delay_hours`. */
  at_next_order?: boolean | undefined;
  channel: Channel;
  template: StepTemplate;
  /** An audience rule over the live profile, checked at send time: false skips the step (`conditions`). */
  conditions?: Rule | null | undefined;
  /** Skip this step when the message of that earlier step of the same run was opened (`opened`). */
  unless_opened?: string | null | undefined;
}

/** A flow as stored and served by `/v1/flows` (the API adds `built_in`, `created_at`, `updated_at`). */
export interface FlowDefinition {
  /** Built-in ids, or `flw_…` for a shop's own flows. */
  id: string;
  name: string;
  enabled: boolean;
  trigger: FlowTrigger;
  /** Checked when a run would start: false starts none. */
  entry?: Rule | null | undefined;
  /** Checked at send time: true ends the run (`exit_rule`). */
  exit?: Rule | null | undefined;
  steps: FlowStep[];
  /** Days before a person may start this flow again after a run began; null: once per person. */
  reentry_days: number | null;
}

export type StepStatus = "pending" | "sending" | "sent" | "skipped" | "failed" | "unknown";

/** One step of a run, in a person's state. */
export interface StepState {
  /** Stable across retries, merges and cron runs: the webhook's `id` and the providers' idempotency key. */
  message_id: string;
  status: StepStatus;
  /** When the step is due: anchor plus delay (recomputed when the anchor moves, while pending). */
  due_at: number;
  /** Not to be sent before this (quiet hours or a retry's backoff); staleness counts from here when later than `due_at`. */
  not_before?: number | undefined;
  attempts: number;
  /** When the status last changed. */
  at?: number | undefined;
  /** Why it was skipped or failed (`stale`, `unsubscribed`, `smart_sending`, …). */
  reason?: string | undefined;
  channel?: Channel | undefined;
  opened_at?: number | undefined;
  clicked_at?: number | undefined;
}

export type RunStatus = "active" | "completed" | "exited";

export interface FlowRun {
  /** `run_` plus random characters, made once when the run starts. */
  id: string;
  flow_id: string;
  started_at: number;
  anchor_at: number;
  status: RunStatus;
  /** Why it exited (`purchased`, `cart_emptied`, `exit_rule`, `flow_disabled`, `merged`, …). */
  reason?: string | undefined;
  ended_at?: number | undefined;
  steps: Record<string, StepState>;
}

/** What a person's state keeps about flows: bounded (active runs plus the latest ended ones). */
export interface FlowState {
  runs: FlowRun[];
  /** Per flow: the latest run's start and anchor, kept after the run itself is pruned (re-entry). */
  history: Record<string, { last_started_at: number; last_anchor_at: number; runs: number }>;
  /** When a message was last sent per channel (smart sending). */
  last_sent: Partial<Record<Channel, number>>;
}

/** The shop's settings the send-time check reads. */
export interface SendSettings {
  timezone: string;
  quiet_hours: { start: string; end: string } | null;
  smart_sending_hours: number;
  /** Channels the shop can deliver on (a provider or the webhook is configured). */
  channels: Record<Channel, boolean>;
}

/** A message the send-time check cleared, to render and deliver. */
export interface SendOrder {
  run_id: string;
  flow_id: string;
  step_id: string;
  message_id: string;
  channel: Channel;
  /** The proven address (email or E.164 phone). */
  to: string;
  /** 1 for the first try. */
  attempt: number;
}

/** What delivering a message came to. */
export type DeliveryOutcome =
  | { status: "sent" }
  /** 429, 5xx or a timeout: try again at `retry_at` (or give up as `failed` when attempts are spent). */
  | { status: "retry"; retry_at: number; reason: string }
  | { status: "failed"; reason: string };

export type MessageInteraction = "open" | "click";
