/**
 * A flow's results from a person's sends and tracked links: per step, what was sent, delivered,
 * failed or skipped (and why), and the first open and click of each message; per flow, its
 * recipients. Opens and clicks are also touches that may credit a later order.
 */
import { localDay } from "../time-zone";
import type { CheckNote } from "../flows/send-check";
import { OPT_IN_FLOW_ID } from "../flows/opt-in";
import { findMessage } from "../flows/state";
import type { FlowState, MessageInteraction, SendOrder } from "../flows/types";
import type { ProfileState } from "../types";
import { flowTarget } from "./attribution";
import { count, emptyResults, recordMessageTouch, recordRecipient } from "./person";
import type { ReportCount } from "./types";

/** The double opt-in confirmation belongs to no flow of the shop: it is not reported. */
const reported = (flowId: string): boolean => flowId !== OPT_IN_FLOW_ID;

/**
 * Counts of one dispatch: the check's skips and exits, first attempts as `sent`, and what each
 * delivery settled into (`delivered`, `failed`, or skipped when its run ended meanwhile), read from
 * the state after the outcomes were applied. Delivered messages make the person the flow's recipient.
 */
export function resultsOfDispatch(
  state: ProfileState,
  notes: readonly CheckNote[],
  orders: readonly SendOrder[],
  now: number,
  timezone: string,
): { state: ProfileState; counts: ReportCount[] } {
  const day = localDay(now, timezone);
  const counts: ReportCount[] = [];
  for (const note of notes) {
    if ((note.outcome === "skipped" || note.outcome === "exited") && reported(note.flow_id))
      counts.push(count(flowTarget(note.flow_id, note.step_id), day, `skipped:${note.reason}`));
  }
  let results = state.results;
  const flows: FlowState | undefined = state.flows;
  for (const order of orders) {
    if (!reported(order.flow_id)) continue;
    const target = flowTarget(order.flow_id, order.step_id);
    if (order.attempt === 1) counts.push(count(target, day, "sent"));
    const step = flows ? findMessage(flows, order.message_id)?.step : undefined;
    if (step?.status === "sent") {
      counts.push(count(target, day, "delivered"));
      const recipient = recordRecipient(results ?? emptyResults(), order.flow_id, now, timezone);
      results = recipient.results;
      counts.push(...recipient.counts);
    } else if (step?.status === "failed") counts.push(count(target, day, "failed"));
    else if (step?.status === "skipped") counts.push(count(target, day, `skipped:${step.reason ?? "ended"}`));
  }
  return { state: results === state.results ? state : { ...state, results }, counts };
}

/**
 * An open or a click of a message: the first of each kind counts (a first click is a first open
 * too), and either is a touch for attribution.
 */
export function resultsOfInteraction(
  before: FlowState,
  after: ProfileState,
  messageId: string,
  kind: MessageInteraction,
  at: number,
  timezone: string,
): { state: ProfileState; counts: ReportCount[] } {
  const was = findMessage(before, messageId);
  if (!was) return { state: after, counts: [] };
  const { run, step_id, step } = was;
  let results = after.results ?? emptyResults();
  const counts: ReportCount[] = [];
  const firstOpen = step.opened_at === undefined;
  const firstClick = kind === "click" && step.clicked_at === undefined;
  if (kind === "click" && firstOpen) counts.push(count(flowTarget(run.flow_id, step_id), localDay(at, timezone), "opened"));
  const change = recordMessageTouch(results, run.flow_id, step_id, kind, kind === "click" ? firstClick : firstOpen, at, timezone);
  results = change.results;
  counts.push(...change.counts);
  return { state: { ...after, results }, counts };
}
