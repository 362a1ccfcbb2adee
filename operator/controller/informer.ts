// An informer that heals itself, built on client-node's ListWatch (cache, diffing, 410 handling):
// - after an `error` (client-node then stops for good) it starts again with backoff;
// - it asks for watch bookmarks, so a reconnect resumes instead of relisting;
// - a watchdog relists when the watch has been silent too long (no event, bookmark or reconnect);
// - it relists periodically and then replays every object, as a safety net for missed events;
// - handlers are isolated: one that throws is logged, never an unhandled rejection.
// Handlers should only enqueue keys; the reconcile reads the cache, never the event payload.
import {
  type KubernetesListObject,
  type KubernetesObject,
  ListWatch,
  type Watch,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { type BackoffOptions, KeyedBackoff } from './backoff.ts';
import type { RuntimeMetrics } from './metrics.ts';

export type InformerEventType = 'add' | 'update' | 'delete' | 'resync';
export type InformerHandler<T> = (type: InformerEventType, obj: T) => void;

/** The shape of client-node's `Watch.watch`, so tests can drive the informer without a server. */
export type WatchFn = (
  path: string,
  query: Record<string, string | number | boolean | undefined>,
  callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
  done: (err: unknown) => void,
) => Promise<AbortController>;

export type InformerOptions<T extends KubernetesObject> = {
  /** For logs and metrics, e.g. `helloservices` or `deployments/team-a`. */
  name: string;
  /** Collection path, e.g. `/apis/hello.operators.dev/v1alpha1/namespaces/team-a/helloservices`. */
  path: string;
  list: () => Promise<KubernetesListObject<T>>;
  /** `(p, q, cb, done) => new Watch(kc).watch(p, q, cb, done)`. */
  watch: WatchFn;
  labelSelector?: string;
  fieldSelector?: string;
  log: Logger;
  /** Restart backoff; default 500 ms doubling to 30 s. */
  backoff?: BackoffOptions;
  /** Relist and replay every object this often (controller-runtime's SyncPeriod). */
  resyncPeriodMs?: number;
  /** Relist when nothing at all arrived for this long; client-node reconnects idle watches every 30 s. */
  watchdogMs?: number;
  now?: () => number;
  metrics?: RuntimeMetrics;
  /**
   * What the cache keeps of each listed or watched object (controller-runtime's cache transform):
   * drop what no reconcile reads, e.g. other managers' managedFields, to save memory.
   */
  transform?: (obj: T) => T;
};

export const DEFAULT_RESYNC_PERIOD_MS = 10 * 60 * 60 * 1000;
export const DEFAULT_WATCHDOG_MS = 2 * 60 * 1000;

/** The error client-node's Watch reports for 410 Gone; ListWatch answers it with a relist. */
const GONE = Object.freeze({ statusCode: 410, message: 'relist requested' });

export class SelfHealingInformer<T extends KubernetesObject> {
  readonly name: string;
  readonly #options: InformerOptions<T>;
  readonly #lw: ListWatch<T>;
  readonly #log: Logger;
  readonly #backoff: KeyedBackoff;
  readonly #now: () => number;
  readonly #handlers: InformerHandler<T>[] = [];
  #started = false;
  #stopped = false;
  #synced = false;
  #listed = false;
  #lastActivity = 0;
  #lastWatchdogTrip = 0;
  #restarts = 0;
  #relists = 0;
  #restartTimer: ReturnType<typeof setTimeout> | undefined;
  #watchdogTimer: ReturnType<typeof setInterval> | undefined;
  #resyncTimer: ReturnType<typeof setInterval> | undefined;
  /** The watch request in flight, to end it when a relist is wanted. */
  #request: AbortController | undefined;
  #relist: 'none' | 'quiet' | 'replay' = 'none';
  #replayAfterList = false;
  readonly #syncWaiters: Array<() => void> = [];

  constructor(options: InformerOptions<T>) {
    this.name = options.name;
    this.#options = options;
    this.#log = options.log.child({ informer: options.name });
    this.#backoff = new KeyedBackoff({ baseMs: 500, capMs: 30_000, ...options.backoff });
    this.#now = options.now ?? Date.now;
    // The Watch type has private members; ListWatch only ever calls `watch`.
    const watch = { watch: this.#watch } as unknown as Watch;
    this.#lw = new ListWatch<T>(
      options.path,
      watch,
      this.#list,
      false,
      options.labelSelector,
      options.fieldSelector,
      // Global timers, so reconnect delays follow fake timers in tests.
      { delayFn: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
    );
    options.metrics?.informer(this.name, this);
    this.#lw.on('add', (obj) => this.#emit('add', obj));
    this.#lw.on('update', (obj) => this.#emit('update', obj));
    this.#lw.on('delete', (obj) => this.#emit('delete', obj));
    // Not 'connect': ListWatch announces every attempt, including those a hung server never
    // answers; only what the server sends (an answered watch, events, bookmarks, lists) is life.
    this.#lw.on('error', (err) => this.#onError(err));
  }

  /** Handlers run synchronously inside the watch; they should only enqueue. */
  on(handler: InformerHandler<T>): void {
    this.#handlers.push(handler);
  }

  /** Starts listing and watching; resolves once the first attempt is under way (see waitForSync). */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#touch();
    const watchdogMs = this.#options.watchdogMs ?? DEFAULT_WATCHDOG_MS;
    this.#watchdogTimer = setInterval(() => this.#checkWatchdog(watchdogMs), Math.min(watchdogMs, 30_000));
    this.#resyncTimer = setInterval(
      () => this.relist('resync period'),
      this.#options.resyncPeriodMs ?? DEFAULT_RESYNC_PERIOD_MS,
    );
    this.#watchdogTimer.unref?.();
    this.#resyncTimer.unref?.();
    await this.#startListWatch();
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#restartTimer);
    clearInterval(this.#watchdogTimer);
    clearInterval(this.#resyncTimer);
    await this.#lw.stop();
  }

  /** True once the first list has filled the cache: only then may reconciles trust `get`/`list`. */
  hasSynced(): boolean {
    return this.#synced;
  }

  /** Resolves when synced; use as a readiness check and before starting workers. */
  waitForSync(): Promise<void> {
    if (this.#synced) return Promise.resolve();
    return new Promise((resolve) => this.#syncWaiters.push(resolve));
  }

  get(name: string, namespace?: string): T | undefined {
    return this.#lw.get(name, namespace);
  }

  list(namespace?: string): readonly T[] {
    return this.#lw.list(namespace);
  }

  /** Seconds since the watch last showed life; a gauge for "is this watch stuck". */
  lastActivityAgeSeconds(): number {
    return (this.#now() - this.#lastActivity) / 1000;
  }

  /**
   * False when the watch has shown no life for three watchdog periods although the watchdog
   * relisted: a liveness check, so the kubelet restarts an operator whose watch is wedged.
   */
  healthy(): boolean {
    if (this.#stopped || !this.#started || this.#restartTimer !== undefined) return true;
    return this.#now() - this.#lastActivity < 3 * (this.#options.watchdogMs ?? DEFAULT_WATCHDOG_MS);
  }

  get stats(): { restarts: number; relists: number } {
    return { restarts: this.#restarts, relists: this.#relists };
  }

  /**
   * Lists again from scratch: changes missed meanwhile arrive as add/update/delete. With
   * `replay` (the periodic resync) every cached object is then also handed to the handlers.
   */
  relist(why: string, replay = why === 'resync period'): void {
    if (this.#stopped || !this.#started) return;
    this.#relists++;
    this.#log.info({ why }, 'relisting');
    this.#relist = replay || this.#relist === 'replay' ? 'replay' : 'quiet';
    // Ending the watch makes ListWatch call `done`, which #watch turns into 410 Gone.
    this.#request?.abort();
  }

  #list = async (): Promise<KubernetesListObject<T>> => {
    const list = await this.#options.list();
    const transform = this.#options.transform;
    if (transform) list.items = list.items.map(transform);
    this.#listed = true;
    this.#touch();
    this.#backoff.forget('restart');
    return list;
  };

  // ListWatch calls this right after every list (and on every reconnect without one).
  #watch: WatchFn = async (path, query, callback, done) => {
    if (this.#listed) this.#markSynced();
    if (this.#replayAfterList) {
      this.#replayAfterList = false;
      for (const obj of this.#lw.list()) this.#emit('resync', obj);
    }
    let finished = false;
    const finish = (err: unknown) => {
      if (finished) return;
      finished = true;
      if (this.#request === controller) this.#request = undefined;
      if (this.#stopped) {
        done(null); // ListWatch sees it stopped; an abort is not an error
      } else if (this.#relist !== 'none') {
        this.#replayAfterList = this.#relist === 'replay';
        this.#relist = 'none';
        done(GONE);
      } else {
        done(err);
      }
    };
    let controller = new AbortController();
    if (this.#relist !== 'none' || this.#stopped) {
      // A relist was asked for between two watches, or we stopped during ListWatch's
      // reconnect delay (it does not look again): end this one at once.
      setImmediate(() => finish(null));
      return controller;
    }
    try {
      controller = await this.#options.watch(
        path,
        { ...query, allowWatchBookmarks: true },
        (phase, obj, raw) => {
          this.#touch();
          this.#backoff.forget('restart');
          if (phase === 'ERROR' && (obj as { code?: unknown } | undefined)?.code === 410) this.#gone();
          const transform = this.#options.transform;
          const keep = transform && (phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED');
          callback(phase, keep ? transform(obj as T) : obj, raw);
        },
        (err) => {
          if ((err as { statusCode?: unknown } | null)?.statusCode === 410) this.#gone();
          finish(err);
        },
      );
    } catch (err) {
      // A watch that throws instead of calling done (e.g. credentials failed) is an error too.
      setImmediate(() => finish(err));
    }
    if (!finished) {
      // The server answered the watch request: the connection and the server are alive.
      this.#touch();
      this.#request = controller;
    }
    return controller;
  };

  async #startListWatch(): Promise<void> {
    try {
      await this.#lw.start();
    } catch (err) {
      this.#onError(err);
    }
  }

  #onError(err: unknown): void {
    if (this.#stopped) return;
    this.#restarts++;
    const delayMs = this.#backoff.next('restart');
    this.#log.warn({ err, delayMs, restarts: this.#restarts }, 'watch failed; restarting');
    clearTimeout(this.#restartTimer);
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      if (!this.#stopped) void this.#startListWatch();
    }, delayMs);
  }

  /** The resourceVersion we watch from is too old (compacted): ListWatch relists; count it. */
  #gone(): void {
    this.#relists++;
    this.#log.info({ why: 'resource version expired (410 Gone)' }, 'relisting');
  }

  #checkWatchdog(watchdogMs: number): void {
    // Silence while waiting to restart after an error is expected.
    if (this.#stopped || this.#restartTimer !== undefined) return;
    // After a trip, the relist gets a full period before the watchdog looks again.
    if (this.#now() - Math.max(this.#lastActivity, this.#lastWatchdogTrip) < watchdogMs) return;
    this.#lastWatchdogTrip = this.#now();
    this.#log.warn({ silentSeconds: this.lastActivityAgeSeconds() }, 'watch silent; relisting');
    this.relist('watchdog');
  }

  #markSynced(): void {
    if (this.#synced) return;
    this.#synced = true;
    this.#log.info({ objects: this.#lw.list().length }, 'synced');
    for (const wake of this.#syncWaiters.splice(0)) wake();
  }

  #touch(): void {
    this.#lastActivity = this.#now();
  }

  #emit(type: InformerEventType, obj: T): void {
    for (const handler of this.#handlers) {
      try {
        handler(type, obj);
      } catch (err) {
        this.#log.error({ err, type, object: obj.metadata?.name }, 'informer handler threw');
      }
    }
  }
}
