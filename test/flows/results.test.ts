import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { FlowReport, StepResult, VariantResult } from "../../core/results/report";
import { flushReportCounts } from "../../workers/report-counters";
import { api, collect, serverEvents, visitorId, type TestShop } from "../helpers";
import {
  customerWithCart,
  dispatchAt,
  HOUR,
  messageOf,
  MINUTE,
  shopWithFlows,
  type FlowShop,
  type WebhookBody,
  webhookMessages,
} from "./helpers";
import { script } from "./receiver";
import { centralDatabase } from "../central-db";

interface Decision {
  campaign_id: string;
  variant_id: string;
  token: string;
}

/**
 * Carts are backdated so the reminder falls due a minute ago: sends, opens and orders then all
 * happen today in the shop's zone, inside the report's default range whatever the hour.
 */
const cartDueNow = () => Date.now() - 4 * HOUR - MINUTE;

async function flowReport(shop: TestShop): Promise<FlowReport> {
  await flushReportCounts(centralDatabase());
  const response = await api(shop, "GET", "/v1/reports/flows/cart_abandonment");
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as FlowReport;
}

async function reminderReport(shop: TestShop): Promise<StepResult> {
  const step = (await flowReport(shop)).steps.find((s) => s.step_id === "reminder");
  if (!step) throw new Error("no reminder step in the report");
  return step;
}

/** Tracking links point at PUBLIC_URL (http://nudge.test in the tests): fetch them through the Worker. */
function follow(url: string): Promise<Response> {
  const { pathname, search } = new URL(url);
  return SELF.fetch(`https://nudge.test${pathname}${search}`, { redirect: "manual" });
}

/** A customer whose cart reminder was just delivered to the shop's webhook. */
async function deliveredReminder(shop: FlowShop, email: string): Promise<WebhookBody> {
  await customerWithCart(shop, email, cartDueNow());
  await dispatchAt(Date.now());
  const reminder = (await webhookMessages(shop)).find((m) => m.to === email && m.step_id === "reminder");
  if (!reminder) throw new Error("no reminder delivered");
  return reminder;
}

async function clickItemLink(message: WebhookBody): Promise<void> {
  const link = message.content.items?.[0]?.url;
  if (!link) throw new Error("no tracked item link");
  expect((await follow(link)).status).toBe(302);
}

const purchase = (email: string, transaction_id: string, value: number) => ({
  type: "purchase",
  email,
  transaction_id,
  value,
  currency: "EUR",
  items: [{ item_id: "mug-1", price: value, quantity: 1 }],
});

describe("flow results over HTTP", () => {
  it("counts a delivered reminder, its first open and click, and a purchase after the click with its revenue", async () => {
    const shop = await shopWithFlows(["cart_abandonment"]);
    const reminder = await deliveredReminder(shop, "ria@example.com");
    expect(await reminderReport(shop)).toMatchObject({ sent: 1, delivered: 1, failed: 0, opened: 0, clicked: 0, skipped: {} });
    expect((await flowReport(shop)).recipients).toBe(1);

    expect((await follow(reminder.links.open)).status).toBe(200);
    expect((await follow(reminder.links.open)).status).toBe(200);
    expect(await reminderReport(shop)).toMatchObject({ opened: 1, clicked: 0 });

    await clickItemLink(reminder);
    expect(await reminderReport(shop)).toMatchObject({ opened: 1, clicked: 1, converted: 0 });

    expect((await serverEvents(shop, { events: [purchase("ria@example.com", "R-1", 24.5)] })).status).toBe(200);
    const report = await flowReport(shop);
    expect(report.steps.find((s) => s.step_id === "reminder")).toMatchObject({
      sent: 1,
      delivered: 1,
      opened: 1,
      clicked: 1,
      converted: 1,
      revenue: 24.5,
    });
    expect(report).toMatchObject({ recipients: 1, revenue: 24.5, revenue_per_recipient: 24.5 });
  });

  it("counts a reminder skipped at send time under its reason when the person unsubscribed meanwhile", async () => {
    const shop = await shopWithFlows(["cart_abandonment"]);
    await customerWithCart(shop, "uma@example.com", cartDueNow());
    await serverEvents(shop, { events: [{ type: "unsubscribe", email: "uma@example.com", channel: "email" }] });
    await dispatchAt(Date.now());
    expect(await webhookMessages(shop)).toEqual([]);
    expect(await reminderReport(shop)).toMatchObject({ sent: 0, delivered: 0, skipped: { unsubscribed: 1 } });
    expect((await flowReport(shop)).recipients).toBe(0);
  });

  it("counts the reminder as skipped because of a purchase made before it was due", async () => {
    const shop = await shopWithFlows(["cart_abandonment"]);
    await customerWithCart(shop, "pia@example.com", cartDueNow());
    expect((await serverEvents(shop, { events: [purchase("pia@example.com", "P-1", 24)] })).status).toBe(200);
    await dispatchAt(Date.now());
    expect(await webhookMessages(shop)).toEqual([]);
    // The person's history says why; the report must count the same skip.
    expect(await messageOf(shop, "email:pia@example.com", "cart_abandonment", "reminder")).toMatchObject({
      status: "skipped",
      reason: "purchased",
    });
    expect(await reminderReport(shop)).toMatchObject({ sent: 0, delivered: 0, skipped: { purchased: 1 } });
  });

  it("counts a delivery the receiver refuses with a 400 as sent and failed, not delivered, and nobody as a recipient", async () => {
    const shop = await shopWithFlows(["cart_abandonment"]);
    await script(shop.box, [{ status: 400 }]);
    await customerWithCart(shop, "fez@example.com", cartDueNow());
    await dispatchAt(Date.now());
    expect(await webhookMessages(shop)).toHaveLength(1);
    expect(await reminderReport(shop)).toMatchObject({ sent: 1, delivered: 0, failed: 1, skipped: {} });
    expect((await flowReport(shop)).recipients).toBe(0);
  });

  it("counts one send when the same cron run fires twice at the same moment", async () => {
    const shop = await shopWithFlows(["cart_abandonment"]);
    await customerWithCart(shop, "two@example.com", cartDueNow());
    const now = Date.now();
    await Promise.all([dispatchAt(now, "first"), dispatchAt(now, "second")]);
    expect(await webhookMessages(shop)).toHaveLength(1);
    expect(await reminderReport(shop)).toMatchObject({ sent: 1, delivered: 1, failed: 0, skipped: {} });
    expect((await flowReport(shop)).recipients).toBe(1);
  });

  it("credits a purchase to the campaign clicked after the message, not to the message's step", async () => {
    const shop = await shopWithFlows(["cart_abandonment"]);
    const created = await api(shop, "POST", "/v1/campaigns", {
      name: "Free shipping",
      placement: "top_banner",
      variants: [{ id: "a", weight: 100, content: { title: "Free shipping from 50 EUR" } }],
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const campaignId = ((await created.json()) as { id: string }).id;

    const reminder = await deliveredReminder(shop, "cam@example.com");
    await clickItemLink(reminder);
    const decision = await clickedCampaign(shop, "cam@example.com");
    expect(decision.campaign_id).toBe(campaignId);
    expect((await serverEvents(shop, { events: [purchase("cam@example.com", "C-1", 40)] })).status).toBe(200);

    expect(await reminderReport(shop)).toMatchObject({ clicked: 1, converted: 0, revenue: 0 });
    expect((await flowReport(shop)).revenue).toBe(0);
    const campaign = await api(shop, "GET", `/v1/reports/campaigns/${campaignId}`);
    expect(campaign.status).toBe(200);
    const variants = ((await campaign.json()) as { variants: VariantResult[] }).variants;
    expect(variants).toEqual([expect.objectContaining({ variant_id: "a", conversions: 1, revenue: 40 })]);
  });
});

/** The person, on the storefront (identified by email), is shown the campaign and clicks it. */
async function clickedCampaign(shop: TestShop, email: string): Promise<Decision> {
  const anon = visitorId("cam");
  const shown = await collect(shop, { anonymous_id: anon, events: [{ type: "identify", traits: { email } }], placements: ["top_banner"] });
  expect(shown.status, await shown.clone().text()).toBe(200);
  const [decision] = ((await shown.json()) as { decisions: Decision[] }).decisions;
  if (!decision) throw new Error("no decision");
  const nudge = (type: string) => ({ type, campaign_id: decision.campaign_id, variant_id: decision.variant_id, token: decision.token });
  const clicked = await collect(shop, { anonymous_id: anon, events: [nudge("nudge_impression"), nudge("nudge_click")] });
  expect(clicked.status).toBe(200);
  return decision;
}
