/**
 * The browser snippet (tracker and renderer), bundled by scripts/build-snippet.mjs into
 * snippets/dist/nudge.js, which the Worker serves at GET /nudge.js. A shop adds one tag:
 *
 *   <script async src="https://<worker>/nudge.js" data-site="pk_…"></script>
 *
 * and, to call the page API before the snippet has loaded, this one-line stub before it:
 *
 *   <script>window.nudge=window.nudge||function(){(nudge.q=nudge.q||[]).push(arguments)}</script>
 *
 * The snippet replays the stub's calls, then takes them directly:
 *   nudge('identify', {email, customer_id, phone, first_name, …, user_hash})   an identify event
 *   nudge('track', 'add_to_cart', {items, value, currency})  GA4 e-commerce names as such events,
 *   nudge('track', 'wishlist_add', {item_id: 'mug-1'})       any other snake_case name a custom event
 *   nudge('consent', {analytics, personalization, marketing})  the visitor's choice (booleans)
 *   nudge('page')                                            a page view (they are also captured)
 */
import { createRenderer } from "./render";
import { start } from "./tracker/tracker";

try {
  start(window, (document.currentScript as HTMLScriptElement | null) || document.querySelector("script[data-site]"), createRenderer);
} catch {}
