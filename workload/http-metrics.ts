// http_requests_total and http_request_duration_seconds, kept in plain numbers and written out
// in the Prometheus text format at scrape time. Measured here, prom-client's labelled
// counter + histogram cost about a tenth of the CPU of a GET / (each call re-validates and
// re-hashes its labels); this is a numeric Map lookup and a few additions.

/** Route label values: the templates we serve, plus one value for every unknown path. */
export const ROUTES = [
  '/',
  '/healthz',
  '/readyz',
  '/metrics',
  '/scratch',
  '/scratch/{id}',
  '/work',
  'unmatched',
] as const;
export type Route = (typeof ROUTES)[number];
export const UNMATCHED_ROUTE: Route = 'unmatched';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'OTHER'] as const;
const ROUTE_INDEX = new Map<string, number>(ROUTES.map((r, i) => [r, i]));
const METHOD_INDEX = new Map<string, number>(METHODS.map((m, i) => [m, i]));

/** Upper bounds in seconds; finer at the low end than usual, as most answers take < 1 ms. */
export const BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const;

interface Series {
  labels: string;
  count: number;
  sum: number;
  /** Observations per bucket, not cumulative; the last slot is above the largest bound. */
  buckets: Float64Array;
}

export class HttpMetrics {
  #series = new Map<number, Series>();

  observe(method: string, route: Route, status: number, seconds: number): void {
    const m = METHOD_INDEX.get(method) ?? METHODS.length - 1;
    const key = ((ROUTE_INDEX.get(route) ?? 0) * METHODS.length + m) * 1000 + status;
    let s = this.#series.get(key);
    if (s === undefined) {
      s = {
        labels: `method="${METHODS[m]}",route="${escapeLabelValue(route)}",status_code="${status}"`,
        count: 0,
        sum: 0,
        buckets: new Float64Array(BUCKETS.length + 1),
      };
      this.#series.set(key, s);
    }
    s.count++;
    s.sum += seconds;
    let i = 0;
    while (i < BUCKETS.length && seconds > (BUCKETS[i] ?? 0)) i++;
    s.buckets[i] = (s.buckets[i] ?? 0) + 1;
  }

  /** The two metric families in the Prometheus text exposition format (version 0.0.4). */
  exposition(): string {
    const series = [...this.#series.values()].sort((a, b) => (a.labels < b.labels ? -1 : 1));
    const out = [
      '# HELP http_requests_total HTTP requests served, by method, route template and status code.',
      '# TYPE http_requests_total counter',
      ...series.map((s) => `http_requests_total{${s.labels}} ${s.count}`),
      '# HELP http_request_duration_seconds Time from request to response end, by method, route template and status code.',
      '# TYPE http_request_duration_seconds histogram',
    ];
    for (const s of series) {
      let cumulative = 0;
      BUCKETS.forEach((le, i) => {
        cumulative += s.buckets[i] ?? 0;
        out.push(`http_request_duration_seconds_bucket{le="${le}",${s.labels}} ${cumulative}`);
      });
      out.push(`http_request_duration_seconds_bucket{le="+Inf",${s.labels}} ${s.count}`);
      out.push(`http_request_duration_seconds_sum{${s.labels}} ${s.sum}`);
      out.push(`http_request_duration_seconds_count{${s.labels}} ${s.count}`);
    }
    return `${out.join('\n')}\n`;
  }
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
