// The prometheus-adapter rule users copy (deploy/monitoring/prometheus-adapter/config.yaml) must name
// the metric the operator's HPA asks for and read the series the workload and its ServiceMonitor
// make: a rename on either side fails here rather than in a cluster with no scaling.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RPS_METRIC } from '../../operator/resources/names.ts';
import { HELLO_SERVICE_LABEL } from '../../operator/resources/service-monitor.ts';
import { ROUTES } from '../../workload/http-metrics.ts';

type Rule = {
  seriesQuery: string;
  resources: { overrides: Record<string, { resource: string }> };
  name: { matches: string; as: string };
  metricsQuery: string;
};
const config = parse(readFileSync('deploy/monitoring/prometheus-adapter/config.yaml', 'utf8')) as {
  rules: Rule[];
};

describe('the shipped prometheus-adapter rule', () => {
  const [rule] = config.rules;

  it('is one rule naming the metric the HPA reads', () => {
    expect(config.rules).toHaveLength(1);
    expect(rule?.name.as).toBe(RPS_METRIC);
    expect(new RegExp(rule?.name.matches ?? '^$').test('http_requests_total')).toBe(true);
  });

  it("reads the workload's counter from HelloService pods, per namespace and pod", () => {
    expect(rule?.seriesQuery).toMatch(/^http_requests_total\{/);
    expect(rule?.seriesQuery).toContain(`${HELLO_SERVICE_LABEL}!=""`);
    expect(rule?.resources.overrides).toEqual({
      namespace: { resource: 'namespace' },
      pod: { resource: 'pod' },
    });
    // The requests, or 0 for a pod with only probe and scrape series (no value would stall the HPA).
    const rate = (matchers: string) =>
      `sum(rate(<<.Series>>{<<.LabelMatchers>>${matchers}}[1m])) by (<<.GroupBy>>)`;
    expect(rule?.metricsQuery).toBe(`${rate(',route!~"/healthz|/readyz|/metrics"')} or 0 * ${rate('')}`);
  });

  it('leaves out exactly the probe and scrape routes, each a route the workload has', () => {
    const excluded = /route!~"([^"]+)"/.exec(rule?.metricsQuery ?? '')?.[1]?.split('|');
    expect(excluded).toEqual(['/healthz', '/readyz', '/metrics']);
    for (const route of excluded ?? []) expect(ROUTES).toContain(route);
  });
});
