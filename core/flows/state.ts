/**
 * The bookkeeping of a person's flow runs: what a delivery or an open changes, when the send-time
 * check next has work, how two people's runs unite when they turn out to be one, and the bound
 * that keeps the state small.
 */
import type { Channel } from "../types";
import { MAX_ATTEMPTS } from "./retry";
import type { DeliveryOutcome, FlowRun, FlowState, MessageInteraction, StepState } from "./types";

/** A send whose outcome was never recorded (the isolate died mid-send) is looked at again after this. */
export const SEND_LEASE_MS = 5 * 60_000;

/** Ended runs kept per flow (reports, `unless_opened`), and runs kept in all. */
const ENDED_RUNS_PER_FLOW = 2;
const MAX_RUNS = 50;

export function emptyFlowState(): FlowState {
  return { runs: [], history: {}, last_sent: {} };
}

export function findMessage(flows: FlowState, messageId: string): { run: FlowRun; step_id: string; step: StepState } | null {
  for (const run of flows.runs) {
    for (const [step_id, step] of Object.entries(run.steps)) {
      if (step.message_id === messageId) return { run, step_id, step };
    }
  }
  return null;
}

const isSettled = (step: StepState) => step.status !== "pending" && step.status !== "sending";

/** An active run whose steps are all settled is complete. */
export function completeIfSettled(run: FlowRun, now: number): FlowRun {
  if (run.status !== "active" || !Object.values(run.steps).every(isSettled)) return run;
  return { ...run, status: "completed", ended_at: now };
}

function withStep(flows: FlowState, runId: string, stepId: string, step: StepState, now: number): FlowState {
  return {
    ...flows,
    runs: flows.runs.map((run) => (run.id === runId ? completeIfSettled({ ...run, steps: { ...run.steps, [stepId]: step } }, now) : run)),
  };
}

/** Records what delivering a message came to. Only a step being sent changes: a repeated report changes nothing. */
export function recordOutcome(flows: FlowState, messageId: string, outcome: DeliveryOutcome, now: number): FlowState {
  const found = findMessage(flows, messageId);
  if (found?.step.status !== "sending") return flows;
  const { run, step_id, step } = found;
  const settled = { ...step, at: now, not_before: undefined };
  let next: StepState;
  if (outcome.status === "sent") next = { ...settled, status: "sent", reason: undefined };
  else if (outcome.status === "failed") next = { ...settled, status: "failed", reason: outcome.reason };
  else if (step.attempts >= MAX_ATTEMPTS) next = { ...settled, status: "failed", reason: outcome.reason };
  // A run that ended while this send was out (a merge) takes no more tries.
  else if (run.status !== "active") next = { ...settled, status: "skipped", reason: run.reason ?? run.status };
  else next = { ...step, status: "pending", at: now, not_before: outcome.retry_at };
  return withStep(flows, run.id, step_id, next, now);
}

/** Records an open or a click (a click proves an open too); the first one of each counts. */
export function recordInteraction(
  flows: FlowState,
  messageId: string,
  kind: MessageInteraction,
  at: number,
): { flows: FlowState; found: boolean } {
  const found = findMessage(flows, messageId);
  if (!found) return { flows, found: false };
  const { run, step_id, step } = found;
  const next: StepState = {
    ...step,
    opened_at: step.opened_at ?? at,
    clicked_at: kind === "click" ? (step.clicked_at ?? at) : step.clicked_at,
  };
  if (next.opened_at === step.opened_at && next.clicked_at === step.clicked_at) return { flows, found: true };
  return {
    flows: { ...flows, runs: flows.runs.map((r) => (r.id === run.id ? { ...r, steps: { ...r.steps, [step_id]: next } } : r)) },
    found: true,
  };
}

/** The earliest moment the send-time check has work for this person, or null when it has none. */
export function nextDueAt(flows: FlowState): number | null {
  let earliest: number | null = null;
  const consider = (at: number) => {
    if (earliest === null || at < earliest) earliest = at;
  };
  for (const run of flows.runs) {
    for (const step of Object.values(run.steps)) {
      if (step.status === "pending" && run.status === "active") consider(Math.max(step.due_at, step.not_before ?? 0));
      if (step.status === "sending") consider((step.at ?? step.due_at) + SEND_LEASE_MS);
    }
  }
  return earliest;
}

const endedAt = (run: FlowRun) => run.ended_at ?? run.started_at;

/** Keeps every active run, the latest ended runs of each flow, and at most MAX_RUNS in all (the oldest ended go first). */
export function pruneFlowState(flows: FlowState): FlowState {
  const ended = flows.runs.filter((run) => run.status !== "active").sort((a, b) => endedAt(b) - endedAt(a));
  const perFlow = new Map<string, number>();
  const keptEnded = ended.filter((run) => {
    const count = perFlow.get(run.flow_id) ?? 0;
    perFlow.set(run.flow_id, count + 1);
    return count < ENDED_RUNS_PER_FLOW;
  });
  const active = flows.runs.filter((run) => run.status === "active").length;
  const keep = new Set(keptEnded.slice(0, Math.max(0, MAX_RUNS - active)));
  const runs = flows.runs.filter((run) => run.status === "active" || keep.has(run));
  return runs.length === flows.runs.length ? flows : { ...flows, runs };
}

const hasProgress = (run: FlowRun) => Object.values(run.steps).some((step) => step.status === "sent" || step.status === "sending");

/** Of two active runs of one flow, the one to keep: the one that already sent, else the earlier. */
function preferred(a: FlowRun, b: FlowRun): FlowRun {
  if (hasProgress(a) !== hasProgress(b)) return hasProgress(a) ? a : b;
  if (a.started_at !== b.started_at) return a.started_at < b.started_at ? a : b;
  return a.id <= b.id ? a : b;
}

function endAsMerged(run: FlowRun, now: number): FlowRun {
  const steps = Object.fromEntries(
    Object.entries(run.steps).map(([id, step]) => [
      id,
      step.status === "pending" ? { ...step, status: "skipped" as const, at: now, reason: "merged" } : step,
    ]),
  );
  return { ...run, status: "exited", reason: "merged", ended_at: now, steps };
}

/**
 * Unites the flow state of two people found to be one. Each flow keeps at most one active run, so
 * the person gets no message twice; a step already sent stays sent under its own message id.
 */
export function mergeFlowStates(survivor: FlowState, absorbed: FlowState, now: number): FlowState {
  const known = new Set(survivor.runs.map((run) => run.id));
  const union = [...survivor.runs, ...absorbed.runs.filter((run) => !known.has(run.id))];
  const keeper = new Map<string, FlowRun>();
  for (const run of union) {
    if (run.status !== "active") continue;
    const other = keeper.get(run.flow_id);
    keeper.set(run.flow_id, other ? preferred(other, run) : run);
  }
  const runs = union.map((run) => (run.status === "active" && keeper.get(run.flow_id) !== run ? endAsMerged(run, now) : run));

  const history: FlowState["history"] = { ...survivor.history };
  for (const [flowId, theirs] of Object.entries(absorbed.history)) {
    const ours = history[flowId];
    history[flowId] = ours
      ? {
          last_started_at: Math.max(ours.last_started_at, theirs.last_started_at),
          last_anchor_at: Math.max(ours.last_anchor_at, theirs.last_anchor_at),
          runs: ours.runs + theirs.runs,
        }
      : theirs;
  }
  const last_sent: FlowState["last_sent"] = { ...survivor.last_sent };
  for (const [channel, at] of Object.entries(absorbed.last_sent) as [Channel, number][]) {
    last_sent[channel] = Math.max(last_sent[channel] ?? at, at);
  }
  return pruneFlowState({ runs, history, last_sent });
}
