import { assign, type StickyAssignments } from "./assignment";
import type { BanditState, Random } from "./bandit";
import { actionFits, chooseNbaAction, type NbaAction, type NbaProfile } from "./nba";
import { eligibility, type CampaignHistory, type CampaignRules } from "./eligibility";
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
  campaigns: readonly DecidableCampaign[];
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
  /** Every campaign considered, with what happened to it and why (for `?explain=1`). */
  candidates: Candidate[];
  assignments: StickyAssignments;
}

/**
 * For `nba`: only actions that fit the person's phase stay; the bandit picks one of them by what
 * it earned in the person's segment, and that action's campaigns go first.
 */
function rankActions(ranked: DecidableCampaign[], input: DecideInput, candidates: Candidate[]): DecidableCampaign[] {
  const profile = input.subject.profile as NbaProfile;
  const fitting = ranked.filter((campaign) => {
    const fits = campaign.action !== undefined && actionFits(campaign.action, profile, input.now);
    if (!fits)
      candidates.push({
        placement: "nba",
        campaign_id: campaign.id,
        outcome: "skipped",
        reason: `action_does_not_fit: ${campaign.action ?? "none"} for ${profile.lifecycle}`,
      });
    return fits;
  });
  const actions = [...new Set(fitting.map((campaign) => campaign.action as NbaAction))];
  if (actions.length === 0) return [];
  const { action } = chooseNbaAction(actions, profile, input.bandit, input.random);
  return [...fitting.filter((campaign) => campaign.action === action), ...fitting.filter((campaign) => campaign.action !== action)];
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

/**
 * The best eligible campaign per placement: eligibility (status, schedule, caps, audience), then
 * the person's sticky variant or holdout, then the journey guards on its content. Among those
 * left, the highest priority wins; on a tie the more recently updated campaign. Holdout members
 * get nothing for that campaign (and no other campaign takes its place, so the holdout measures
 * the campaign against showing nothing).
 */
export function decide(input: DecideInput): DecideOutput {
  let assignments = input.assignments;
  const decisions: Decision[] = [];
  const candidates: Candidate[] = [];
  for (const placement of input.placements) {
    let ranked = input.campaigns
      .filter((campaign) => campaign.placement === placement)
      .sort((a, b) => b.priority - a.priority || b.updated_at.localeCompare(a.updated_at) || a.id.localeCompare(b.id));
    if (placement === "nba") ranked = rankActions(ranked, input, candidates);
    let decided = false;
    for (const campaign of ranked) {
      const entry = (outcome: Candidate["outcome"], reason: string, variant_id?: string): Candidate => ({
        placement,
        campaign_id: campaign.id,
        outcome,
        reason,
        ...(variant_id === undefined ? {} : { variant_id }),
      });
      if (decided) {
        candidates.push(entry("outranked", "a campaign of higher priority was chosen"));
        continue;
      }
      const history = Object.hasOwn(input.history, campaign.id) ? input.history[campaign.id] : undefined;
      const eligible = eligibility(campaign, input.subject, history, input.now, input.shopTimezone);
      if (!eligible.eligible) {
        candidates.push(entry("skipped", `${eligible.reason}: ${eligible.detail}`));
        continue;
      }
      const returning = returningCustomer(campaign, input.subject.profile);
      if (returning) {
        candidates.push(entry("skipped", returning));
        continue;
      }
      const assigned = assign(campaign.id, input.personId, campaign.variants, campaign.holdout, assignments, input.now);
      assignments = assigned.sticky;
      if (assigned.assignment.kind === "holdout") {
        candidates.push(entry("holdout", `in the holdout (${assigned.assignment.reason})`));
        decided = true;
        continue;
      }
      const variantId = assigned.assignment.variant_id;
      const variant = campaign.variants.find((v) => v.id === variantId);
      if (!variant) continue;
      const guarded = guardContent(variant.content, input.boughtItems);
      if (!guarded.ok) {
        candidates.push(entry("skipped", `${guarded.reason}: ${guarded.detail}`, variantId));
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
      candidates.push(entry("chosen", `${eligible.reason}; variant ${variantId} (${assigned.assignment.reason})`, variantId));
      decided = true;
    }
  }
  return { decisions, candidates, assignments };
}
