/**
 * When a pop-up may show: once every condition its trigger sets is met — the page address
 * (`url_matches`, a `*` glob against `location.href`; a page that does not match never shows it),
 * `delay_ms` elapsed, then the page scrolled `scroll_pct` far and the mouse having left through
 * the top of the viewport after the delay (`exit_intent`) — with the tab in the foreground.
 * Without a trigger, at once.
 */
import type { Decision } from "../types";
import { globMatch } from "./url";

/** How far the page is scrolled, 0–100 (a page that cannot scroll counts as fully scrolled). */
export function scrolledPct(win: Window): number {
  const max = win.document.documentElement.scrollHeight - win.innerHeight;
  return max > 0 ? (win.scrollY / max) * 100 : 100;
}

/** Calls `fire` once the trigger is met; returns a function that cancels the wait. */
export function arm(win: Window, trigger: Decision["trigger"], fire: () => void): () => void {
  const t = trigger || {};
  const doc = win.document;
  let late = !(Number(t.delay_ms) > 0);
  let left = !t.exit_intent;
  const check = (e?: Event) => {
    const m = e as MouseEvent | undefined;
    // An exit counts once the delay is over.
    if (late && m && m.type === "mouseout" && !m.relatedTarget && m.clientY <= 0) left = true;
    if (late && left && !doc.hidden && !(Number(t.scroll_pct) > scrolledPct(win))) {
      cancel();
      fire();
    }
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const events: [EventTarget, string][] = [
    [win, "scroll"],
    [doc, "mouseout"],
    [doc, "visibilitychange"],
  ];
  const cancel = () => {
    win.clearTimeout(timer);
    for (const [target, type] of events) target.removeEventListener(type, check);
  };
  if (t.url_matches && !globMatch(win.location.href, t.url_matches)) return cancel;
  timer = win.setTimeout(() => {
    late = true;
    check();
  }, Number(t.delay_ms) || 0);
  for (const [target, type] of events) target.addEventListener(type, check, { passive: true });
  check();
  return cancel;
}
