import { describe, expect, it } from "vitest";
import { emptyProfile } from "../profile";
import { toApiProfile } from "../profile-view";
import { DAY_MS } from "../time";
import type { ProfileState, TrackedEvent } from "../types";
import { BUILT_IN_FLOWS } from "./built-in";
import { planFlows } from "./plan";
import { emptyFlowState } from "./state";
import type { FlowDefinition, FlowState } from "./types";

const T0 = Date.parse("2026-05-04T10:00:00Z");
const HOUR = 60 * 60 * 1000;

function enabled(id: string): FlowDefinition {
  const flow = BUILT_IN_FLOWS.find((candidate) => candidate.id === id);
  if (!flow) throw new Error(`no built-in flow ${id}`);
  return { ...flow, enabled: true };
}

function person(...edits: ((state: ProfileState) => void)[]): ProfileState {
  const state = emptyProfile("prf_1", T0 - 400 * DAY_MS);
  for (const edit of edits) edit(state);
  return state;
}

const withCart = (at: number) => (state: ProfileState) => {
  state.cart = { items: [{ item_id: "mug", quantity: 1, price: 12 }], value: 12, currency: "EUR", updated_at: at };
};

function withOrders(...times: number[]) {
  return (state: ProfileState) => {
    const sorted = [...times].sort((a, b) => a - b);
    state.orders = {
      count: times.length,
      revenue: 20 * times.length,
      first_at: sorted[0] ?? null,
      last_at: sorted[sorted.length - 1] ?? null,
      items: {},
      recent: sorted.reverse().map((at, i) => ({ transaction_id: `t${i}`, at, value: 20, currency: "EUR" })),
    };
  };
}

const withBirthday = (birthday: string) => (state: ProfileState) => {
  state.traits.birthday = birthday;
};

interface Options {
  flows?: FlowDefinition[];
  current?: FlowState;
  events?: TrackedEvent[];
  now?: number;
  segments?: string[];
}

function plan(state: ProfileState, options: Options = {}) {
  const now = options.now ?? T0;
  let ids = 0;
  const profile = toApiProfile(state, "implied", now);
  return planFlows({
    flows: options.flows ?? [],
    state,
    current: options.current ?? emptyFlowState(),
    events: options.events ?? [],
    profile: () => (options.segments ? { ...profile, segments: options.segments } : profile),
    now,
    newRunId: () => `run_${options.current?.runs.length ?? 0}${++ids}`,
  });
}

/** The due times of the single run's steps, as hours after `from`. */
function dueHours(flows: FlowState, from: number): Record<string, number> {
  const [run] = flows.runs;
  if (!run) throw new Error("no run");
  return Object.fromEntries(Object.entries(run.steps).map(([id, step]) => [id, (step.due_at - from) / HOUR]));
}

describe("cart abandonment", () => {
  const flows = [enabled("cart_abandonment")];

  it("schedules the email at 4 h, the SMS at 24 h and the offer at 48 h after the cart's last change", () => {
    const { flows: state, notes } = plan(person(withCart(T0)), { flows });
    expect(dueHours(state, T0)).toEqual({ reminder: 4, sms_nudge: 24, offer: 48 });
    expect(state.runs[0]?.steps.reminder).toMatchObject({
      message_id: "run_01.reminder",
      status: "pending",
      attempts: 0,
      channel: "email",
    });
    expect(notes).toEqual([{ flow_id: "cart_abandonment", run_id: "run_01", action: "started", reason: "cart_abandoned" }]);
    expect(state.history.cart_abandonment).toEqual({ last_started_at: T0, last_anchor_at: T0, runs: 1 });
  });

  it("counts from a backfilled cart's own time", () => {
    const { flows: state } = plan(person(withCart(T0 - 5 * HOUR)), { flows });
    expect(dueHours(state, T0)).toEqual({ reminder: -1, sms_nudge: 19, offer: 43 });
  });

  it("restarts the clock when the cart changes, keeping a step already sent", () => {
    const first = plan(person(withCart(T0)), { flows }).flows;
    const sent = structuredClone(first);
    const run = sent.runs[0];
    if (run?.steps.reminder) run.steps.reminder = { ...run.steps.reminder, status: "sent", at: T0 + 4 * HOUR };
    const later = T0 + 10 * HOUR;
    const { flows: state, notes } = plan(person(withCart(later)), { flows, current: sent, now: later });
    expect(notes).toEqual([{ flow_id: "cart_abandonment", run_id: "run_01", action: "reanchored", reason: "anchor_moved" }]);
    expect(state.runs).toHaveLength(1);
    expect(state.runs[0]?.steps.reminder?.status).toBe("sent");
    expect(dueHours(state, later)).toEqual({ reminder: -6, sms_nudge: 24, offer: 48 });
    expect(state.history.cart_abandonment?.last_anchor_at).toBe(later);
  });

  it("ends the run when the person buys (on any device) after the cart's last change", () => {
    const current = plan(person(withCart(T0)), { flows }).flows;
    const bought = person((state) => {
      withCart(T0 + HOUR)(state);
      withOrders(T0 + HOUR)(state);
    });
    const { flows: state, notes } = plan(bought, { flows, current, now: T0 + 2 * HOUR });
    expect(notes).toEqual([{ flow_id: "cart_abandonment", run_id: "run_01", action: "exited", reason: "purchased" }]);
    expect(state.runs[0]).toMatchObject({ status: "exited", reason: "purchased", ended_at: T0 + 2 * HOUR });
    expect(Object.values(state.runs[0]?.steps ?? {}).map((step) => [step.status, step.reason])).toEqual([
      ["skipped", "purchased"],
      ["skipped", "purchased"],
      ["skipped", "purchased"],
    ]);
  });

  it("keeps the run for an order from before the cart", () => {
    const current = plan(person(withCart(T0)), { flows }).flows;
    const { notes } = plan(person(withCart(T0), withOrders(T0 - DAY_MS)), { flows, current, now: T0 + HOUR });
    expect(notes).toEqual([]);
  });

  it("ends the run when the cart is emptied", () => {
    const current = plan(person(withCart(T0)), { flows }).flows;
    const { notes } = plan(person(), { flows, current, now: T0 + HOUR });
    expect(notes).toEqual([{ flow_id: "cart_abandonment", run_id: "run_01", action: "exited", reason: "cart_emptied" }]);
  });

  it("starts nothing for a cart weeks old", () => {
    const { flows: state, notes } = plan(person(withCart(T0 - 21 * DAY_MS)), { flows });
    expect(state.runs).toEqual([]);
    expect(notes).toEqual([{ flow_id: "cart_abandonment", run_id: null, action: "not_started", reason: "stale" }]);
  });

  it("creates the steps already past their time as skipped `stale`", () => {
    const { flows: state } = plan(person(withCart(T0 - 30 * HOUR)), { flows });
    expect(state.runs[0]?.steps.reminder).toMatchObject({ status: "skipped", reason: "stale" });
    expect(state.runs[0]?.steps.sms_nudge?.status).toBe("pending");
  });

  it("starts nothing when the flow is not enabled", () => {
    expect(plan(person(withCart(T0))).flows.runs).toEqual([]);
  });
});

describe("browse abandonment", () => {
  const flows = [enabled("browse_abandonment")];
  const browsing = (products: number) => (state: ProfileState) => {
    state.session = { started_at: T0 - HOUR, last_event_at: T0 };
    state.views.recent = Array.from({ length: products }, (_, i) => ({ item_id: `p${i}`, at: T0 - i * 60_000 })).concat([
      { item_id: "before_the_session", at: T0 - 2 * HOUR },
    ]);
  };

  it("emails 24 h after the last of more than 3 products viewed in a session", () => {
    expect(dueHours(plan(person(browsing(4)), { flows }).flows, T0)).toEqual({ viewed: 24 });
  });

  it("does not start for 3 products, or with a cart", () => {
    expect(plan(person(browsing(3)), { flows }).flows.runs).toEqual([]);
    expect(plan(person(browsing(5), withCart(T0)), { flows }).flows.runs).toEqual([]);
  });

  it("ends on a purchase and when something goes into the cart", () => {
    const current = plan(person(browsing(4)), { flows }).flows;
    const bought = plan(person(browsing(4), withOrders(T0 + HOUR)), { flows, current, now: T0 + HOUR });
    expect(bought.notes).toEqual([{ flow_id: "browse_abandonment", run_id: "run_01", action: "exited", reason: "purchased" }]);
    const carted = plan(person(browsing(4), withCart(T0 + HOUR)), { flows, current, now: T0 + HOUR });
    expect(carted.notes).toEqual([{ flow_id: "browse_abandonment", run_id: "run_01", action: "exited", reason: "added_to_cart" }]);
  });
});

describe("welcome", () => {
  const flows = [enabled("welcome")];
  const subscribed =
    (at: number, value = true) =>
    (state: ProfileState) => {
      state.subscriptions.email = { value, at };
    };

  it("sends on day 0, day 3 and day 7 after subscribing", () => {
    expect(dueHours(plan(person(subscribed(T0)), { flows }).flows, T0)).toEqual({ discount: 0, brand_story: 72, urgency: 168 });
  });

  it("starts nothing for someone who subscribed long ago", () => {
    const { flows: state, notes } = plan(person(subscribed(T0 - 60 * DAY_MS)), { flows });
    expect(state.runs).toEqual([]);
    expect(notes[0]?.reason).toBe("stale");
  });

  it("ends on an unsubscribe and never starts again for the same person", () => {
    const current = plan(person(subscribed(T0)), { flows }).flows;
    const left = plan(person(subscribed(T0 + HOUR, false)), { flows, current, now: T0 + HOUR });
    expect(left.notes).toEqual([{ flow_id: "welcome", run_id: "run_01", action: "exited", reason: "unsubscribed" }]);
    const back = plan(person(subscribed(T0 + 2 * HOUR)), { flows, current: left.flows, now: T0 + 2 * HOUR });
    expect(back.notes).toEqual([{ flow_id: "welcome", run_id: null, action: "not_started", reason: "once_per_person" }]);
  });
});

describe("purchase flows", () => {
  it("post-purchase: tips on day 3, review request on day 14", () => {
    const { flows: state } = plan(person(withOrders(T0)), { flows: [enabled("post_purchase")] });
    expect(dueHours(state, T0)).toEqual({ tips: 72, review_request: 336 });
  });

  it("replenishment: 30 days after the order without a prediction", () => {
    expect(dueHours(plan(person(withOrders(T0)), { flows: [enabled("replenishment")] }).flows, T0)).toEqual({ reorder: 720 });
  });

  it("replenishment: at the predicted next order date when there is one", () => {
    const { flows: state } = plan(person(withOrders(T0 - 20 * DAY_MS, T0)), { flows: [enabled("replenishment")] });
    expect(dueHours(state, T0)).toEqual({ reorder: 20 * 24 });
  });

  it("replenishment with categories: only for a purchase of one of them in the batch", () => {
    const flow = { ...enabled("replenishment"), trigger: { type: "purchased" as const, item_categories: ["coffee"] } };
    const purchase = (category: string): TrackedEvent => ({
      id: "e1",
      type: "purchase",
      ts: T0,
      items: [{ item_id: "x", item_category: category }],
    });
    expect(plan(person(withOrders(T0)), { flows: [flow], events: [purchase("mugs")] }).flows.runs).toEqual([]);
    expect(dueHours(plan(person(withOrders(T0)), { flows: [flow], events: [purchase("coffee")] }).flows, T0)).toEqual({ reorder: 720 });
  });

  it("win-back: 90 days after the last order, and a newer order restarts the clock", () => {
    const flows = [enabled("win_back")];
    const first = plan(person(withOrders(T0)), { flows }).flows;
    expect(dueHours(first, T0)).toEqual({ we_miss_you: 90 * 24 });
    const again = plan(person(withOrders(T0, T0 + 10 * DAY_MS)), { flows, current: first, now: T0 + 10 * DAY_MS });
    expect(again.notes[0]?.action).toBe("reanchored");
    expect(dueHours(again.flows, T0 + 10 * DAY_MS)).toEqual({ we_miss_you: 90 * 24 });
  });
});

describe("yearly flows", () => {
  it("VIP anniversary: on the first order's anniversary, for VIPs only", () => {
    const flows = [enabled("vip_anniversary")];
    const firstOrder = Date.parse("2025-05-10T15:30:00Z");
    const vip = plan(person(withOrders(firstOrder, T0)), { flows, segments: ["vip"] });
    expect(vip.flows.runs[0]?.anchor_at).toBe(Date.parse("2026-05-10T15:30:00Z"));
    const other = plan(person(withOrders(firstOrder, T0)), { flows, segments: [] });
    expect(other.notes).toEqual([{ flow_id: "vip_anniversary", run_id: null, action: "not_started", reason: "entry_rule" }]);
  });

  it("VIP anniversary: next year's run is made once this year's is done", () => {
    const flows = [enabled("vip_anniversary")];
    const state = person(withOrders(Date.parse("2025-05-10T15:30:00Z"), T0));
    const current = structuredClone(plan(state, { flows, segments: ["vip"] }).flows);
    const run = current.runs[0];
    if (!run) throw new Error("no run");
    run.status = "completed";
    const later = Date.parse("2026-05-11T00:00:00Z");
    const next = plan(state, { flows, current, now: later, segments: ["vip"] });
    expect(next.flows.runs.map((r) => new Date(r.anchor_at).toISOString())).toEqual([
      "2026-05-10T15:30:00.000Z",
      "2027-05-10T15:30:00.000Z",
    ]);
  });

  it("birthday: 7 days before, at 09:00 UTC", () => {
    const { flows: state } = plan(person(withBirthday("1990-05-20")), { flows: [enabled("birthday")] });
    expect(new Date(state.runs[0]?.steps.birthday_gift?.due_at ?? 0).toISOString()).toBe("2026-05-13T09:00:00.000Z");
  });

  it("birthday: a 29 February birthday falls on 28 February in other years", () => {
    const { flows: state } = plan(person(withBirthday("02-29")), { flows: [enabled("birthday")] });
    expect(new Date(state.runs[0]?.anchor_at ?? 0).toISOString()).toBe("2027-02-21T09:00:00.000Z");
  });

  it("birthday: nothing for a missing or impossible date", () => {
    const flows = [enabled("birthday")];
    expect(plan(person(), { flows }).flows.runs).toEqual([]);
    expect(plan(person(withBirthday("1990-02-30")), { flows }).flows.runs).toEqual([]);
  });
});
