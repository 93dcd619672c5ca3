import { describe, expect, it } from "vitest";
import { TtlCache } from "../../workers/ttl-cache";

const T0 = 1_000_000;

function slowLoad(value: string, counter: { loads: number }) {
  return async () => {
    counter.loads += 1;
    await scheduler.wait(20);
    return value;
  };
}

describe("the isolate cache", () => {
  it("serves the expired entry, without waiting, while one request refreshes it: an expiry under load costs one load", async () => {
    const cache = new TtlCache<string>(5_000);
    cache.set("k", "old", T0);
    const counter = { loads: 0 };
    const expired = T0 + 5_000;
    const refresh = cache.through("k", slowLoad("new", counter), expired);
    const others = Array.from({ length: 20 }, () => cache.through("k", slowLoad("new", counter), expired + 10));
    // The others answer from the expired entry at once: none of them awaits the refreshing request's load.
    const settledFirst = await Promise.race([Promise.all(others).then(() => "others"), refresh.then(() => "refresh")]);
    expect(settledFirst).toBe("others");
    expect(await Promise.all(others)).toEqual(Array.from({ length: 20 }, () => "old"));
    expect(await refresh).toBe("new");
    expect(counter.loads).toBe(1);
    expect(await cache.through("k", slowLoad("newer", counter), expired + 20)).toBe("new");
    expect(counter.loads).toBe(1);
  });

  it("stops standing in for a refresh that takes more than a second: the next request loads for itself", async () => {
    const cache = new TtlCache<string>(5_000);
    cache.set("k", "old", T0);
    const counter = { loads: 0 };
    const expired = T0 + 5_000;
    void cache.through("k", () => new Promise<string>(() => {}), expired);
    expect(await cache.through("k", slowLoad("new", counter), expired + 999)).toBe("old");
    expect(await cache.through("k", slowLoad("new", counter), expired + 1_000)).toBe("new");
    expect(counter.loads).toBe(1);
  });

  it("lets requests that miss a key never loaded each load it: none waits on another's I/O", async () => {
    const cache = new TtlCache<string>(5_000);
    const counter = { loads: 0 };
    const values = await Promise.all(Array.from({ length: 3 }, () => cache.through("k", slowLoad("row", counter))));
    expect(values).toEqual(["row", "row", "row"]);
    expect(counter.loads).toBe(3);
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

  it("drops an entry whose row is gone once a refresh finds nothing", async () => {
    const cache = new TtlCache<string>(5_000);
    cache.set("k", "old", T0);
    expect(await cache.through("k", async () => null, T0 + 5_000)).toBeNull();
    expect(await cache.through("k", async () => "again", T0 + 5_001)).toBe("again");
  });
});
