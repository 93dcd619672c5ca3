import { evaluateRule, type Rule, type RuleSubject } from "./rules";
import { localDay, parseScheduleTime } from "./time-zone";

/** What a person has seen and done with one campaign (kept in their profile, merged with it). */
export interface CampaignHistoryEntry {
  /** Times of the latest impressions, oldest first, bounded. */
  impressions: number[];
  impressions_total: number;
  clicks: number;
  dismissals: number;
  last_click_at: number | null;
  converted_at: number | null;
}
export type CampaignHistory = Record<string, CampaignHistoryEntry>;

/** Enough impression times to apply any daily cap the schema allows. */
export const MAX_IMPRESSION_TIMES = 1000;

/** The parts of a campaign that decide whether it may show. */
export interface CampaignRules {
  status: "draft" | "active" | "paused" | "archived";
  audience: Rule;
  caps: { per_day: number | null; lifetime: number | null; stop_after_click: boolean; stop_after_conversion: boolean };
  schedule: { start: string | null; end: string | null; timezone: string } | null;
}

export type SkipReason =
  | "not_active"
  | "not_started"
  | "ended"
  | "cap_per_day"
  | "cap_lifetime"
  | "stopped_after_click"
  | "stopped_after_conversion"
  | "audience";

export type Eligibility = { eligible: true; reason: string } | { eligible: false; reason: SkipReason; detail: string };

function skip(reason: SkipReason, detail: string): Eligibility {
  return { eligible: false, reason, detail };
}

/**
 * What eligibility reads of a campaign's schedule, of today and of its audience: worked out afresh
 * by the interpreter (`eligibility`), or prepared once per version and day by the compiled path
 * (compiled-campaigns.ts). Both go through the same checks in the same order.
 */
export interface EligibilityInputs {
  startsAt: number | null;
  endsAt: number | null;
  /** Impressions of `history` on the shop's current day, and that day. */
  seenToday(history: CampaignHistoryEntry): { count: number; day: string };
  audience(): { match: boolean; reason: string };
}

/** The checks, cheapest first: status, schedule, caps ("a day" is the shop's day), stop rules, then the audience. */
export function checkEligibility(
  campaign: CampaignRules,
  history: CampaignHistoryEntry | undefined,
  now: number,
  inputs: EligibilityInputs,
): Eligibility {
  if (campaign.status !== "active") return skip("not_active", `status is ${campaign.status}`);
  const schedule = campaign.schedule;
  if (inputs.startsAt !== null && now < inputs.startsAt) return skip("not_started", `starts ${schedule?.start} (${schedule?.timezone})`);
  if (inputs.endsAt !== null && now >= inputs.endsAt) return skip("ended", `ended ${schedule?.end} (${schedule?.timezone})`);
  const { caps } = campaign;
  if (history) {
    if (caps.lifetime !== null && history.impressions_total >= caps.lifetime)
      return skip("cap_lifetime", `${history.impressions_total} of ${caps.lifetime} impressions`);
    if (caps.per_day !== null) {
      const seen = inputs.seenToday(history);
      if (seen.count >= caps.per_day) return skip("cap_per_day", `${seen.count} of ${caps.per_day} impressions on ${seen.day}`);
    }
    if (caps.stop_after_click && history.clicks > 0) return skip("stopped_after_click", `clicked ${history.clicks}×`);
    if (caps.stop_after_conversion && history.converted_at !== null) return skip("stopped_after_conversion", "converted");
  }
  const audience = inputs.audience();
  return audience.match ? { eligible: true, reason: audience.reason } : skip("audience", audience.reason);
}

/** Whether a campaign may show to a person now: the reference interpreter, which explains every outcome. */
export function eligibility(
  campaign: CampaignRules,
  subject: RuleSubject,
  history: CampaignHistoryEntry | undefined,
  now: number,
  shopTimezone: string,
): Eligibility {
  const { schedule } = campaign;
  return checkEligibility(campaign, history, now, {
    startsAt: schedule?.start ? parseScheduleTime(schedule.start, schedule.timezone) : null,
    endsAt: schedule?.end ? parseScheduleTime(schedule.end, schedule.timezone) : null,
    seenToday: (entry) => {
      const day = localDay(now, shopTimezone);
      return { count: entry.impressions.filter((at) => localDay(at, shopTimezone) === day).length, day };
    },
    audience: () => evaluateRule(campaign.audience, subject),
  });
}

function entryOf(history: CampaignHistory, campaignId: string): CampaignHistoryEntry {
  const existing = Object.hasOwn(history, campaignId) ? history[campaignId] : undefined;
  return existing ?? { impressions: [], impressions_total: 0, clicks: 0, dismissals: 0, last_click_at: null, converted_at: null };
}

export type Interaction = "impression" | "click" | "dismiss";

/** The history after an impression, click or dismissal of a campaign (a new object). */
export function recordInteraction(history: CampaignHistory, campaignId: string, interaction: Interaction, at: number): CampaignHistory {
  const entry = { ...entryOf(history, campaignId) };
  if (interaction === "impression") {
    entry.impressions = [...entry.impressions, at].sort((a, b) => a - b).slice(-MAX_IMPRESSION_TIMES);
    entry.impressions_total += 1;
  } else if (interaction === "click") {
    entry.clicks += 1;
    entry.last_click_at = Math.max(entry.last_click_at ?? at, at);
  } else {
    entry.dismissals += 1;
  }
  return { ...history, [campaignId]: entry };
}

/**
 * A purchase converts every campaign the person clicked within `windowMs` before it (an
 * impression counts too when `impressionsCount`); those with `stop_after_conversion` then stop.
 */
export function recordConversion(
  history: CampaignHistory,
  at: number,
  windowMs: number,
  impressionsCount = false,
): { history: CampaignHistory; converted: string[] } {
  const converted: string[] = [];
  const next: CampaignHistory = { ...history };
  for (const [campaignId, entry] of Object.entries(history)) {
    const clicked = entry.last_click_at !== null && at - entry.last_click_at <= windowMs && entry.last_click_at <= at;
    const seen = impressionsCount && entry.impressions.some((time) => time <= at && at - time <= windowMs);
    if (clicked || seen) {
      next[campaignId] = { ...entry, converted_at: at };
      converted.push(campaignId);
    }
  }
  return { history: next, converted };
}

/** For a merge: both people's interactions with each campaign count. */
export function mergeCampaignHistory(a: CampaignHistory, b: CampaignHistory): CampaignHistory {
  const merged: CampaignHistory = { ...a };
  for (const [campaignId, other] of Object.entries(b)) {
    const mine = Object.hasOwn(a, campaignId) ? a[campaignId] : undefined;
    if (!mine) {
      merged[campaignId] = other;
      continue;
    }
    const latest = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.max(x, y));
    merged[campaignId] = {
      impressions: [...mine.impressions, ...other.impressions].sort((x, y) => x - y).slice(-MAX_IMPRESSION_TIMES),
      impressions_total: mine.impressions_total + other.impressions_total,
      clicks: mine.clicks + other.clicks,
      dismissals: mine.dismissals + other.dismissals,
      last_click_at: latest(mine.last_click_at, other.last_click_at),
      converted_at: latest(mine.converted_at, other.converted_at),
    };
  }
  return merged;
}
