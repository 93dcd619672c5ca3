import { describe, expect, it } from "vitest";
import { emptyProfile } from "../profile";
import { toApiProfile } from "../profile-view";
import { DAY_MS } from "../time";
import type { ProfileState } from "../types";
import { BUILT_IN_FLOWS } from "./built-in";
import { planFlows } from "./plan";
import { checkDue } from "./send-check";
import { emptyFlowState, findMessage, mergeFlowStates, recordInteraction, recordOutcome, SEND_LEASE_MS } from "./state";
import type { FlowDefinition, FlowState, SendSettings } from "./types";

const T0 = Date.parse("2026-05-04T10:00:00Z");
const HOUR = 60 * 60 * 1000;

function enabled(id: string): FlowDefinition {
  const flow = BUILT_IN_FLOWS.find((candidate) => candidate.id === id);
  if (!flow) throw new Error(`no built-in flow ${id}`);
  return { ...flow, enabled: true };
}

const CART = enabled("cart_abandonment");
const WELCOME = enabled("welcome");
const SETTINGS: SendSettings = { timezone: "UTC", quiet_hours: null, smart_sending_hours: 16, channels: { email: true, sms: true } };

/** A subscribed person with an email and a phone, who left a cart at T0. */
function shopper(...edits: ((state: ProfileState) => void)[]): ProfileState {
  const state = emptyProfile("prf_1", T0 - 30 * DAY_MS);
  state.identifiers.email = "ada@example.com";
  state.identifiers.phone = "+4915112345678";
  state.subscriptions = { email: { value: true, at: T0 - 10 * DAY_MS }, sms: { value: true, at: T0 - 10 * DAY_MS } };
  state.cart = { items: [{ item_id: "mug", quantity: 1, price: 12 }], value: 12, currency: "EUR", updated_at: T0 };
  for (const edit of edits) edit(state);
  return state;
}

function planned(state: ProfileState, flows: FlowDefinition[] = [CART], now = T0): FlowState {
  let ids = 0;
  return planFlows({
    flows,
    state,
    current: emptyFlowState(),
    events: [],
    profile: () => toApiProfile(state, "implied", now),
    now,
    newRunId: () => `run_${++ids}`,
  }).flows;
}

interface Check {
  state?: ProfileState;
  definitions?: FlowDefinition[];
  settings?: Partial<SendSettings>;
}

function check(current: FlowState, now: number, options: Check = {}) {
  const state = options.state ?? shopper();
  return checkDue({
    definitions: options.definitions ?? [CART],
    state,
    current,
    profile: toApiProfile(state, "implied", now),
    settings: { ...SETTINGS, ...options.settings },
    now,
  });
}

/** Sends a check's orders successfully. */
function delivered(result: ReturnType<typeof check>, now: number): FlowState {
  return result.sends.reduce((flows, order) => recordOutcome(flows, order.message_id, { status: "sent" }, now), result.flows);
}

const reasons = (result: ReturnType<typeof check>) => result.notes.map((note) => [note.step_id, note.outcome, note.reason]);

describe("the send-time check", () => {
  it("sends a due step to the person's address and leaves the later ones alone", () => {
    const result = check(planned(shopper()), T0 + 4 * HOUR);
    expect(result.sends).toEqual([
      {
        run_id: "run_1",
        flow_id: "cart_abandonment",
        step_id: "reminder",
        message_id: "run_1.reminder",
        channel: "email",
        to: "ada@example.com",
        attempt: 1,
      },
    ]);
    expect(findMessage(result.flows, "run_1.reminder")?.step).toMatchObject({ status: "sending", attempts: 1, at: T0 + 4 * HOUR });
    expect(findMessage(result.flows, "run_1.sms_nudge")?.step.status).toBe("pending");
    expect(result.flows.last_sent.email).toBe(T0 + 4 * HOUR);
  });

  it("sends nothing before the due time", () => {
    const current = planned(shopper());
    const result = check(current, T0 + 4 * HOUR - 1);
    expect(result).toEqual({ flows: current, sends: [], notes: [] });
  });

  it("never sends a step twice, even when checked again", () => {
    const first = check(planned(shopper()), T0 + 4 * HOUR);
    expect(check(first.flows, T0 + 4 * HOUR + 1000).sends).toEqual([]);
    expect(check(delivered(first, T0 + 4 * HOUR), T0 + 5 * HOUR).sends).toEqual([]);
  });

  it("skips a step more than 12 hours late as stale", () => {
    const result = check(planned(shopper()), T0 + 16 * HOUR + 1);
    expect(result.sends).toEqual([]);
    expect(reasons(result)).toEqual([["reminder", "skipped", "stale"]]);
  });

  it("skips a person who unsubscribed after the step was scheduled", () => {
    const current = planned(shopper());
    const unsubscribed = shopper((s) => {
      s.subscriptions.email = { value: false, at: T0 + HOUR };
    });
    expect(reasons(check(current, T0 + 4 * HOUR, { state: unsubscribed }))).toEqual([["reminder", "skipped", "unsubscribed"]]);
  });

  it.each([
    [
      "no_address",
      (s: ProfileState) => {
        delete s.identifiers.email;
      },
    ],
    [
      "unverified_address",
      (s: ProfileState) => {
        delete s.identifiers.email;
        s.identifiers.unverified = [{ kind: "email", value: "ada@example.com" }];
      },
    ],
    [
      "no_consent",
      (s: ProfileState) => {
        s.consent_choices.marketing = { value: false, at: T0 };
      },
    ],
    [
      "not_subscribed",
      (s: ProfileState) => {
        delete s.subscriptions.email;
      },
    ],
  ])("skips a step as %s", (reason, edit) => {
    expect(reasons(check(planned(shopper()), T0 + 4 * HOUR, { state: shopper(edit) }))).toEqual([["reminder", "skipped", reason]]);
  });

  it("skips a step on a channel the shop cannot deliver on", () => {
    const result = check(planned(shopper()), T0 + 4 * HOUR, { settings: { channels: { email: false, sms: true } } });
    expect(reasons(result)).toEqual([["reminder", "skipped", "no_channel"]]);
  });

  it("skips a step whose conditions no longer hold, or that was removed from the flow", () => {
    const strict = {
      ...CART,
      steps: CART.steps.map((s) => (s.id === "reminder" ? { ...s, conditions: { attr: "cart.value", op: "gt" as const, value: 100 } } : s)),
    };
    expect(reasons(check(planned(shopper()), T0 + 4 * HOUR, { definitions: [strict] }))).toEqual([["reminder", "skipped", "conditions"]]);
    const shorter = { ...CART, steps: CART.steps.filter((s) => s.id !== "reminder") };
    expect(reasons(check(planned(shopper()), T0 + 4 * HOUR, { definitions: [shorter] }))).toEqual([
      ["reminder", "skipped", "step_removed"],
    ]);
  });
});

describe("the cart SMS", () => {
  function afterReminder(opened: boolean): FlowState {
    const first = check(planned(shopper()), T0 + 4 * HOUR);
    const flows = delivered(first, T0 + 4 * HOUR);
    return opened ? recordInteraction(flows, "run_1.reminder", "open", T0 + 5 * HOUR).flows : flows;
  }

  it("goes to the phone when the email was not opened", () => {
    const result = check(afterReminder(false), T0 + 24 * HOUR);
    expect(result.sends.map((order) => [order.step_id, order.channel, order.to])).toEqual([["sms_nudge", "sms", "+4915112345678"]]);
  });

  it("is skipped when the email was opened", () => {
    expect(reasons(check(afterReminder(true), T0 + 24 * HOUR))).toEqual([["sms_nudge", "skipped", "opened"]]);
  });

  it("is skipped without an SMS subscription, even with an email one", () => {
    const noSms = shopper((s) => {
      delete s.subscriptions.sms;
    });
    expect(reasons(check(afterReminder(false), T0 + 24 * HOUR, { state: noSms }))).toEqual([["sms_nudge", "skipped", "not_subscribed"]]);
  });

  it("waits for the end of quiet hours in the shop's time zone and is sent then", () => {
    // Due at 23:00 Berlin (21:00Z) on 2026-05-05; quiet until 08:00 Berlin (06:00Z).
    const late = shopper((s) => {
      s.cart.updated_at = Date.parse("2026-05-04T21:00:00Z");
    });
    let flows = planned(late, [CART], Date.parse("2026-05-04T21:00:00Z"));
    const nightSettings = { timezone: "Europe/Berlin", quiet_hours: { start: "21:00", end: "08:00" } };
    flows = delivered(
      check(flows, Date.parse("2026-05-05T01:00:00Z"), { state: late, settings: nightSettings }),
      Date.parse("2026-05-05T01:00:00Z"),
    );
    const night = check(flows, Date.parse("2026-05-05T21:00:00Z"), { state: late, settings: nightSettings });
    const morning = Date.parse("2026-05-06T06:00:00Z");
    expect(night.notes).toEqual([
      {
        message_id: "run_1.sms_nudge",
        flow_id: "cart_abandonment",
        step_id: "sms_nudge",
        outcome: "postponed",
        reason: "quiet_hours",
        until: morning,
      },
    ]);
    expect(findMessage(night.flows, "run_1.sms_nudge")?.step).toMatchObject({ status: "pending", not_before: morning });
    expect(check(night.flows, morning - 1, { state: late, settings: nightSettings }).sends).toEqual([]);
    expect(check(night.flows, morning, { state: late, settings: nightSettings }).sends.map((o) => o.step_id)).toEqual(["sms_nudge"]);
  });
});

describe("smart sending", () => {
  const subscribedNow = shopper((s) => {
    s.subscriptions.email = { value: true, at: T0 + 4 * HOUR };
  });

  it("sends at most one email per person within the window, counting sends of the same check", () => {
    const flows = planned(subscribedNow, [CART, WELCOME], T0 + 4 * HOUR);
    const result = check(flows, T0 + 4 * HOUR, { state: subscribedNow, definitions: [CART, WELCOME] });
    expect(result.sends.map((order) => order.message_id)).toEqual(["run_1.reminder"]);
    expect(reasons(result)).toEqual([
      ["reminder", "send", "due"],
      ["discount", "skipped", "smart_sending"],
    ]);
  });

  it("sends again once the window has passed", () => {
    const flows = { ...planned(shopper()), last_sent: { email: T0 + 4 * HOUR - 16 * HOUR } };
    expect(check(flows, T0 + 4 * HOUR).sends).toHaveLength(1);
    const recent = { ...flows, last_sent: { email: T0 + 4 * HOUR - 16 * HOUR + 1 } };
    expect(reasons(check(recent, T0 + 4 * HOUR))).toEqual([["reminder", "skipped", "smart_sending"]]);
  });

  it("lets a retry of the same message through", () => {
    const first = check(planned(shopper()), T0 + 4 * HOUR);
    const retry = recordOutcome(
      first.flows,
      "run_1.reminder",
      { status: "retry", retry_at: T0 + 4 * HOUR + 60_000, reason: "http_503" },
      T0 + 4 * HOUR,
    );
    const again = check(retry, T0 + 4 * HOUR + 60_000);
    expect(again.sends.map((order) => [order.message_id, order.attempt])).toEqual([["run_1.reminder", 2]]);
  });
});

describe("interrupted sends", () => {
  it("become `unknown` after the lease and are never sent again", () => {
    const sending = check(planned(shopper()), T0 + 4 * HOUR).flows;
    expect(check(sending, T0 + 4 * HOUR + SEND_LEASE_MS - 1).notes).toEqual([]);
    const result = check(sending, T0 + 4 * HOUR + SEND_LEASE_MS);
    expect(findMessage(result.flows, "run_1.reminder")?.step).toMatchObject({ status: "unknown", reason: "interrupted" });
    expect(result.sends).toEqual([]);
    expect(check(result.flows, T0 + 5 * HOUR).sends).toEqual([]);
  });
});

describe("exits at send time", () => {
  it.each([
    ["flow_deleted", { definitions: [] }],
    ["flow_disabled", { definitions: [{ ...CART, enabled: false }] }],
    ["exit_rule", { definitions: [{ ...CART, exit: { attr: "cart.value", op: "lt" as const, value: 50 } }] }],
    [
      "purchased",
      {
        state: shopper((s) => {
          s.orders = { ...s.orders, count: 1, revenue: 12, first_at: T0 + HOUR, last_at: T0 + HOUR };
        }),
      },
    ],
    [
      "cart_emptied",
      {
        state: shopper((s) => {
          s.cart = { items: [], value: 0, currency: null, updated_at: T0 + HOUR };
        }),
      },
    ],
  ])("end the run as %s and skip its pending steps", (reason, options: Check) => {
    const result = check(planned(shopper()), T0 + 2 * HOUR, options);
    expect(result.flows.runs[0]).toMatchObject({ status: "exited", reason, ended_at: T0 + 2 * HOUR });
    expect(reasons(result)).toEqual([
      ["reminder", "exited", reason],
      ["sms_nudge", "exited", reason],
      ["offer", "exited", reason],
    ]);
  });

  it("complete a run once every step is settled", () => {
    let flows = planned(shopper());
    for (const at of [4, 24, 48].map((h) => T0 + h * HOUR)) flows = delivered(check(flows, at), at);
    expect(flows.runs[0]).toMatchObject({ status: "completed", ended_at: T0 + 48 * HOUR });
  });
});

describe("after two people are merged", () => {
  it("the step one of them was sent is not sent again", () => {
    const sent = delivered(check(planned(shopper()), T0 + 4 * HOUR), T0 + 4 * HOUR);
    let ids = 0;
    const other = planFlows({
      flows: [CART],
      state: shopper(),
      current: emptyFlowState(),
      events: [],
      profile: () => toApiProfile(shopper(), "implied", T0),
      now: T0 - HOUR,
      newRunId: () => `run_other${++ids}`,
    }).flows;
    const merged = mergeFlowStates(other, sent, T0 + 5 * HOUR);
    expect(check(merged, T0 + 5 * HOUR).sends).toEqual([]);
    const later = check(merged, T0 + 24 * HOUR);
    expect(later.sends.map((order) => order.message_id)).toEqual(["run_1.sms_nudge"]);
  });
});
