import type { ResultSettings } from "../core/results/person";
import type { DecideRequest, Interaction } from "../durable-objects/decisions";
import type { Ingested } from "./routing";
import { queueReportCounts } from "./report-counters";
import type { Database } from "./db/client";
import { activeCampaigns } from "./db/campaigns";
import { banditState } from "./db/nba";
import type { Shop } from "./db/shops";
import { queueNbaOutcomes, type NbaOutcome } from "./nba-outcomes";

/**
 * What a person's object needs to decide: the shop's active campaigns for the placements asked
 * for (from the per-shop cache: no query per decision), the context, the shop's time zone.
 */
export async function decideRequest(
  db: Database,
  shop: Shop,
  placements: readonly string[],
  context: Record<string, unknown>,
): Promise<DecideRequest | undefined> {
  if (placements.length === 0) return undefined;
  const active = await activeCampaigns(db, shop.id);
  const bandit = placements.includes("nba") ? await banditState(db, shop.id) : {};
  // The campaigns travel only when the object asks for them (it keeps them by version).
  return { placements: [...placements], version: active.version, context, shopTimezone: shop.settings.timezone, bandit };
}

/** The same request with the campaigns themselves, for an object that did not have this version. */
export async function withCampaigns(db: Database, shop: Shop, request: DecideRequest): Promise<DecideRequest> {
  const active = await activeCampaigns(db, shop.id);
  return { ...request, version: active.version, campaigns: active.campaigns };
}

/** What a person's object needs to count a shop's results: its time zone and attribution windows. */
export function resultSettings(shop: Shop): ResultSettings {
  return { timezone: shop.settings.timezone, ...shop.settings.attribution };
}

/**
 * What an answered batch or decision taught: report counts and the bandit's outcomes, both added
 * up per isolate and written after the answer.
 */
export async function recordOutcomes(
  db: Database,
  shop: Shop,
  result: Pick<Ingested, "counts" | "interactions">,
  ctx: Pick<ExecutionContext, "waitUntil">,
): Promise<void> {
  queueReportCounts(db, shop.id, result.counts, ctx);
  await learnFromInteractions(db, shop, result.interactions, ctx);
}

/**
 * Teaches the shop's next-best-action bandit from a batch's verified `nudge_*` events on the
 * `nba` placement: an impression is a trial of its action in the person's segment, a click a
 * success. The counts are written with others of this isolate, after the answer (`ctx.waitUntil`).
 */
async function learnFromInteractions(
  db: Database,
  shop: Shop,
  interactions: readonly Interaction[],
  ctx: Pick<ExecutionContext, "waitUntil">,
): Promise<void> {
  const nba = interactions.filter((interaction) => interaction.placement === "nba" && interaction.type !== "nudge_dismiss");
  if (nba.length === 0) return;
  const actions = new Map((await activeCampaigns(db, shop.id)).campaigns.map((campaign) => [campaign.id, campaign.action]));
  const outcomes: NbaOutcome[] = nba.flatMap((interaction) => {
    const action = actions.get(interaction.campaign_id);
    return action
      ? [{ segment: interaction.segment, action, kind: interaction.type === "nudge_click" ? ("success" as const) : ("trial" as const) }]
      : [];
  });
  queueNbaOutcomes(db, shop.id, outcomes, ctx);
}
