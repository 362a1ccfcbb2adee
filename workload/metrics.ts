// Prometheus metrics. The request path records through cached label children so that a hit on
// the hot path is a Map lookup and two increments, not a label-object hash per request.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Route label values: the templates we serve, plus one value for every unknown path. */
export const UNMATCHED_ROUTE = 'unmatched';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

interface Children {
  count: Counter.Internal;
  duration: Histogram.Internal<string>;
}

export interface Metrics {
  readonly registry: Registry;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  setScratchUsage(bytes: number, items: number): void;
  countScratchEviction(): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status_code'] as const;
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests served, by method, route template and status code.',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from request to response end, by method, route template and status code.',
    labelNames,
    // Finer at the low end than the default: most answers here take well under a millisecond.
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
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

  const cache = new Map<string, Children>();
  return {
    registry,
    observeRequest(method, route, status, seconds) {
      const m = KNOWN_METHODS.has(method) ? method : 'OTHER';
      const key = `${m} ${route} ${status}`;
      let c = cache.get(key);
      if (c === undefined) {
        const labels = { method: m, route, status_code: String(status) };
        c = { count: requests.labels(labels), duration: duration.labels(labels) };
        cache.set(key, c);
      }
      c.count.inc();
      c.duration.observe(seconds);
    },
    setScratchUsage(bytes, items) {
      scratchBytes.set(bytes);
      scratchItems.set(items);
    },
    countScratchEviction() {
      scratchEvictions.inc();
    },
  };
}
