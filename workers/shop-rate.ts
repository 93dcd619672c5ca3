import { fullBucket, takeTokens, type Bucket } from "../core/rate-limit";
import type { Shop } from "./db/shops";
import { ApiError } from "./errors";

/** One bucket per shop and isolate; bounded so that many shops cannot grow it without end. */
const buckets = new Map<string, Bucket>();
const MAX_SHOPS = 10_000;

/**
 * A shop's rate (its `rate_limit` setting) for batches. Counted per isolate: each isolate of the
 * edge enforces it on its own, so it caps bursts at one location rather than worldwide.
 */
export function takeShopRate(shop: Shop, now = Date.now()): void {
  const policy = { capacity: shop.settings.rate_limit.burst, refill_per_second: shop.settings.rate_limit.per_second };
  const current = buckets.get(shop.id) ?? fullBucket(policy, now);
  const taken = takeTokens(current, 1, policy, now);
  if (buckets.size >= MAX_SHOPS && !buckets.has(shop.id)) buckets.clear();
  buckets.set(shop.id, taken.bucket);
  if (!taken.ok) {
    throw new ApiError(429, "shop_rate_limited", "This shop sends more batches than its rate_limit allows; retry later", undefined, {
      "Retry-After": String(taken.retry_after_seconds),
    });
  }
}
