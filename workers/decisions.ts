import type { DecideRequest } from "../durable-objects/decisions";
import type { Database } from "./db/client";
import { activeCampaigns } from "./db/campaigns";
import type { Shop } from "./db/shops";

/**
 * What a person's object needs to decide: the shop's active campaigns for the placements asked
 * for (from the per-shop cache: no query per decision), the context, the shop's time zone.
 */
export async function decideRequest(db: Database, shop: Shop, placements: readonly string[], context: Record<string, unknown>): Promise<DecideRequest | undefined> {
  if (placements.length === 0) return undefined;
  const campaigns = (await activeCampaigns(db, shop.id)).filter((campaign) => placements.includes(campaign.placement));
  return { placements: [...placements], campaigns, context, shopTimezone: shop.settings.timezone };
}
