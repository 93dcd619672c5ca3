import { and, eq, isNull } from "drizzle-orm";
import { randomToken, sha256Hex } from "../crypto";
import { TtlCache } from "../ttl-cache";
import type { Database } from "./client";
import { apiKeys } from "./schema";

export interface KeyGrant {
  keyId: string;
  shopId: string;
}

/**
 * Key look-ups are cached briefly per isolate. A revocation clears this isolate's entry at once;
 * other isolates stop accepting the key within the TTL. Unknown keys are remembered too (bounded),
 * so a client repeating a bogus key costs no query each time; a key created here is known at once.
 */
const KEY_TTL_MS = 10_000;
const UNKNOWN_KEYS_MAX = 5_000;
const siteKeys = new TtlCache<KeyGrant>(KEY_TTL_MS);
const secretKeys = new TtlCache<KeyGrant>(KEY_TTL_MS);
// Separate namespaces: a bogus site key that happens to equal a secret key's hash must not refuse that key.
const unknownKeys = { site: new TtlCache<true>(KEY_TTL_MS, UNKNOWN_KEYS_MAX), secret: new TtlCache<true>(KEY_TTL_MS, UNKNOWN_KEYS_MAX) };

type KeyKind = keyof typeof unknownKeys;

/** `lookup` is the site key itself or the secret key's hash. */
async function findKey(
  kind: KeyKind,
  known: TtlCache<KeyGrant>,
  lookup: string,
  load: () => Promise<KeyGrant | null>,
): Promise<KeyGrant | null> {
  if (unknownKeys[kind].get(lookup)) return null;
  const grant = await known.through(lookup, load);
  if (!grant) unknownKeys[kind].set(lookup, true);
  return grant;
}

/** A key just created in this isolate must not stay refused as unknown. */
export function forgetUnknownKey(kind: KeyKind, lookup: string): void {
  unknownKeys[kind].delete(lookup);
}

export async function findSiteKey(db: Database, siteKey: string): Promise<KeyGrant | null> {
  return findKey("site", siteKeys, siteKey, async () => {
    const row = await db.query.apiKeys.findFirst({
      where: and(eq(apiKeys.siteKey, siteKey), eq(apiKeys.kind, "site"), isNull(apiKeys.revokedAt)),
    });
    return row ? { keyId: row.id, shopId: row.shopId } : null;
  });
}

export async function findSecretKey(db: Database, token: string): Promise<KeyGrant | null> {
  const hash = await sha256Hex(token);
  return findKey("secret", secretKeys, hash, async () => {
    const row = await db.query.apiKeys.findFirst({
      where: and(eq(apiKeys.tokenHash, hash), eq(apiKeys.kind, "secret"), isNull(apiKeys.revokedAt)),
    });
    return row ? { keyId: row.id, shopId: row.shopId } : null;
  });
}

export interface KeyListing {
  id: string;
  kind: "site" | "secret";
  prefix: string;
  created_at: string;
  revoked_at: string | null;
}

export async function listKeys(db: Database, shopId: string): Promise<KeyListing[]> {
  const rows = await db.query.apiKeys.findMany({ where: eq(apiKeys.shopId, shopId), orderBy: apiKeys.createdAt });
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    prefix: row.prefix,
    created_at: new Date(row.createdAt).toISOString(),
    revoked_at: row.revokedAt === null ? null : new Date(row.revokedAt).toISOString(),
  }));
}

export async function createSecretKey(
  db: Database,
  shopId: string,
  now = Date.now(),
): Promise<{ id: string; secret_key: string; created_at: string }> {
  const secretKey = randomToken("sk_", 24);
  const id = randomToken("key_", 9);
  const tokenHash = await sha256Hex(secretKey);
  await db.insert(apiKeys).values({ id, shopId, kind: "secret", tokenHash, prefix: secretKey.slice(0, 7), createdAt: now });
  forgetUnknownKey("secret", tokenHash);
  return { id, secret_key: secretKey, created_at: new Date(now).toISOString() };
}

export type RevokeResult = "revoked" | "not_found" | "last_secret_key";

/** Revokes a secret key of the shop; the last active one cannot go (the shop would lock itself out). */
export async function revokeSecretKey(db: Database, shopId: string, keyId: string, now = Date.now()): Promise<RevokeResult> {
  const active = await db.query.apiKeys.findMany({
    where: and(eq(apiKeys.shopId, shopId), eq(apiKeys.kind, "secret"), isNull(apiKeys.revokedAt)),
  });
  const target = active.find((row) => row.id === keyId);
  if (!target) return "not_found";
  if (active.length === 1) return "last_secret_key";
  await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.shopId, shopId)));
  if (target.tokenHash) secretKeys.delete(target.tokenHash);
  return "revoked";
}
