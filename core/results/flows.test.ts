import { describe, expect, it } from "vitest";
import type { FlowRun, FlowState, StepState } from "../flows/types";
import { emptyProfile } from "../profile";
import { resultsOfCheck, resultsOfDeliveries, resultsOfPlanning } from "./flows";

const NOW = Date.UTC(2026, 10, 29, 10, 0);

const step = (status: StepState["status"], reason?: string): StepState => ({
  message_id: `msg_${status}`,
  status,
  due_at: NOW,
  attempts: status === "pending" ? 0 : 1,
  ...(reason ? { reason } : {}),
});

function flows(steps: Record<string, StepState>, status: FlowRun["status"] = "active"): FlowState {
  return {
    runs: [{ id: "run_1", flow_id: "cart_abandonment", started_at: NOW, anchor_at: NOW, status, steps }],
    history: {},
    last_sent: {},
  };
}

const metrics = (counts: { part: string; metric: string; count: number }[]) => counts.map((c) => `${c.part}:${c.metric}:${c.count}`);

describe("flow results from a person's flow states", () => {
  it("counts the steps a purchase ended while planning a batch, each under its reason", () => {
    const before = flows({ reminder: step("pending"), offer: step("pending") });
    const after = flows({ reminder: step("skipped", "purchased"), offer: step("skipped", "purchased") }, "exited");
    expect(metrics(resultsOfPlanning(before, after, NOW, "UTC"))).toEqual(["reminder:skipped:purchased:1", "offer:skipped:purchased:1"]);
  });

  it("counts a run started with steps already stale, and nothing for steps that did not change", () => {
    const after = flows({ reminder: step("skipped", "stale"), offer: step("pending") });
    expect(metrics(resultsOfPlanning(undefined, after, NOW, "UTC"))).toEqual(["reminder:skipped:stale:1"]);
    expect(resultsOfPlanning(after, after, NOW, "UTC")).toEqual([]);
  });

  it("counts first attempts as sent and an interrupted send as skipped, but not a retry", () => {
    const before = flows({ reminder: step("pending"), sms: step("sending") });
    const after = flows({ reminder: step("sending"), sms: step("unknown", "interrupted") });
    const order = {
      run_id: "run_1",
      flow_id: "cart_abandonment",
      step_id: "reminder",
      message_id: "m",
      channel: "email" as const,
      to: "a@b.c",
    };
    expect(metrics(resultsOfCheck(before, after, [{ ...order, attempt: 1 }], NOW, "UTC"))).toEqual([
      "sms:skipped:interrupted:1",
      "reminder:sent:1",
    ]);
    expect(metrics(resultsOfCheck(before, before, [{ ...order, attempt: 2 }], NOW, "UTC"))).toEqual([]);
  });

  it("counts a delivery and makes the person the flow's recipient once", () => {
    const person = emptyProfile("p1", NOW);
    const sending = { ...person, flows: flows({ reminder: step("sending"), offer: step("sending") }) };
    const delivered = { ...person, flows: flows({ reminder: step("sent"), offer: step("failed", "http_400") }) };
    const { state, counts } = resultsOfDeliveries(sending, delivered, NOW, "UTC");
    expect(metrics(counts)).toEqual(["reminder:delivered:1", "offer:failed:1", ":recipients:1"]);
    expect(
      resultsOfDeliveries({ ...sending, results: state.results }, { ...delivered, results: state.results }, NOW, "UTC").counts,
    ).toEqual([
      { subject: "flow", subject_id: "cart_abandonment", part: "reminder", day: "2026-11-29", metric: "delivered", count: 1, amount: 0 },
      { subject: "flow", subject_id: "cart_abandonment", part: "offer", day: "2026-11-29", metric: "failed", count: 1, amount: 0 },
    ]);
  });
});
