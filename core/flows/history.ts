import type { Channel, OptIn, ProfileState } from "../types";
import { OPT_IN_FLOW_ID, OPT_IN_STEP_ID } from "./opt-in";
import type { StepStatus } from "./types";

/** A flow message as the profile API shows it: each step of each run the person's state keeps. */
export interface ApiMessage {
  message_id: string;
  flow_id: string;
  run_id: string;
  step_id: string;
  channel: Channel | null;
  /** A double opt-in confirmation is also `confirmed` once its owner confirmed. */
  status: StepStatus | OptIn["status"];
  reason: string | null;
  due_at: string;
  not_before: string | null;
  attempts: number;
  updated_at: string | null;
  opened_at: string | null;
  clicked_at: string | null;
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** The person's flow messages (a double opt-in confirmation first), newest run first, with the reason for every skip or failure. */
export function messageHistory(state: Pick<ProfileState, "flows" | "opt_in">): ApiMessage[] {
  const optIn = state.opt_in?.email;
  return [...(optIn ? [optInMessage(optIn)] : []), ...flowMessages(state)];
}

function optInMessage(optIn: OptIn): ApiMessage {
  return {
    message_id: optIn.message_id,
    flow_id: OPT_IN_FLOW_ID,
    run_id: optIn.message_id,
    step_id: OPT_IN_STEP_ID,
    channel: "email",
    status: optIn.status,
    reason: optIn.reason ?? null,
    due_at: new Date(optIn.requested_at).toISOString(),
    not_before: iso(optIn.not_before),
    attempts: optIn.attempts,
    updated_at: iso(optIn.at),
    opened_at: null,
    clicked_at: iso(optIn.confirmed_at),
  };
}

function flowMessages({ flows }: Pick<ProfileState, "flows">): ApiMessage[] {
  if (!flows) return [];
  return [...flows.runs]
    .sort((a, b) => b.started_at - a.started_at)
    .flatMap((run) =>
      Object.entries(run.steps)
        .sort(([, a], [, b]) => a.due_at - b.due_at)
        .map(([stepId, step]) => ({
          message_id: step.message_id,
          flow_id: run.flow_id,
          run_id: run.id,
          step_id: stepId,
          channel: step.channel ?? null,
          status: step.status,
          reason: step.reason ?? (run.status === "exited" && step.status === "skipped" ? (run.reason ?? null) : null),
          due_at: new Date(step.due_at).toISOString(),
          not_before: iso(step.not_before),
          attempts: step.attempts,
          updated_at: iso(step.at),
          opened_at: iso(step.opened_at),
          clicked_at: iso(step.clicked_at),
        })),
    );
}
