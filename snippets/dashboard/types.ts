// What the dashboard reads from the API (only the fields it uses).

export interface ApiErrorBody {
  error: { code: string; message: string; field?: string };
}

export type CampaignStatus = "draft" | "active" | "paused" | "archived";

export interface Campaign {
  id: string;
  name: string;
  placement: string;
  status: CampaignStatus;
  holdout?: number;
  [field: string]: unknown;
}

export interface Flow {
  id: string;
  name: string;
  enabled: boolean;
  built_in?: boolean;
  [field: string]: unknown;
}

/** A day of a report's `daily` series; the charts read its counts by name. */
export interface DailyRow {
  date: string;
}

/** The reports' shapes are the API's own (the pure core that builds them). */
export type { CampaignReport, FlowReport, HoldoutResult, StepResult, Uplift, VariantResult } from "../../core/results/report";

export interface DateRange {
  from?: string;
  to?: string;
}
