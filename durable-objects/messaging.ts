/**
 * The person's side of messaging flows: planning runs after a batch, the send-time check, and
 * sending what it cleared. The check and the marking of a step as `sending` happen without an
 * await, so two overlapping dispatches (two cron runs, a retry) can never both send a step; the
 * outcome of each delivery is applied to the state as it is after the awaits.
 */
import { checkDue, type CheckNote } from "../core/flows/send-check";
import { planFlows } from "../core/flows/plan";
import { OPT_IN_FLOW_ID, OPT_IN_STEP_ID, recordOptInOutcome, requestOptIn, takeOptIn } from "../core/flows/opt-in";
import {
  contentUrls,
  emailBodies,
  renderContent,
  renderOptIn,
  smsText,
  trackContent,
  type MessageContent,
  type TrackedLinks,
} from "../core/flows/render";
import { retryAt } from "../core/flows/retry";
import { emptyFlowState, recordOutcome } from "../core/flows/state";
import type { DeliveryOutcome, FlowDefinition, FlowStep, SendOrder, SendSettings } from "../core/flows/types";
import { signMessageToken, type MessageLinkKind } from "../core/message-token";
import { toApiProfile } from "../core/profile-view";
import type { SegmentRules } from "../core/segments";
import type { ConsentMode, ProfileState, TrackedEvent } from "../core/types";
import { deliver } from "../workers/channels/deliver";
import type { OutgoingMessage } from "../workers/channels/types";
import type { ShopSettings } from "../workers/schemas/settings";

/** How long one delivery may take before it counts as a timeout (and is retried). */
const DELIVERY_TIMEOUT_MS = 10_000;

/** What the cron sends a person's object to run its send-time check. */
export interface DispatchRequest {
  shopId: string;
  shopName: string;
  now: number;
  /** All of the shop's flows, enabled or not (a run of a switched-off flow exits). */
  definitions: FlowDefinition[];
  settings: SendSettings;
  channels: ShopSettings["channels"];
  consentMode: ConsentMode;
  segmentRules: SegmentRules;
  /** The Worker's public origin, for the tracking links. */
  publicUrl: string;
  allowPrivate: boolean;
  resolverUrl: string;
}

export interface DispatchSummary {
  sent: number;
  retried: number;
  failed: number;
  skipped: number;
  postponed: number;
  exited: number;
  next_due_at: number | null;
  notes: CheckNote[];
}

/** A value computed on first use, at most once. */
function once<T>(compute: () => T): () => T {
  let value: { v: T } | null = null;
  return () => {
    value ??= { v: compute() };
    return value.v;
  };
}

const randomRunId = () => `run_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;

/**
 * Starts, re-anchors or ends the person's runs after a batch (synchronous: part of the batch's
 * write), and asks an unproven address to confirm when flows may write to the person.
 */
export function planAfterBatch(
  state: ProfileState,
  events: readonly TrackedEvent[],
  enabled: readonly FlowDefinition[],
  consentMode: ConsentMode,
  segmentRules: SegmentRules,
  now: number,
): ProfileState {
  if (enabled.length === 0 && !state.flows) return state;
  const { flows } = planFlows({
    flows: enabled,
    state,
    current: state.flows ?? emptyFlowState(),
    events,
    profile: once(() => toApiProfile(state, consentMode, now, segmentRules)),
    now,
    newRunId: randomRunId,
  });
  // A person no flow has touched keeps no flow state (and costs the outbox nothing).
  const untouched = !state.flows && flows.runs.length === 0 && Object.keys(flows.history).length === 0;
  const planned = untouched ? state : { ...state, flows };
  return enabled.length > 0 ? requestOptIn(planned, now) : planned;
}

/** The send-time check on the live state: which steps (and which confirmation) to send now, with every skip's reason. */
export function prepareSends(
  state: ProfileState,
  request: DispatchRequest,
): { state: ProfileState; sends: SendOrder[]; notes: CheckNote[] } {
  const enabled = request.definitions.filter((flow) => flow.enabled);
  const profile = toApiProfile(state, request.consentMode, request.now, request.segmentRules);
  const planned = planFlows({
    flows: enabled,
    state,
    current: state.flows ?? emptyFlowState(),
    events: [],
    profile: () => profile,
    now: request.now,
    newRunId: randomRunId,
  });
  const checked = checkDue({
    definitions: request.definitions,
    state,
    current: planned.flows,
    profile,
    settings: request.settings,
    now: request.now,
  });
  const checkedState = { ...state, flows: checked.flows };
  const optIn = takeOptIn(checkedState, request.now);
  const optInNote = noteOfOptIn(checkedState, optIn.state, optIn.order);
  return {
    state: optIn.state,
    sends: optIn.order ? [...checked.sends, optIn.order] : checked.sends,
    notes: optInNote ? [...checked.notes, optInNote] : checked.notes,
  };
}

/** What the send-time check did with the confirmation: sent it, gave it up (with the reason), or nothing. */
function noteOfOptIn(before: ProfileState, after: ProfileState, order: SendOrder | null): CheckNote | null {
  const optIn = after.opt_in?.email;
  if (!optIn) return null;
  const note = { message_id: optIn.message_id, flow_id: OPT_IN_FLOW_ID, step_id: OPT_IN_STEP_ID };
  if (order) return { ...note, outcome: "send", reason: order.attempt === 1 ? "due" : "retry" };
  if (optIn.status !== "failed" || before.opt_in?.email?.status === "failed") return null;
  return { ...note, outcome: "skipped", reason: optIn.reason ?? "failed" };
}

/** Renders, signs and delivers one cleared message; never throws (a fault is a `failed` outcome). */
export async function sendMessage(
  order: SendOrder,
  state: ProfileState,
  profileId: string,
  request: DispatchRequest,
  secret: string,
): Promise<DeliveryOutcome> {
  try {
    const link = linkSigner(order, profileId, request, secret);
    const { content, links } =
      order.flow_id === OPT_IN_FLOW_ID ? await optInMessage(order, request, link) : await flowMessage(order, state, request, link);
    const message: OutgoingMessage = {
      id: order.message_id,
      shop_id: request.shopId,
      flow_id: order.flow_id,
      step_id: order.step_id,
      channel: order.channel,
      to: order.to,
      profile_id: profileId,
      content: trackContent(content, links),
      links: { open: links.open, click: links.click, unsubscribe: links.unsubscribe },
      created_at: new Date(request.now).toISOString(),
      email: emailBodies(content, links),
      sms: { text: smsText(content, links) },
    };
    const attempt = await deliver(message, request.channels, {
      allowPrivate: request.allowPrivate,
      resolverUrl: request.resolverUrl,
      timeoutMs: DELIVERY_TIMEOUT_MS,
      now: request.now,
    });
    if (attempt.outcome === "delivered") return { status: "sent" };
    if (attempt.outcome === "failed") return { status: "failed", reason: attempt.reason };
    return { status: "retry", retry_at: retryAt(order.attempt, attempt.retryAfter, request.now), reason: attempt.reason };
  } catch (error) {
    console.error("message not sent", { message: order.message_id, error: String(error) });
    return { status: "failed", reason: "error" };
  }
}

/** Applies delivery outcomes to the state as it is now (other calls may have changed it meanwhile). */
export function applyOutcomes(state: ProfileState, outcomes: readonly [SendOrder, DeliveryOutcome][], now: number): ProfileState {
  let flows = state.flows ?? emptyFlowState();
  let next = state;
  for (const [order, outcome] of outcomes) {
    if (order.flow_id === OPT_IN_FLOW_ID) next = recordOptInOutcome(next, order.message_id, outcome, now);
    else flows = recordOutcome(flows, order.message_id, outcome, now);
  }
  return { ...next, flows };
}

function stepOf(definitions: readonly FlowDefinition[], order: SendOrder): FlowStep {
  const step = definitions.find((flow) => flow.id === order.flow_id)?.steps.find((candidate) => candidate.id === order.step_id);
  if (!step) throw new Error(`step ${order.flow_id}/${order.step_id} is not defined`);
  return step;
}

const LINK_PATHS: Record<MessageLinkKind, string> = { open: "o", click: "c", unsubscribe: "u", confirm: "confirm" };

/** Signs one link of a message (see core/message-token.ts): its URL under `/m`, the token bound to `bound` when given. */
type LinkSigner = (kind: MessageLinkKind, bound?: string) => Promise<string>;

function linkSigner(order: SendOrder, profileId: string, request: DispatchRequest, secret: string): LinkSigner {
  // Tokens are issued on the real clock (the dispatch's `now` may be a scheduled time).
  const issued = Date.now();
  const base = request.publicUrl.replace(/\/+$/, "");
  return async (kind, bound) => {
    const claims = {
      shop: request.shopId,
      person: profileId,
      message: order.message_id,
      flow: order.flow_id,
      step: order.step_id,
      channel: order.channel,
      kind,
    };
    return `${base}/m/${LINK_PATHS[kind]}/${await signMessageToken(secret, claims, issued, bound)}`;
  };
}

/** A flow step's message with its links tracked. */
async function flowMessage(
  order: SendOrder,
  state: ProfileState,
  request: DispatchRequest,
  link: LinkSigner,
): Promise<{ content: MessageContent; links: TrackedLinks }> {
  const content = renderContent({ order, step: stepOf(request.definitions, order), state, shopName: request.shopName });
  const urls = contentUrls(content);
  const tracked: Record<string, string> = {};
  for (const url of urls) tracked[url] = `${await link("click", url)}?u=${encodeURIComponent(url)}`;
  const links = { open: await link("open"), unsubscribe: await link("unsubscribe"), tracked };
  return { content, links: { ...links, click: urls[0] === undefined ? "" : (tracked[urls[0]] ?? "") } };
}

/** The double opt-in confirmation: its main link is the confirm link, bound to the address it confirms. */
async function optInMessage(
  order: SendOrder,
  request: DispatchRequest,
  link: LinkSigner,
): Promise<{ content: MessageContent; links: TrackedLinks }> {
  const confirm = await link("confirm", order.to);
  const links = { open: await link("open"), unsubscribe: await link("unsubscribe"), click: confirm, tracked: {} };
  return { content: renderOptIn(request.shopName, confirm), links };
}

/** Counts of one dispatch: what was delivered, retried or failed, and what the check skipped or postponed. */
export function summarize(notes: CheckNote[], outcomes: readonly [SendOrder, DeliveryOutcome][], nextDue: number | null): DispatchSummary {
  const delivered = (status: DeliveryOutcome["status"]) => outcomes.filter(([, outcome]) => outcome.status === status).length;
  const noted = (outcome: CheckNote["outcome"]) => notes.filter((note) => note.outcome === outcome).length;
  return {
    sent: delivered("sent"),
    retried: delivered("retry"),
    failed: delivered("failed"),
    skipped: noted("skipped"),
    postponed: noted("postponed"),
    exited: noted("exited"),
    next_due_at: nextDue,
    notes,
  };
}
