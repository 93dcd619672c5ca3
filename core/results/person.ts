/**
 * A person's part of the results: what they were counted as (a variant's or a holdout's person,
 * a flow's recipient, a converter), their recent touches and the orders credited. Each change
 * returns the new state and the report counts it adds, so counters are incremented exactly when
 * the person's state changes, and undone exactly when a refund or a merge takes it back.
 */
import { localDay } from "../time-zone";
import {
  addTouch,
  attribute,
  campaignTarget,
  flowTarget,
  targetKey,
  type AttributionWindows,
  type Target,
  type Touch,
} from "./attribution";
import type { ReportCount, ReportMetric } from "./types";

export interface CreditedOrder {
  target: Target;
  /** The order's day (its counters' day, also for refunds). */
  day: string;
  /** What is still credited, in hundredths (net of refunds). */
  amount: number;
}

export interface PersonResults {
  touches: Touch[];
  /** Per campaign, the part the person was counted in (`people`) and on which day. */
  campaigns: Record<string, { part: string; day: string }>;
  /** Per flow, the day the person was counted as a recipient. */
  flows: Record<string, { day: string }>;
  /** Per target key, the orders credited and still live, and the day the person was counted as converted. */
  converted: Record<string, { target: Target; orders: number; day: string }>;
  /** Credited orders by transaction id (the latest, bounded). */
  orders: Record<string, CreditedOrder>;
}

export interface ResultSettings extends AttributionWindows {
  timezone: string;
}

export const DEFAULT_RESULT_SETTINGS: ResultSettings = { timezone: "UTC", click_days: 7, view_days: 1 };

export interface ResultsChange {
  results: PersonResults;
  counts: ReportCount[];
}

export const MAX_CREDITED_ORDERS = 100;

export function emptyResults(): PersonResults {
  return { touches: [], campaigns: {}, flows: {}, converted: {}, orders: {} };
}

export function count(target: Target, day: string, metric: ReportMetric, n = 1, amount = 0): ReportCount {
  return { subject: target.subject, subject_id: target.id, part: target.part, day, metric, count: n, amount };
}

/** Money in hundredths, so that counters add up exactly. */
const toHundredths = (value: number): number => Math.round(value * 100);

/** A person joins a campaign's variant or holdout once: `people` counts them on that day. */
function join(results: PersonResults, target: Target, day: string): ResultsChange {
  if (Object.hasOwn(results.campaigns, target.id)) return { results, counts: [] };
  return {
    results: { ...results, campaigns: { ...results.campaigns, [target.id]: { part: target.part, day } } },
    counts: [count(target, day, "people")],
  };
}

function touched(results: PersonResults, touch: Touch, now: number): PersonResults {
  const touches = addTouch(results.touches, touch, now);
  return touches ? { ...results, touches } : results;
}

/** A shown decision (`nudge_impression`), a click or a dismissal, verified and counted once per decision. */
export function recordNudge(
  results: PersonResults,
  kind: "impression" | "click" | "dismiss",
  campaignId: string,
  variantId: string,
  at: number,
  timezone: string,
): ResultsChange {
  const target = campaignTarget(campaignId, variantId);
  const day = localDay(at, timezone);
  const joined = join(results, target, day);
  const metric = kind === "impression" ? "impressions" : kind === "click" ? "clicks" : "dismissals";
  const counts = [...joined.counts, count(target, day, metric)];
  if (kind === "dismiss") return { results: joined.results, counts };
  return { results: touched(joined.results, { target, kind: kind === "click" ? "click" : "view", at }, at), counts };
}

/**
 * The engine would have shown the campaign but the holdout kept it back: the person joins the
 * holdout (once) and the decision counts like an impression for attribution.
 */
export function recordHoldout(results: PersonResults, campaignId: string, at: number, timezone: string): ResultsChange {
  const target = campaignTarget(campaignId, null);
  const joined = join(results, target, localDay(at, timezone));
  return { results: touched(joined.results, { target, kind: "view", at }, at), counts: joined.counts };
}

/** A flow message was delivered to the person: they count once as the flow's recipient. */
export function recordRecipient(results: PersonResults, flowId: string, at: number, timezone: string): ResultsChange {
  if (Object.hasOwn(results.flows, flowId)) return { results, counts: [] };
  const day = localDay(at, timezone);
  return {
    results: { ...results, flows: { ...results.flows, [flowId]: { day } } },
    counts: [count({ subject: "flow", id: flowId, part: "" }, day, "recipients")],
  };
}

/** A message's open or click: counted when it is the message's first of its kind, and a touch either way. */
export function recordMessageTouch(
  results: PersonResults,
  flowId: string,
  stepId: string,
  kind: "open" | "click",
  first: boolean,
  at: number,
  timezone: string,
): ResultsChange {
  const target = flowTarget(flowId, stepId);
  const counts = first ? [count(target, localDay(at, timezone), kind === "open" ? "opened" : "clicked")] : [];
  return { results: touched(results, { target, kind: kind === "click" ? "click" : "view", at }, at), counts };
}

/** The newest credited orders, at most `MAX_CREDITED_ORDERS`. */
function boundOrders(orders: Record<string, CreditedOrder>): Record<string, CreditedOrder> {
  const entries = Object.entries(orders);
  if (entries.length <= MAX_CREDITED_ORDERS) return orders;
  return Object.fromEntries(entries.sort(([, a], [, b]) => b.day.localeCompare(a.day)).slice(0, MAX_CREDITED_ORDERS));
}

/**
 * A new order: credited to the last click or view in the shop's windows (see attribution.ts),
 * adding its revenue, and a conversion when it is the person's first live order credited there.
 * An order credited before (the same transaction reported again) changes nothing.
 */
export function creditOrder(
  results: PersonResults,
  order: { transaction_id: string; at: number; value: number },
  settings: ResultSettings,
): ResultsChange {
  if (Object.hasOwn(results.orders, order.transaction_id)) return { results, counts: [] };
  const attribution = attribute(results.touches, order.at, settings);
  if (!attribution.target) return { results, counts: [] };
  const { target } = attribution;
  const day = localDay(order.at, settings.timezone);
  const amount = toHundredths(order.value);
  const key = targetKey(target);
  const converted = results.converted[key];
  const counts = [count(target, day, "revenue", 1, amount)];
  if (!converted || converted.orders === 0) counts.push(count(target, day, "conversions"));
  return {
    results: {
      ...results,
      converted: { ...results.converted, [key]: { target, orders: (converted?.orders ?? 0) + 1, day: converted?.day ?? day } },
      orders: boundOrders({ ...results.orders, [order.transaction_id]: { target, day, amount } }),
    },
    counts,
  };
}

/** Takes one live order off a target; the conversion goes too when it was the person's last one there. */
function dropConversion(results: PersonResults, target: Target): ResultsChange {
  const key = targetKey(target);
  const converted = results.converted[key];
  if (!converted) return { results, counts: [] };
  if (converted.orders > 1) {
    return {
      results: { ...results, converted: { ...results.converted, [key]: { ...converted, orders: converted.orders - 1 } } },
      counts: [],
    };
  }
  const { [key]: _gone, ...rest } = results.converted;
  return { results: { ...results, converted: rest }, counts: [count(target, converted.day, "conversions", -1)] };
}

/**
 * A refund subtracts what it refunds from the revenue of the order's target, on the order's day;
 * a full refund also takes the order (and, with the person's last order there, the conversion) back.
 */
export function refundOrder(results: PersonResults, transactionId: string, refunded: number, full: boolean): ResultsChange {
  const order = results.orders[transactionId];
  if (!order) return { results, counts: [] };
  const amount = Math.min(toHundredths(refunded), order.amount);
  if (!full) {
    const orders = { ...results.orders, [transactionId]: { ...order, amount: order.amount - amount } };
    return { results: { ...results, orders }, counts: [count(order.target, order.day, "revenue", 0, -amount)] };
  }
  const { [transactionId]: _refunded, ...orders } = results.orders;
  const dropped = dropConversion({ ...results, orders }, order.target);
  return { results: dropped.results, counts: [count(order.target, order.day, "revenue", -1, -order.amount), ...dropped.counts] };
}
