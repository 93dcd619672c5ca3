import type { BucketPolicy } from "../core/rate-limit";

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
