/**
 * A small per-isolate cache with expiry, so that hot look-ups (shops, keys, identities) do not
 * cost a database query per request. Bounded: the oldest entry goes when it is full.
 */
export class TtlCache<V> {
  /** Entries are kept past their expiry, to be served while one request refreshes them. */
  private readonly entries = new Map<string, { value: V; expires: number }>();
  /** Refreshes under way, by key, with when they started. Never awaited by another request. */
  private readonly refreshing = new Map<string, { started: number; load: Promise<unknown> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: string, now = Date.now()): V | undefined {
    const entry = this.entries.get(key);
    return entry && entry.expires > now ? entry.value : undefined;
  }

  set(key: string, value: V, now = Date.now()): void {
    if (this.entries.size >= this.maxEntries && !this.entries.has(key)) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expires: now + this.ttlMs });
  }

  /** Forgets a key (after a write): a load already under way for it no longer fills the cache. */
  delete(key: string): void {
    this.entries.delete(key);
    this.refreshing.delete(key);
  }

  /**
   * Fetches through the cache; misses (null) are not cached, so a new row is seen at once.
   *
   * When an entry expires under load, the first request refreshes it and the others keep
   * getting the expired value for as long as that refresh is under way (at most
   * STALE_WHILE_REFRESHING_MS), so an expiry costs one query, not one per request. They never
   * wait for the refreshing request's load: the Workers runtime judges each request on its own
   * I/O, and cancels as hung one that only awaits I/O another request started.
   */
  through<L extends V | null>(key: string, load: () => Promise<L>, now = Date.now()): Promise<V | L> {
    const entry = this.entries.get(key);
    if (entry && entry.expires > now) return Promise.resolve(entry.value);
    const refresh = this.refreshing.get(key);
    if (entry && refresh && now - refresh.started < STALE_WHILE_REFRESHING_MS) return Promise.resolve(entry.value);
    const loaded: Promise<V | L> = load().then(
      (value) => {
        // Only the load still current for the key fills it (a write may have deleted it since).
        if (this.refreshing.get(key)?.load === loaded) {
          this.refreshing.delete(key);
          if (value !== null) this.set(key, value);
          else this.entries.delete(key);
        }
        return value;
      },
      (error: unknown) => {
        if (this.refreshing.get(key)?.load === loaded) this.refreshing.delete(key);
        throw error;
      },
    );
    this.refreshing.set(key, { started: now, load: loaded });
    return loaded;
  }
}

/** How long an expired entry may stand in for a refresh under way: a refresh that takes longer (or died with its request) no longer holds others back. */
const STALE_WHILE_REFRESHING_MS = 1_000;
