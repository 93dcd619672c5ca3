import { bytesToHex, hmacSha256 } from "../../core/hmac";
import type { WebhookChannelSettings } from "../schemas/settings";
import type { ChannelRequest, OutgoingMessage } from "./types";

/**
 * The `Nudge-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` keyed with
 * the secret's UTF-8 bytes. Signing the time with the body lets a receiver refuse replays of old messages.
 */
export async function signWebhook(secret: string, body: string, t: number): Promise<string> {
  return `t=${t},v1=${bytesToHex(await hmacSha256(secret, `${t}.${body}`))}`;
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
