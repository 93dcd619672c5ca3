// The request context of a batch (POST /v1/collect `context`), which audiences read: context.url,
// path, referrer, device, locale and utm.* (from the URL's utm_* parameters), plus the visitor's
// session id. Strings are cut to the API's limits (a longer one would refuse every batch of the page).
import type { Obj } from "./util";

export function context(href: string, referrer: string, ua: string, locale: string, session?: unknown): Obj {
  const u = new URL(href);
  const utm: Obj = {};
  u.searchParams.forEach((v, k) => {
    if (/^utm_./.test(k)) utm[k.slice(4)] = v.slice(0, 512);
  });
  return {
    url: href.slice(0, 2048),
    path: u.pathname.slice(0, 2048),
    referrer: referrer.slice(0, 2048),
    device: /Mobi/.test(ua) ? "mobile" : /iPad|Tablet|Android/.test(ua) ? "tablet" : "desktop",
    locale,
    utm,
    session_id: session,
  };
}
