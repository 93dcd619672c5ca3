import { chooseAction, type BanditState, type Random } from "./bandit";

/** The next-best-actions a `nba` campaign can stand for. */
export const NBA_ACTIONS = ["complete_purchase", "subscribe", "cross_sell", "review", "refer_friend", "reorder"] as const;
export type NbaAction = (typeof NBA_ACTIONS)[number];

/** The profile fields the fit of an action reads (the API's shape). */
export interface NbaProfile {
  lifecycle: string;
  cart: { items: unknown[] };
  orders: { count: number };
  subscribed: { email: boolean };
  segments: string[];
  days_since_last_order: number | null;
  predictions: { next_order_at: string | null };
}

/**
 * Which actions fit where the person is in their journey:
 * - complete_purchase: something in the cart;
 * - subscribe: not subscribed to email;
 * - cross_sell: a customer (an order or more);
 * - review: ordered in the last 60 days;
 * - refer_friend: an advocate (lifecycle advocacy) or a VIP;
 * - reorder: ordered before, and the predicted next order is within a week (or past), or lapsed.
 */
export function actionFits(action: NbaAction, profile: NbaProfile, now: number): boolean {
  switch (action) {
    case "complete_purchase":
      return profile.cart.items.length > 0;
    case "subscribe":
      return !profile.subscribed.email;
    case "cross_sell":
      return profile.orders.count > 0;
    case "review":
      return profile.days_since_last_order !== null && profile.days_since_last_order <= 60;
    case "refer_friend":
      return profile.lifecycle === "advocacy" || profile.segments.includes("vip");
    case "reorder": {
      if (profile.orders.count === 0) return false;
      const next = profile.predictions.next_order_at;
      return profile.lifecycle === "win-back" || (next !== null && Date.parse(next) - now <= 7 * 24 * 60 * 60 * 1000);
    }
  }
}

/** The bandit's segment for a person: their journey phase (actions convert differently per phase). */
export function nbaSegment(profile: NbaProfile): string {
  return profile.lifecycle;
}

/** Picks among fitting actions by Thompson sampling on what each action earned in this segment. */
export function chooseNbaAction(
  actions: readonly NbaAction[],
  profile: NbaProfile,
  bandit: BanditState,
  random: Random,
): { action: NbaAction; reason: string } {
  const choice = chooseAction(bandit, nbaSegment(profile), actions, random);
  return { action: choice.action as NbaAction, reason: `${choice.reason} among ${actions.join(", ")} for ${nbaSegment(profile)}` };
}
