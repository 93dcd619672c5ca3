import { eq } from "drizzle-orm";
import type { ConsentMode } from "../../core/types";
import { randomToken, sha256Hex } from "../crypto";
import { DEFAULT_SETTINGS, type ShopSettings } from "../schemas/settings";
import { TtlCache } from "../ttl-cache";
import type { Database } from "./client";
import { apiKeys, identities, shops, type ShopRow } from "./schema";

/** A shop as the routes use it: its settings, complete with defaults. */
export interface Shop {
  id: string;
  settings: ShopSettings;
}

const shopCache = new TtlCache<Shop>(5_000);

function toShop(row: ShopRow): Shop {
  const stored = row.settings as Partial<ShopSettings>;
  return {
    id: row.id,
    settings: {
      name: row.name,
      timezone: row.timezone,
      allowed_origins: row.allowedOrigins,
      consent_mode: row.consentMode,
      data_region: stored.data_region ?? DEFAULT_SETTINGS.data_region,
      segments: stored.segments ?? DEFAULT_SETTINGS.segments,
      smart_sending_hours: stored.smart_sending_hours ?? DEFAULT_SETTINGS.smart_sending_hours,
      rate_limit: stored.rate_limit ?? DEFAULT_SETTINGS.rate_limit,
      quiet_hours: stored.quiet_hours === undefined ? DEFAULT_SETTINGS.quiet_hours : stored.quiet_hours,
      channels: { ...DEFAULT_SETTINGS.channels, ...stored.channels },
    },
  };
}

export async function findShop(db: Database, shopId: string): Promise<Shop | null> {
  return shopCache.through(shopId, async () => {
    const row = await db.query.shops.findFirst({ where: eq(shops.id, shopId) });
    return row ? toShop(row) : null;
  });
}

export interface NewShop {
  name: string;
  timezone?: string | undefined;
  allowed_origins?: string[] | undefined;
  consent_mode?: ConsentMode | undefined;
  data_region?: "default" | "eu" | undefined;
}

export interface CreatedShop {
  shop_id: string;
  site_key: string;
  secret_key: string;
}

/** Creates a shop with its site key and a first secret key; the secret is returned once, stored hashed. */
export async function createShop(db: Database, input: NewShop, now = Date.now()): Promise<CreatedShop> {
  const shopId = randomToken("shop_", 12);
  const siteKey = randomToken("pk_", 18);
  const secretKey = randomToken("sk_", 24);
  const { channels, smart_sending_hours, quiet_hours } = DEFAULT_SETTINGS;
  await db.batch([
    db.insert(shops).values({
      id: shopId,
      name: input.name,
      timezone: input.timezone ?? DEFAULT_SETTINGS.timezone,
      allowedOrigins: input.allowed_origins ?? [],
      consentMode: input.consent_mode ?? DEFAULT_SETTINGS.consent_mode,
      settings: { channels, smart_sending_hours, quiet_hours, data_region: input.data_region ?? DEFAULT_SETTINGS.data_region },
      createdAt: now,
      updatedAt: now,
    }),
    db.insert(apiKeys).values({ id: randomToken("key_", 9), shopId, kind: "site", siteKey, prefix: siteKey.slice(0, 7), createdAt: now }),
    db.insert(apiKeys).values({
      id: randomToken("key_", 9),
      shopId,
      kind: "secret",
      tokenHash: await sha256Hex(secretKey),
      prefix: secretKey.slice(0, 7),
      createdAt: now,
    }),
  ]);
  return { shop_id: shopId, site_key: siteKey, secret_key: secretKey };
}

export async function saveSettings(db: Database, shopId: string, settings: ShopSettings, now = Date.now()): Promise<void> {
  const { name, timezone, allowed_origins, consent_mode, ...rest } = settings;
  await db
    .update(shops)
    .set({ name, timezone, allowedOrigins: allowed_origins, consentMode: consent_mode, settings: rest, updatedAt: now })
    .where(eq(shops.id, shopId));
  shopCache.delete(shopId);
}

/** Whether any person of the shop is known by an identifier (then its data region may not change). */
export async function hasIdentifiedPeople(db: Database, shopId: string): Promise<boolean> {
  const row = await db.query.identities.findFirst({ columns: { shopId: true }, where: eq(identities.shopId, shopId) });
  return row !== undefined;
}
