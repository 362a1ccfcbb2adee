// Test helper: reads one sample of a metric from a registry, as a scrape would show it.
import type { Registry } from 'prom-client';

/** `name` may be a histogram series (`..._count`, `..._sum`; buckets by the `le` label). */
export async function sample(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  const base = name.replace(/_(count|sum)$/, '');
  const metric = await registry.getSingleMetric(base)?.get();
  const series = base === name ? undefined : name;
  // Histogram samples carry the series name (`metricName`), which the declared type leaves out.
  const values = (metric?.values ?? []) as Array<{ value: number; labels: object; metricName?: string }>;
  const match = values.find(
    (v) =>
      (series === undefined ? !/_(count|sum)$/.test(v.metricName ?? '') : v.metricName === series) &&
      Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want),
  );
  return match?.value;
}
