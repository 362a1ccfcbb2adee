// A work queue of object keys with the semantics of client-go's rate-limited work queue:
// - a key added while it waits is queued once (de-duplication);
// - a key added while it is being processed is queued again, once, when `done` is called,
//   so one key is never processed by two workers at a time;
// - `addRateLimited` re-adds after a per-key exponential backoff, `forget` resets it;
// - `addAfter` delays an add (the earliest of several pending delays wins);
// - `shutdown` stops handing out work and waits for work in flight, up to a deadline;
// - an urgent add goes ahead of every other waiting key (and moves the key ahead if it waits).
// Workers pull with `get()`; the number of workers is the concurrency limit.
import { type BackoffOptions, KeyedBackoff } from './backoff.ts';
import type { QueueMetrics, RuntimeMetrics } from './metrics.ts';

export type WorkQueueOptions = {
  /** Names the queue in metrics (`name` and `controller` labels). */
  name: string;
  backoff?: KeyedBackoff | BackoffOptions;
  metrics?: RuntimeMetrics;
  /** Milliseconds clock; Date.now so that fake timers drive it in tests. */
  now?: () => number;
};

type Delayed = { readyAt: number; timer: ReturnType<typeof setTimeout> };

const noMetrics: QueueMetrics = {
  added() {},
  depth() {},
  retried() {},
  queuedFor() {},
  workedFor() {},
};

export class WorkQueue {
  readonly name: string;
  readonly #backoff: KeyedBackoff;
  readonly #metrics: QueueMetrics;
  readonly #now: () => number;
  /** Keys ready to be handed out, in order (a Set: in insertion order, with O(1) removal). */
  #queue = new Set<string>();
  /** Urgent keys ready to be handed out, in order; handed out before #queue's. */
  #urgent = new Set<string>();
  /** Keys that need processing (queued, or re-added while in flight): when added, whether urgent. */
  readonly #dirty = new Map<string, { at: number; urgent: boolean }>();
  /** Keys handed out and not yet `done`, with when processing started. */
  readonly #processing = new Map<string, number>();
  readonly #delayed = new Map<string, Delayed>();
  readonly #getters: Array<(key: string | undefined) => void> = [];
  readonly #idleWaiters: Array<() => void> = [];
  #shuttingDown = false;

  constructor(options: WorkQueueOptions) {
    this.name = options.name;
    this.#backoff =
      options.backoff instanceof KeyedBackoff ? options.backoff : new KeyedBackoff(options.backoff);
    this.#now = options.now ?? Date.now;
    this.#metrics = options.metrics?.queue(this.name, this) ?? noMetrics;
  }

  /**
   * Queues `key` (once). `urgent` puts it ahead of the keys that are not: the controller uses it for
   * work that finishes what a reconcile started (a rollout that has ended) before new work.
   */
  add(key: string, urgent = false): void {
    if (this.#shuttingDown) return;
    const dirty = this.#dirty.get(key);
    if (dirty) {
      if (urgent && !dirty.urgent) {
        dirty.urgent = true;
        if (this.#queue.delete(key)) this.#urgent.add(key);
      }
      return;
    }
    this.#metrics.added();
    this.#dirty.set(key, { at: this.#now(), urgent });
    // Still in flight: `done` queues it again.
    if (this.#processing.has(key)) return;
    this.#enqueue(key);
  }

  /** Adds `key` after `delayMs`; a pending earlier add of the same key is kept. */
  addAfter(key: string, delayMs: number): void {
    if (this.#shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const readyAt = this.#now() + delayMs;
    const pending = this.#delayed.get(key);
    if (pending) {
      if (pending.readyAt <= readyAt) return;
      clearTimeout(pending.timer);
    }
    const timer = setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, delayMs);
    // A pending retry alone must not keep the process alive.
    timer.unref?.();
    this.#delayed.set(key, { readyAt, timer });
  }

  /** Re-adds `key` after its next backoff delay; returns that delay in ms. */
  addRateLimited(key: string): number {
    if (this.#shuttingDown) return 0;
    const delay = this.#backoff.next(key);
    this.#metrics.retried();
    this.addAfter(key, delay);
    return delay;
  }

  /** Ends the backoff of `key` (after a success, or when it is given up). */
  forget(key: string): void {
    this.#backoff.forget(key);
  }

  /** How many times `key` has been re-added by `addRateLimited` since it was last forgotten. */
  numRequeues(key: string): number {
    return this.#backoff.failures(key);
  }

  /** The next key to process, or undefined once the queue shuts down. Call `done(key)` after. */
  get(): Promise<string | undefined> {
    if (this.#shuttingDown) return Promise.resolve(undefined);
    const lane = this.#urgent.size > 0 ? this.#urgent : this.#queue;
    const key = lane.values().next().value;
    if (key !== undefined) {
      lane.delete(key);
      return Promise.resolve(this.#start(key));
    }
    return new Promise((resolve) => this.#getters.push(resolve));
  }

  /** Marks the end of processing `key`; if it was added meanwhile, queues it again. */
  done(key: string): void {
    const started = this.#processing.get(key);
    if (started === undefined) return;
    this.#processing.delete(key);
    this.#metrics.workedFor((this.#now() - started) / 1000);
    if (this.#dirty.has(key) && !this.#shuttingDown) this.#enqueue(key);
    if (this.#processing.size === 0) {
      for (const wake of this.#idleWaiters.splice(0)) wake();
    }
  }

  /**
   * Stops handing out work (waiting `get`s resolve undefined; queued and delayed keys are dropped,
   * a restart relists them) and waits for keys in flight. Resolves true when they all finished,
   * false when `deadlineMs` passed first.
   */
  async shutdown(deadlineMs: number): Promise<boolean> {
    if (!this.#shuttingDown) {
      this.#shuttingDown = true;
      for (const { timer } of this.#delayed.values()) clearTimeout(timer);
      this.#delayed.clear();
      for (const key of [...this.#urgent, ...this.#queue]) this.#dirty.delete(key);
      this.#queue = new Set();
      this.#urgent = new Set();
      this.#metrics.depth(0);
      for (const resolve of this.#getters.splice(0)) resolve(undefined);
    }
    if (this.#processing.size === 0) return true;
    if (deadlineMs <= 0) return false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const idle = new Promise<boolean>((resolve) => this.#idleWaiters.push(() => resolve(true)));
    const deadline = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), deadlineMs);
    });
    try {
      return await Promise.race([idle, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Keys waiting to be handed out. */
  get length(): number {
    return this.#queue.size + this.#urgent.size;
  }

  /** Keys being processed. */
  get inFlight(): number {
    return this.#processing.size;
  }

  unfinishedWorkSeconds(): number {
    const now = this.#now();
    let total = 0;
    for (const started of this.#processing.values()) total += now - started;
    return total / 1000;
  }

  longestRunningProcessorSeconds(): number {
    const now = this.#now();
    let longest = 0;
    for (const started of this.#processing.values()) longest = Math.max(longest, now - started);
    return longest / 1000;
  }

  #enqueue(key: string): void {
    const getter = this.#getters.shift();
    if (getter) {
      getter(this.#start(key));
      return;
    }
    (this.#dirty.get(key)?.urgent ? this.#urgent : this.#queue).add(key);
    this.#metrics.depth(this.length);
  }

  #start(key: string): string {
    const added = this.#dirty.get(key)?.at ?? this.#now();
    this.#dirty.delete(key);
    this.#processing.set(key, this.#now());
    this.#metrics.depth(this.length);
    this.#metrics.queuedFor((this.#now() - added) / 1000);
    return key;
  }
}
