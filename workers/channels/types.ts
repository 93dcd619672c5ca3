import type { Channel, Item } from "../../core/types";

/** A message cleared and rendered for sending: what the webhook carries, plus the providers' renderings. */
export interface OutgoingMessage {
  /** Stable across retries: the webhook's `id` and the providers' idempotency key. */
  id: string;
  shop_id: string;
  flow_id: string;
  step_id: string;
  channel: Channel;
  to: string;
  profile_id: string;
  content: { subject?: string; body: string; items?: Item[]; code?: string; cta?: { label: string; url: string } };
  links: { open: string; click: string; unsubscribe: string };
  /** ISO 8601. */
  created_at: string;
  /** For an email provider. */
  email: { html: string; text: string };
  /** For an SMS provider. */
  sms: { text: string };
}

export type Transport = "webhook" | "resend" | "twilio" | "none";

/** What one attempt came to; `retryAfter` is the 429's Retry-After header as sent (seconds or an HTTP date). */
export type DeliveryAttempt =
  | { outcome: "delivered"; transport: Transport }
  | { outcome: "retry"; transport: Transport; reason: string; retryAfter: string | null }
  | { outcome: "failed"; transport: Transport; reason: string };

export interface DeliveryOptions {
  /** ALLOW_PRIVATE_WEBHOOKS: skip the address checks (local development and tests). */
  allowPrivate: boolean;
  /** DNS-over-HTTPS endpoint (JSON API, like https://cloudflare-dns.com/dns-query) */
  resolverUrl: string;
  /** For the whole attempt, redirects included. */
  timeoutMs: number;
  /** Milliseconds since the epoch: the webhook signature's time. */
  now: number;
}

/** The one HTTP request a transport makes for a message. */
export interface ChannelRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}
