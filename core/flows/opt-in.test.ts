import { describe, expect, it } from "vitest";
import { signMessageToken, verifyMessageToken } from "../message-token";
import { emptyProfile } from "../profile";
import { toApiProfile } from "../profile-view";
import { DAY_MS } from "../time";
import type { ProfileState } from "../types";
import { BUILT_IN_FLOWS } from "./built-in";
import {
  confirmedAddress,
  confirmOptIn,
  MAX_REQUESTS_PER_DAY,
  OPT_IN_EXPIRES_MS,
  optInDueAt,
  recordOptInOutcome,
  requestOptIn,
  takeOptIn,
} from "./opt-in";
import { planFlows } from "./plan";
import { renderContent, renderOptIn } from "./render";
import { MAX_ATTEMPTS } from "./retry";
import { checkDue } from "./send-check";
import { emptyFlowState, SEND_LEASE_MS } from "./state";
import type { FlowDefinition } from "./types";

const T0 = Date.parse("2026-05-04T10:00:00Z");
const HOUR = 60 * 60 * 1000;

/** A browser visitor who subscribed to email and typed `emails` (newest last) without proof. */
function visitor(emails: string[] = ["ann@example.com"], subscribed = true): ProfileState {
  const state = emptyProfile("prf_1", T0 - DAY_MS);
  state.subscriptions = { email: { value: subscribed, at: T0 } };
  state.identifiers.unverified = emails.map((value) => ({ kind: "email" as const, value }));
  return state;
}

/** Requests, then takes the confirmation at `now`; throws when nothing was taken. */
function taken(state: ProfileState, now: number) {
  const result = takeOptIn(state, now);
  if (!result.order) throw new Error("no confirmation taken");
  return { state: result.state, order: result.order };
}

describe("requesting a confirmation", () => {
  it("asks a subscribed visitor's typed address to confirm, under a stable optin_ message id", () => {
    const state = requestOptIn(visitor(), T0);
    expect(state.opt_in?.email).toMatchObject({ address: "ann@example.com", status: "pending", requested_at: T0, attempts: 0 });
    expect(state.opt_in?.email?.message_id).toMatch(/^optin_[0-9a-f]{16}$/);
    expect(requestOptIn(visitor(), T0).opt_in?.email?.message_id).toBe(state.opt_in?.email?.message_id);
    expect(requestOptIn(visitor(["bob@example.com"]), T0).opt_in?.email?.message_id).not.toBe(state.opt_in?.email?.message_id);
  });

  it("asks nothing of a person not subscribed, with a proven email, or without a typed email", () => {
    expect(requestOptIn(visitor(["ann@example.com"], false), T0).opt_in).toBeUndefined();
    const proven = visitor();
    proven.identifiers.email = "ann@example.com";
    expect(requestOptIn(proven, T0).opt_in).toBeUndefined();
    expect(requestOptIn(visitor([]), T0).opt_in).toBeUndefined();
  });

  it("does not ask the same address again, whether the request is pending, sent or confirmed", () => {
    const pending = requestOptIn(visitor(), T0);
    expect(requestOptIn(pending, T0 + 3 * DAY_MS)).toBe(pending);
    const sent = recordOptInOutcome(taken(pending, T0).state, pending.opt_in?.email?.message_id ?? "", { status: "sent" }, T0);
    expect(requestOptIn(sent, T0 + 3 * DAY_MS)).toBe(sent);
    const confirmed = confirmOptIn(sent, "ann@example.com", T0 + HOUR).state;
    expect(requestOptIn(confirmed, T0 + 3 * DAY_MS)).toBe(confirmed);
  });

  it("restarts for a newly typed address, but asks each address at most once per 24 hours", () => {
    const ann = requestOptIn(visitor(["ann@example.com"]), T0);
    const bob = requestOptIn(
      { ...ann, identifiers: { ...ann.identifiers, unverified: visitor(["bob@example.com"]).identifiers.unverified } },
      T0 + HOUR,
    );
    expect(bob.opt_in?.email).toMatchObject({ address: "bob@example.com", status: "pending", requested_at: T0 + HOUR });
    const annAgain = { ...bob, identifiers: ann.identifiers };
    expect(requestOptIn(annAgain, T0 + 2 * HOUR).opt_in?.email?.address).toBe("bob@example.com");
    expect(requestOptIn(annAgain, T0 + DAY_MS + HOUR).opt_in?.email?.address).toBe("ann@example.com");
  });

  it(`sends at most ${MAX_REQUESTS_PER_DAY} requests per person per 24 hours, however many addresses are typed`, () => {
    let state = visitor();
    const asked: string[] = [];
    for (let index = 0; index < MAX_REQUESTS_PER_DAY + 2; index++) {
      state = requestOptIn(
        { ...state, identifiers: { ...state.identifiers, unverified: [{ kind: "email", value: `p${index}@example.com` }] } },
        T0 + index * HOUR,
      );
      asked.push(state.opt_in?.email?.address ?? "");
    }
    expect(new Set(asked).size).toBe(MAX_REQUESTS_PER_DAY);
  });

  it("asks again for a failed address only after 24 hours", () => {
    const state = requestOptIn(visitor(), T0);
    const { state: sending, order } = taken(state, T0);
    const failed = recordOptInOutcome(sending, order.message_id, { status: "failed", reason: "http_400" }, T0);
    expect(failed.opt_in?.email).toMatchObject({ status: "failed", reason: "http_400" });
    expect(requestOptIn(failed, T0 + 23 * HOUR)).toBe(failed);
    const again = requestOptIn(failed, T0 + DAY_MS);
    expect(again.opt_in?.email).toMatchObject({ status: "pending", requested_at: T0 + DAY_MS });
    expect(again.opt_in?.email?.message_id).not.toBe(order.message_id);
  });
});

describe("sending the confirmation", () => {
  it("is due at the request, taken once as a double_opt_in order to the typed address, and not taken again while sending", () => {
    const state = requestOptIn(visitor(), T0);
    expect(optInDueAt(state)).toBe(T0);
    expect(takeOptIn(state, T0 - 1).order).toBeNull();
    const { state: sending, order } = taken(state, T0);
    expect(order).toEqual({
      run_id: order.message_id,
      flow_id: "double_opt_in",
      step_id: "confirm",
      message_id: state.opt_in?.email?.message_id,
      channel: "email",
      to: "ann@example.com",
      attempt: 1,
    });
    expect(sending.opt_in?.email).toMatchObject({ status: "sending", attempts: 1 });
    expect(optInDueAt(sending)).toBe(T0 + SEND_LEASE_MS);
    expect(takeOptIn(sending, T0 + 1000).order).toBeNull();
  });

  it("gives up a send that never reported as interrupted, rather than sending it twice", () => {
    const { state: sending } = taken(requestOptIn(visitor(), T0), T0);
    const after = takeOptIn(sending, T0 + SEND_LEASE_MS);
    expect(after.order).toBeNull();
    expect(after.state.opt_in?.email).toMatchObject({ status: "failed", reason: "interrupted" });
    expect(optInDueAt(after.state)).toBeNull();
  });

  it("gives up a request older than 7 days as expired, and one whose person unsubscribed as unsubscribed", () => {
    const state = requestOptIn(visitor(), T0);
    const late = takeOptIn(state, T0 + OPT_IN_EXPIRES_MS + 1);
    expect(late.order).toBeNull();
    expect(late.state.opt_in?.email).toMatchObject({ status: "failed", reason: "expired" });
    const unsubscribed = takeOptIn({ ...state, subscriptions: { email: { value: false, at: T0 + 1 } } }, T0 + 1);
    expect(unsubscribed.order).toBeNull();
    expect(unsubscribed.state.opt_in?.email).toMatchObject({ status: "failed", reason: "unsubscribed" });
  });

  it("retries at the retry time as the same message, and fails after the last attempt", () => {
    let state = requestOptIn(visitor(), T0);
    let now = T0;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const next = taken(state, now);
      expect(next.order).toMatchObject({ attempt, message_id: state.opt_in?.email?.message_id });
      state = recordOptInOutcome(
        next.state,
        next.order.message_id,
        { status: "retry", retry_at: now + 10 * 60_000, reason: "http_503" },
        now,
      );
      if (attempt < MAX_ATTEMPTS) {
        expect(optInDueAt(state)).toBe(now + 10 * 60_000);
        expect(takeOptIn(state, now + 60_000).order).toBeNull();
      }
      now += 10 * 60_000;
    }
    expect(state.opt_in?.email).toMatchObject({ status: "failed", reason: "http_503", attempts: MAX_ATTEMPTS });
  });

  it("records an outcome only for the request being sent: a repeated or foreign report changes nothing", () => {
    const { state: sending, order } = taken(requestOptIn(visitor(), T0), T0);
    const sent = recordOptInOutcome(sending, order.message_id, { status: "sent" }, T0 + 1);
    expect(sent.opt_in?.email).toMatchObject({ status: "sent", at: T0 + 1 });
    expect(recordOptInOutcome(sent, order.message_id, { status: "failed", reason: "late" }, T0 + 2)).toBe(sent);
    expect(recordOptInOutcome(sending, "optin_other", { status: "sent" }, T0 + 1)).toBe(sending);
  });
});

describe("confirming", () => {
  const sent = () => {
    const { state, order } = taken(requestOptIn(visitor(), T0), T0);
    return recordOptInOutcome(state, order.message_id, { status: "sent" }, T0);
  };

  it("confirms the requested address, which then becomes the person's email address for flows", () => {
    expect(confirmedAddress(sent(), "email")).toBeUndefined();
    const { state, confirmed } = confirmOptIn(sent(), "ann@example.com", T0 + HOUR);
    expect(confirmed).toBe(true);
    expect(state.opt_in?.email).toMatchObject({ status: "confirmed", confirmed_at: T0 + HOUR });
    expect(confirmedAddress(state, "email")).toBe("ann@example.com");
    expect(confirmedAddress(state, "sms")).toBeUndefined();
    expect(confirmOptIn(state, "ann@example.com", T0 + 2 * HOUR)).toEqual({ state, confirmed: true });
  });

  it("fills {{email}} of a flow message with the confirmed address", () => {
    const state = confirmOptIn(sent(), "ann@example.com", T0 + HOUR).state;
    const order = {
      run_id: "run_1",
      flow_id: "welcome",
      step_id: "hi",
      message_id: "run_1.hi",
      channel: "email" as const,
      to: "ann@example.com",
      attempt: 1,
    };
    const step = { id: "hi", delay_hours: 0, channel: "email" as const, template: { body: "Hello {{email}}" } };
    expect(renderContent({ order, step, state, shopName: "Mugs" }).body).toBe("Hello ann@example.com");
  });

  it("confirms nothing through a stale link to an address the person has since replaced", () => {
    const replaced = requestOptIn({ ...sent(), identifiers: visitor(["bob@example.com"]).identifiers }, T0 + HOUR);
    const result = confirmOptIn(replaced, "ann@example.com", T0 + 2 * HOUR);
    expect(result).toEqual({ state: replaced, confirmed: false });
    expect(confirmedAddress(result.state, "email")).toBeUndefined();
  });
});

describe("the send-time check with double opt-in", () => {
  const cart = BUILT_IN_FLOWS.find((flow) => flow.id === "cart_abandonment");
  const flows: FlowDefinition[] = cart ? [{ ...cart, enabled: true }] : [];

  function reminderFor(state: ProfileState) {
    const withCart: ProfileState = { ...state, cart: { items: [{ item_id: "mug", price: 9 }], value: 9, currency: "EUR", updated_at: T0 } };
    const input = { state: withCart, profile: toApiProfile(withCart, "implied", T0), now: T0 + 4 * HOUR };
    const planned = planFlows({
      ...input,
      profile: () => input.profile,
      flows,
      current: emptyFlowState(),
      events: [],
      now: T0,
      newRunId: () => "run_1",
    }).flows;
    const settings = { timezone: "UTC", quiet_hours: null, smart_sending_hours: 16, channels: { email: true, sms: true } };
    const result = checkDue({ ...input, definitions: flows, current: planned, settings });
    return { send: result.sends.find((order) => order.step_id === "reminder"), note: result.notes.find((n) => n.step_id === "reminder") };
  }

  it("skips an email step to a typed address as unverified_address, and sends it once the address is confirmed", () => {
    const requested = requestOptIn(visitor(), T0);
    expect(reminderFor(requested)).toMatchObject({ send: undefined, note: { outcome: "skipped", reason: "unverified_address" } });
    const confirmed = confirmOptIn(requested, "ann@example.com", T0 + HOUR).state;
    expect(reminderFor(confirmed).send).toMatchObject({ channel: "email", to: "ann@example.com" });
  });
});

describe("the confirmation message and its link", () => {
  it("asks to confirm the subscription to the shop, its one button the confirm URL", () => {
    const content = renderOptIn("Mug\r\nBcc: x@example.com", "https://nudge.example/m/confirm/abc");
    expect(content.subject).toBe("Please confirm your subscription to Mug Bcc: x@example.com");
    expect(content.cta).toEqual({ label: "Confirm", url: "https://nudge.example/m/confirm/abc" });
    expect(content.body).toContain("Mug");
  });

  it("signs the confirmed address into the confirm token, and requires one", async () => {
    const claims = { shop: "shp_1", person: "p1", message: "optin_1", flow: "double_opt_in", step: "confirm", channel: "email" as const };
    const token = await signMessageToken("secret", { ...claims, kind: "confirm" }, T0, "ann@example.com");
    expect(await verifyMessageToken("secret", token, T0)).toEqual({ ...claims, kind: "confirm", address: "ann@example.com", iat: T0 });
    const decoded = atob(token.replace(/-/g, "+").replace(/_/g, "/"));
    expect(decoded).toContain("ann@");
    const altered = btoa(decoded.replace("ann@", "eve@")).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    expect(await verifyMessageToken("secret", altered, T0)).toBeNull();
    await expect(signMessageToken("secret", { ...claims, kind: "confirm" }, T0)).rejects.toThrow();
  });
});
