import { fullBucket, takeTokens, type Bucket, type BucketPolicy } from "../core/rate-limit";

/**
 * A person absorbs bursts (50 concurrent batches pass) but not a sustained flood. Batches are
 * limited as configured (PROFILE_BATCH_BURST / PROFILE_BATCH_RATE); events allow full batches.
 */
export function ratePolicies(env: Pick<Env, "PROFILE_BATCH_BURST" | "PROFILE_BATCH_RATE">): {
  batches: BucketPolicy;
  events: BucketPolicy;
} {
  const burst = Math.max(1, Number(env.PROFILE_BATCH_BURST) || 100);
  const rate = Math.max(0.1, Number(env.PROFILE_BATCH_RATE) || 20);
  return {
    batches: { capacity: burst, refill_per_second: rate },
    events: { capacity: burst * 50, refill_per_second: rate * 50 },
  };
}

/** One person's rate: a batch takes one token of `batches` and one of `events` per event. */
export class PersonRate {
  private readonly policies: ReturnType<typeof ratePolicies>;
  private batches: Bucket;
  private events: Bucket;

  constructor(env: Pick<Env, "PROFILE_BATCH_BURST" | "PROFILE_BATCH_RATE">, now: number) {
    this.policies = ratePolicies(env);
    this.batches = fullBucket(this.policies.batches, now);
    this.events = fullBucket(this.policies.events, now);
  }

  /** Null when the batch may pass (its tokens are taken), else how long to wait. */
  take(eventCount: number, now: number): { retryAfterSeconds: number } | null {
    const batch = takeTokens(this.batches, 1, this.policies.batches, now);
    const events = takeTokens(this.events, eventCount, this.policies.events, now);
    if (!batch.ok || !events.ok) {
      return { retryAfterSeconds: Math.max(batch.ok ? 0 : batch.retry_after_seconds, events.ok ? 0 : events.retry_after_seconds) };
    }
    this.batches = batch.bucket;
    this.events = events.bucket;
    return null;
  }
}
