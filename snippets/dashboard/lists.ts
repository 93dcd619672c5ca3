import { type App, guarded } from "./app";
import { button, el, table } from "./dom";
import type { Campaign, Flow } from "./types";

function isOn(campaign: Campaign): boolean {
  return campaign.status === "active";
}

/** A campaign row: name (text), placement, status, an on/off toggle and the way to its report. */
function campaignRow(app: App, campaign: Campaign): HTMLElement[] {
  const status = el("span", { className: `status status-${campaign.status}`, testid: "status", text: campaign.status });
  const switchOver = () =>
    guarded(app, async () => {
      toggle.disabled = true;
      try {
        const updated = await app.api.setCampaignStatus(campaign.id, isOn(campaign) ? "paused" : "active");
        campaign.status = updated.status;
        status.className = `status status-${updated.status}`;
        status.textContent = updated.status;
        toggle.textContent = isOn(campaign) ? "Switch off" : "Switch on";
      } finally {
        toggle.disabled = false;
      }
    });
  const toggle = button(isOn(campaign) ? "Switch off" : "Switch on", () => void switchOver(), { testid: "toggle" });
  const name = el("span", { testid: "campaign-name", text: campaign.name });
  const report = button("Results", () => app.showReport("campaign", campaign.id, campaign.name), { testid: "open-report" });
  return [name, el("code", { text: campaign.placement }), status, toggle, report];
}

function flowRow(app: App, flow: Flow): HTMLElement[] {
  const status = el("span", { testid: "status", text: flow.enabled ? "on" : "off" });
  const switchOver = () =>
    guarded(app, async () => {
      toggle.disabled = true;
      try {
        const updated = await app.api.setFlowEnabled(flow.id, !flow.enabled);
        flow.enabled = updated.enabled;
        status.textContent = flow.enabled ? "on" : "off";
        toggle.textContent = flow.enabled ? "Switch off" : "Switch on";
      } finally {
        toggle.disabled = false;
      }
    });
  const toggle = button(flow.enabled ? "Switch off" : "Switch on", () => void switchOver(), { testid: "toggle" });
  const name = el("span", { testid: "flow-name", text: flow.name });
  const report = button("Results", () => app.showReport("flow", flow.id, flow.name), { testid: "open-report" });
  return [name, el("code", { text: flow.id }), status, toggle, report];
}

/** Marks each body row with the id it shows, so a row can be found by id. */
function tagRows(list: HTMLTableElement, testid: string, ids: string[]): HTMLTableElement {
  list.querySelectorAll("tbody tr").forEach((row, i) => {
    (row as HTMLElement).dataset.testid = testid;
    (row as HTMLElement).dataset.id = ids[i] ?? "";
  });
  return list;
}

/** The shop's campaigns and flows, loaded into `section`. */
export async function loadLists(app: App, section: HTMLElement): Promise<void> {
  const [campaigns, flows] = await Promise.all([app.api.campaigns(), app.api.flows()]);
  const campaignTable = tagRows(
    table(
      ["Campaign", "Placement", "Status", "", ""],
      campaigns.map((campaign) => campaignRow(app, campaign)),
      { testid: "campaigns" },
    ),
    "campaign-row",
    campaigns.map((campaign) => campaign.id),
  );
  const flowTable = tagRows(
    table(
      ["Flow", "Id", "Status", "", ""],
      flows.map((flow) => flowRow(app, flow)),
      { testid: "flows" },
    ),
    "flow-row",
    flows.map((flow) => flow.id),
  );
  section.replaceChildren(
    el("h2", { text: "Campaigns" }),
    campaigns.length ? campaignTable : el("p", { text: "No campaigns yet." }),
    el("h2", { text: "Flows" }),
    flows.length ? flowTable : el("p", { text: "No flows yet." }),
  );
}

export function listsView(app: App): HTMLElement {
  const section = el("section", { className: "lists", testid: "lists" }, [el("p", { text: "Loading…" })]);
  void guarded(app, () => loadLists(app, section));
  return section;
}
