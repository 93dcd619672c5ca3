/**
 * The send-time check: what was scheduled is re-checked against the live profile before anything
 * goes out. Runs of flows that were switched off, deleted or left (a purchase, the exit rule) end;
 * each due step is then sent, postponed (quiet hours) or skipped, always with a reason. A step
 * cleared here is marked `sending` in the same synchronous pass, so it is never sent twice.
 */
import type { ApiProfile } from "../profile-view";
import { evaluateRule } from "../rules";
import type { Channel, ProfileState } from "../types";
import { confirmedAddress } from "./opt-in";
import { quietHoursEnd } from "./quiet-hours";
import { completeIfSettled, SEND_LEASE_MS } from "./state";
import type { FlowDefinition, FlowRun, FlowState, SendOrder, SendSettings, StepState } from "./types";

/** A step not sent within this long after it was due (or postponed to) is no longer timely. */
export const STALE_AFTER_MS = 12 * 60 * 60 * 1000;

const HOUR_MS = 60 * 60 * 1000;

export interface CheckInput {
  /** All of the shop's flows, enabled or not. */
  definitions: readonly FlowDefinition[];
  state: ProfileState;
  current: FlowState;
  profile: ApiProfile;
  settings: SendSettings;
  now: number;
}

export interface CheckNote {
  message_id: string;
  flow_id: string;
  step_id: string;
  outcome: "send" | "skipped" | "postponed" | "exited";
  reason: string;
  /** Postponed until then. */
  until?: number;
}

type Verdict = { skip: string } | { postpone: number } | { to: string; channel: Channel };

const sendableAt = (step: StepState) => Math.max(step.due_at, step.not_before ?? 0);

/** Why a run must end now, or null. */
function exitReason(run: FlowRun, definition: FlowDefinition | undefined, input: CheckInput): string | null {
  if (!definition) return "flow_deleted";
  if (!definition.enabled) return "flow_disabled";
  if (definition.exit && evaluateRule(definition.exit, { profile: input.profile, context: {} }).match) return "exit_rule";
  const { type } = definition.trigger;
  if (type !== "cart_abandoned" && type !== "browse_abandoned") return null;
  const { orders, cart } = input.state;
  if (orders.last_at !== null && orders.last_at >= run.anchor_at) return "purchased";
  if (type === "cart_abandoned" && cart.items.length === 0) return "cart_emptied";
  if (type === "browse_abandoned" && cart.items.length > 0) return "added_to_cart";
  return null;
}

/** A proven address, else one its owner confirmed (double opt-in); a mere claim is never written to. */
function addressFor(channel: Channel, state: ProfileState): { to: string } | { skip: string } {
  const kind = channel === "email" ? "email" : "phone";
  const address = state.identifiers[kind] ?? confirmedAddress(state, channel);
  if (address) return { to: address };
  const claimed = state.identifiers.unverified?.some((identifier) => identifier.kind === kind);
  return { skip: claimed ? "unverified_address" : "no_address" };
}

function verdict(run: FlowRun, stepId: string, step: StepState, definition: FlowDefinition, flows: FlowState, input: CheckInput): Verdict {
  const { now, state, profile, settings } = input;
  if (now > Math.max(step.due_at, step.not_before ?? step.due_at) + STALE_AFTER_MS) return { skip: "stale" };
  const stepDefinition = definition.steps.find((candidate) => candidate.id === stepId);
  if (!stepDefinition) return { skip: "step_removed" };
  const channel = stepDefinition.channel;
  const address = addressFor(channel, state);
  if ("skip" in address) return address;
  if (!profile.consent.marketing) return { skip: "no_consent" };
  const subscription = state.subscriptions[channel];
  if (!subscription) return { skip: "not_subscribed" };
  if (!subscription.value) return { skip: "unsubscribed" };
  if (!settings.channels[channel]) return { skip: "no_channel" };
  if (stepDefinition.conditions && !evaluateRule(stepDefinition.conditions, { profile, context: {} }).match) return { skip: "conditions" };
  if (stepDefinition.unless_opened && run.steps[stepDefinition.unless_opened]?.opened_at !== undefined) return { skip: "opened" };
  if (channel === "sms") {
    const quietUntil = quietHoursEnd(now, settings.timezone, settings.quiet_hours);
    if (quietUntil !== null) return { postpone: quietUntil };
  }
  // A retry is the same message again: the window only spaces out different messages.
  const last = flows.last_sent[channel];
  if (step.attempts === 0 && last !== undefined && now - last < settings.smart_sending_hours * HOUR_MS) return { skip: "smart_sending" };
  return { to: address.to, channel };
}

/** Ends runs that must end, then decides each due step; returns the new state, what to send and why. */
export function checkDue(input: CheckInput): { flows: FlowState; sends: SendOrder[]; notes: CheckNote[] } {
  const { now } = input;
  const notes: CheckNote[] = [];
  const sends: SendOrder[] = [];
  const last_sent = { ...input.current.last_sent };
  const note = (run: FlowRun, stepId: string, outcome: CheckNote["outcome"], reason: string, until?: number) =>
    notes.push({
      message_id: run.steps[stepId]?.message_id ?? "",
      flow_id: run.flow_id,
      step_id: stepId,
      outcome,
      reason,
      ...(until === undefined ? {} : { until }),
    });

  const runs = input.current.runs.map((original) => {
    const run: FlowRun = { ...original, steps: { ...original.steps } };
    // The outcome of a send that never reported back is unknown; it is not sent again.
    for (const [id, step] of Object.entries(run.steps)) {
      if (step.status === "sending" && now - (step.at ?? step.due_at) >= SEND_LEASE_MS) {
        run.steps[id] = { ...step, status: "unknown", at: now, reason: "interrupted" };
        note(run, id, "skipped", "interrupted");
      }
    }
    if (run.status !== "active") return run;
    const definition = input.definitions.find((flow) => flow.id === run.flow_id);
    const exit = exitReason(run, definition, input);
    if (exit !== null) {
      for (const [id, step] of Object.entries(run.steps)) {
        if (step.status !== "pending") continue;
        run.steps[id] = { ...step, status: "skipped", at: now, reason: exit };
        note(run, id, "exited", exit);
      }
      return { ...run, status: "exited" as const, reason: exit, ended_at: now };
    }
    return run;
  });

  const due = runs
    .flatMap((run) =>
      run.status === "active"
        ? Object.entries(run.steps)
            .filter(([, step]) => step.status === "pending" && sendableAt(step) <= now)
            .map(([stepId, step]) => ({ run, stepId, step }))
        : [],
    )
    .sort((a, b) => sendableAt(a.step) - sendableAt(b.step) || a.step.message_id.localeCompare(b.step.message_id));

  for (const { run, stepId, step } of due) {
    const definition = input.definitions.find((flow) => flow.id === run.flow_id);
    if (!definition) continue;
    const decided = verdict(run, stepId, step, definition, { ...input.current, last_sent }, input);
    if ("skip" in decided) {
      run.steps[stepId] = { ...step, status: "skipped", at: now, reason: decided.skip };
      note(run, stepId, "skipped", decided.skip);
    } else if ("postpone" in decided) {
      run.steps[stepId] = { ...step, not_before: decided.postpone };
      note(run, stepId, "postponed", "quiet_hours", decided.postpone);
    } else {
      const { channel, to } = decided;
      const attempt = step.attempts + 1;
      run.steps[stepId] = { ...step, status: "sending", attempts: attempt, at: now, channel };
      last_sent[channel] = now;
      sends.push({ run_id: run.id, flow_id: run.flow_id, step_id: stepId, message_id: step.message_id, channel, to, attempt });
      note(run, stepId, "send", attempt === 1 ? "due" : "retry");
    }
  }

  return { flows: { ...input.current, runs: runs.map((run) => completeIfSettled(run, now)), last_sent }, sends, notes };
}
