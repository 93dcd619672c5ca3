/**
 * When a pop-up may show: its trigger's conditions, all of them, in order — the page address
 * (`url_matches`, a `*` glob against `location.href`), then `delay_ms`, then `scroll_pct` (the
 * page scrolled that far), then `exit_intent` (the mouse leaving through the top of the viewport),
 * and the tab in the foreground. Without a trigger, at once.
 */
import type { Decision } from "../types";
import { globMatch } from "./url";

/** How far the page is scrolled, 0–100 (a page that cannot scroll counts as fully scrolled). */
export function scrolledPct(win: Window): number {
  const max = win.document.documentElement.scrollHeight - win.innerHeight;
  return max <= 0 ? 100 : (win.scrollY / max) * 100;
}

/** Calls `fire` once the trigger is met; returns a function that cancels the wait. */
export function arm(win: Window, trigger: Decision["trigger"], fire: () => void): () => void {
  const offs: (() => void)[] = [];
  const cancel = () => {
    for (const off of offs.splice(0)) off();
  };
  const t = trigger || {};
  if (t.url_matches && !globMatch(win.location.href, t.url_matches)) return cancel;
  const steps: ((next: () => void) => void)[] = [];
  /** Waits for a `type` event on `target` that passes `test` (checked at once when `now`). */
  const until = (target: EventTarget, type: string, test: (e?: Event) => boolean, now?: boolean) => (next: () => void) => {
    if (now && test()) return next();
    const handler = (e: Event) => {
      if (test(e)) {
        off();
        next();
      }
    };
    const off = () => target.removeEventListener(type, handler);
    target.addEventListener(type, handler, { passive: true });
    offs.push(off);
  };
  const delay = t.delay_ms;
  if (delay && delay > 0)
    steps.push((next) => {
      const id = win.setTimeout(next, delay);
      offs.push(() => win.clearTimeout(id));
    });
  const pct = t.scroll_pct;
  if (typeof pct === "number") steps.push(until(win, "scroll", () => scrolledPct(win) >= pct, true));
  if (t.exit_intent)
    steps.push(until(win.document, "mouseout", (e) => !!e && !(e as MouseEvent).relatedTarget && (e as MouseEvent).clientY <= 0));
  // Never while the tab is in the background: nobody would see it.
  steps.push(until(win.document, "visibilitychange", () => !win.document.hidden, true));
  let i = 0;
  const next = (): void => {
    const step = steps[i++];
    if (step) step(next);
    else fire();
  };
  next();
  return cancel;
}
