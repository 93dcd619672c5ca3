import { type Context, Hono } from "hono";
import { type DayRange, reportRange } from "../../core/results/days";
import { campaignReport, flowReport } from "../../core/results/report";
import { findCampaign } from "../db/campaigns";
import { findFlow } from "../db/flows";
import { reportRows } from "../db/reports";
import { ApiError } from "../errors";
import { secretKey } from "../middleware/secret-key";
import { flushReportCounts } from "../report-counters";
import type { AppEnv } from "../types";

/** The days a request asks for, in the shop's time zone; unknown query parameters are ignored. */
function requestedRange(c: Context<AppEnv>): DayRange {
  const range = reportRange({ from: c.req.query("from"), to: c.req.query("to") }, Date.now(), c.var.shop.settings.timezone);
  if (!range.ok) throw ApiError.fromValidation(range.error);
  return range.value;
}

/**
 * This isolate's pending counts go in first, so a report includes what was just counted here.
 * Other isolates' counts arrive with their own flushes; a failed flush keeps its counts for the
 * next one, so the report is answered anyway, a little behind.
 */
async function flushPendingCounts(c: Context<AppEnv>): Promise<void> {
  try {
    await flushReportCounts(c.var.db);
  } catch (error) {
    console.error("report counters not flushed before a report", { shop: c.var.shop.id, error: String(error) });
  }
}

/** Results of campaigns and flows (the results contract), from the report counters. */
export const reportsRoute = new Hono<AppEnv>()
  .get("/campaigns/:id", secretKey, async (c) => {
    const range = requestedRange(c);
    const campaign = await findCampaign(c.var.db, c.var.shop.id, c.req.param("id"));
    if (!campaign) throw new ApiError(404, "campaign_not_found", "This shop has no campaign with this id");
    await flushPendingCounts(c);
    const rows = await reportRows(c.var.db, c.var.shop.id, "campaign", campaign.id, range.from, range.to);
    const variantIds = campaign.variants.map((variant) => variant.id);
    return c.json(campaignReport({ campaignId: campaign.id, range, variantIds, rows }));
  })
  .get("/flows/:id", secretKey, async (c) => {
    const range = requestedRange(c);
    const flow = await findFlow(c.var.db, c.var.shop.id, c.req.param("id"));
    if (!flow) throw new ApiError(404, "flow_not_found", "This shop has no flow with this id");
    await flushPendingCounts(c);
    const rows = await reportRows(c.var.db, c.var.shop.id, "flow", flow.id, range.from, range.to);
    const stepIds = flow.steps.map((step) => step.id);
    return c.json(flowReport({ flowId: flow.id, range, stepIds, rows }));
  });
