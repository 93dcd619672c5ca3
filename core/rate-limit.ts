/** A token bucket, as plain data: refilled continuously, spent per request. */
export interface Bucket {
  tokens: number;
  updated_at: number;
}

export interface BucketPolicy {
  capacity: number;
  refill_per_second: number;
}

export type TakeResult = { ok: true; bucket: Bucket } | { ok: false; bucket: Bucket; retry_after_seconds: number };

export function fullBucket(policy: BucketPolicy, now: number): Bucket {
  return { tokens: policy.capacity, updated_at: now };
}

/** A request costing more than the whole bucket is charged the whole bucket, so it can pass when it is full. */
export function takeTokens(bucket: Bucket, requested: number, policy: BucketPolicy, now: number): TakeResult {
  const cost = Math.min(requested, policy.capacity);
  const elapsed = Math.max(0, now - bucket.updated_at) / 1000;
  const tokens = Math.min(policy.capacity, bucket.tokens + elapsed * policy.refill_per_second);
  if (tokens >= cost) return { ok: true, bucket: { tokens: tokens - cost, updated_at: now } };
  const missing = cost - tokens;
  return {
    ok: false,
    bucket: { tokens, updated_at: now },
    retry_after_seconds: Math.max(1, Math.ceil(missing / policy.refill_per_second)),
  };
}
