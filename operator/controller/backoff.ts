// Per-key exponential backoff with jitter, as client-go's ItemExponentialFailureRateLimiter does,
// but capped at ~5 minutes instead of 1000 s so a broken object is retried a few times an hour.

export type BackoffOptions = {
  /** First delay, in ms. */
  baseMs?: number;
  /** Upper bound for any delay, in ms. */
  capMs?: number;
  /** Fraction of the delay taken off at random (0 = no jitter, 0.2 = delay in [0.8d, d]). */
  jitter?: number;
  /** Source of randomness in [0, 1); injectable for tests. */
  random?: () => number;
};

export const DEFAULT_BACKOFF_BASE_MS = 5;
export const DEFAULT_BACKOFF_CAP_MS = 5 * 60_000;
export const DEFAULT_BACKOFF_JITTER = 0.2;

/** The delay before retry number `failures` (0-based), without keeping any state. */
export function backoffDelay(failures: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? DEFAULT_BACKOFF_BASE_MS;
  const cap = options.capMs ?? DEFAULT_BACKOFF_CAP_MS;
  const jitter = options.jitter ?? DEFAULT_BACKOFF_JITTER;
  const random = options.random ?? Math.random;
  // 2 ** 1024 is Infinity; clamp the exponent so the arithmetic stays finite.
  const exponential = Math.min(cap, base * 2 ** Math.min(failures, 60));
  // Jitter only shortens the delay: the cap stays a hard upper bound, and keys that failed
  // together (an API server outage) do not all come back in the same millisecond.
  return exponential * (1 - jitter * random());
}

/** Remembers how often each key failed; `forget` on success starts it over. */
export class KeyedBackoff {
  readonly #failures = new Map<string, number>();
  readonly #options: BackoffOptions;

  constructor(options: BackoffOptions = {}) {
    this.#options = options;
  }

  /** The delay for the next retry of `key`, counting this failure. */
  next(key: string): number {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    return backoffDelay(failures, this.#options);
  }

  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  forget(key: string): void {
    this.#failures.delete(key);
  }
}
