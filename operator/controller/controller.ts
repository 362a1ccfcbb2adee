// The controller loop: workers take keys from the work queue, call reconcile, and hand the
// outcome to the error policy. Generic: it knows nothing about the kind it reconciles.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { BackoffOptions } from './backoff.ts';
import { createErrorPolicy, type ErrorPolicy } from './errors.ts';
import { type ObjectRef, objectKey, parseKey } from './keys.ts';
import type { ControllerMetrics, ReconcileResultLabel, RuntimeMetrics } from './metrics.ts';
import { WorkQueue } from './queue.ts';

export type ReconcileRequest = { key: string; namespace: string | undefined; name: string };

export type ReconcileContext = {
  /** Child logger with controller, namespace, name and reconcileID. */
  log: Logger;
  reconcileID: string;
  /** Aborted when the controller stops hard (lost leadership, shutdown deadline passed). */
  signal: AbortSignal;
};

export type ReconcileResult = {
  /** Reconcile again after this long (e.g. to poll a rollout); resets the key's backoff. */
  requeueAfterMs?: number;
  /** Reconcile again with the key's backoff, without it being an error. */
  requeue?: boolean;
};

/** Decides and acts; throws (ideally a ReconcileError with a CamelCase reason) on failure. */
export type Reconciler = (
  req: ReconcileRequest,
  ctx: ReconcileContext,
) => Promise<ReconcileResult | undefined>;

export type ControllerOptions = {
  /** The `controller` label of metrics and logs. */
  name: string;
  reconcile: Reconciler;
  log: Logger;
  /** Reconciles running at once (different keys). Default 1, as controller-runtime. */
  concurrency?: number;
  metrics?: RuntimeMetrics;
  errorPolicy?: ErrorPolicy;
  backoff?: BackoffOptions;
  newReconcileID?: () => string;
  /** Milliseconds clock; Date.now so that fake timers drive it in tests. */
  now?: () => number;
};

const noMetrics: ControllerMetrics = {
  reconciled() {},
  errored() {},
  activeWorkers() {},
  maxConcurrentReconciles() {},
};

export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  readonly concurrency: number;
  readonly #reconcile: Reconciler;
  readonly #log: Logger;
  readonly #policy: ErrorPolicy;
  readonly #metrics: ControllerMetrics;
  readonly #newID: () => string;
  readonly #now: () => number;
  /** Aborted by `abort` or when `stop` runs out of time; shared by every reconcile. */
  readonly #abort = new AbortController();
  #workers: Promise<void>[] | undefined;

  constructor(options: ControllerOptions) {
    if (!Number.isInteger(options.concurrency ?? 1) || (options.concurrency ?? 1) < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${options.concurrency}`);
    }
    this.name = options.name;
    this.concurrency = options.concurrency ?? 1;
    this.#reconcile = options.reconcile;
    this.#log = options.log.child({ controller: this.name });
    this.#policy = options.errorPolicy ?? createErrorPolicy();
    this.#newID = options.newReconcileID ?? randomUUID;
    this.#now = options.now ?? Date.now;
    this.queue = new WorkQueue({
      name: this.name,
      backoff: options.backoff,
      metrics: options.metrics,
      now: this.#now,
    });
    this.#metrics = options.metrics?.controller(this.name) ?? noMetrics;
    this.#metrics.maxConcurrentReconciles(this.concurrency);
  }

  /**
   * Queue a reconcile of the object; `urgent` puts it ahead of the others (WorkQueue.add). Safe to
   * call from informer handlers: never throws.
   */
  enqueue(ref: ObjectRef | string, urgent = false): void {
    this.queue.add(typeof ref === 'string' ? ref : objectKey(ref), urgent);
  }

  enqueueAfter(ref: ObjectRef | string, delayMs: number): void {
    this.queue.addAfter(typeof ref === 'string' ? ref : objectKey(ref), delayMs);
  }

  /** Starts the workers. Keys enqueued before start wait for it. */
  start(): void {
    if (this.#workers) return;
    this.#log.info({ concurrency: this.concurrency }, 'starting workers');
    this.#workers = Array.from({ length: this.concurrency }, () => this.#work());
  }

  /**
   * Graceful stop: no new reconciles; waits up to `deadlineMs` for those in flight, then aborts
   * their signal. Resolves true if they all finished in time.
   */
  async stop(deadlineMs: number): Promise<boolean> {
    this.#log.info({ deadlineMs, inFlight: this.queue.inFlight }, 'stopping workers');
    const drained = await this.queue.shutdown(deadlineMs);
    if (!drained) {
      this.#log.warn({ inFlight: this.queue.inFlight }, 'shutdown deadline passed; aborting reconciles');
      this.#abort.abort(new Error('controller stopped'));
    }
    return drained;
  }

  /** Hard stop (leadership lost): aborts reconciles in flight at once and takes no more work. */
  abort(reason = 'controller aborted'): void {
    this.#abort.abort(new Error(reason));
    void this.queue.shutdown(0);
  }

  /** Resolves when every worker has returned (after stop or abort). */
  async done(): Promise<void> {
    await Promise.all(this.#workers ?? []);
  }

  async #work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        await this.#process(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  async #process(key: string): Promise<void> {
    const { namespace, name } = parseKey(key);
    const reconcileID = this.#newID();
    const log = this.#log.child({ namespace, name, reconcileID });
    const started = this.#now();
    let label: ReconcileResultLabel;
    this.#metrics.activeWorkers(1);
    try {
      const result = await this.#reconcile(
        { key, namespace, name },
        { log, reconcileID, signal: this.#abort.signal },
      );
      if (result?.requeueAfterMs !== undefined && result.requeueAfterMs > 0) {
        // As controller-runtime: a timed requeue is not a failure, so the backoff starts over.
        this.queue.forget(key);
        this.queue.addAfter(key, result.requeueAfterMs);
        label = 'requeue_after';
      } else if (result?.requeue) {
        this.queue.addRateLimited(key);
        label = 'requeue';
      } else {
        this.queue.forget(key);
        label = 'success';
      }
      log.debug({ result: label, durationMs: this.#now() - started }, 'reconciled');
    } catch (err) {
      label = 'error';
      const decision = this.#policy(err);
      this.#metrics.errored(decision.terminal);
      if (this.#abort.signal.aborted) {
        log.info({ reason: decision.reason }, 'reconcile aborted');
      } else {
        this.#retry(key, decision.retry, decision.afterMs);
        log[decision.logLevel](
          {
            err,
            reason: decision.reason,
            retry: decision.retry,
            afterMs: decision.afterMs,
            requeues: this.queue.numRequeues(key),
          },
          'reconcile failed',
        );
      }
    } finally {
      this.#metrics.activeWorkers(-1);
    }
    this.#metrics.reconciled(label, (this.#now() - started) / 1000);
  }

  #retry(key: string, retry: 'backoff' | 'after' | 'never', afterMs: number | undefined): void {
    if (retry === 'backoff') {
      this.queue.addRateLimited(key);
    } else if (retry === 'after') {
      this.queue.addAfter(key, afterMs ?? 0);
    } else {
      // Terminal: a retry cannot help until the object changes, and a change enqueues it.
      this.queue.forget(key);
    }
  }
}
