/**
 * Double opt-in. With identity verification, an email a browser typed without proof is only a
 * claim: a page can type anyone's address, so flows must not write marketing to it. Instead ONE
 * confirmation message goes to it, and only once its owner confirms through that message's link
 * may flows write to it. Pure: the caller passes the state and `now`.
 */
import { DAY_MS } from "../time";
import type { Channel, OptIn, ProfileState } from "../types";
import { MAX_ATTEMPTS } from "./retry";
import { SEND_LEASE_MS } from "./state";
import type { DeliveryOutcome, SendOrder } from "./types";

/** How the confirmation message is named where flow messages name their flow and step (webhook, reports). */
export const OPT_IN_FLOW_ID = "double_opt_in";
export const OPT_IN_STEP_ID = "confirm";

/** A confirmation not sent within this long is given up: the person typed the address long ago. */
export const OPT_IN_EXPIRES_MS = 7 * DAY_MS;
/** Confirmation requests per person per 24 hours, all addresses together: a page typing address after address sends little. */
export const MAX_REQUESTS_PER_DAY = 3;

type Request = { address: string; requested_at: number };

/** The address the person typed last without proof, if any (claims are kept newest last). */
const latestEmailClaim = (state: ProfileState) => state.identifiers.unverified?.findLast((claim) => claim.kind === "email")?.value;

/** 64 bits of FNV-1a (two lanes) as hex: the same id for the same request, whoever computes it. */
function requestHash(text: string): string {
  let high = 0x811c9dc5;
  let low = 0x050c5d1f;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    high = Math.imul(high ^ char, 0x01000193) >>> 0;
    low = Math.imul(low ^ char ^ (high >>> 11), 0x01000193) >>> 0;
  }
  return high.toString(16).padStart(8, "0") + low.toString(16).padStart(8, "0");
}

/** The requests of the last 24 hours: the current one and those it replaced. */
function recentRequests(current: OptIn | undefined, now: number): Request[] {
  if (!current) return [];
  const all = [...(current.earlier ?? []), { address: current.address, requested_at: current.requested_at }];
  return all.filter((request) => now - request.requested_at < DAY_MS);
}

function withOptIn(state: ProfileState, optIn: OptIn): ProfileState {
  return { ...state, opt_in: { ...state.opt_in, email: optIn } };
}

/**
 * After a batch: a person subscribed to email whose only address is an unproven claim gets a
 * confirmation request for the address typed last. A new address replaces the current request
 * (even a confirmed one: the latest address is the person's), within limits: one request per
 * address per 24 hours and MAX_REQUESTS_PER_DAY in all. A proven email needs none, and an address
 * already requested (and not failed) is not asked again.
 */
export function requestOptIn(state: ProfileState, now: number): ProfileState {
  if (state.subscriptions.email?.value !== true || state.identifiers.email !== undefined) return state;
  const address = latestEmailClaim(state);
  if (address === undefined) return state;
  const current = state.opt_in?.email;
  if (current?.address === address && current.status !== "failed") return state;
  const recent = recentRequests(current, now);
  if (recent.length >= MAX_REQUESTS_PER_DAY || recent.some((request) => request.address === address)) return state;
  const next: OptIn = {
    address,
    requested_at: now,
    message_id: `optin_${requestHash(`${state.profile_id}\n${address}\n${now}`)}`,
    status: "pending",
    attempts: 0,
    at: now,
  };
  if (recent.length > 0) next.earlier = recent;
  return withOptIn(state, next);
}

/** When the confirmation next needs the send-time check (a send, a retry, a send that never reported), or null. */
export function optInDueAt(state: ProfileState): number | null {
  const optIn = state.opt_in?.email;
  if (optIn?.status === "pending") return Math.max(optIn.requested_at, optIn.not_before ?? 0);
  if (optIn?.status === "sending") return (optIn.at ?? optIn.requested_at) + SEND_LEASE_MS;
  return null;
}

/** Why a due confirmation must not be sent any more, or null. */
function giveUpReason(state: ProfileState, optIn: OptIn, now: number): string | null {
  if (now - optIn.requested_at > OPT_IN_EXPIRES_MS) return "expired";
  if (state.subscriptions.email?.value !== true) return "unsubscribed";
  // A proven address is written to as it is: asking to confirm a claim is moot.
  if (state.identifiers.email !== undefined) return "proven_address";
  return null;
}

/**
 * The send-time step of the confirmation: a due one is marked `sending` (in the same synchronous
 * pass as the flows' check, so it is never sent twice) and returned as an order; one that may no
 * longer go out fails with its reason, and one whose send never reported fails as `interrupted`.
 */
export function takeOptIn(state: ProfileState, now: number): { state: ProfileState; order: SendOrder | null } {
  const optIn = state.opt_in?.email;
  const due = optInDueAt(state);
  if (!optIn || due === null || due > now) return { state, order: null };
  if (optIn.status === "sending")
    return { state: withOptIn(state, { ...optIn, status: "failed", at: now, reason: "interrupted" }), order: null };
  const reason = giveUpReason(state, optIn, now);
  if (reason !== null) return { state: withOptIn(state, { ...optIn, status: "failed", at: now, reason }), order: null };
  const attempt = optIn.attempts + 1;
  const order: SendOrder = {
    run_id: optIn.message_id,
    flow_id: OPT_IN_FLOW_ID,
    step_id: OPT_IN_STEP_ID,
    message_id: optIn.message_id,
    channel: "email",
    to: optIn.address,
    attempt,
  };
  return { state: withOptIn(state, { ...optIn, status: "sending", attempts: attempt, at: now }), order };
}

/** Records what delivering the confirmation came to; only the request being sent changes (a repeated report changes nothing). */
export function recordOptInOutcome(state: ProfileState, messageId: string, outcome: DeliveryOutcome, now: number): ProfileState {
  const optIn = state.opt_in?.email;
  if (optIn?.message_id !== messageId || optIn.status !== "sending") return state;
  const settled: OptIn = { ...optIn, at: now, not_before: undefined };
  if (outcome.status === "sent") return withOptIn(state, { ...settled, status: "sent", reason: undefined });
  if (outcome.status === "failed" || optIn.attempts >= MAX_ATTEMPTS)
    return withOptIn(state, { ...settled, status: "failed", reason: outcome.reason });
  return withOptIn(state, { ...settled, status: "pending", not_before: outcome.retry_at });
}

/**
 * The owner of `address` followed the confirmation link. Only the address of the current request
 * is confirmed: a link to an address the person has since replaced confirms nothing.
 */
export function confirmOptIn(state: ProfileState, address: string, now: number): { state: ProfileState; confirmed: boolean } {
  const optIn = state.opt_in?.email;
  if (optIn?.address !== address) return { state, confirmed: false };
  if (optIn.status === "confirmed") return { state, confirmed: true };
  const confirmed: OptIn = { ...optIn, status: "confirmed", at: now, confirmed_at: now, not_before: undefined, reason: undefined };
  return { state: withOptIn(state, confirmed), confirmed: true };
}

/** The address the person confirmed for this channel (email only), if any. */
export function confirmedAddress(state: ProfileState, channel: Channel): string | undefined {
  const optIn = channel === "email" ? state.opt_in?.email : undefined;
  return optIn?.status === "confirmed" ? optIn.address : undefined;
}
