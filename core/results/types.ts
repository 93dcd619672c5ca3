/**
 * What results are made of: counts per campaign variant or flow step and day, emitted by a
 * person's object as events, decisions, sends and orders happen, added up by the Worker and
 * stored as report counters.
 */

export type ReportSubject = "campaign" | "flow";

/** The `part` of a campaign's counters for its holdout (variant ids never contain `~`). */
export const HOLDOUT_PART = "~holdout";
/** The `part` of a flow's counters for the flow as a whole (its recipients). */
export const WHOLE_FLOW_PART = "";

/**
 * Campaign parts count `people` (distinct persons, on the day they joined the variant or the
 * holdout), `impressions`, `clicks`, `dismissals`, `conversions` (distinct converting persons)
 * and `revenue` (count: orders, amount: money). Flow steps count `sent`, `delivered`, `failed`,
 * `skipped:<reason>`, `opened`, `clicked`, `conversions` and `revenue`; the whole flow counts
 * `recipients`. A reversal (a refund, a merge that found one person twice) is a negative count.
 */
export type ReportMetric =
  | "people"
  | "impressions"
  | "clicks"
  | "dismissals"
  | "conversions"
  | "revenue"
  | "recipients"
  | "sent"
  | "delivered"
  | "failed"
  | "opened"
  | "clicked"
  | `skipped:${string}`;

export interface ReportCount {
  subject: ReportSubject;
  subject_id: string;
  part: string;
  /** `YYYY-MM-DD` in the shop's time zone. */
  day: string;
  metric: ReportMetric;
  count: number;
  /** Money in hundredths of the shop's currency (0 for metrics that are not money). */
  amount: number;
}
