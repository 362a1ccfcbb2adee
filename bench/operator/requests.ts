// API requests as each side reports them: ours and the twin serve rest_client_request_duration_seconds
// (a histogram by verb, same buckets); the floor's requests are observed in the bench into the same
// buckets. Counts by verb and p50/p99 (interpolated in the bucket, as Prometheus' histogram_quantile)
// over a window: the difference of two scrapes. Pure.
import { REQUEST_BUCKETS } from '../../operator/controller/metrics.ts';

const NAME = 'rest_client_request_duration_seconds';

/** Requests by verb and the cumulative bucket counts (upper bound in seconds → requests), all verbs. */
export type RequestStats = { byVerb: Map<string, number>; buckets: Map<number, number> };

/** Parses `name{a="b",c="d"}` into its name and labels. */
export function parseSeries(series: string): { name: string; labels: Record<string, string> } {
  const brace = series.indexOf('{');
  if (brace < 0) return { name: series, labels: {} };
  const labels: Record<string, string> = {};
  for (const m of series.slice(brace + 1, -1).matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)) {
    labels[m[1] as string] = m[2] as string;
  }
  return { name: series.slice(0, brace), labels };
}

/** The request statistics in a scrape (scrape() of test/operator/operator-process.ts). */
export function requestStats(scrape: Map<string, number>): RequestStats {
  const byVerb = new Map<string, number>();
  const buckets = new Map<number, number>();
  for (const [series, value] of scrape) {
    const { name, labels } = parseSeries(series);
    if (name === `${NAME}_count` && labels.verb) {
      byVerb.set(labels.verb, (byVerb.get(labels.verb) ?? 0) + value);
    } else if (name === `${NAME}_bucket` && labels.le) {
      const le = labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(labels.le);
      buckets.set(le, (buckets.get(le) ?? 0) + value);
    }
  }
  return { byVerb, buckets };
}

/** What happened between two scrapes. */
export function requestsBetween(before: RequestStats, after: RequestStats): RequestStats {
  const minus = <K>(a: Map<K, number>, b: Map<K, number>) =>
    new Map([...a].map(([k, v]) => [k, v - (b.get(k) ?? 0)] as const));
  return { byVerb: minus(after.byVerb, before.byVerb), buckets: minus(after.buckets, before.buckets) };
}

/**
 * The q-quantile in seconds from cumulative bucket counts: linear within the bucket it falls in
 * (from 0 for the first); the last finite bound when it falls in +Inf; NaN without requests.
 */
export function histogramQuantile(buckets: Map<number, number>, q: number): number {
  const sorted = [...buckets].sort(([a], [b]) => a - b);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total <= 0) return Number.NaN;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const [le, count] of sorted) {
    if (count >= rank) {
      if (le === Number.POSITIVE_INFINITY) return lower;
      return count === below ? le : lower + ((le - lower) * (rank - below)) / (count - below);
    }
    if (le !== Number.POSITIVE_INFINITY) lower = le;
    below = count;
  }
  return lower;
}

/** A histogram with ours' request buckets, for requests the bench makes itself (the floor). */
export class RequestRecorder {
  readonly #byVerb = new Map<string, number>();
  readonly #counts = REQUEST_BUCKETS.map(() => 0);
  #total = 0;

  observe(verb: string, seconds: number): void {
    this.#byVerb.set(verb, (this.#byVerb.get(verb) ?? 0) + 1);
    this.#total++;
    const i = REQUEST_BUCKETS.findIndex((le) => seconds <= le);
    if (i >= 0) this.#counts[i] = (this.#counts[i] ?? 0) + 1;
  }

  stats(): RequestStats {
    const buckets = new Map<number, number>();
    let cumulative = 0;
    REQUEST_BUCKETS.forEach((le, i) => {
      cumulative += this.#counts[i] ?? 0;
      buckets.set(le, cumulative);
    });
    buckets.set(Number.POSITIVE_INFINITY, this.#total);
    return { byVerb: new Map(this.#byVerb), buckets };
  }
}
