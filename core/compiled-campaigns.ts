/**
 * A version of a shop's active campaigns, prepared once for every decision made with it: each
 * audience compiled (compiled-rules.ts), schedules turned into instants, and the campaigns indexed
 * by placement in rank order, so a decision for `top_banner` never looks at a `popup` campaign
 * and never sorts. What depends on the day (the window of "today" for daily caps) is worked out
 * once per day and time zone, not per campaign or impression.
 */
import { compileRule, type Matcher } from "./compiled-rules";
import type { DecidableCampaign } from "./decide";
import { checkEligibility, type CampaignHistoryEntry, type Eligibility } from "./eligibility";
import { evaluateRule, type RuleSubject } from "./rules";
import { dayWindow, parseScheduleTime, type DayWindow } from "./time-zone";

export interface CompiledCampaign {
  campaign: DecidableCampaign;
  audience: Matcher;
  startsAt: number | null;
  endsAt: number | null;
}

export interface CompiledCampaigns {
  readonly kind: "compiled";
  /** Per placement, its campaigns in rank order. */
  readonly byPlacement: ReadonlyMap<string, readonly CompiledCampaign[]>;
}

/** Rank order: highest priority first; on a tie the more recently updated, then the id. */
export function byRank(a: DecidableCampaign, b: DecidableCampaign): number {
  return b.priority - a.priority || b.updated_at.localeCompare(a.updated_at) || a.id.localeCompare(b.id);
}

function compileCampaign(campaign: DecidableCampaign): CompiledCampaign {
  const { schedule } = campaign;
  return {
    campaign,
    audience: compileRule(campaign.audience),
    startsAt: schedule?.start ? parseScheduleTime(schedule.start, schedule.timezone) : null,
    endsAt: schedule?.end ? parseScheduleTime(schedule.end, schedule.timezone) : null,
  };
}

export function compileCampaigns(campaigns: readonly DecidableCampaign[]): CompiledCampaigns {
  const byPlacement = new Map<string, CompiledCampaign[]>();
  for (const campaign of [...campaigns].sort(byRank)) {
    const list = byPlacement.get(campaign.placement) ?? [];
    list.push(compileCampaign(campaign));
    byPlacement.set(campaign.placement, list);
  }
  return { kind: "compiled", byPlacement };
}

export function isCompiled(campaigns: readonly DecidableCampaign[] | CompiledCampaigns): campaigns is CompiledCampaigns {
  return !Array.isArray(campaigns);
}

/** The current day's window per time zone: recomputed only when `now` leaves it. */
const windows = new Map<string, DayWindow>();

export function todayIn(now: number, timeZone: string): DayWindow {
  const known = windows.get(timeZone);
  if (known && now >= known.start && now < known.end) return known;
  const window = dayWindow(now, timeZone);
  if (windows.size >= 100) windows.clear();
  windows.set(timeZone, window);
  return window;
}

/**
 * The compiled path's eligibility: the same checks as the interpreter's, from prepared inputs.
 * The audience answers without a reason unless `explain` asks for one (then the interpreter
 * gives it: the reference explains, the compiled path decides).
 */
export function compiledEligibility(
  compiled: CompiledCampaign,
  subject: RuleSubject,
  history: CampaignHistoryEntry | undefined,
  now: number,
  today: DayWindow,
  explain: boolean,
): Eligibility {
  return checkEligibility(compiled.campaign, history, now, {
    startsAt: compiled.startsAt,
    endsAt: compiled.endsAt,
    seenToday: (entry) => {
      let count = 0;
      for (const at of entry.impressions) if (at >= today.start && at < today.end) count += 1;
      return { count, day: today.day };
    },
    audience: () => {
      if (explain) return evaluateRule(compiled.campaign.audience, subject);
      return compiled.audience(subject) ? { match: true, reason: "audience matches" } : { match: false, reason: "audience does not match" };
    },
  });
}
