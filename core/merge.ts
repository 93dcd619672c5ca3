import {
  boundCounts,
  MAX_RECENT_ITEMS,
  MAX_RECENT_SEARCHES,
  MAX_SESSION_STARTS,
  MAX_VIEWED_CATEGORIES,
  MAX_VIEWED_ITEMS,
} from "./activity";
import { MAX_ANONYMOUS_IDS, MAX_TRAITS } from "./profile";
import { mergeStickyAssignments } from "./assignment";
import { mergeCampaignHistory } from "./eligibility";
import { emptyFlowState, mergeFlowStates } from "./flows/state";
import { summarizeOrders, type OrderRecord } from "./orders";
import type { Choice, Identifier, ProfileState } from "./types";

/**
 * The later explicit choice wins; on a tie the more restrictive one (false), so a merge never
 * turns a refusal into consent.
 */
export function laterChoice(a: Choice | undefined, b: Choice | undefined): Choice | undefined {
  if (!a) return b;
  if (!b) return a;
  if (a.at !== b.at) return a.at > b.at ? a : b;
  return a.value ? b : a;
}

function mergeChoices<K extends string>(a: Partial<Record<K, Choice>>, b: Partial<Record<K, Choice>>): Partial<Record<K, Choice>> {
  const merged: Partial<Record<K, Choice>> = {};
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)]) as Set<K>) {
    const choice = laterChoice(a[key], b[key]);
    if (choice) merged[key] = choice;
  }
  return merged;
}

function sumCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const merged: Record<string, number> = { ...a };
  for (const [key, count] of Object.entries(b)) merged[key] = (Object.hasOwn(merged, key) ? (merged[key] ?? 0) : 0) + count;
  return merged;
}

const minOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const maxOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

/**
 * One person from two (identity stitching). The survivor keeps its profile id and its
 * identifiers, the absorbed person's fill the gaps; device ids, counts, views and searches are
 * united; the most recent cart wins; consent and subscriptions take the latest explicit choice
 * per purpose (ties: the more restrictive); orders are recomputed from the united ledger.
 */
export function mergeProfiles(survivor: ProfileState, absorbed: ProfileState, ledger: readonly OrderRecord[], now: number): ProfileState {
  const traits = { ...survivor.traits };
  for (const [key, value] of Object.entries(absorbed.traits)) {
    if (!Object.hasOwn(traits, key) && Object.keys(traits).length < MAX_TRAITS) traits[key] = value;
  }
  const identifiers: ProfileState["identifiers"] = {
    ...absorbed.identifiers,
    ...survivor.identifiers,
    anonymous_ids: [...new Set([...survivor.identifiers.anonymous_ids, ...absorbed.identifiers.anonymous_ids])].slice(-MAX_ANONYMOUS_IDS),
  };
  const unverified = mergeUnverified(identifiers, [...(survivor.identifiers.unverified ?? []), ...(absorbed.identifiers.unverified ?? [])]);
  if (unverified.length > 0) identifiers.unverified = unverified;
  else delete identifiers.unverified;
  const sessions = [survivor.session, absorbed.session].filter((s) => s !== null);
  const latestSession = sessions.sort((a, b) => b.last_event_at - a.last_event_at)[0] ?? null;
  const cart = (absorbed.cart.updated_at ?? -Infinity) > (survivor.cart.updated_at ?? -Infinity) ? absorbed.cart : survivor.cart;
  const allRecentViews = [...survivor.views.recent, ...absorbed.views.recent].sort((a, b) => b.at - a.at);
  const recentViews = allRecentViews
    .filter((view, index) => allRecentViews.findIndex((v) => v.item_id === view.item_id) === index)
    .slice(0, MAX_RECENT_ITEMS);
  return {
    ...survivor,
    identifiers,
    traits,
    consent_choices: mergeChoices(survivor.consent_choices, absorbed.consent_choices),
    subscriptions: mergeChoices(survivor.subscriptions, absorbed.subscriptions),
    counters: {
      events: survivor.counters.events + absorbed.counters.events,
      page_views: survivor.counters.page_views + absorbed.counters.page_views,
      sessions: survivor.counters.sessions + absorbed.counters.sessions,
    },
    session: latestSession,
    session_starts: [...survivor.session_starts, ...absorbed.session_starts].sort((a, b) => a - b).slice(-MAX_SESSION_STARTS),
    views: {
      items: boundCounts(
        sumCounts(survivor.views.items, absorbed.views.items),
        MAX_VIEWED_ITEMS,
        new Set(recentViews.map((view) => view.item_id)),
      ),
      category: boundCounts(sumCounts(survivor.views.category, absorbed.views.category), MAX_VIEWED_CATEGORIES, new Set()),
      recent: recentViews,
    },
    searches: {
      count: survivor.searches.count + absorbed.searches.count,
      recent: [...survivor.searches.recent, ...absorbed.searches.recent].sort((a, b) => b.at - a.at).slice(0, MAX_RECENT_SEARCHES),
    },
    cart,
    orders: summarizeOrders(ledger),
    campaigns: mergeCampaignHistory(survivor.campaigns, absorbed.campaigns),
    // Per campaign the assignment made first stays (normally the older person's), so a person
    // keeps seeing the variant they saw first.
    assignments:
      survivor.created_at <= absorbed.created_at
        ? mergeStickyAssignments(survivor.assignments, absorbed.assignments)
        : mergeStickyAssignments(absorbed.assignments, survivor.assignments),
    ...mergedFlows(survivor, absorbed, now),
    ...(survivor.opt_in || absorbed.opt_in ? { opt_in: survivor.opt_in ?? absorbed.opt_in } : {}),
    first_seen_at: minOf(survivor.first_seen_at, absorbed.first_seen_at),
    last_seen_at: maxOf(survivor.last_seen_at, absorbed.last_seen_at),
    created_at: Math.min(survivor.created_at, absorbed.created_at),
    updated_at: now,
  };
}

/** Both people's flow runs, so that a step one of them was sent is never sent again by the survivor. */
function mergedFlows(survivor: ProfileState, absorbed: ProfileState, now: number): Pick<ProfileState, "flows"> {
  if (!survivor.flows && !absorbed.flows) return {};
  return { flows: mergeFlowStates(survivor.flows ?? emptyFlowState(), absorbed.flows ?? emptyFlowState(), now) };
}

/** Unverified claims of both people, once each, without those that are now proven identifiers. */
function mergeUnverified(identifiers: ProfileState["identifiers"], claims: readonly Identifier[]): Identifier[] {
  const kept: Identifier[] = [];
  for (const claim of claims) {
    if (claim.kind !== "anonymous_id" && identifiers[claim.kind] === claim.value) continue;
    if (!kept.some((k) => k.kind === claim.kind && k.value === claim.value)) kept.push(claim);
  }
  return kept;
}

/** Two people who each have a different customer id are never merged on a weaker identifier. */
export function mergeConflict(survivor: Pick<ProfileState, "identifiers">, absorbed: Pick<ProfileState, "identifiers">): string | null {
  const a = survivor.identifiers.customer_id;
  const b = absorbed.identifiers.customer_id;
  return a !== undefined && b !== undefined && a !== b ? "different_customer_ids" : null;
}
