import { assign, type StickyAssignments } from "./assignment";
import type { BanditState, Random } from "./bandit";
import { actionFits, chooseNbaAction, type NbaAction, type NbaProfile } from "./nba";
import { byRank, compiledEligibility, isCompiled, todayIn, type CompiledCampaign, type CompiledCampaigns } from "./compiled-campaigns";
import { eligibility, type CampaignHistory, type CampaignHistoryEntry, type CampaignRules, type Eligibility } from "./eligibility";
import { guardContent, type OfferContent } from "./guards";
import type { RuleSubject } from "./rules";

export type DecisionKind = "banner" | "popup" | "inline" | "action";

/** Placements: `top_banner`, `popup`, `nba` and `inline:<slot>`. */
export const PLACEMENT_PATTERN = /^(top_banner|popup|nba|inline:[a-z0-9_-]{1,64})$/;

export interface DecisionContent extends OfferContent {
  title?: string | undefined;
  body?: string | undefined;
  cta?: { label: string; url: string } | undefined;
  image_url?: string | undefined;
  items?:
    | {
        item_id: string;
        item_name?: string | undefined;
        price?: number | undefined;
        url?: string | undefined;
        image_url?: string | undefined;
      }[]
    | undefined;
}

/**
 * When the page may show a decision (a campaign's `trigger`): after `delay_ms`, once the visitor
 * scrolled `scroll_pct` percent, on exit intent, and only on URLs matching `url_matches`. The
 * snippet waits for it; the server decides who sees what, the page only when.
 */
export interface DecisionTrigger {
  delay_ms: number;
  scroll_pct: number | null;
  exit_intent: boolean;
  url_matches: string | null;
}

/** A campaign as decisions need it. */
export interface DecidableCampaign extends CampaignRules {
  id: string;
  placement: string;
  priority: number;
  holdout: number;
  variants: { id: string; weight: number; content: DecisionContent }[];
  updated_at: string;
  /** For the `nba` placement: the action the campaign offers. */
  action?: NbaAction | undefined;
  goal?: "general" | "first_purchase" | "welcome" | undefined;
  /** When the page may show it; null or absent: at once. */
  trigger?: DecisionTrigger | null | undefined;
}

export interface Decision {
  placement: string;
  campaign_id: string;
  variant_id: string;
  kind: DecisionKind;
  content: DecisionContent;
  /** The campaign's trigger, only when it defines one. */
  trigger?: DecisionTrigger;
}

export interface Candidate {
  placement: string;
  campaign_id: string;
  outcome: "chosen" | "outranked" | "skipped" | "holdout";
  reason: string;
  variant_id?: string;
}

export interface DecideInput {
  placements: readonly string[];
  /** The active campaigns: as a list (the interpreter, the reference) or compiled once per version (compiled-campaigns.ts). */
  campaigns: readonly DecidableCampaign[] | CompiledCampaigns;
  /** Whether to list every candidate with its reason (`?explain=1`, the default); without, only decisions are made. */
  explain?: boolean;
  subject: RuleSubject;
  /** The person's history with each campaign, and their sticky assignments. */
  history: CampaignHistory;
  assignments: StickyAssignments;
  /** Orders' quantities per item id: the journey guards read them. */
  boughtItems: Record<string, number>;
  personId: string;
  now: number;
  shopTimezone: string;
  /** What each next-best-action earned per segment in this shop, and a source of randomness. */
  bandit: BanditState;
  random: Random;
}

export interface DecideOutput {
  decisions: Decision[];
  /** Every campaign considered, with what happened to it and why (for `?explain=1`; empty without `explain`). */
  candidates: Candidate[];
  assignments: StickyAssignments;
}

/**
 * For `nba`: only actions that fit the person's phase stay; the bandit picks one of them by what
 * it earned in the person's segment, and that action's campaigns go first.
 */
function rankActions<T>(ranked: readonly T[], catalog: Catalog<T>, input: DecideInput, note: (candidate: Candidate) => void): T[] {
  const profile = input.subject.profile as NbaProfile;
  const fitting = ranked.filter((item) => {
    const campaign = catalog.campaignOf(item);
    const fits = campaign.action !== undefined && actionFits(campaign.action, profile, input.now);
    if (!fits)
      note({
        placement: "nba",
        campaign_id: campaign.id,
        outcome: "skipped",
        reason: `action_does_not_fit: ${campaign.action ?? "none"} for ${profile.lifecycle}`,
      });
    return fits;
  });
  const actions = [...new Set(fitting.map((item) => catalog.campaignOf(item).action as NbaAction))];
  if (actions.length === 0) return [];
  const { action } = chooseNbaAction(actions, profile, input.bandit, input.random);
  const chosen = (item: T) => catalog.campaignOf(item).action === action;
  return [...fitting.filter(chosen), ...fitting.filter((item) => !chosen(item))];
}

/** A first-purchase or welcome offer never goes to someone who already bought, or a VIP. */
function returningCustomer(campaign: DecidableCampaign, profile: unknown): string | null {
  if (campaign.goal !== "first_purchase" && campaign.goal !== "welcome") return null;
  const { orders, segments } = profile as { orders?: { count?: number }; segments?: string[] };
  if ((orders?.count ?? 0) > 0) return `returning_customer: a ${campaign.goal} offer, and ${orders?.count} orders`;
  if (segments?.includes("vip")) return `returning_customer: a ${campaign.goal} offer to a VIP`;
  return null;
}

/** The trigger as the page gets it: exactly its four fields, a fresh object (never the cached campaign's). */
function triggerOf(trigger: DecisionTrigger): DecisionTrigger {
  return {
    delay_ms: trigger.delay_ms ?? 0,
    scroll_pct: trigger.scroll_pct ?? null,
    exit_intent: trigger.exit_intent ?? false,
    url_matches: trigger.url_matches ?? null,
  };
}

export function kindOf(placement: string): DecisionKind {
  if (placement === "top_banner") return "banner";
  if (placement === "popup") return "popup";
  if (placement === "nba") return "action";
  return "inline";
}

/** Where the campaigns of a placement come from, in rank order, and how one is checked. */
interface Catalog<T> {
  ranked(placement: string): readonly T[];
  campaignOf(item: T): DecidableCampaign;
  eligible(item: T, history: CampaignHistoryEntry | undefined): Eligibility;
}

function interpreted(campaigns: readonly DecidableCampaign[], input: DecideInput): Catalog<DecidableCampaign> {
  return {
    ranked: (placement) => campaigns.filter((campaign) => campaign.placement === placement).sort(byRank),
    campaignOf: (campaign) => campaign,
    eligible: (campaign, history) => eligibility(campaign, input.subject, history, input.now, input.shopTimezone),
  };
}

function compiled(campaigns: CompiledCampaigns, input: DecideInput, explain: boolean): Catalog<CompiledCampaign> {
  const today = todayIn(input.now, input.shopTimezone);
  return {
    ranked: (placement) => campaigns.byPlacement.get(placement) ?? [],
    campaignOf: (item) => item.campaign,
    eligible: (item, history) => compiledEligibility(item, input.subject, history, input.now, today, explain),
  };
}

/**
 * The best eligible campaign per placement: eligibility (status, schedule, caps, audience), then
 * the person's sticky variant or holdout, then the journey guards on its content. Among those
 * left, the highest priority wins; on a tie the more recently updated campaign. Holdout members
 * get nothing for that campaign (and no other campaign takes its place, so the holdout measures
 * the campaign against showing nothing).
 */
export function decide(input: DecideInput): DecideOutput {
  const explain = input.explain ?? true;
  return isCompiled(input.campaigns)
    ? decideWith(compiled(input.campaigns, input, explain), input, explain)
    : decideWith(interpreted(input.campaigns, input), input, explain);
}

function decideWith<T>(catalog: Catalog<T>, input: DecideInput, explain: boolean): DecideOutput {
  let assignments = input.assignments;
  const decisions: Decision[] = [];
  const candidates: Candidate[] = [];
  const note = explain ? (candidate: Candidate) => candidates.push(candidate) : () => undefined;
  for (const placement of input.placements) {
    let ranked = catalog.ranked(placement);
    if (placement === "nba") ranked = rankActions(ranked, catalog, input, note);
    let decided = false;
    for (const item of ranked) {
      const campaign = catalog.campaignOf(item);
      const entry = (outcome: Candidate["outcome"], reason: () => string, variant_id?: string): void => {
        if (!explain) return;
        note({ placement, campaign_id: campaign.id, outcome, reason: reason(), ...(variant_id === undefined ? {} : { variant_id }) });
      };
      if (decided) {
        entry("outranked", () => "a campaign of higher priority was chosen");
        if (!explain) break;
        continue;
      }
      const history = Object.hasOwn(input.history, campaign.id) ? input.history[campaign.id] : undefined;
      const eligible = catalog.eligible(item, history);
      if (!eligible.eligible) {
        entry("skipped", () => `${eligible.reason}: ${eligible.detail}`);
        continue;
      }
      const returning = returningCustomer(campaign, input.subject.profile);
      if (returning) {
        entry("skipped", () => returning);
        continue;
      }
      const assigned = assign(campaign.id, input.personId, campaign.variants, campaign.holdout, assignments, input.now);
      assignments = assigned.sticky;
      if (assigned.assignment.kind === "holdout") {
        const { reason } = assigned.assignment;
        // Held-out decisions are always reported: results count the holdout from them.
        candidates.push({ placement, campaign_id: campaign.id, outcome: "holdout", reason: `in the holdout (${reason})` });
        decided = true;
        continue;
      }
      const variantId = assigned.assignment.variant_id;
      const variant = campaign.variants.find((v) => v.id === variantId);
      if (!variant) continue;
      const guarded = guardContent(variant.content, input.boughtItems);
      if (!guarded.ok) {
        entry("skipped", () => `${guarded.reason}: ${guarded.detail}`, variantId);
        continue;
      }
      decisions.push({
        placement,
        campaign_id: campaign.id,
        variant_id: variantId,
        kind: kindOf(placement),
        content: guarded.content,
        ...(campaign.trigger ? { trigger: triggerOf(campaign.trigger) } : {}),
      });
      const { reason } = assigned.assignment;
      entry("chosen", () => `${eligible.reason}; variant ${variantId} (${reason})`, variantId);
      decided = true;
    }
  }
  return { decisions, candidates, assignments };
}
