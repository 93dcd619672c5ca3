/**
 * Reports as the API answers them, assembled from stored counters: sums per part (a campaign's
 * variant or holdout, a flow's step) and per day, rates, money and the uplift with its interval.
 * Pure: the edge reads the counters and the definition, this turns them into the contract JSON.
 */
import type { DayRange } from "./days";
import { conversionRate, newcombDifference, roundTo } from "./stats";
import { HOLDOUT_PART, WHOLE_FLOW_PART } from "./types";

/** One stored counter as the database returns it (net of reversals, so possibly negative). */
export interface CounterInput {
  part: string;
  day: string;
  metric: string;
  count: number;
  /** Money in hundredths of the shop's currency. */
  amount: number;
}

/** Rates and intervals: 4 decimals are a hundredth of a percentage point. */
const RATE_DECIMALS = 4;
const SKIPPED_PREFIX = "skipped:";
export const UPLIFT_METHOD = "newcomb_hybrid_score";

interface Total {
  count: number;
  amount: number;
}

/** Sums of counts and amounts by a key; a missing key reads as zero. */
class Totals {
  private readonly sums = new Map<string, Total>();

  add(key: string, row: CounterInput): void {
    const total = this.sums.get(key) ?? { count: 0, amount: 0 };
    total.count += row.count;
    total.amount += row.amount;
    this.sums.set(key, total);
  }

  count(key: string): number {
    return this.sums.get(key)?.count ?? 0;
  }

  amount(key: string): number {
    return this.sums.get(key)?.amount ?? 0;
  }
}

const keyOf = (first: string, metric: string) => JSON.stringify([first, metric]);

/** Hundredths (integers, summed exactly) to the currency's units with two decimals. */
export function money(hundredths: number): number {
  return roundTo(hundredths / 100, 2);
}

function rate(successes: number, trials: number): number {
  return roundTo(conversionRate({ successes, trials: Math.max(trials, 0) }), RATE_DECIMALS);
}

/** The given ids first, in their order, then any other part the counters name (sorted), once each. */
function partsInOrder(known: readonly string[], rows: readonly CounterInput[], excluded: ReadonlySet<string>): string[] {
  const listed = new Set(known);
  const extra = [...new Set(rows.map((row) => row.part))].filter((part) => !listed.has(part) && !excluded.has(part)).sort();
  return [...listed, ...extra];
}

/** The counters of the range's days (a caller may hand over more than it asked the report for). */
function rowsInRange(rows: readonly CounterInput[], range: DayRange): CounterInput[] {
  const days = new Set(range.days);
  return rows.filter((row) => days.has(row.day));
}

/** Counters by part and metric and by day and metric, the latter over the parts `daily` keeps. */
function sumRows(rows: readonly CounterInput[], daily: (part: string) => boolean) {
  const byPart = new Totals();
  const byDay = new Totals();
  for (const row of rows) {
    byPart.add(keyOf(row.part, row.metric), row);
    if (daily(row.part)) byDay.add(keyOf(row.day, row.metric), row);
  }
  return { byPart, byDay };
}

export interface VariantResult {
  variant_id: string;
  people: number;
  impressions: number;
  clicks: number;
  dismissals: number;
  conversions: number;
  revenue: number;
  conversion_rate: number;
}

export interface HoldoutResult {
  people: number;
  conversions: number;
  revenue: number;
  conversion_rate: number;
}

export interface Uplift {
  /** Exposed conversion rate (all variants together) minus the holdout's. */
  absolute: number;
  ci95: [number, number];
  method: typeof UPLIFT_METHOD;
}

export interface CampaignDay {
  date: string;
  impressions: number;
  clicks: number;
  conversions: number;
  revenue: number;
}

export interface CampaignReport {
  campaign_id: string;
  from: string;
  to: string;
  variants: VariantResult[];
  holdout: HoldoutResult;
  uplift: Uplift | null;
  daily: CampaignDay[];
}

export interface CampaignReportInput {
  campaignId: string;
  range: DayRange;
  /** The campaign's current variants, in its order; retired variants still counted come after. */
  variantIds: readonly string[];
  rows: readonly CounterInput[];
}

function variantResult(totals: Totals, variantId: string): VariantResult {
  const metric = (name: string) => totals.count(keyOf(variantId, name));
  return {
    variant_id: variantId,
    people: metric("people"),
    impressions: metric("impressions"),
    clicks: metric("clicks"),
    dismissals: metric("dismissals"),
    conversions: metric("conversions"),
    revenue: money(totals.amount(keyOf(variantId, "revenue"))),
    conversion_rate: rate(metric("conversions"), metric("people")),
  };
}

function holdoutResult(totals: Totals): HoldoutResult {
  const people = totals.count(keyOf(HOLDOUT_PART, "people"));
  const conversions = totals.count(keyOf(HOLDOUT_PART, "conversions"));
  return { people, conversions, revenue: money(totals.amount(keyOf(HOLDOUT_PART, "revenue"))), conversion_rate: rate(conversions, people) };
}

/** Null when either side counted nobody: there is nothing to compare (no holdout, or nobody shown yet). */
export function upliftOf(variants: readonly VariantResult[], holdout: HoldoutResult): Uplift | null {
  const exposed = {
    successes: variants.reduce((sum, variant) => sum + variant.conversions, 0),
    trials: variants.reduce((sum, variant) => sum + variant.people, 0),
  };
  if (exposed.trials <= 0 || holdout.people <= 0) return null;
  const result = newcombDifference(exposed, { successes: holdout.conversions, trials: holdout.people });
  if (!result) return null;
  const [low, high] = result.interval;
  return {
    absolute: roundTo(result.difference, RATE_DECIMALS),
    ci95: [roundTo(low, RATE_DECIMALS), roundTo(high, RATE_DECIMALS)],
    method: UPLIFT_METHOD,
  };
}

/**
 * A campaign's results. The daily series counts what the variants did (attributed results);
 * the holdout's conversions are there only as the baseline of the uplift.
 */
export function campaignReport(input: CampaignReportInput): CampaignReport {
  const rows = rowsInRange(input.rows, input.range);
  const { byPart, byDay } = sumRows(rows, (part) => part !== HOLDOUT_PART);
  const variants = partsInOrder(input.variantIds, rows, new Set([HOLDOUT_PART])).map((id) => variantResult(byPart, id));
  const holdout = holdoutResult(byPart);
  const daily = input.range.days.map((date) => ({
    date,
    impressions: byDay.count(keyOf(date, "impressions")),
    clicks: byDay.count(keyOf(date, "clicks")),
    conversions: byDay.count(keyOf(date, "conversions")),
    revenue: money(byDay.amount(keyOf(date, "revenue"))),
  }));
  return {
    campaign_id: input.campaignId,
    from: input.range.from,
    to: input.range.to,
    variants,
    holdout,
    uplift: upliftOf(variants, holdout),
    daily,
  };
}

export interface StepResult {
  step_id: string;
  sent: number;
  /** Why sends were skipped, only reasons that counted something. */
  skipped: Record<string, number>;
  delivered: number;
  failed: number;
  opened: number;
  clicked: number;
  converted: number;
  revenue: number;
}

export interface FlowDay {
  date: string;
  sent: number;
  delivered: number;
  opened: number;
  clicked: number;
  conversions: number;
  revenue: number;
}

export interface FlowReport {
  flow_id: string;
  from: string;
  to: string;
  recipients: number;
  revenue: number;
  revenue_per_recipient: number;
  steps: StepResult[];
  daily: FlowDay[];
}

export interface FlowReportInput {
  flowId: string;
  range: DayRange;
  /** The flow's current steps, in its order; removed steps still counted come after. */
  stepIds: readonly string[];
  rows: readonly CounterInput[];
}

/** Skip reasons of one step with non-zero net counts, by reason name (sorted, so stable). */
function skippedOf(rows: readonly CounterInput[], totals: Totals, stepId: string): Record<string, number> {
  const reasons = new Set(
    rows
      .filter((row) => row.part === stepId && row.metric.startsWith(SKIPPED_PREFIX))
      .map((row) => row.metric.slice(SKIPPED_PREFIX.length)),
  );
  const counted = [...reasons].sort().map((reason) => [reason, totals.count(keyOf(stepId, `${SKIPPED_PREFIX}${reason}`))] as const);
  return Object.fromEntries(counted.filter(([, count]) => count !== 0));
}

function stepResult(rows: readonly CounterInput[], totals: Totals, stepId: string): { step: StepResult; hundredths: number } {
  const metric = (name: string) => totals.count(keyOf(stepId, name));
  const hundredths = totals.amount(keyOf(stepId, "revenue"));
  const step = {
    step_id: stepId,
    sent: metric("sent"),
    skipped: skippedOf(rows, totals, stepId),
    delivered: metric("delivered"),
    failed: metric("failed"),
    opened: metric("opened"),
    clicked: metric("clicked"),
    converted: metric("conversions"),
    revenue: money(hundredths),
  };
  return { step, hundredths };
}

/** A flow's results: per step, per day (over all steps) and per recipient. */
export function flowReport(input: FlowReportInput): FlowReport {
  const rows = rowsInRange(input.rows, input.range);
  const { byPart, byDay } = sumRows(rows, (part) => part !== WHOLE_FLOW_PART);
  const results = partsInOrder(input.stepIds, rows, new Set([WHOLE_FLOW_PART])).map((id) => stepResult(rows, byPart, id));
  const recipients = byPart.count(keyOf(WHOLE_FLOW_PART, "recipients"));
  const hundredths = results.reduce((sum, result) => sum + result.hundredths, 0);
  const daily = input.range.days.map((date) => ({
    date,
    sent: byDay.count(keyOf(date, "sent")),
    delivered: byDay.count(keyOf(date, "delivered")),
    opened: byDay.count(keyOf(date, "opened")),
    clicked: byDay.count(keyOf(date, "clicked")),
    conversions: byDay.count(keyOf(date, "conversions")),
    revenue: money(byDay.amount(keyOf(date, "revenue"))),
  }));
  return {
    flow_id: input.flowId,
    from: input.range.from,
    to: input.range.to,
    recipients,
    revenue: money(hundredths),
    revenue_per_recipient: recipients > 0 ? roundTo(hundredths / 100 / recipients, 2) : 0,
    steps: results.map((result) => result.step),
    daily,
  };
}
