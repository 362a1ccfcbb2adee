import { describe, expect, it } from 'vitest';
import { HttpMetrics } from './http-metrics.ts';

describe('HttpMetrics', () => {
  it('writes counters and cumulative histogram buckets in the Prometheus text format', () => {
    const m = new HttpMetrics();
    m.observe('GET', '/', 200, 0.0001);
    m.observe('GET', '/', 200, 0.003);
    m.observe('GET', '/', 200, 42);
    m.observe('BREW', 'unmatched', 404, 0.0005);
    const lines = m.exposition().split('\n');
    const series = 'method="GET",route="/",status_code="200"';
    expect(lines).toContain('# TYPE http_requests_total counter');
    expect(lines).toContain('# TYPE http_request_duration_seconds histogram');
    expect(lines).toContain(`http_requests_total{${series}} 3`);
    expect(lines).toContain(`http_request_duration_seconds_bucket{le="0.0005",${series}} 1`);
    expect(lines).toContain(`http_request_duration_seconds_bucket{le="0.0025",${series}} 1`);
    expect(lines).toContain(`http_request_duration_seconds_bucket{le="0.005",${series}} 2`);
    expect(lines).toContain(`http_request_duration_seconds_bucket{le="10",${series}} 2`);
    expect(lines).toContain(`http_request_duration_seconds_bucket{le="+Inf",${series}} 3`);
    expect(lines).toContain(`http_request_duration_seconds_count{${series}} 3`);
    expect(lines.find((l) => l.startsWith(`http_request_duration_seconds_sum{${series}}`))).toMatch(
      / 42\.0031/,
    );
    // An unknown method folds into OTHER; a bound itself counts into its bucket (le = "less or equal").
    expect(lines).toContain('http_requests_total{method="OTHER",route="unmatched",status_code="404"} 1');
    expect(lines).toContain(
      'http_request_duration_seconds_bucket{le="0.0005",method="OTHER",route="unmatched",status_code="404"} 1',
    );
  });
});
