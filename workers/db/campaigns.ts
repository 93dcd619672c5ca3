import { and, count, eq, isNull } from "drizzle-orm";
import { fnv1a32 } from "../../core/assignment";
import { randomToken } from "../crypto";
import type { Campaign } from "../schemas/campaign";
import { TtlCache } from "../ttl-cache";
import type { Database } from "./client";
import { campaigns } from "./schema";

/** A campaign as the API returns it: the definition plus what the server adds. */
export type StoredCampaign = Campaign & { id: string; created_at: string; updated_at: string };

export const MAX_CAMPAIGNS_PER_SHOP = 500;

/**
 * A shop's campaigns that can show, cached per isolate so that decisions cost no query; a change
 * clears this isolate's entry at once, other isolates see it within the TTL.
 */
const liveCampaigns = new TtlCache<ActiveCampaigns>(5_000);

/** The active campaigns with a version that changes whenever any of them does (a content hash). */
export interface ActiveCampaigns {
  version: string;
  campaigns: StoredCampaign[];
}

type Row = typeof campaigns.$inferSelect;

function toCampaign(row: Row): StoredCampaign {
  return {
    ...(row.definition as Campaign),
    id: row.id,
    created_at: new Date(row.createdAt).toISOString(),
    updated_at: new Date(row.updatedAt).toISOString(),
  };
}

const ofShop = (shopId: string) => and(eq(campaigns.shopId, shopId), isNull(campaigns.deletedAt));

export async function listCampaigns(db: Database, shopId: string): Promise<StoredCampaign[]> {
  const rows = await db.select().from(campaigns).where(ofShop(shopId)).orderBy(campaigns.createdAt);
  return rows.map(toCampaign);
}

export async function findCampaign(db: Database, shopId: string, id: string): Promise<StoredCampaign | null> {
  const [row] = await db
    .select()
    .from(campaigns)
    .where(and(ofShop(shopId), eq(campaigns.id, id)));
  return row ? toCampaign(row) : null;
}

export async function countCampaigns(db: Database, shopId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(campaigns).where(ofShop(shopId));
  return row?.n ?? 0;
}

export async function insertCampaign(db: Database, shopId: string, campaign: Campaign, now = Date.now()): Promise<StoredCampaign> {
  const row: Row = {
    id: randomToken("cmp_", 9),
    shopId,
    placement: campaign.placement,
    status: campaign.status,
    definition: campaign as unknown as Record<string, unknown>,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
  await db.insert(campaigns).values(row);
  liveCampaigns.delete(shopId);
  return toCampaign(row);
}

/** Replaces a campaign's definition; null when the shop has no such campaign. */
export async function replaceCampaign(
  db: Database,
  shopId: string,
  id: string,
  campaign: Campaign,
  now = Date.now(),
): Promise<StoredCampaign | null> {
  const [row] = await db
    .update(campaigns)
    .set({
      placement: campaign.placement,
      status: campaign.status,
      definition: campaign as unknown as Record<string, unknown>,
      updatedAt: now,
    })
    .where(and(ofShop(shopId), eq(campaigns.id, id)))
    .returning();
  liveCampaigns.delete(shopId);
  return row ? toCampaign(row) : null;
}

/** Deletes a campaign (kept as a deleted row, so results can still name it). */
export async function deleteCampaign(db: Database, shopId: string, id: string, now = Date.now()): Promise<boolean> {
  const rows = await db
    .update(campaigns)
    .set({ deletedAt: now, updatedAt: now })
    .where(and(ofShop(shopId), eq(campaigns.id, id)))
    .returning({ id: campaigns.id });
  liveCampaigns.delete(shopId);
  return rows.length > 0;
}

/** The active campaigns of a shop, from the isolate cache when it is fresh. */
export async function activeCampaigns(db: Database, shopId: string): Promise<ActiveCampaigns> {
  return liveCampaigns.through(shopId, async () => {
    const rows = await db
      .select()
      .from(campaigns)
      .where(and(ofShop(shopId), eq(campaigns.status, "active")))
      .orderBy(campaigns.id);
    const list = rows.map(toCampaign);
    return { version: `${shopId}:${fnv1a32(JSON.stringify(list)).toString(36)}`, campaigns: list };
  });
}
