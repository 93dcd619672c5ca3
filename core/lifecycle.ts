import { daysBetween } from "./time";
import type { Lifecycle, ProfileState } from "./types";

/** A customer with no order for this many days is lapsed (win-back). */
export const LAPSED_AFTER_DAYS = 120;
/** Orders from which a customer counts as an advocate (reviews, referrals). */
export const ADVOCATE_ORDERS = 3;

/**
 * The journey phase:
 * - win-back: has ordered, but not for 120 days;
 * - advocacy: 3 or more orders, the last within 120 days;
 * - retention: 1–2 orders, the last within 120 days;
 * - conversion: no order yet, something in the cart;
 * - consideration: no order or cart, but viewed a product, searched, or came back for a 2nd session;
 * - awareness: everyone else.
 */
export function lifecyclePhase(state: ProfileState, now: number): Lifecycle {
  const { orders } = state;
  if (orders.count > 0 && orders.last_at !== null) {
    if (daysBetween(orders.last_at, now) > LAPSED_AFTER_DAYS) return "win-back";
    return orders.count >= ADVOCATE_ORDERS ? "advocacy" : "retention";
  }
  if (state.cart.items.length > 0) return "conversion";
  const viewedItems = Object.keys(state.views.items).length > 0;
  if (viewedItems || state.searches.count > 0 || state.counters.sessions >= 2) return "consideration";
  return "awareness";
}
