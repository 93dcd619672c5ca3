import { describe, expect, it } from "vitest";
import { MAX_ATTEMPTS } from "./retry";
import {
  emptyFlowState,
  findMessage,
  mergeFlowStates,
  nextDueAt,
  pruneFlowState,
  recordInteraction,
  recordOutcome,
  SEND_LEASE_MS,
} from "./state";
import type { FlowRun, FlowState, StepState } from "./types";

const T0 = Date.parse("2026-05-04T10:00:00Z");
const HOUR = 60 * 60 * 1000;

function step(runId: string, id: string, fields: Partial<StepState> = {}): StepState {
  return { message_id: `${runId}.${id}`, status: "pending", due_at: T0, attempts: 0, channel: "email", ...fields };
}

function run(id: string, steps: Record<string, Partial<StepState>>, fields: Partial<FlowRun> = {}): FlowRun {
  return {
    id,
    flow_id: "cart_abandonment",
    started_at: T0,
    anchor_at: T0,
    status: "active",
    steps: Object.fromEntries(Object.entries(steps).map(([stepId, s]) => [stepId, step(id, stepId, s)])),
    ...fields,
  };
}

const state = (...runs: FlowRun[]): FlowState => ({ ...emptyFlowState(), runs });

describe("recording a delivery's outcome", () => {
  const sending = state(run("run_a", { reminder: { status: "sending", attempts: 1, at: T0 }, offer: { due_at: T0 + 44 * HOUR } }));

  it("marks a sent message sent", () => {
    const flows = recordOutcome(sending, "run_a.reminder", { status: "sent" }, T0 + 1000);
    expect(findMessage(flows, "run_a.reminder")?.step).toMatchObject({ status: "sent", at: T0 + 1000, attempts: 1 });
  });

  it("is idempotent: a second report, or one for an unknown message, changes nothing", () => {
    const once = recordOutcome(sending, "run_a.reminder", { status: "sent" }, T0 + 1000);
    expect(recordOutcome(once, "run_a.reminder", { status: "failed", reason: "late" }, T0 + 2000)).toBe(once);
    expect(recordOutcome(sending, "run_a.nope", { status: "sent" }, T0)).toBe(sending);
    expect(recordOutcome(sending, "run_a.offer", { status: "sent" }, T0)).toBe(sending);
  });

  it("puts a message to retry back in line, not before its retry time", () => {
    const flows = recordOutcome(sending, "run_a.reminder", { status: "retry", retry_at: T0 + 60_000, reason: "http_503" }, T0);
    expect(findMessage(flows, "run_a.reminder")?.step).toMatchObject({ status: "pending", not_before: T0 + 60_000, attempts: 1 });
    expect(nextDueAt(flows)).toBe(T0 + 60_000);
  });

  it("gives up once the attempts are spent", () => {
    const spent = state(run("run_a", { reminder: { status: "sending", attempts: MAX_ATTEMPTS, at: T0 } }));
    const flows = recordOutcome(spent, "run_a.reminder", { status: "retry", retry_at: T0 + 60_000, reason: "http_503" }, T0);
    expect(findMessage(flows, "run_a.reminder")?.step).toMatchObject({ status: "failed", reason: "http_503" });
  });

  it("records a failure with its reason and completes a run with nothing left to send", () => {
    const flows = recordOutcome(
      state(run("run_a", { reminder: { status: "sending", attempts: 1, at: T0 }, sms: { status: "skipped", reason: "opened" } })),
      "run_a.reminder",
      { status: "failed", reason: "http_400" },
      T0,
    );
    expect(flows.runs[0]).toMatchObject({ status: "completed", ended_at: T0 });
    expect(flows.runs[0]?.steps.reminder).toMatchObject({ status: "failed", reason: "http_400" });
  });

  it("does not put a message of a run that ended meanwhile back in line", () => {
    const ended = state(run("run_a", { reminder: { status: "sending", attempts: 1, at: T0 } }, { status: "exited", reason: "merged" }));
    const flows = recordOutcome(ended, "run_a.reminder", { status: "retry", retry_at: T0 + 60_000, reason: "http_503" }, T0);
    expect(findMessage(flows, "run_a.reminder")?.step).toMatchObject({ status: "skipped", reason: "merged" });
  });
});

describe("opens and clicks", () => {
  const sent = state(run("run_a", { reminder: { status: "sent" } }));

  it("keep the first open", () => {
    const opened = recordInteraction(sent, "run_a.reminder", "open", T0 + HOUR);
    expect(opened.found).toBe(true);
    const again = recordInteraction(opened.flows, "run_a.reminder", "open", T0 + 2 * HOUR);
    expect(again.flows).toBe(opened.flows);
    expect(findMessage(again.flows, "run_a.reminder")?.step.opened_at).toBe(T0 + HOUR);
  });

  it("count a click as an open too", () => {
    const { flows } = recordInteraction(sent, "run_a.reminder", "click", T0 + HOUR);
    expect(findMessage(flows, "run_a.reminder")?.step).toMatchObject({ opened_at: T0 + HOUR, clicked_at: T0 + HOUR });
  });

  it("report a message they do not know", () => {
    expect(recordInteraction(sent, "run_x.reminder", "open", T0)).toEqual({ flows: sent, found: false });
  });
});

describe("the next moment with work", () => {
  it("is the earliest pending step of an active run, or a send's lease running out", () => {
    const flows = state(
      run("run_a", { reminder: { due_at: T0 + 5 * HOUR }, sms: { due_at: T0 + 2 * HOUR, not_before: T0 + 3 * HOUR } }),
      run("run_b", { offer: { status: "sending", at: T0 + HOUR } }, { flow_id: "welcome" }),
      run("run_c", { tips: { due_at: T0 } }, { flow_id: "post_purchase", status: "exited" }),
    );
    expect(nextDueAt(flows)).toBe(T0 + HOUR + SEND_LEASE_MS);
    expect(nextDueAt(state(flows.runs[0] as FlowRun))).toBe(T0 + 3 * HOUR);
  });

  it("is none without pending steps", () => {
    expect(nextDueAt(state(run("run_a", { reminder: { status: "sent" } })))).toBeNull();
  });
});

describe("pruning", () => {
  it("keeps active runs and the two latest ended runs of each flow", () => {
    const ended = [1, 2, 3].map((i) => run(`run_${i}`, {}, { status: "completed", ended_at: T0 + i }));
    const active = run("run_live", { reminder: {} });
    const pruned = pruneFlowState(state(...ended, active));
    expect(pruned.runs.map((r) => r.id)).toEqual(["run_2", "run_3", "run_live"]);
  });

  it("keeps at most 50 runs, dropping the oldest ended ones", () => {
    const ended = Array.from({ length: 60 }, (_, i) => run(`run_${i}`, {}, { flow_id: `flw_${i}`, status: "completed", ended_at: T0 + i }));
    const pruned = pruneFlowState(state(...ended));
    expect(pruned.runs).toHaveLength(50);
    expect(pruned.runs[0]?.id).toBe("run_10");
  });
});

describe("merging two people's flows", () => {
  const survivor: FlowState = {
    runs: [run("run_s", { reminder: { due_at: T0 + 4 * HOUR } }, { started_at: T0 - HOUR })],
    history: { cart_abandonment: { last_started_at: T0 - HOUR, last_anchor_at: T0 - HOUR, runs: 1 } },
    last_sent: { email: T0 - 5 * HOUR },
  };
  const absorbed: FlowState = {
    runs: [
      run("run_x", { reminder: { status: "sent", at: T0 }, offer: { due_at: T0 + 44 * HOUR } }, { started_at: T0 }),
      run("run_w", { discount: { status: "sent" } }, { flow_id: "welcome", status: "completed", ended_at: T0 }),
    ],
    history: {
      cart_abandonment: { last_started_at: T0, last_anchor_at: T0, runs: 2 },
      welcome: { last_started_at: T0, last_anchor_at: T0, runs: 1 },
    },
    last_sent: { email: T0, sms: T0 - HOUR },
  };

  it("keeps one active run per flow: the one that already sent, ending the other as merged", () => {
    const merged = mergeFlowStates(survivor, absorbed, T0 + HOUR);
    const active = merged.runs.filter((r) => r.status === "active");
    expect(active.map((r) => r.id)).toEqual(["run_x"]);
    expect(merged.runs.find((r) => r.id === "run_s")).toMatchObject({ status: "exited", reason: "merged", ended_at: T0 + HOUR });
    expect(findMessage(merged, "run_s.reminder")?.step).toMatchObject({ status: "skipped", reason: "merged" });
    expect(findMessage(merged, "run_x.reminder")?.step.status).toBe("sent");
    expect(merged.runs.map((r) => r.id)).toContain("run_w");
  });

  it("keeps the earlier run when neither has sent anything", () => {
    const fresh = { ...absorbed, runs: [run("run_x", { reminder: { due_at: T0 + 4 * HOUR } }, { started_at: T0 })] };
    const merged = mergeFlowStates(survivor, fresh, T0 + HOUR);
    expect(merged.runs.filter((r) => r.status === "active").map((r) => r.id)).toEqual(["run_s"]);
  });

  it("takes the later history and last sends, and adds up the runs", () => {
    const merged = mergeFlowStates(survivor, absorbed, T0 + HOUR);
    expect(merged.history).toEqual({
      cart_abandonment: { last_started_at: T0, last_anchor_at: T0, runs: 3 },
      welcome: { last_started_at: T0, last_anchor_at: T0, runs: 1 },
    });
    expect(merged.last_sent).toEqual({ email: T0, sms: T0 - HOUR });
  });
});
