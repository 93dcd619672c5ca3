import { and, eq, isNull, sql } from "drizzle-orm";
import type { ConsentMode } from "../../core/types";
import { randomToken, sha256Hex } from "../crypto";
import { DEFAULT_SETTINGS, type ShopSettings } from "../schemas/settings";
import { TtlCache } from "../ttl-cache";
import type { Database } from "./client";
import { forgetUnknownKey } from "./keys";
import { apiKeys, identities, shops, type ShopRow } from "./schema";

/** A shop as the routes use it: its settings, complete with defaults. */
export interface Shop {
  id: string;
  settings: ShopSettings;
  /** Keys the `user_hash` HMAC of browser identifies. */
  identitySecret: string;
  /** When the shop first stored a person (epoch ms); from then on its data region is fixed. */
  peopleSince: number | null;
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
      identity_verification: stored.identity_verification ?? DEFAULT_SETTINGS.identity_verification,
      segments: stored.segments ?? DEFAULT_SETTINGS.segments,
      smart_sending_hours: stored.smart_sending_hours ?? DEFAULT_SETTINGS.smart_sending_hours,
      rate_limit: stored.rate_limit ?? DEFAULT_SETTINGS.rate_limit,
      quiet_hours: stored.quiet_hours === undefined ? DEFAULT_SETTINGS.quiet_hours : stored.quiet_hours,
      attribution: stored.attribution ?? DEFAULT_SETTINGS.attribution,
      channels: { ...DEFAULT_SETTINGS.channels, ...stored.channels },
    },
    identitySecret: row.identitySecret,
    peopleSince: row.peopleSince,
  };
}

export async function findShop(db: Database, shopId: string): Promise<Shop | null> {
  return shopCache.through(shopId, async () => {
    const row = await db.query.shops.findFirst({ where: eq(shops.id, shopId) });
    return row ? toShop(row) : null;
  });
}

/** A shop read fresh from the database, with the version a settings write must still find. */
interface VersionedShop {
  shop: Shop;
  version: number;
}

/** Bypasses the cache: a settings change must merge into what is stored, not into what was cached. */
export async function findShopForUpdate(db: Database, shopId: string): Promise<VersionedShop | null> {
  const row = await db.query.shops.findFirst({ where: eq(shops.id, shopId) });
  return row ? { shop: toShop(row), version: row.version } : null;
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
  identity_secret: string;
}

/**
 * Creates a shop with its site key, a first secret key and its identity secret; the secrets are
 * returned once. The secret key is stored hashed, the identity secret as it is (the Worker signs with it).
 */
export async function createShop(db: Database, input: NewShop, now = Date.now()): Promise<CreatedShop> {
  const shopId = randomToken("shop_", 12);
  const siteKey = randomToken("pk_", 18);
  const secretKey = randomToken("sk_", 24);
  const secretKeyHash = await sha256Hex(secretKey);
  const identitySecret = randomToken("ids_", 24);
  const { channels, smart_sending_hours, quiet_hours, identity_verification } = DEFAULT_SETTINGS;
  await db.batch([
    db.insert(shops).values({
      id: shopId,
      name: input.name,
      timezone: input.timezone ?? DEFAULT_SETTINGS.timezone,
      allowedOrigins: input.allowed_origins ?? [],
      consentMode: input.consent_mode ?? DEFAULT_SETTINGS.consent_mode,
      settings: {
        channels,
        smart_sending_hours,
        quiet_hours,
        identity_verification,
        data_region: input.data_region ?? DEFAULT_SETTINGS.data_region,
      },
      identitySecret,
      createdAt: now,
      updatedAt: now,
    }),
    db.insert(apiKeys).values({ id: randomToken("key_", 9), shopId, kind: "site", siteKey, prefix: siteKey.slice(0, 7), createdAt: now }),
    db.insert(apiKeys).values({
      id: randomToken("key_", 9),
      shopId,
      kind: "secret",
      tokenHash: secretKeyHash,
      prefix: secretKey.slice(0, 7),
      createdAt: now,
    }),
  ]);
  forgetUnknownKey("site", siteKey);
  forgetUnknownKey("secret", secretKeyHash);
  return { shop_id: shopId, site_key: siteKey, secret_key: secretKey, identity_secret: identitySecret };
}

/**
 * Writes the settings only if they are still at `expectedVersion` (compare-and-swap), so two
 * changes made at once never overwrite each other. False when another write came first.
 */
export async function saveSettings(
  db: Database,
  shopId: string,
  settings: ShopSettings,
  expectedVersion: number,
  now = Date.now(),
): Promise<boolean> {
  const { name, timezone, allowed_origins, consent_mode, ...rest } = settings;
  const written = await db
    .update(shops)
    .set({
      name,
      timezone,
      allowedOrigins: allowed_origins,
      consentMode: consent_mode,
      settings: rest,
      version: sql`${shops.version} + 1`,
      updatedAt: now,
    })
    .where(and(eq(shops.id, shopId), eq(shops.version, expectedVersion)))
    .returning({ id: shops.id });
  shopCache.delete(shopId);
  return written.length === 1;
}

/** Replaces the shop's identity secret; the new one is returned once. */
export async function rotateIdentitySecret(db: Database, shopId: string, now = Date.now()): Promise<string> {
  const identitySecret = randomToken("ids_", 24);
  await db.update(shops).set({ identitySecret, updatedAt: now }).where(eq(shops.id, shopId));
  shopCache.delete(shopId);
  return identitySecret;
}

/** Whether any person of the shop is known by an identifier (then its data region may not change). */
export async function hasIdentifiedPeople(db: Database, shopId: string): Promise<boolean> {
  const row = await db.query.identities.findFirst({ columns: { shopId: true }, where: eq(identities.shopId, shopId) });
  return row !== undefined;
}

/** Shops this isolate has already marked as having people: the mark costs one query per shop and isolate. */
const notedPeople = new Set<string>();

/**
 * Marks that the shop stores people (call it after a batch was stored): from then on its data
 * region is fixed. Only the first mark counts, so the write is conditional and made at most
 * once per shop in this isolate.
 */
export async function notePeople(db: Database, shop: Shop, now = Date.now()): Promise<void> {
  if (shop.peopleSince !== null || notedPeople.has(shop.id)) return;
  notedPeople.add(shop.id);
  try {
    await db
      .update(shops)
      .set({ peopleSince: now })
      .where(and(eq(shops.id, shop.id), isNull(shops.peopleSince)));
  } catch (error) {
    notedPeople.delete(shop.id); // not marked: the next batch tries again
    throw error;
  }
}
