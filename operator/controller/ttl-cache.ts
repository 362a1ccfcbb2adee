// A small cache whose entries expire after a fixed time and whose size is bounded, for answers that
// are costly to get and fine to reuse for a while (the reviews of a scraper's token: metrics-auth.ts).

export type TtlCacheOptions = {
  ttlMs: number;
  /** At most this many entries; adding one more drops the oldest. */
  maxEntries: number;
  /** The clock, in ms; tests pass their own. */
  now?: () => number;
};

export class TtlCache<K, V> {
  // A Map iterates in insertion order, so its first key is the oldest entry.
  readonly #entries = new Map<K, { value: V; expiresAt: number }>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: TtlCacheOptions) {
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: K, value: V): void {
    // Re-inserted, so that a refreshed entry counts as the newest.
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: this.#now() + this.#ttlMs });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(oldest);
    }
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }
}
