/**
 * A small per-isolate cache with expiry, so that hot look-ups (shops, keys, identities) do not
 * cost a database query per request. Bounded: the oldest entry goes when it is full.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();
  /** Loads under way, by key: requests that miss together share one database query. */
  private readonly loading = new Map<string, Promise<V | null>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: string, now = Date.now()): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
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
    this.loading.delete(key);
  }

  /**
   * Fetches through the cache; misses (null) are not cached, so a new row is seen at once.
   * Requests that miss while a load of the key is under way wait for that load instead of
   * starting their own, so an entry expiring under load costs one query, not one per request.
   */
  through<L extends V | null>(key: string, load: () => Promise<L>): Promise<V | L> {
    const cached = this.get(key);
    if (cached !== undefined) return Promise.resolve(cached);
    const pending = this.loading.get(key) as Promise<V | L> | undefined;
    if (pending) return pending;
    const loaded: Promise<V | L> = load().then(
      (value) => {
        // Only the load still current for the key fills it (a write may have deleted it since).
        if (this.loading.get(key) === loaded) {
          this.loading.delete(key);
          if (value !== null) this.set(key, value);
        }
        return value;
      },
      (error: unknown) => {
        if (this.loading.get(key) === loaded) this.loading.delete(key);
        throw error;
      },
    );
    this.loading.set(key, loaded);
    return loaded;
  }
}
