// Everything /metrics shows: prom-client's default process and Node metrics (all but one, see
// collectDefaultMetricsButGc) and our scratch gauges from its registry, then the HTTP request
// metrics, which are kept off prom-client on purpose (see http-metrics.ts).
import { PerformanceObserver } from 'node:perf_hooks';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { HttpMetrics, type Route } from './http-metrics.ts';

export { type Route, UNMATCHED_ROUTE } from './http-metrics.ts';

export interface Metrics {
  readonly contentType: string;
  observeRequest(method: string, route: Route, status: number, seconds: number): void;
  setScratchUsage(bytes: number, items: number): void;
  countScratchEviction(): void;
  render(): Promise<string>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetricsButGc(registry);
  const http = new HttpMetrics();
  const scratchBytes = new Gauge({
    name: 'hello_scratch_bytes',
    help: 'Bytes held by the scratch store under TMPDIR.',
    registers: [registry],
  });
  const scratchItems = new Gauge({
    name: 'hello_scratch_items',
    help: 'Items held by the scratch store.',
    registers: [registry],
  });
  const scratchEvictions = new Counter({
    name: 'hello_scratch_evictions_total',
    help: 'Scratch items removed to make room for newer ones.',
    registers: [registry],
  });
  scratchBytes.set(0);
  scratchItems.set(0);

  return {
    contentType: registry.contentType,
    observeRequest: (method, route, status, seconds) => http.observe(method, route, status, seconds),
    setScratchUsage(bytes, items) {
      scratchBytes.set(bytes);
      scratchItems.set(items);
    },
    countScratchEviction() {
      scratchEvictions.inc();
    },
    async render() {
      return `${await registry.metrics()}${http.exposition()}`;
    },
  };
}

/** The one default metric that /metrics leaves out. */
export const SKIPPED_DEFAULT_METRIC = 'nodejs_gc_duration_seconds';

/**
 * prom-client's default metrics without nodejs_gc_duration_seconds, which it cannot leave out
 * itself. That histogram needs a PerformanceObserver for 'gc', and while one exists Node builds a
 * PerformanceEntry for every GC and keeps it until a setImmediate hands it over; with the small
 * young generation of NODE_FLAGS that is over a hundred scavenges a second under load (1560 in
 * the benchmark's 13 s), and enough of it survives to grow the old space (committed at peak
 * 15-30 MiB with the observer, 7.5 without): peak RSS 85-104 MiB under the benchmark's load with
 * it, 79-86 MiB without (a bare node:http server with the same flags: 77-80 MiB). An observer
 * with an empty callback grows it as much, so it is Node's entries, not prom-client's histogram.
 */
function collectDefaultMetricsButGc(registry: Registry): void {
  const observe = PerformanceObserver.prototype.observe;
  PerformanceObserver.prototype.observe = function (this: PerformanceObserver, options) {
    const types = 'entryTypes' in options ? options.entryTypes : [options.type];
    if (!types.includes('gc')) observe.call(this, options);
  };
  try {
    collectDefaultMetrics({ register: registry });
  } finally {
    PerformanceObserver.prototype.observe = observe;
  }
  registry.removeSingleMetric(SKIPPED_DEFAULT_METRIC);
}
