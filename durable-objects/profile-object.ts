import { DurableObject } from "cloudflare:workers";
import { emptyProfile, applyBatch, type IncomingEvent } from "../core/profile";
import { toApiProfile, type ApiProfile } from "../core/profile-view";
import { fullBucket, takeTokens, type Bucket, type BucketPolicy } from "../core/rate-limit";
import type { ConsentMode, ConsentPurpose, Identifier, ProfileState } from "../core/types";
import { ProfileStorage } from "./profile-storage";

/**
 * A person absorbs bursts (50 concurrent batches pass) but not a sustained flood. Batches are
 * limited as configured (PROFILE_BATCH_BURST / PROFILE_BATCH_RATE); events allow full batches.
 */
export function ratePolicies(env: Pick<Env, "PROFILE_BATCH_BURST" | "PROFILE_BATCH_RATE">): { batches: BucketPolicy; events: BucketPolicy } {
  const burst = Math.max(1, Number(env.PROFILE_BATCH_BURST) || 100);
  const rate = Math.max(0.1, Number(env.PROFILE_BATCH_RATE) || 20);
  return {
    batches: { capacity: burst, refill_per_second: rate },
    events: { capacity: burst * 50, refill_per_second: rate * 50 },
  };
}
const COMPACT_EVERY_MS = 24 * 60 * 60 * 1000;

export interface IngestRequest {
  shopId: string;
  consentMode: ConsentMode;
  /** Server events are the shop's own records (orders): they are not gated by browser consent. */
  source: "browser" | "server";
  events: IncomingEvent[];
  batchConsent: Partial<Record<ConsentPurpose, boolean>> | null;
  /** Identifiers of the whole batch (a browser batch's device id). */
  batchIdentifiers: Identifier[];
  receivedAt: number;
}

export type IngestResult =
  | {
      ok: true;
      profileId: string;
      stored: number;
      duplicates: number;
      withoutConsent: number;
      addedIdentifiers: Identifier[];
    }
  | { ok: false; code: "rate_limited"; retryAfterSeconds: number };

/** One person: their events, orders and live profile, in the object's own SQLite storage. */
export class ProfileObject extends DurableObject<Env> {
  private readonly store: ProfileStorage;
  private state: ProfileState | null;
  private readonly policies: ReturnType<typeof ratePolicies>;
  private batches: Bucket;
  private events: Bucket;
  private compactionScheduled = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new ProfileStorage(ctx.storage);
    this.store.migrate();
    this.state = this.store.loadState();
    const now = Date.now();
    this.policies = ratePolicies(env);
    this.batches = fullBucket(this.policies.batches, now);
    this.events = fullBucket(this.policies.events, now);
  }

  get profileId(): string {
    return this.ctx.id.toString();
  }

  async ingest(request: IngestRequest): Promise<IngestResult> {
    const limited = this.takeRate(request.events.length, request.receivedAt);
    if (limited) return limited;
    const ids = request.events.flatMap(({ event }) => (event.id === null ? [] : [event.id]));
    const transactionIds = request.events.flatMap(({ event }) => (event.transaction_id === undefined ? [] : [event.transaction_id]));
    const current = this.state ?? emptyProfile(this.profileId, request.receivedAt);
    const outcome = applyBatch(current, request.events, {
      now: request.receivedAt,
      consentMode: request.source === "server" ? "implied" : request.consentMode,
      seenIds: this.store.seenIds(ids),
      ledger: this.store.ledger(transactionIds),
      batchConsent: request.batchConsent,
      batchIdentifiers: request.batchIdentifiers,
    });
    if (outcome.stored.length > 0) {
      this.store.writeBatch(outcome.state, outcome.stored, outcome.orders, request.receivedAt);
      this.state = outcome.state;
      await this.scheduleCompaction();
    }
    const count = (reason: string) => outcome.skipped.filter((skip) => skip.reason === reason).length;
    return {
      ok: true,
      profileId: this.profileId,
      stored: outcome.stored.length,
      duplicates: count("duplicate"),
      withoutConsent: count("no_consent"),
      addedIdentifiers: outcome.addedIdentifiers,
    };
  }

  async profile(consentMode: ConsentMode): Promise<ApiProfile | null> {
    return this.state ? toApiProfile(this.state, consentMode, Date.now()) : null;
  }

  override async alarm(): Promise<void> {
    this.compactionScheduled = false;
    this.compact(Date.now());
    if (this.state) await this.scheduleCompaction();
  }

  /** Summarizes old raw events and forgets old event ids; runs daily from the alarm. */
  compact(now: number): { summarized: number; forgottenIds: number } {
    return this.store.compact(now);
  }

  private takeRate(eventCount: number, now: number): IngestResult | null {
    const batch = takeTokens(this.batches, 1, this.policies.batches, now);
    const events = takeTokens(this.events, eventCount, this.policies.events, now);
    if (!batch.ok || !events.ok) {
      const retry = Math.max(batch.ok ? 0 : batch.retry_after_seconds, events.ok ? 0 : events.retry_after_seconds);
      return { ok: false, code: "rate_limited", retryAfterSeconds: retry };
    }
    this.batches = batch.bucket;
    this.events = events.bucket;
    return null;
  }

  private async scheduleCompaction(): Promise<void> {
    if (this.compactionScheduled) return;
    this.compactionScheduled = true;
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + COMPACT_EVERY_MS);
  }
}
