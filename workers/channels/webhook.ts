import type { WebhookChannelSettings } from "../schemas/settings";
import type { ChannelRequest, OutgoingMessage } from "./types";

const encoder = new TextEncoder();

/**
 * The `Nudge-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` keyed with
 * the secret's UTF-8 bytes. Signing the time with the body lets a receiver refuse replays of old messages.
 */
export async function signWebhook(secret: string, body: string, t: number): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(`${t}.${body}`));
  const hex = [...new Uint8Array(mac)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `t=${t},v1=${hex}`;
}

/** The contract's body: the message without the providers' renderings (`email`, `sms`). */
export function webhookBody(message: OutgoingMessage): string {
  const { id, shop_id, flow_id, step_id, channel, to, profile_id, content, links, created_at } = message;
  return JSON.stringify({ id, shop_id, flow_id, step_id, channel, to, profile_id, content, links, created_at });
}

export async function webhookRequest(message: OutgoingMessage, webhook: WebhookChannelSettings, now: number): Promise<ChannelRequest> {
  const body = webhookBody(message);
  return {
    url: webhook.url,
    headers: {
      "content-type": "application/json",
      "nudge-signature": await signWebhook(webhook.secret, body, Math.floor(now / 1000)),
      // The same on every retry, so a receiver can drop a message it already handled.
      "idempotency-key": message.id,
    },
    body,
  };
}
