import type { SmsChannelSettings } from "../schemas/settings";
import type { ChannelRequest, OutgoingMessage } from "./types";

const TWILIO_API = "https://api.twilio.com";

/**
 * Twilio's `POST /2010-04-01/Accounts/{sid}/Messages.json`, form-encoded, with HTTP Basic auth.
 * A `from` starting with `MG` names a Messaging Service rather than a sender number.
 *
 * Twilio's Messages API has no idempotency key: a request whose answer was lost may have sent the
 * SMS. That is why the person's object never retries an attempt whose outcome is unknown (it marks
 * the step `unknown` rather than sending twice).
 */
export function twilioRequest(message: OutgoingMessage, sms: SmsChannelSettings): ChannelRequest {
  const base = (sms.base_url ?? TWILIO_API).replace(/\/+$/, "");
  const form = new URLSearchParams({ To: message.to, Body: message.sms.text });
  form.set(sms.from.startsWith("MG") ? "MessagingServiceSid" : "From", sms.from);
  return {
    url: `${base}/2010-04-01/Accounts/${encodeURIComponent(sms.account_sid)}/Messages.json`,
    headers: {
      authorization: `Basic ${base64(`${sms.account_sid}:${sms.auth_token}`)}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: form.toString(),
  };
}

function base64(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}
