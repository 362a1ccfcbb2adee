// Prometheus metrics of the controller runtime, named and labelled as controller-runtime names
// them (pkg/metrics/workqueue.go, pkg/internal/controller/metrics), so existing dashboards work.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

// controller-runtime's buckets: workqueue latencies are exponential from 10 ns to 1000 s...
const WORKQUEUE_BUCKETS = Array.from({ length: 12 }, (_, i) => 1e-8 * 10 ** i);
// ...and reconcile times are linear-ish up to 60 s.
const RECONCILE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25,
  1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];

// ...and client-go's request latencies from 5 ms to about 60 s, with finer steps below 100 ms (a
// superset: client-go's boundaries stay), where nearly every request ends; bench:operator reads
// its p50 and p99 from them.
export const REQUEST_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60,
];

/** What a queue reports about itself at scrape time (work in flight is not observed otherwise). */
export type InFlightSource = {
  unfinishedWorkSeconds(): number;
  longestRunningProcessorSeconds(): number;
};

/** What a work queue records. `name` is both the `name` and the `controller` label. */
export type QueueMetrics = {
  added(): void;
  depth(n: number): void;
  retried(): void;
  queuedFor(seconds: number): void;
  workedFor(seconds: number): void;
};

/** What an informer reports at scrape time. */
export type InformerSource = {
  lastActivityAgeSeconds(): number;
  readonly stats: { restarts: number; relists: number };
};

export type ReconcileResultLabel = 'success' | 'error' | 'requeue' | 'requeue_after';

export type ControllerMetrics = {
  reconciled(result: ReconcileResultLabel, seconds: number): void;
  errored(terminal: boolean): void;
  activeWorkers(delta: number): void;
  maxConcurrentReconciles(n: number): void;
};

/** All runtime metrics, registered once on one registry and shared by every controller. */
export class RuntimeMetrics {
  readonly registry: Registry;
  readonly #inFlight = new Map<string, InFlightSource>();
  readonly #informers = new Map<string, InformerSource>();
  readonly #depth: Gauge<'name' | 'controller'>;
  readonly #adds: Counter<'name' | 'controller'>;
  readonly #retries: Counter<'name' | 'controller'>;
  readonly #queueDuration: Histogram<'name' | 'controller'>;
  readonly #workDuration: Histogram<'name' | 'controller'>;
  readonly #reconcileTotal: Counter<'controller' | 'result'>;
  readonly #reconcileErrors: Counter<'controller'>;
  readonly #terminalErrors: Counter<'controller'>;
  readonly #reconcileTime: Histogram<'controller'>;
  readonly #activeWorkers: Gauge<'controller'>;
  readonly #maxConcurrent: Gauge<'controller'>;
  readonly #leader: Gauge<'name'>;
  readonly #apiWrites: Counter<'kind' | 'verb'>;
  readonly #requests: Counter<'code' | 'method'>;
  readonly #requestDuration: Histogram<'verb'>;

  constructor(registry: Registry) {
    this.registry = registry;
    const registers = [registry];
    const queueLabels = ['name', 'controller'] as const;
    this.#depth = new Gauge({
      name: 'workqueue_depth',
      help: 'Current depth of workqueue',
      labelNames: queueLabels,
      registers,
    });
    this.#adds = new Counter({
      name: 'workqueue_adds_total',
      help: 'Total number of adds handled by workqueue',
      labelNames: queueLabels,
      registers,
    });
    this.#retries = new Counter({
      name: 'workqueue_retries_total',
      help: 'Total number of retries handled by workqueue',
      labelNames: queueLabels,
      registers,
    });
    this.#queueDuration = new Histogram({
      name: 'workqueue_queue_duration_seconds',
      help: 'How long in seconds an item stays in workqueue before being requested',
      labelNames: queueLabels,
      buckets: WORKQUEUE_BUCKETS,
      registers,
    });
    this.#workDuration = new Histogram({
      name: 'workqueue_work_duration_seconds',
      help: 'How long in seconds processing an item from workqueue takes',
      labelNames: queueLabels,
      buckets: WORKQUEUE_BUCKETS,
      registers,
    });
    const inFlight = this.#inFlight;
    new Gauge({
      name: 'workqueue_unfinished_work_seconds',
      help:
        'How many seconds of work has been done that is in progress and has not been observed by ' +
        'work_duration. Large values indicate stuck workers.',
      labelNames: queueLabels,
      registers,
      // Computed at scrape time rather than by a ticking timer.
      collect() {
        this.reset();
        for (const [name, source] of inFlight) {
          this.set({ name, controller: name }, source.unfinishedWorkSeconds());
        }
      },
    });
    new Gauge({
      name: 'workqueue_longest_running_processor_seconds',
      help: 'How many seconds has the longest running processor for workqueue been running',
      labelNames: queueLabels,
      registers,
      collect() {
        this.reset();
        for (const [name, source] of inFlight) {
          this.set({ name, controller: name }, source.longestRunningProcessorSeconds());
        }
      },
    });
    // Ours: is each watch alive, and how often did it need healing.
    const informers = this.#informers;
    new Gauge({
      name: 'hello_operator_watch_last_event_age_seconds',
      help: 'Seconds since the watch last showed life (event, bookmark, reconnect or list)',
      labelNames: ['informer'],
      registers,
      collect() {
        this.reset();
        for (const [informer, source] of informers) this.set({ informer }, source.lastActivityAgeSeconds());
      },
    });
    new Counter({
      name: 'hello_operator_informer_restarts_total',
      help: 'Times a watch was restarted after an error',
      labelNames: ['informer'],
      registers,
      collect() {
        this.reset();
        for (const [informer, source] of informers) this.inc({ informer }, source.stats.restarts);
      },
    });
    new Counter({
      name: 'hello_operator_informer_relists_total',
      help: 'Times an informer listed again (watchdog or resync period)',
      labelNames: ['informer'],
      registers,
      collect() {
        this.reset();
        for (const [informer, source] of informers) this.inc({ informer }, source.stats.relists);
      },
    });
    // Ours: every write call to the API server, so "zero writes at steady state" is measurable.
    this.#apiWrites = new Counter({
      name: 'hello_operator_api_writes_total',
      help: 'Write calls made to the API server, by kind and verb (apply, create, update, patch, delete)',
      labelNames: ['kind', 'verb'],
      registers,
    });
    // client-go's request metrics (without the host label: there is one API server).
    this.#requests = new Counter({
      name: 'rest_client_requests_total',
      help: 'Number of HTTP requests to the API server, partitioned by status code and method',
      labelNames: ['code', 'method'],
      registers,
    });
    this.#requestDuration = new Histogram({
      name: 'rest_client_request_duration_seconds',
      help: 'Request latency in seconds, broken down by verb',
      labelNames: ['verb'],
      buckets: REQUEST_BUCKETS,
      registers,
    });
    this.#reconcileTotal = new Counter({
      name: 'controller_runtime_reconcile_total',
      help: 'Total number of reconciliations per controller',
      labelNames: ['controller', 'result'],
      registers,
    });
    this.#reconcileErrors = new Counter({
      name: 'controller_runtime_reconcile_errors_total',
      help: 'Total number of reconciliation errors per controller',
      labelNames: ['controller'],
      registers,
    });
    this.#terminalErrors = new Counter({
      name: 'controller_runtime_terminal_reconcile_errors_total',
      help: 'Total number of terminal reconciliation errors per controller',
      labelNames: ['controller'],
      registers,
    });
    this.#reconcileTime = new Histogram({
      name: 'controller_runtime_reconcile_time_seconds',
      help: 'Length of time per reconciliation per controller',
      labelNames: ['controller'],
      buckets: RECONCILE_BUCKETS,
      registers,
    });
    this.#activeWorkers = new Gauge({
      name: 'controller_runtime_active_workers',
      help: 'Number of currently used workers per controller',
      labelNames: ['controller'],
      registers,
    });
    this.#maxConcurrent = new Gauge({
      name: 'controller_runtime_max_concurrent_reconciles',
      help: 'Maximum number of concurrent reconciles per controller',
      labelNames: ['controller'],
      registers,
    });
    this.#leader = new Gauge({
      name: 'leader_election_master_status',
      help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master',
      labelNames: ['name'],
      registers,
    });
  }

  /** Metrics of the work queue called `name`; `source` reports work in flight at scrape time. */
  queue(name: string, source: InFlightSource): QueueMetrics {
    const labels = { name, controller: name };
    this.#inFlight.set(name, source);
    // Publish zeroes at once so dashboards see the series before the first add.
    this.#depth.set(labels, 0);
    this.#adds.inc(labels, 0);
    this.#retries.inc(labels, 0);
    return {
      added: () => this.#adds.inc(labels),
      depth: (n) => this.#depth.set(labels, n),
      retried: () => this.#retries.inc(labels),
      queuedFor: (s) => this.#queueDuration.observe(labels, s),
      workedFor: (s) => this.#workDuration.observe(labels, s),
    };
  }

  /** Publishes the health of an informer. */
  informer(name: string, source: InformerSource): void {
    this.#informers.set(name, source);
  }

  controller(controller: string): ControllerMetrics {
    const labels = { controller };
    this.#reconcileErrors.inc(labels, 0);
    this.#terminalErrors.inc(labels, 0);
    this.#activeWorkers.set(labels, 0);
    for (const result of ['success', 'error', 'requeue', 'requeue_after'] as const) {
      this.#reconcileTotal.inc({ controller, result }, 0);
    }
    return {
      reconciled: (result, seconds) => {
        this.#reconcileTotal.inc({ controller, result });
        this.#reconcileTime.observe(labels, seconds);
      },
      errored: (terminal) => {
        this.#reconcileErrors.inc(labels);
        if (terminal) this.#terminalErrors.inc(labels);
      },
      activeWorkers: (delta) => this.#activeWorkers.inc(labels, delta),
      maxConcurrentReconciles: (n) => this.#maxConcurrent.set(labels, n),
    };
  }

  /** Counts one write call to the API server (call it from the one apply/write module). */
  apiWrite(kind: string, verb: 'apply' | 'create' | 'update' | 'patch' | 'delete'): void {
    this.#apiWrites.inc({ kind, verb });
  }

  /** One finished request to the API server (code: the HTTP status, or "<error>" without one). */
  apiRequest(method: string, code: string, seconds: number): void {
    this.#requests.inc({ code, method });
    this.#requestDuration.observe({ verb: method }, seconds);
  }

  /** 1 while this process holds the lease called `name`, 0 otherwise. */
  leader(name: string, isLeader: boolean): void {
    this.#leader.set({ name }, isLeader ? 1 : 0);
  }
}

/** A registry with Node's process metrics (RSS, CPU seconds, event loop lag) and the runtime metrics. */
export function createMetricsRegistry(): { registry: Registry; runtime: RuntimeMetrics } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return { registry, runtime: new RuntimeMetrics(registry) };
}
