import type { Channel } from "../types";
import type { FlowState, StepStatus } from "./types";

/** A flow message as the profile API shows it: each step of each run the person's state keeps. */
export interface ApiMessage {
  message_id: string;
  flow_id: string;
  run_id: string;
  step_id: string;
  channel: Channel | null;
  status: StepStatus;
  reason: string | null;
  due_at: string;
  not_before: string | null;
  attempts: number;
  updated_at: string | null;
  opened_at: string | null;
  clicked_at: string | null;
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** The person's flow messages, newest run first, with the reason for every skip or failure. */
export function messageHistory(flows: FlowState | undefined): ApiMessage[] {
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
