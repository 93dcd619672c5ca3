import { describe, expect, it } from "vitest";
import { TtlCache } from "../../workers/ttl-cache";

describe("the isolate cache", () => {
  it("shares one load among requests that miss together", async () => {
    const cache = new TtlCache<string>(5_000);
    let loads = 0;
    const load = async () => {
      loads += 1;
      await scheduler.wait(20);
      return "row";
    };
    const values = await Promise.all(Array.from({ length: 20 }, () => cache.through("k", load)));
    expect(values).toEqual(Array.from({ length: 20 }, () => "row"));
    expect(loads).toBe(1);
    expect(await cache.through("k", load)).toBe("row");
    expect(loads).toBe(1);
  });

  it("does not fill the cache from a load that a write invalidated meanwhile, and retries after a failed load", async () => {
    const cache = new TtlCache<string>(5_000);
    const stale = cache.through("k", async () => {
      await scheduler.wait(20);
      return "old";
    });
    cache.delete("k");
    expect(await stale).toBe("old");
    expect(cache.get("k")).toBeUndefined();
    await expect(cache.through("x", () => Promise.reject(new Error("D1 is down")))).rejects.toThrow("D1 is down");
    expect(await cache.through("x", async () => "back")).toBe("back");
  });
});
