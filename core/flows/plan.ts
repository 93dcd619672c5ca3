/**
 * Planning: after a batch (and again at send time) each enabled flow's trigger is read from the
 * person's state. A new instance starts a run with its steps scheduled from the anchor; a moved
 * anchor (the cart changed, a newer order) reschedules the steps still pending; an instance that is
 * gone (the cart emptied, a purchase, an unsubscribe) ends the run. Events with past timestamps
 * count from their `ts`, like live ones.
 */
import type { ApiProfile } from "../profile-view";
import { evaluateRule } from "../rules";
import { DAY_MS } from "../time";
import type { ProfileState, TrackedEvent } from "../types";
import { STALE_AFTER_MS } from "./send-check";
import { pruneFlowState } from "./state";
import type { FlowDefinition, FlowRun, FlowState, FlowStep, FlowTrigger, StepState } from "./types";

export interface PlanInput {
  /** The shop's enabled flows. */
  flows: readonly FlowDefinition[];
  /** The person's state after the batch. */
  state: ProfileState;
  current: FlowState;
  /** Stored by this batch; [] when re-planning at send time or after a merge. */
  events: readonly TrackedEvent[];
  /** The profile as of now, for entry rules and the predicted next order; asked for only when needed (deriving it costs). */
  profile: () => ApiProfile;
  now: number;
  newRunId: () => string;
}

export interface PlanNote {
  flow_id: string;
  run_id: string | null;
  action: "started" | "reanchored" | "exited" | "not_started";
  reason: string;
}

const HOUR_MS = 60 * 60 * 1000;
/** Birthday messages go out in the morning (09:00 UTC) rather than at midnight. */
const BIRTHDAY_HOUR_UTC = 9;

/** The trigger's current instance: its anchor, or why an active run of it must end. */
type Instance = { anchor: number } | { gone: string } | null;

function dueAt(step: FlowStep, anchor: number, profile: () => ApiProfile): number {
  const next = step.at_next_order ? profile().predictions.next_order_at : null;
  const predicted = next !== null ? Date.parse(next) : NaN;
  return predicted > anchor ? predicted : anchor + step.delay_hours * HOUR_MS;
}

const isStale = (due: number, now: number) => due + STALE_AFTER_MS < now;
const allStale = (flow: FlowDefinition, anchor: number, input: PlanInput) =>
  flow.steps.every((step) => isStale(dueAt(step, anchor, input.profile), input.now));

/** A purchase at or after the anchor (from any stitched device) ends an abandonment. */
const purchasedSince = (state: ProfileState, anchor: number) => state.orders.last_at !== null && state.orders.last_at >= anchor;

/** The same month and day `years` later, at the same time of day; Feb 29 falls on Feb 28 in other years. */
function sameDayInYear(instant: number, year: number): number {
  const date = new Date(instant);
  const month = date.getUTCMonth();
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const time = instant - Date.UTC(date.getUTCFullYear(), month, date.getUTCDate());
  return Date.UTC(year, month, Math.min(date.getUTCDate(), lastDay)) + time;
}

/** `traits.birthday` (`YYYY-MM-DD` or `MM-DD`) as a day of some year at BIRTHDAY_HOUR_UTC, or null. */
function birthdayIn(value: unknown, year: number): number | null {
  const match = typeof value === "string" ? /^(?:\d{4}-)?(\d{2})-(\d{2})$/.exec(value) : null;
  if (!match) return null;
  const month = Number(match[1]);
  const day = Number(match[2]);
  const inLeapYear = new Date(Date.UTC(2000, month - 1, day));
  if (month < 1 || month > 12 || inLeapYear.getUTCMonth() !== month - 1) return null;
  return sameDayInYear(inLeapYear.getTime() + BIRTHDAY_HOUR_UTC * HOUR_MS, year);
}

/** The first yearly anchor after the last one planned that can still be sent. */
function nextYearly(anchorIn: (year: number) => number | null, fromYear: number, flow: FlowDefinition, input: PlanInput): Instance {
  const last = input.current.history[flow.id]?.last_anchor_at ?? -Infinity;
  const thisYear = new Date(input.now).getUTCFullYear();
  for (let year = Math.max(fromYear, thisYear - 1); year <= thisYear + 2; year += 1) {
    const anchor = anchorIn(year);
    if (anchor !== null && anchor > last && !allStale(flow, anchor, input)) return { anchor };
  }
  return null;
}

function categoryPurchaseAt(categories: readonly string[], events: readonly TrackedEvent[]): number | null {
  const matching = events.filter(
    (event) => event.type === "purchase" && (event.items ?? []).some((item) => categories.includes(item.item_category ?? "")),
  );
  return matching.length === 0 ? null : Math.max(...matching.map((event) => event.ts));
}

function browseAnchor(state: ProfileState, minViews: number): number | null {
  if (state.session === null) return null;
  const start = state.session.started_at;
  const inSession = state.views.recent.filter((view) => view.at >= start);
  if (new Set(inSession.map((view) => view.item_id)).size < minViews) return null;
  return Math.max(...inSession.map((view) => view.at));
}

function instanceOf(trigger: FlowTrigger, flow: FlowDefinition, input: PlanInput, active: FlowRun | undefined): Instance {
  const { state } = input;
  const { orders, cart } = state;
  switch (trigger.type) {
    case "cart_abandoned": {
      if (active && purchasedSince(state, active.anchor_at)) return { gone: "purchased" };
      if (cart.items.length === 0 || cart.updated_at === null) return active ? { gone: "cart_emptied" } : null;
      return { anchor: cart.updated_at };
    }
    case "browse_abandoned": {
      if (active && purchasedSince(state, active.anchor_at)) return { gone: "purchased" };
      if (cart.items.length > 0) return active ? { gone: "added_to_cart" } : null;
      const anchor = browseAnchor(state, trigger.min_views);
      return anchor === null ? null : { anchor };
    }
    case "subscribed": {
      const subscription = state.subscriptions[trigger.channel];
      if (subscription?.value !== true) return active ? { gone: "unsubscribed" } : null;
      return { anchor: subscription.at };
    }
    case "purchased": {
      const anchor = trigger.item_categories?.length ? categoryPurchaseAt(trigger.item_categories, input.events) : orders.last_at;
      return anchor === null ? null : { anchor };
    }
    case "no_purchase":
      return orders.count > 0 && orders.last_at !== null ? { anchor: orders.last_at + trigger.days * DAY_MS } : null;
    case "order_anniversary": {
      const first = orders.first_at;
      if (active || orders.count === 0 || first === null) return null;
      const firstYear = new Date(first).getUTCFullYear();
      return nextYearly((year) => sameDayInYear(first, year) - trigger.days_before * DAY_MS, firstYear + 1, flow, input);
    }
    case "birthday": {
      if (active) return null;
      const birthday = state.traits.birthday;
      const anchorIn = (year: number) => {
        const day = birthdayIn(birthday, year);
        return day === null ? null : day - trigger.days_before * DAY_MS;
      };
      return nextYearly(anchorIn, -Infinity, flow, input);
    }
  }
}

/** Triggers whose clock restarts when their anchor moves (only later, except a cart, which any change restarts). */
const REANCHORED: ReadonlySet<FlowTrigger["type"]> = new Set(["cart_abandoned", "browse_abandoned", "purchased", "no_purchase"]);

function reschedule(run: FlowRun, flow: FlowDefinition, anchor: number, profile: () => ApiProfile): FlowRun {
  const steps: Record<string, StepState> = {};
  for (const [id, step] of Object.entries(run.steps)) {
    const definition = flow.steps.find((candidate) => candidate.id === id);
    steps[id] = step.status === "pending" && definition ? { ...step, due_at: dueAt(definition, anchor, profile) } : step;
  }
  return { ...run, anchor_at: anchor, steps };
}

function endRun(run: FlowRun, reason: string, now: number): FlowRun {
  const steps: Record<string, StepState> = {};
  for (const [id, step] of Object.entries(run.steps)) {
    steps[id] = step.status === "pending" ? { ...step, status: "skipped", at: now, reason } : step;
  }
  return { ...run, status: "exited", reason, ended_at: now, steps };
}

function newRun(flow: FlowDefinition, anchor: number, input: PlanInput): FlowRun {
  const id = input.newRunId();
  const steps: Record<string, StepState> = {};
  for (const step of flow.steps) {
    const due = dueAt(step, anchor, input.profile);
    const base = { message_id: `${id}.${step.id}`, due_at: due, attempts: 0, channel: step.channel };
    steps[step.id] = isStale(due, input.now)
      ? { ...base, status: "skipped", at: input.now, reason: "stale" }
      : { ...base, status: "pending" };
  }
  return { id, flow_id: flow.id, started_at: input.now, anchor_at: anchor, status: "active", steps };
}

/** Why a new instance starts no run, or null when it may start one. */
function blockedStart(flow: FlowDefinition, anchor: number, input: PlanInput): string | null {
  const history = input.current.history[flow.id];
  if (history) {
    if (flow.reentry_days === null) return "once_per_person";
    if (input.now - history.last_started_at < flow.reentry_days * DAY_MS) return "reentry";
  }
  const abandonment = flow.trigger.type === "cart_abandoned" || flow.trigger.type === "browse_abandoned";
  if (abandonment && purchasedSince(input.state, anchor)) return "purchased";
  if (flow.entry && !evaluateRule(flow.entry, { profile: input.profile(), context: {} }).match) return "entry_rule";
  if (allStale(flow, anchor, input)) return "stale";
  return null;
}

/** Starts, reschedules and ends the person's runs of the shop's enabled flows. */
export function planFlows(input: PlanInput): { flows: FlowState; notes: PlanNote[] } {
  const notes: PlanNote[] = [];
  let runs = [...input.current.runs];
  const history = { ...input.current.history };
  for (const flow of input.flows) {
    const active = runs.find((run) => run.flow_id === flow.id && run.status === "active");
    const instance = instanceOf(flow.trigger, flow, input, active);
    if (instance === null) continue;
    if ("gone" in instance) {
      if (!active) continue;
      runs = runs.map((run) => (run === active ? endRun(run, instance.gone, input.now) : run));
      notes.push({ flow_id: flow.id, run_id: active.id, action: "exited", reason: instance.gone });
      continue;
    }
    const { anchor } = instance;
    if (active) {
      const moved = flow.trigger.type === "cart_abandoned" ? anchor !== active.anchor_at : anchor > active.anchor_at;
      if (!moved || !REANCHORED.has(flow.trigger.type)) continue;
      runs = runs.map((run) => (run === active ? reschedule(run, flow, anchor, input.profile) : run));
      const previous = history[flow.id];
      if (previous) history[flow.id] = { ...previous, last_anchor_at: Math.max(previous.last_anchor_at, anchor) };
      notes.push({ flow_id: flow.id, run_id: active.id, action: "reanchored", reason: "anchor_moved" });
      continue;
    }
    const previous = history[flow.id];
    // This instance has had its run already (or an older one arrived late).
    if (previous && anchor <= previous.last_anchor_at) continue;
    const blocked = blockedStart(flow, anchor, input);
    if (blocked) {
      notes.push({ flow_id: flow.id, run_id: null, action: "not_started", reason: blocked });
      continue;
    }
    const run = newRun(flow, anchor, input);
    runs = [...runs, run];
    history[flow.id] = { last_started_at: input.now, last_anchor_at: anchor, runs: (previous?.runs ?? 0) + 1 };
    notes.push({ flow_id: flow.id, run_id: run.id, action: "started", reason: flow.trigger.type });
  }
  return { flows: pruneFlowState({ ...input.current, runs, history }), notes };
}
