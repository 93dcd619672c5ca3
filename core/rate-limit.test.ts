import { describe, expect, it } from "vitest";
import { fullBucket, takeTokens, type Bucket, type BucketPolicy } from "./rate-limit";

const T0 = 1_000_000;
const POLICY: BucketPolicy = { capacity: 50, refill_per_second: 5 };

function drain(bucket: Bucket, times: number, now: number): { bucket: Bucket; allowed: number } {
  let current = bucket;
  let allowed = 0;
  for (let i = 0; i < times; i++) {
    const result = takeTokens(current, 1, POLICY, now);
    current = result.bucket;
    if (result.ok) allowed += 1;
  }
  return { bucket: current, allowed };
}

describe("token bucket", () => {
  it("a full bucket holds its capacity", () => {
    expect(fullBucket(POLICY, T0)).toEqual({ tokens: 50, updated_at: T0 });
  });

  it("a burst of the bucket's capacity passes at once", () => {
    expect(drain(fullBucket(POLICY, T0), 50, T0).allowed).toBe(50);
  });

  it("the request after the burst is refused with a Retry-After of at least one second", () => {
    const { bucket } = drain(fullBucket(POLICY, T0), 50, T0);
    const result = takeTokens(bucket, 1, POLICY, T0);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.retry_after_seconds).toBe(1);
    expect(result.bucket.tokens).toBe(0);
  });

  it("a refused request spends nothing", () => {
    const bucket: Bucket = { tokens: 3, updated_at: T0 };
    const result = takeTokens(bucket, 10, POLICY, T0);
    expect(result.ok).toBe(false);
    expect(result.bucket.tokens).toBe(3);
  });

  it("Retry-After is the time the missing tokens take to refill", () => {
    const result = takeTokens({ tokens: 0, updated_at: T0 }, 20, POLICY, T0);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.retry_after_seconds).toBe(4);
  });

  it("tokens refill continuously with time", () => {
    const empty: Bucket = { tokens: 0, updated_at: T0 };
    expect(takeTokens(empty, 5, POLICY, T0 + 999).ok).toBe(false);
    const later = takeTokens(empty, 5, POLICY, T0 + 1000);
    expect(later).toEqual({ ok: true, bucket: { tokens: 0, updated_at: T0 + 1000 } });
  });

  it("refills never exceed the capacity", () => {
    const result = takeTokens({ tokens: 10, updated_at: T0 }, 1, POLICY, T0 + 3_600_000);
    expect(result).toEqual({ ok: true, bucket: { tokens: 49, updated_at: T0 + 3_600_000 } });
  });

  it("a clock going backwards refills nothing", () => {
    const result = takeTokens({ tokens: 1, updated_at: T0 }, 2, POLICY, T0 - 60_000);
    expect(result.ok).toBe(false);
    expect(result.bucket.tokens).toBe(1);
  });

  it("the bucket given is not modified", () => {
    const bucket: Bucket = { tokens: 10, updated_at: T0 };
    takeTokens(bucket, 5, POLICY, T0 + 500);
    expect(bucket).toEqual({ tokens: 10, updated_at: T0 });
  });
});
