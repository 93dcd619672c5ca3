import { tokenSecret } from "../workers/crypto";
import type { BanditState } from "../core/bandit";
import { hasConsent } from "../core/consent";
import { compileCampaigns, type CompiledCampaigns } from "../core/compiled-campaigns";
import { decide, type Candidate, type DecidableCampaign, type Decision } from "../core/decide";
import { signDecision, tokenExpired, verifyDecision } from "../core/decision-token";
import type { IncomingEvent } from "../core/profile";
import { toApiProfile } from "../core/profile-view";
import { deriveProfile } from "../core/derive";
import type { SegmentRules } from "../core/segments";
import type { ConsentMode, ProfileState, TrackedEvent } from "../core/types";

export interface DecideRequest {
  placements: string[];
  /** The version of the shop's active campaigns; the campaigns come along only when asked for. */
  version: string;
  campaigns?: DecidableCampaign[] | undefined;
  context: Record<string, unknown>;
  shopTimezone: string;
  /** What each next-best-action earned per segment in this shop (for `nba`). */
  bandit: BanditState;
  /** List every candidate with its reason (`?explain=1`); without, only the decisions (and holdouts) come back. */
  explain?: boolean;
}

export interface SignedDecision extends Decision {
  token: string;
}

export interface DecisionsOutcome {
  decisions: Decision[];
  candidates: Candidate[];
  state: ProfileState;
}

/** Campaigns the holdout kept back from the person in these decisions. */
export function heldOut(candidates: readonly Candidate[]): string[] {
  return candidates.flatMap((candidate) => (candidate.outcome === "holdout" ? [candidate.campaign_id] : []));
}

/**
 * Active campaigns by version, shared by every object of this isolate: campaigns cross the RPC
 * boundary once per version and isolate instead of with every decision.
 */
const campaignVersions = new Map<string, CompiledCampaigns>();
const MAX_VERSIONS = 1000;
const NO_CAMPAIGNS = compileCampaigns([]);

/** Keeps the campaigns a request brought, compiled once for this version; false when it brought none and they are unknown here. */
export function knowCampaigns(request: DecideRequest): boolean {
  if (request.campaigns) {
    if (campaignVersions.size >= MAX_VERSIONS) campaignVersions.clear();
    if (!campaignVersions.has(request.version)) campaignVersions.set(request.version, compileCampaigns(request.campaigns));
    return true;
  }
  return campaignVersions.has(request.version);
}

/**
 * Decisions for a person from their live state, after the batch's events were applied. Without
 * personalization consent nobody is personalized: every candidate is skipped with that reason.
 * Synchronous, so the object decides on the state it holds and records sticky assignments before
 * anything else can run; the tokens are signed afterwards (`signDecisions`).
 */
export function decideNow(
  profileId: string,
  state: ProfileState,
  consentMode: ConsentMode,
  segmentRules: SegmentRules,
  request: DecideRequest,
  now: number,
): DecisionsOutcome {
  const campaigns = campaignVersions.get(request.version) ?? NO_CAMPAIGNS;
  if (!hasConsent(state.consent_choices, "personalization", consentMode)) {
    const asked = request.explain ? request.placements.flatMap((placement) => campaigns.byPlacement.get(placement) ?? []) : [];
    const candidates = asked.map(({ campaign }) => ({
      placement: campaign.placement,
      campaign_id: campaign.id,
      outcome: "skipped" as const,
      reason: "no_consent: personalization is not granted",
    }));
    return { decisions: [], candidates, state };
  }
  const profile = toApiProfile(state, consentMode, now, segmentRules);
  const outcome = decide({
    placements: request.placements,
    campaigns,
    subject: { profile, context: request.context },
    history: state.campaigns,
    assignments: state.assignments,
    boughtItems: state.orders.items,
    personId: profileId,
    now,
    shopTimezone: request.shopTimezone,
    bandit: request.bandit,
    random: Math.random,
    explain: request.explain ?? false,
  });
  return {
    decisions: outcome.decisions,
    candidates: outcome.candidates,
    state: outcome.assignments === state.assignments ? state : { ...state, assignments: outcome.assignments },
  };
}

/** Each decision with its token: a fresh decision id, so its outcomes count once. */
export function signDecisions(
  env: Env,
  shopId: string,
  profileId: string,
  decisions: readonly Decision[],
  now: number,
): Promise<SignedDecision[]> {
  const secret = tokenSecret(env);
  return Promise.all(
    decisions.map(async (decision) => ({
      ...decision,
      token: await signDecision(
        secret,
        { shop: shopId, person: profileId, campaign: decision.campaign_id, variant: decision.variant_id, placement: decision.placement },
        now,
      ),
    })),
  );
}

const NUDGE_EVENTS = new Set(["nudge_impression", "nudge_click", "nudge_dismiss"]);

/** A verified `nudge_*` event: which decision it reports, and the person's segment at the time. */
export interface Interaction {
  type: string;
  campaign_id: string;
  placement: string;
  segment: string;
}

/** The decision a verified `nudge_*` event reports. */
export interface ReportedDecision {
  id: string;
  placement: string;
  expired: boolean;
}

export type NudgeCheck = { ok: true; decisions: Map<TrackedEvent, ReportedDecision> } | { ok: false; index: number };

/**
 * Checks the tokens of a batch's `nudge_*` events: genuine, of this shop, for this person (or a
 * person they absorbed: read only when a batch has such events), and naming the event's campaign
 * and variant. Returns the first bad one, or the decision each event reports.
 */
export async function checkNudges(
  env: Env,
  shopId: string,
  personIds: () => ReadonlySet<string>,
  events: readonly IncomingEvent[],
  now: number,
): Promise<NudgeCheck> {
  const decisions = new Map<TrackedEvent, ReportedDecision>();
  let people: ReadonlySet<string> | null = null;
  for (const [index, { event }] of events.entries()) {
    if (!NUDGE_EVENTS.has(event.type)) continue;
    people ??= personIds();
    const claims = await verifyDecision(tokenSecret(env), event.token ?? "");
    const genuine =
      claims !== null &&
      claims.shop === shopId &&
      people.has(claims.person) &&
      claims.campaign === event.campaign_id &&
      claims.variant === event.variant_id;
    if (!genuine || !claims) return { ok: false, index };
    decisions.set(event, { id: claims.id, placement: claims.placement, expired: tokenExpired(claims, now) });
  }
  return { ok: true, decisions };
}

/** The interactions among the events stored, with the segment the person is in now. */
export function interactionsOf(
  stored: readonly TrackedEvent[],
  decisions: Map<TrackedEvent, ReportedDecision>,
  state: ProfileState | null,
  now: number,
): Interaction[] {
  if (decisions.size === 0 || !state) return [];
  const segment = deriveProfile(state, now).lifecycle;
  return stored.flatMap((event) => {
    const placement = decisions.get(event)?.placement;
    return placement && event.campaign_id ? [{ type: event.type, campaign_id: event.campaign_id, placement, segment }] : [];
  });
}
