import { type App, guarded } from "./app";
import { COLOURS, dailyChart } from "./charts";
import { button, el, stat, table } from "./dom";
import { amount, count, percent, points } from "./format";
import type { CampaignReport, DateRange, FlowReport, StepResult, Uplift } from "./types";

type Kind = "campaign" | "flow";

function sum<T>(items: T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}

function upliftText(uplift: Uplift | null): string {
  if (!uplift) return "No holdout: this campaign shows to everyone it targets, so there is no uplift to measure.";
  const [low, high] = uplift.ci95;
  return `${points(uplift.absolute)} (95% interval ${points(low)} to ${points(high)}; ${uplift.method})`;
}

function campaignSummary(report: CampaignReport): HTMLElement {
  const people = sum(report.variants, (v) => v.people);
  const conversions = sum(report.variants, (v) => v.conversions);
  return el("div", { className: "stats" }, [
    stat("people", "People exposed", count(people)),
    stat("impressions", "Impressions", count(sum(report.variants, (v) => v.impressions))),
    stat("clicks", "Clicks", count(sum(report.variants, (v) => v.clicks))),
    stat("conversions", "Conversions", count(conversions)),
    stat("revenue", "Revenue", amount(sum(report.variants, (v) => v.revenue))),
    stat("conversion-rate", "Conversion rate", percent(people ? conversions / people : 0)),
  ]);
}

function variantsTable(report: CampaignReport): HTMLElement {
  const rows = report.variants.map((v) => [
    v.variant_id,
    count(v.people),
    count(v.impressions),
    count(v.clicks),
    count(v.dismissals),
    count(v.conversions),
    amount(v.revenue),
    percent(v.conversion_rate),
  ]);
  const holdout = report.holdout;
  rows.push([
    "holdout",
    count(holdout.people),
    "",
    "",
    "",
    count(holdout.conversions),
    amount(holdout.revenue),
    percent(holdout.conversion_rate),
  ]);
  return table(["Variant", "People", "Impressions", "Clicks", "Dismissals", "Conversions", "Revenue", "Conversion rate"], rows, {
    testid: "variants",
  });
}

function campaignView(report: CampaignReport): HTMLElement[] {
  return [
    campaignSummary(report),
    el("p", { className: "uplift", testid: "uplift" }, [el("strong", { text: "Uplift against the holdout: " }), upliftText(report.uplift)]),
    variantsTable(report),
    el("div", { className: "charts" }, [
      dailyChart("activity", "Per day", report, report.daily, [
        { key: "impressions", label: "Impressions", colour: COLOURS.impressions, fill: "rgba(37, 99, 235, 0.08)" },
        { key: "clicks", label: "Clicks", colour: COLOURS.clicks },
        { key: "conversions", label: "Conversions", colour: COLOURS.conversions },
      ]),
      dailyChart("revenue", "Revenue per day", report, report.daily, [
        { key: "revenue", label: "Revenue", colour: COLOURS.revenue, fill: "rgba(147, 51, 234, 0.12)" },
      ]),
    ]),
  ];
}

function skippedText(skipped: Record<string, number>): string {
  const reasons = Object.entries(skipped).filter(([, n]) => n !== 0);
  return reasons.length ? reasons.map(([reason, n]) => `${reason}: ${count(n)}`).join(", ") : "none";
}

function stepRow(step: StepResult): string[] {
  const skipped = sum(Object.values(step.skipped), (n) => n);
  return [
    step.step_id,
    count(step.sent),
    `${count(skipped)} (${skippedText(step.skipped)})`,
    count(step.delivered),
    count(step.opened),
    count(step.clicked),
    count(step.converted),
    amount(step.revenue),
  ];
}

function flowView(report: FlowReport): HTMLElement[] {
  return [
    el("div", { className: "stats" }, [
      stat("recipients", "Recipients", count(report.recipients)),
      stat("conversions", "Conversions", count(sum(report.steps, (s) => s.converted))),
      stat("revenue", "Revenue", amount(report.revenue)),
      stat("revenue-per-recipient", "Revenue per recipient", amount(report.revenue_per_recipient)),
    ]),
    table(["Step", "Sent", "Skipped (why)", "Delivered", "Opened", "Clicked", "Converted", "Revenue"], report.steps.map(stepRow), {
      testid: "steps",
    }),
    el("div", { className: "charts" }, [
      dailyChart("activity", "Per day", report, report.daily, [
        { key: "sent", label: "Sent", colour: COLOURS.impressions, fill: "rgba(37, 99, 235, 0.08)" },
        { key: "delivered", label: "Delivered", colour: COLOURS.delivered },
        { key: "opened", label: "Opened", colour: COLOURS.opened },
        { key: "clicked", label: "Clicked", colour: COLOURS.clicks },
        { key: "conversions", label: "Conversions", colour: COLOURS.conversions },
      ]),
      dailyChart("revenue", "Revenue per day", report, report.daily, [
        { key: "revenue", label: "Revenue", colour: COLOURS.revenue, fill: "rgba(147, 51, 234, 0.12)" },
      ]),
    ]),
  ];
}

function dateInput(id: string, label: string): [HTMLLabelElement, HTMLInputElement] {
  const input = el("input", { attrs: { id, name: id, type: "date" } });
  return [el("label", { text: label, attrs: { for: id } }), input];
}

/** The report of one campaign or flow, with a date range (empty: the API's default, the last 30 days). */
export function reportView(app: App, kind: Kind, id: string, name: string): HTMLElement {
  const [fromLabel, from] = dateInput("from", "From");
  const [toLabel, to] = dateInput("to", "To");
  const body = el("div", { className: "report-body", testid: "report-body" }, [el("p", { text: "Loading…" })]);
  const range = el("form", { className: "range", testid: "range", attrs: { action: "#" } }, [
    fromLabel,
    from,
    toLabel,
    to,
    el("button", { text: "Show", attrs: { type: "submit" } }),
  ]);
  const load = () =>
    guarded(app, async () => {
      const dates: DateRange = { from: from.value || undefined, to: to.value || undefined };
      const report = kind === "campaign" ? await app.api.campaignReport(id, dates) : await app.api.flowReport(id, dates);
      from.value = report.from;
      to.value = report.to;
      body.replaceChildren(...(kind === "campaign" ? campaignView(report as CampaignReport) : flowView(report as FlowReport)));
    });
  range.addEventListener("submit", (event) => {
    event.preventDefault();
    void load();
  });
  void load();
  return el("section", { className: "report", testid: "report" }, [
    button("← All campaigns and flows", () => app.showLists(), { testid: "back" }),
    el("h2", { testid: "report-title", text: `${kind === "campaign" ? "Campaign" : "Flow"}: ${name}` }),
    el("p", { className: "muted", text: id }),
    range,
    body,
  ]);
}
