// Everything /metrics shows: prom-client's default process and Node metrics and our scratch
// gauges from its registry, then the HTTP request metrics, which are kept off prom-client on
// purpose (see http-metrics.ts).
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
  collectDefaultMetrics({ register: registry });
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
