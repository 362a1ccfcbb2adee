import { PerformanceObserver } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { createMetrics, SKIPPED_DEFAULT_METRIC } from './metrics.ts';

describe('createMetrics', () => {
  it('has the default process and Node metrics but the GC histogram, and leaves observe() as it was', async () => {
    const observe = PerformanceObserver.prototype.observe;
    const text = await createMetrics().render();
    expect(PerformanceObserver.prototype.observe).toBe(observe);
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_heap_space_size_used_bytes',
      'nodejs_active_handles_total',
      'nodejs_version_info',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(text).not.toContain(SKIPPED_DEFAULT_METRIC);
  });

  it('leaves other observers alone, GC ones included', async () => {
    createMetrics();
    const seen = new Promise<string>((resolve) => {
      const obs = new PerformanceObserver((list) => {
        obs.disconnect();
        resolve(list.getEntries()[0]?.entryType ?? '');
      });
      obs.observe({ entryTypes: ['gc'] });
    });
    // Enough short-lived garbage for a scavenge.
    for (let i = 0; i < 200_000; i++) void { i, s: `x${i}` };
    expect(await seen).toBe('gc');
  });
});
