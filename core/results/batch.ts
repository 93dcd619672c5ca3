/**
 * A batch's part in the results: its verified `nudge_*` events and its orders, in the order they
 * were stored, so a click and the purchase after it in one batch are credited as they happened.
 */
import type { BatchOutcome } from "../profile";
import type { ProfileState } from "../types";
import { creditOrder, emptyResults, recordHoldout, refundOrder, recordNudge, type ResultSettings, type ResultsChange } from "./person";
import type { ReportCount } from "./types";

const NUDGE_KINDS = { nudge_impression: "impression", nudge_click: "click", nudge_dismiss: "dismiss" } as const;

function isNudge(type: string): type is keyof typeof NUDGE_KINDS {
  return Object.hasOwn(NUDGE_KINDS, type);
}

/** The batch's outcome with the person's results updated, and the report counts it adds. */
export function resultsOfBatch(outcome: BatchOutcome, settings: ResultSettings): { outcome: BatchOutcome; counts: ReportCount[] } {
  const counts: ReportCount[] = [];
  let results = outcome.state.results;
  const take = (change: ResultsChange) => {
    results = change.results;
    counts.push(...change.counts);
  };
  for (const event of outcome.stored) {
    const current = results ?? emptyResults();
    if (isNudge(event.type) && event.campaign_id && event.variant_id) {
      take(recordNudge(current, NUDGE_KINDS[event.type], event.campaign_id, event.variant_id, event.ts, settings.timezone));
      continue;
    }
    const change = outcome.orderChanges.get(event);
    if (change?.kind === "order" && results) take(creditOrder(current, change, settings));
    if (change?.kind === "refund" && results) take(refundOrder(current, change.transaction_id, change.amount, change.full));
  }
  if (results === outcome.state.results) return { outcome, counts };
  return { outcome: { ...outcome, state: { ...outcome.state, results } }, counts };
}

/** Held-out decisions of a person whose state is kept: each joins the holdout (once) and counts as a view. */
export function resultsOfHoldouts(
  state: ProfileState,
  campaignIds: readonly string[],
  now: number,
  timezone: string,
): { state: ProfileState; counts: ReportCount[] } {
  if (campaignIds.length === 0) return { state, counts: [] };
  let results = state.results ?? emptyResults();
  const counts: ReportCount[] = [];
  for (const id of campaignIds) {
    const change = recordHoldout(results, id, now, timezone);
    results = change.results;
    counts.push(...change.counts);
  }
  return results === state.results ? { state, counts } : { state: { ...state, results }, counts };
}
