import type { ApiErrorBody, Campaign, CampaignReport, DateRange, Flow, FlowReport } from "./types";

/** An answer of the API in its error shape (or a network failure, code "network"). */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }

  /** The text shown to the user: message, code and field, never markup. */
  describe(): string {
    return `${this.message} (${this.code}${this.field ? `, field ${this.field}` : ""})`;
  }
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  const error = (value as ApiErrorBody | null)?.error;
  return typeof error === "object" && error !== null && typeof error.code === "string" && typeof error.message === "string";
}

function rangeQuery(range: DateRange): string {
  const params = new URLSearchParams();
  if (range.from) params.set("from", range.from);
  if (range.to) params.set("to", range.to);
  const query = params.toString();
  return query ? `?${query}` : "";
}

/**
 * The management API on the dashboard's own origin. The secret key travels only in the
 * Authorization header, never in a URL.
 */
export class Api {
  constructor(private readonly secretKey: string) {}

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers: { authorization: `Bearer ${this.secretKey}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "omit",
        cache: "no-store",
      });
    } catch {
      throw new ApiFailure(0, "network", "The server could not be reached");
    }
    const parsed: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      if (isErrorBody(parsed)) throw new ApiFailure(response.status, parsed.error.code, parsed.error.message, parsed.error.field);
      throw new ApiFailure(response.status, "http_error", `The server answered ${response.status}`);
    }
    return parsed as T;
  }

  async campaigns(): Promise<Campaign[]> {
    return (await this.request<{ campaigns: Campaign[] }>("GET", "/v1/campaigns")).campaigns;
  }

  async flows(): Promise<Flow[]> {
    return (await this.request<{ flows: Flow[] }>("GET", "/v1/flows")).flows;
  }

  /** A campaign is replaced whole: the stored one is read back and sent with only its status changed. */
  async setCampaignStatus(id: string, status: "active" | "paused"): Promise<Campaign> {
    const path = `/v1/campaigns/${encodeURIComponent(id)}`;
    const stored = await this.request<Campaign>("GET", path);
    return this.request<Campaign>("PUT", path, { ...stored, status });
  }

  /** A flow's PUT merges the fields it names. */
  setFlowEnabled(id: string, enabled: boolean): Promise<Flow> {
    return this.request<Flow>("PUT", `/v1/flows/${encodeURIComponent(id)}`, { enabled });
  }

  campaignReport(id: string, range: DateRange): Promise<CampaignReport> {
    return this.request<CampaignReport>("GET", `/v1/reports/campaigns/${encodeURIComponent(id)}${rangeQuery(range)}`);
  }

  flowReport(id: string, range: DateRange): Promise<FlowReport> {
    return this.request<FlowReport>("GET", `/v1/reports/flows/${encodeURIComponent(id)}${rangeQuery(range)}`);
  }
}
