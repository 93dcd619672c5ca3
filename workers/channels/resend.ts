import type { EmailChannelSettings } from "../schemas/settings";
import type { ChannelRequest, OutgoingMessage } from "./types";

const RESEND_API = "https://api.resend.com";

/**
 * Resend's `POST /emails`. Its `Idempotency-Key` (kept 24 hours) makes a retry after a timeout
 * safe: the same key answers the first email's id instead of sending it again.
 */
export function resendRequest(message: OutgoingMessage, email: EmailChannelSettings): ChannelRequest {
  const base = (email.base_url ?? RESEND_API).replace(/\/+$/, "");
  return {
    url: `${base}/emails`,
    headers: {
      authorization: `Bearer ${email.api_key}`,
      "content-type": "application/json",
      "idempotency-key": message.id,
    },
    body: JSON.stringify({
      from: email.from,
      to: [message.to],
      subject: message.content.subject ?? "",
      html: message.email.html,
      text: message.email.text,
      ...(email.reply_to ? { reply_to: email.reply_to } : {}),
      // RFC 8058 one-click unsubscribe: mail clients POST "List-Unsubscribe=One-Click" to the link.
      headers: { "List-Unsubscribe": `<${message.links.unsubscribe}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
    }),
  };
}
