// Kubernetes Events (events.k8s.io/v1) that do not flood:
// - repeats of the same event (same object, type, reason, action, note) within 6 minutes are
//   one Event whose `series` count grows, written at most once per flush interval;
// - each object gets a token bucket (25 events, then one per 5 minutes, as client-go's spam
//   filter) so an object failing in many different ways is still bounded;
// - recording never throws and never blocks a reconcile: Events are best effort.
import { type EventsV1Event, V1MicroTime } from '@kubernetes/client-node';
import type { Logger } from 'pino';

export type EventType = 'Normal' | 'Warning';

/** The object an Event is about. */
export type Regarding = {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string | undefined;
  uid?: string | undefined;
  resourceVersion?: string | undefined;
};

export type EventSeries = { count: number; lastObservedTime: Date };

/** The two calls the recorder makes, so it is tested without an API server. */
export type EventSink = {
  create(namespace: string, event: EventsV1Event): Promise<void>;
  updateSeries(namespace: string, name: string, series: EventSeries): Promise<void>;
};

export type EventRecorderOptions = {
  sink: EventSink;
  /** e.g. `hello.operators.dev/hello-operator`. */
  reportingController: string;
  /** This process (the leader identity), so Events say which replica saw what. */
  reportingInstance: string;
  log: Logger;
  /** How long after its last occurrence an event still counts as a repeat. */
  seriesWindowMs?: number;
  /** At most one series update per event per this interval. */
  flushIntervalMs?: number;
  burst?: number;
  refillMs?: number;
  now?: () => number;
};

type Series = {
  namespace: string;
  name: string | undefined; // undefined until the create answered
  count: number;
  flushedCount: number;
  first: number;
  last: number;
};

type Bucket = { tokens: number; at: number };

const MAX_NOTE_BYTES = 1024;
const MAX_KEYS = 4096;

function truncateBytes(s: string, max: number): string {
  const buf = Buffer.from(s);
  if (buf.length <= max) return s;
  // Cut on a character boundary, leaving room for the ellipsis.
  return `${new TextDecoder().decode(buf.subarray(0, max - 3)).replace(/\uFFFD+$/, '')}...`;
}

export class EventRecorder {
  readonly #o: EventRecorderOptions;
  readonly #now: () => number;
  readonly #window: number;
  readonly #series = new Map<string, Series>();
  readonly #buckets = new Map<string, Bucket>();
  readonly #pending = new Set<Promise<void>>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: EventRecorderOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#window = options.seriesWindowMs ?? 6 * 60_000;
  }

  /** Records an event; `note` is for people and is cut to 1 KiB. Returns at once. */
  record(regarding: Regarding, type: EventType, reason: string, action: string, note: string): void {
    const now = this.#now();
    this.#prune(now);
    const objectKey = `${regarding.namespace ?? ''}/${regarding.kind}/${regarding.name}/${regarding.uid ?? ''}`;
    const key = JSON.stringify([objectKey, type, reason, action, note]);
    const series = this.#series.get(key);
    if (series) {
      series.count++;
      series.last = now;
      this.#ensureTimer();
      return;
    }
    if (!this.#take(objectKey, now)) {
      this.#o.log.debug({ reason, object: objectKey }, 'event dropped: too many events for this object');
      return;
    }
    const namespace = regarding.namespace || 'default';
    const entry: Series = { namespace, name: undefined, count: 1, flushedCount: 1, first: now, last: now };
    this.#series.set(key, entry);
    const name = `${regarding.name}.${now.toString(16)}${Math.floor(Math.random() * 0xffff)
      .toString(16)
      .padStart(4, '0')}`;
    const event: EventsV1Event = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name, namespace },
      eventTime: new V1MicroTime(now),
      type,
      reason: reason.slice(0, 128),
      action: action.slice(0, 128),
      note: truncateBytes(note, MAX_NOTE_BYTES),
      regarding: {
        apiVersion: regarding.apiVersion,
        kind: regarding.kind,
        name: regarding.name,
        namespace: regarding.namespace,
        uid: regarding.uid,
        resourceVersion: regarding.resourceVersion,
      },
      reportingController: this.#o.reportingController,
      reportingInstance: this.#o.reportingInstance,
    };
    this.#track(
      this.#o.sink.create(namespace, event).then(
        () => {
          entry.name = name;
        },
        (err: unknown) => {
          // Forget it, so a later occurrence tries again (the bucket still bounds that).
          this.#series.delete(key);
          this.#o.log.warn({ err, reason }, 'could not create event');
        },
      ),
    );
  }

  /** Writes pending series counts now (on shutdown, after the controllers stopped). */
  async flush(): Promise<void> {
    await Promise.all(this.#pending);
    for (const s of this.#series.values()) this.#flushOne(s);
    await Promise.all(this.#pending);
  }

  stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    return this.flush();
  }

  #ensureTimer(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      for (const s of this.#series.values()) this.#flushOne(s);
    }, this.#o.flushIntervalMs ?? 30_000);
    this.#timer.unref?.();
  }

  #flushOne(s: Series): void {
    if (s.name === undefined || s.count === s.flushedCount) return;
    const count = s.count;
    s.flushedCount = count;
    const name = s.name;
    this.#track(
      this.#o.sink
        .updateSeries(s.namespace, name, { count, lastObservedTime: new Date(s.last) })
        .catch((err: unknown) => {
          this.#o.log.warn({ err, event: name }, 'could not update event series');
        }),
    );
  }

  #track(p: Promise<void>): void {
    this.#pending.add(p);
    void p.finally(() => this.#pending.delete(p));
  }

  /** Token bucket per object. */
  #take(objectKey: string, now: number): boolean {
    const burst = this.#o.burst ?? 25;
    const refillMs = this.#o.refillMs ?? 5 * 60_000;
    const b = this.#buckets.get(objectKey) ?? { tokens: burst, at: now };
    const refilled = Math.floor((now - b.at) / refillMs);
    if (refilled > 0) {
      b.tokens = Math.min(burst, b.tokens + refilled);
      b.at += refilled * refillMs;
    }
    if (b.tokens >= burst) b.at = now;
    this.#buckets.set(objectKey, b);
    if (b.tokens < 1) return false;
    b.tokens--;
    return true;
  }

  /** Ends series whose window passed (flushing their last count), and bounds memory. */
  #prune(now: number): void {
    for (const [key, s] of this.#series) {
      if (now - s.last < this.#window && this.#series.size <= MAX_KEYS) continue;
      this.#flushOne(s);
      this.#series.delete(key);
    }
    if (this.#buckets.size > MAX_KEYS) {
      const refillMs = this.#o.refillMs ?? 5 * 60_000;
      const burst = this.#o.burst ?? 25;
      for (const [key, b] of this.#buckets) {
        // A bucket that would be full again is the same as no bucket.
        if (now - b.at >= burst * refillMs) this.#buckets.delete(key);
      }
    }
  }
}
