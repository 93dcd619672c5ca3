// One entry of the page's `window.dataLayer` as a Nudge event: GA4 e-commerce objects pushed by the
// shop or Google Tag Manager (`{event: "add_to_cart", ecommerce: {items, value, currency}}`), and
// gtag() calls, which arrive as Arguments objects: `['event', 'add_to_cart', {…}]` and
// `['consent', 'update', {…}]` (Consent Mode v2; 'default' is the shop's own default, which its
// consent_mode setting already says, and is skipped).
import { consentMode } from "./consent-mode";
import { ga4 } from "./ga4";
import { type Obj, obj } from "./util";

/** The Nudge event of a dataLayer entry (`{type: "consent", consent}` for a consent update), or undefined. */
export function fromDataLayer(entry: unknown): Obj | undefined {
  const e = obj(entry);
  if (e[0] === "consent") return e[1] === "update" ? { type: "consent", consent: consentMode(e[2]) } : undefined;
  // E-commerce fields sit in `ecommerce`, a search term next to `event`.
  return e[0] === "event" ? ga4(e[1], e[2]) : ga4(e.event, { search_term: e.search_term, ...obj(e.ecommerce) });
}
