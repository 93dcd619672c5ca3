/**
 * A flow's results from a person's sends and tracked links: per step, what was sent, delivered,
 * failed or skipped (and why), and the first open and click of each message; per flow, its
 * recipients. Opens and clicks are also touches that may credit a later order.
 */
import { localDay } from "../time-zone";
import { OPT_IN_FLOW_ID } from "../flows/opt-in";
import { findMessage } from "../flows/state";
import type { FlowState, MessageInteraction, SendOrder } from "../flows/types";
import type { ProfileState } from "../types";
import { flowTarget } from "./attribution";
import { count, emptyResults, recordMessageTouch, recordRecipient } from "./person";
import type { ReportCount } from "./types";

/** The double opt-in confirmation belongs to no flow of the shop: it is not reported. */
const reported = (flowId: string): boolean => flowId !== OPT_IN_FLOW_ID;

const SKIPPED = new Set(["skipped", "unknown"]);

/**
 * What changed between two flow states of one person, as counts: each step that settled as
 * `delivered`, `failed` or skipped (with its reason; `unknown` is an interrupted send) since
 * `before`. Callers diff states with no await between them, so each change is counted once,
 * wherever it happened (planning a batch, the send-time check, a delivery's outcome).
 */
function settledSteps(before: FlowState | undefined, after: FlowState | undefined, day: string): ReportCount[] {
  const counts: ReportCount[] = [];
  for (const run of after?.runs ?? []) {
    const earlier = before?.runs.find((candidate) => candidate.id === run.id);
    for (const [stepId, step] of Object.entries(run.steps)) {
      const was = earlier?.steps[stepId];
      if (was?.status === step.status) continue;
      const target = flowTarget(run.flow_id, stepId);
      if (step.status === "sent") counts.push(count(target, day, "delivered"));
      else if (step.status === "failed") counts.push(count(target, day, "failed"));
      else if (SKIPPED.has(step.status)) counts.push(count(target, day, `skipped:${step.reason ?? step.status}`));
    }
  }
  return counts;
}

/** Steps a batch's planning ended (a purchase exits a cart run, a run started too late is `stale`). */
export function resultsOfPlanning(
  before: FlowState | undefined,
  after: FlowState | undefined,
  now: number,
  timezone: string,
): ReportCount[] {
  return settledSteps(before, after, localDay(now, timezone));
}

/** The send-time check's part of a dispatch: what it skipped or ended, and first attempts as `sent`. */
export function resultsOfCheck(
  before: FlowState | undefined,
  after: FlowState | undefined,
  orders: readonly SendOrder[],
  now: number,
  timezone: string,
): ReportCount[] {
  const day = localDay(now, timezone);
  const sent = orders.filter((order) => reported(order.flow_id) && order.attempt === 1);
  return [...settledSteps(before, after, day), ...sent.map((order) => count(flowTarget(order.flow_id, order.step_id), day, "sent"))];
}

/**
 * The deliveries' part of a dispatch: what each settled into, from the state before and after
 * the outcomes were applied; a delivered message makes the person its flow's recipient (once).
 */
export function resultsOfDeliveries(
  before: ProfileState,
  after: ProfileState,
  now: number,
  timezone: string,
): { state: ProfileState; counts: ReportCount[] } {
  const counts = settledSteps(before.flows, after.flows, localDay(now, timezone));
  let results = after.results;
  for (const delivered of counts.filter((c) => c.metric === "delivered")) {
    const recipient = recordRecipient(results ?? emptyResults(), delivered.subject_id, now, timezone);
    results = recipient.results;
    counts.push(...recipient.counts);
  }
  return { state: results === after.results ? after : { ...after, results }, counts };
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
