/**
 * Attribution: which campaign variant, holdout or flow message an order is credited to. The last
 * click within the click window wins; without one, the last impression, held-out decision or
 * message open within the view window. An order is credited once, to at most one target.
 */
import { HOLDOUT_PART } from "./types";

export interface AttributionWindows {
  click_days: number;
  view_days: number;
}

/** What a touch or an order is credited to: a campaign's variant (or its holdout), or a flow's step. */
export type Target = { subject: "campaign"; id: string; part: string } | { subject: "flow"; id: string; part: string };

export interface Touch {
  target: Target;
  kind: "click" | "view";
  at: number;
}

/** An order is credited to this, and why (for tests and explanations). */
export type Attribution =
  | { target: Target; touch: Touch; reason: "last_click" | "last_view" }
  | { target: null; reason: "no_touch_in_window" };

const DAY_MS = 24 * 60 * 60 * 1000;

export function campaignTarget(campaignId: string, variantId: string | null): Target {
  return { subject: "campaign", id: campaignId, part: variantId ?? HOLDOUT_PART };
}

export function flowTarget(flowId: string, stepId: string): Target {
  return { subject: "flow", id: flowId, part: stepId };
}

export function targetKey(target: Target): string {
  return `${target.subject}:${target.id}:${target.part}`;
}

function sameTarget(a: Target, b: Target): boolean {
  return a.subject === b.subject && a.id === b.id && a.part === b.part;
}

/** The latest touch of a kind at or before `at` and no older than `days`. */
function lastTouch(touches: readonly Touch[], kind: Touch["kind"], at: number, days: number): Touch | null {
  let best: Touch | null = null;
  for (const touch of touches) {
    if (touch.kind !== kind || touch.at > at || at - touch.at > days * DAY_MS) continue;
    if (!best || touch.at >= best.at) best = touch;
  }
  return best;
}

/** The target an order placed at `at` is credited to, under the shop's windows. */
export function attribute(touches: readonly Touch[], at: number, windows: AttributionWindows): Attribution {
  const click = lastTouch(touches, "click", at, windows.click_days);
  if (click) return { target: click.target, touch: click, reason: "last_click" };
  const view = lastTouch(touches, "view", at, windows.view_days);
  if (view) return { target: view.target, touch: view, reason: "last_view" };
  return { target: null, reason: "no_touch_in_window" };
}

/** Touches kept per person: the newest, and none older than any window can reach. */
export const MAX_TOUCHES = 50;
const MAX_WINDOW_DAYS = 90;

/**
 * Adds a touch, keeping the list bounded. A view of a target already viewed within the last
 * minute replaces nothing (a held-out person is decided for on every page: one touch a minute
 * is as good as one per page, and costs no write).
 */
export function addTouch(touches: readonly Touch[], touch: Touch, now: number): Touch[] | null {
  const recent = touches.find(
    (existing) => existing.kind === touch.kind && sameTarget(existing.target, touch.target) && Math.abs(touch.at - existing.at) < 60_000,
  );
  if (recent && touch.kind === "view") return null;
  const kept = touches.filter((existing) => now - existing.at <= MAX_WINDOW_DAYS * DAY_MS);
  return [...kept, touch].sort((a, b) => a.at - b.at).slice(-MAX_TOUCHES);
}
