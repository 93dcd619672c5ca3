/**
 * Two people found to be one: their results are united and whatever was counted twice is taken
 * back, so merged devices count as one person. The survivor's membership of a campaign stays;
 * the absorbed person's (in the same or another part) is withdrawn, as are a second count as a
 * flow's recipient, a second conversion on one target, and an order both had credited.
 */
import { MAX_TOUCHES, targetKey } from "./attribution";
import { count, MAX_CREDITED_ORDERS, type PersonResults, type ResultsChange } from "./person";
import type { ReportCount } from "./types";

function mergeCampaigns(survivor: PersonResults, absorbed: PersonResults, counts: ReportCount[]): PersonResults["campaigns"] {
  const campaigns = { ...survivor.campaigns };
  for (const [id, member] of Object.entries(absorbed.campaigns)) {
    if (!Object.hasOwn(campaigns, id)) campaigns[id] = member;
    else counts.push(count({ subject: "campaign", id, part: member.part }, member.day, "people", -1));
  }
  return campaigns;
}

function mergeFlows(survivor: PersonResults, absorbed: PersonResults, counts: ReportCount[]): PersonResults["flows"] {
  const flows = { ...survivor.flows };
  for (const [id, recipient] of Object.entries(absorbed.flows)) {
    if (!Object.hasOwn(flows, id)) flows[id] = recipient;
    else counts.push(count({ subject: "flow", id, part: "" }, recipient.day, "recipients", -1));
  }
  return flows;
}

/** An order both people credited (one purchase reported on two devices) keeps the survivor's credit only. */
function mergeOrders(survivor: PersonResults, absorbed: PersonResults, counts: ReportCount[]) {
  const orders = { ...survivor.orders };
  const converted = { ...absorbed.converted };
  for (const [id, order] of Object.entries(absorbed.orders)) {
    if (!Object.hasOwn(orders, id)) {
      orders[id] = order;
      continue;
    }
    counts.push(count(order.target, order.day, "revenue", -1, -order.amount));
    const key = targetKey(order.target);
    const entry = converted[key];
    if (!entry) continue;
    if (entry.orders > 1) converted[key] = { ...entry, orders: entry.orders - 1 };
    else {
      delete converted[key];
      counts.push(count(order.target, entry.day, "conversions", -1));
    }
  }
  const newest = Object.entries(orders)
    .sort(([, a], [, b]) => b.day.localeCompare(a.day))
    .slice(0, MAX_CREDITED_ORDERS);
  return { orders: Object.fromEntries(newest), absorbedConverted: converted };
}

/** A target both people converted on counts one converting person. */
function mergeConverted(
  survivor: PersonResults["converted"],
  absorbed: PersonResults["converted"],
  counts: ReportCount[],
): PersonResults["converted"] {
  const converted = { ...survivor };
  for (const [key, entry] of Object.entries(absorbed)) {
    const mine = converted[key];
    if (!mine) {
      converted[key] = entry;
      continue;
    }
    converted[key] = { ...mine, orders: mine.orders + entry.orders };
    counts.push(count(entry.target, entry.day, "conversions", -1));
  }
  return converted;
}

export function mergeResults(survivor: PersonResults, absorbed: PersonResults): ResultsChange {
  const counts: ReportCount[] = [];
  const campaigns = mergeCampaigns(survivor, absorbed, counts);
  const flows = mergeFlows(survivor, absorbed, counts);
  const { orders, absorbedConverted } = mergeOrders(survivor, absorbed, counts);
  const converted = mergeConverted(survivor.converted, absorbedConverted, counts);
  const touches = [...survivor.touches, ...absorbed.touches].sort((a, b) => a.at - b.at).slice(-MAX_TOUCHES);
  return { results: { touches, campaigns, flows, converted, orders }, counts };
}
