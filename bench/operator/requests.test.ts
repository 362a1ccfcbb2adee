import { describe, expect, it } from 'vitest';
import {
  histogramQuantile,
  parseSeries,
  RequestRecorder,
  requestStats,
  requestsBetween,
} from './requests.ts';

const scrape = (get: number, patch: number) =>
  new Map([
    ['rest_client_request_duration_seconds_count{verb="GET"}', get],
    // Go's client orders labels by name with le last; prom-client puts le first.
    ['rest_client_request_duration_seconds_count{verb="PATCH"}', patch],
    ['rest_client_request_duration_seconds_bucket{le="0.01",verb="GET"}', get],
    ['rest_client_request_duration_seconds_bucket{verb="PATCH",le="0.01"}', patch / 2],
    ['rest_client_request_duration_seconds_bucket{le="0.1",verb="GET"}', get],
    ['rest_client_request_duration_seconds_bucket{verb="PATCH",le="0.1"}', patch],
    ['rest_client_request_duration_seconds_bucket{le="+Inf",verb="GET"}', get],
    ['rest_client_request_duration_seconds_bucket{verb="PATCH",le="+Inf"}', patch],
    ['rest_client_requests_total{code="200",method="GET"}', 999],
  ]);

describe('bench:operator requests', () => {
  it('parses series in either label order', () => {
    expect(parseSeries('a_b{x="1",le="+Inf"}')).toEqual({ name: 'a_b', labels: { x: '1', le: '+Inf' } });
    expect(parseSeries('up')).toEqual({ name: 'up', labels: {} });
  });

  it('counts requests by verb over a window and sums the buckets of every verb', () => {
    const window = requestsBetween(requestStats(scrape(2, 4)), requestStats(scrape(12, 24)));
    expect(Object.fromEntries(window.byVerb)).toEqual({ GET: 10, PATCH: 20 });
    expect([...window.buckets].sort(([a], [b]) => a - b)).toEqual([
      [0.01, 20],
      [0.1, 30],
      [Number.POSITIVE_INFINITY, 30],
    ]);
  });

  it('interpolates quantiles within a bucket, as histogram_quantile', () => {
    const b = new Map([
      [0.01, 50],
      [0.1, 100],
      [Number.POSITIVE_INFINITY, 100],
    ]);
    expect(histogramQuantile(b, 0.5)).toBeCloseTo(0.01);
    expect(histogramQuantile(b, 0.25)).toBeCloseTo(0.005);
    expect(histogramQuantile(b, 0.99)).toBeCloseTo(0.1 - 0.09 * (1 / 50));
    expect(histogramQuantile(new Map([[Number.POSITIVE_INFINITY, 0]]), 0.5)).toBeNaN();
    // Past the last finite bound: that bound.
    expect(
      histogramQuantile(
        new Map([
          [0.1, 1],
          [Number.POSITIVE_INFINITY, 10],
        ]),
        0.99,
      ),
    ).toBe(0.1);
  });

  it('records the floor into the same buckets', () => {
    const r = new RequestRecorder();
    for (const s of [0.0005, 0.003, 0.003, 100]) r.observe('PATCH', s);
    const { byVerb, buckets } = r.stats();
    expect(byVerb.get('PATCH')).toBe(4);
    expect(buckets.get(0.001)).toBe(1);
    expect(buckets.get(0.005)).toBe(3);
    expect(buckets.get(60)).toBe(3);
    expect(buckets.get(Number.POSITIVE_INFINITY)).toBe(4);
  });
});
