/**
 * The cron's message dispatcher. Each run leases due people from the central outbox (one
 * statement: two overlapping runs never hold the same person), asks each person's object to run
 * its send-time check and send (the object marks a step `sending` before it delivers, so a step
 * is never delivered twice, even by runs that overlap after a lease expired), and releases the
 * leases; the objects write their next due time themselves.
 *
 * A run's work is bounded: at most `maxPeople` people (one object call each, the subrequests a
 * scheduled run spends) within `budgetMs` of wall time. What is left stays due in the outbox for
 * the next run, a minute later; a crashed run's leases expire after `LEASE_MS`.
 */
import type { FlowDefinition, SendSettings } from "../core/flows/types";
import type { DispatchRequest } from "../durable-objects/messaging";
import type { DispatchResult } from "../durable-objects/profile-rpc";
import { mapWithConcurrency } from "./concurrency";
import { centralDatabase, type Database } from "./db/client";
import { deliverableChannels, shopFlows } from "./db/flows";
import { claimDue, forgetOutbox, releaseClaims, type Claim } from "./db/outbox";
import { findShop, type Shop } from "./db/shops";
import { flushReportCounts, holdReportCounts } from "./report-counters";
import { profilesOf, stubFor } from "./routing";

/** A lease outlives the slowest person's dispatch (deliveries time out after 10 s each). */
export const LEASE_MS = 2 * 60_000;
const DEFAULT_RESOLVER = "https://cloudflare-dns.com/dns-query";
/**
 * A run stops waiting for one person after this long (the object may still finish: its
 * `sending` marks keep that safe); the lease then lets a later run look at the person again.
 */
const PERSON_TIMEOUT_MS = 30_000;

export interface DispatchOptions {
  /** Names this run's leases (random by default). */
  owner?: string;
  batchSize?: number;
  maxPeople?: number;
  budgetMs?: number;
  concurrency?: number;
  /** The central database to use instead of the configured one (the capacity test passes one that counts its statements). */
  database?: Database;
}

export interface DispatchRun {
  people: number;
  batches: number;
  sent: number;
  retried: number;
  failed: number;
  skipped: number;
  postponed: number;
  /** People whose object answered nothing to do here (merged away or erased): their outbox row is dropped. */
  forgotten: number;
  /** Object calls that threw: their lease is released and they are due again. */
  errors: number;
  /** True when the run stopped because nothing more was due (else it reached its bound). */
  drained: boolean;
}

interface ShopContext {
  shop: Shop;
  definitions: FlowDefinition[];
}

export async function dispatchDue(env: Env, now: number, options: DispatchOptions = {}): Promise<DispatchRun> {
  const publicUrl = env.PUBLIC_URL;
  if (!publicUrl) throw new Error("PUBLIC_URL is not set: messages need the Worker's public origin for their links (wrangler.toml [vars])");
  const db = options.database ?? centralDatabase(env);
  const owner = options.owner ?? `run_${crypto.randomUUID()}`;
  const batchSize = options.batchSize ?? 100;
  const maxPeople = options.maxPeople ?? (Number(env.DISPATCH_MAX_PEOPLE) || 500);
  const budgetMs = options.budgetMs ?? 20_000;
  const started = Date.now();
  const run: DispatchRun = {
    people: 0,
    batches: 0,
    sent: 0,
    retried: 0,
    failed: 0,
    skipped: 0,
    postponed: 0,
    forgotten: 0,
    errors: 0,
    drained: false,
  };
  const shops = new Map<string, Promise<ShopContext | null>>();
  while (run.people < maxPeople && Date.now() - started < budgetMs) {
    const claims = await claimDue(db, owner, now, Math.min(batchSize, maxPeople - run.people), LEASE_MS);
    if (claims.length === 0) {
      run.drained = true;
      break;
    }
    run.batches += 1;
    run.people += claims.length;
    const results = await mapWithConcurrency(claims, options.concurrency ?? 6, async (claim) => {
      const context = await cached(shops, claim.shopId, () => shopContext(db, claim.shopId));
      return { claim, result: context ? await dispatchOne(env, context, claim, now, publicUrl) : null };
    });
    const gone: Claim[] = [];
    for (const { claim, result } of results) {
      if (result === null || result === "error") {
        if (result === "error") run.errors += 1;
        else gone.push(claim);
        continue;
      }
      if (result.status !== "done") {
        gone.push(claim);
        continue;
      }
      holdReportCounts(claim.shopId, result.counts);
      run.sent += result.sent;
      run.retried += result.retried;
      run.failed += result.failed;
      run.skipped += result.skipped;
      run.postponed += result.postponed;
    }
    run.forgotten += gone.length;
    for (const [shopId, people] of groupByShop(gone)) await forgetOutbox(db, shopId, people);
    await releaseClaims(db, owner, claims);
  }
  await flushReportCounts(db).catch((error: unknown) => console.error("report counters not written, kept for the next flush:", error));
  return run;
}

async function dispatchOne(
  env: Env,
  context: ShopContext,
  claim: Claim,
  now: number,
  publicUrl: string,
): Promise<DispatchResult | "error"> {
  const { shop, definitions } = context;
  const request: DispatchRequest = {
    shopId: shop.id,
    shopName: shop.settings.name,
    now,
    definitions,
    settings: sendSettings(shop),
    channels: shop.settings.channels,
    consentMode: shop.settings.consent_mode,
    segmentRules: shop.settings.segments,
    publicUrl,
    allowPrivate: env.ALLOW_PRIVATE_WEBHOOKS === "true",
    resolverUrl: env.DNS_RESOLVER_URL || DEFAULT_RESOLVER,
  };
  try {
    const call = stubFor(profilesOf(env, shop), claim.profileId).dispatch(request) as Promise<DispatchResult>;
    return await withinTime(call, PERSON_TIMEOUT_MS);
  } catch (error) {
    console.error("dispatch failed; the person is due again", { shop: shop.id, profile: claim.profileId, error: String(error) });
    return "error";
  }
}

/** The call's answer, or a rejection once `ms` passed without one. */
function withinTime<T>(call: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
}

function sendSettings(shop: Shop): SendSettings {
  return {
    timezone: shop.settings.timezone,
    quiet_hours: shop.settings.quiet_hours,
    smart_sending_hours: shop.settings.smart_sending_hours,
    channels: deliverableChannels(shop.settings),
  };
}

async function shopContext(db: Database, shopId: string): Promise<ShopContext | null> {
  const shop = await findShop(db, shopId);
  if (!shop) return null;
  return { shop, definitions: (await shopFlows(db, shopId)).flows };
}

function cached<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let value = cache.get(key);
  if (!value) {
    value = load();
    cache.set(key, value);
  }
  return value;
}

function groupByShop(claims: readonly Claim[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const claim of claims) groups.set(claim.shopId, [...(groups.get(claim.shopId) ?? []), claim.profileId]);
  return groups;
}
