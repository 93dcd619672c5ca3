import type { ShopSettings } from "../schemas/settings";
import { addressCheck, type CheckedResponse, fetchChecked } from "./address-guard";
import { resendRequest } from "./resend";
import { twilioRequest } from "./twilio";
import type { ChannelRequest, DeliveryAttempt, DeliveryOptions, OutgoingMessage, Transport } from "./types";
import { webhookRequest } from "./webhook";

/**
 * Sends one message once: email through Resend and SMS through Twilio when the shop configured
 * them, otherwise both to the shop's webhook. Retrying is the caller's: this says whether to.
 */
export async function deliver(
  message: OutgoingMessage,
  channels: ShopSettings["channels"],
  options: DeliveryOptions,
): Promise<DeliveryAttempt> {
  const chosen = await channelRequest(message, channels, options.now);
  if (chosen === null) return { outcome: "failed", transport: "none", reason: "no_channel" };
  const { transport, request } = chosen;
  const signal = AbortSignal.timeout(options.timeoutMs);
  let result: CheckedResponse;
  try {
    result = await fetchChecked(
      request.url,
      { method: "POST", headers: request.headers, body: request.body, signal },
      addressCheck({ allowPrivate: options.allowPrivate, resolverUrl: options.resolverUrl, timeoutMs: options.timeoutMs }),
    );
  } catch {
    const reason = signal.aborted ? "timeout" : "network";
    // Twilio has no idempotency key: the SMS may have gone out, and sending it again could send it twice.
    if (transport === "twilio") return { outcome: "failed", transport, reason: `${reason}_unknown_outcome` };
    return { outcome: "retry", transport, reason, retryAfter: null };
  }
  if (!result.ok) {
    if (result.reason === "dns_unavailable") return { outcome: "retry", transport, reason: result.reason, retryAfter: null };
    return { outcome: "failed", transport, reason: result.reason };
  }
  return classify(result.response, transport);
}

async function channelRequest(
  message: OutgoingMessage,
  channels: ShopSettings["channels"],
  now: number,
): Promise<{ transport: Transport; request: ChannelRequest } | null> {
  if (message.channel === "email" && channels.email) return { transport: "resend", request: resendRequest(message, channels.email) };
  if (message.channel === "sms" && channels.sms) return { transport: "twilio", request: twilioRequest(message, channels.sms) };
  if (channels.webhook) return { transport: "webhook", request: await webhookRequest(message, channels.webhook, now) };
  return null;
}

async function classify(response: Response, transport: Transport): Promise<DeliveryAttempt> {
  // The answer's body is not needed; cancelling it frees the connection.
  await response.body?.cancel();
  const status = response.status;
  if (status >= 200 && status < 300) return { outcome: "delivered", transport };
  if (status === 429) return { outcome: "retry", transport, reason: "http_429", retryAfter: response.headers.get("retry-after") };
  if (status >= 500) return { outcome: "retry", transport, reason: `http_${status}`, retryAfter: null };
  return { outcome: "failed", transport, reason: `http_${status}` };
}
