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

export interface DailyRow {
  date: string;
  [metric: string]: number | string;
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
  absolute: number;
  ci95: [number, number];
  method: string;
}

export interface CampaignReport {
  campaign_id: string;
  from: string;
  to: string;
  variants: VariantResult[];
  holdout: HoldoutResult;
  uplift: Uplift | null;
  daily: DailyRow[];
}

export interface StepResult {
  step_id: string;
  sent: number;
  skipped: Record<string, number>;
  delivered: number;
  opened: number;
  clicked: number;
  converted: number;
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
  daily: DailyRow[];
}

export interface DateRange {
  from?: string;
  to?: string;
}
