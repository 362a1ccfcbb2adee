import { describe, expect, it } from 'vitest';
import { hello } from '../resources/fixtures.ts';
import { CUSTOM_METRICS_RECHECK_MS, observeAutoscalingMetrics } from './autoscaling-metrics.ts';
import { finishStatus, newStatus } from './status.ts';

const rps = hello({
  autoscaling: { maxReplicas: 3, targetRequestsPerSecond: 10 },
  monitoring: { enabled: true },
});
const now = new Date('2026-01-01T00:00:00Z');

/** The AutoscalingMetrics condition and the recheck after one observation with `served`. */
async function observe(hs: typeof rps, served: () => Promise<boolean>) {
  const draft = newStatus({ generation: 1, now });
  const recheck = await observeAutoscalingMetrics({ served }, draft, hs, new AbortController().signal);
  const condition = finishStatus(draft).conditions?.find((c) => c.type === 'AutoscalingMetrics');
  return { recheck, condition };
}

describe('observeAutoscalingMetrics', () => {
  it('says nothing, and asks nothing, without a requests-per-second target', async () => {
    let asked = false;
    const { recheck, condition } = await observe(hello({ autoscaling: { maxReplicas: 3 } }), async () => {
      asked = true;
      return true;
    });
    expect({ recheck, condition, asked }).toEqual({ recheck: undefined, condition: undefined, asked: false });
  });

  it('a custom metrics API that does not answer: False with its error, and a look again', async () => {
    const { recheck, condition } = await observe(rps, async () => {
      throw new Error('The API server refused a request (503): service unavailable');
    });
    expect(recheck).toBe(CUSTOM_METRICS_RECHECK_MS);
    expect(condition).toMatchObject({ status: 'False', reason: 'CustomMetricsAPIUnavailable' });
    expect(condition?.message).toContain('(503)');
  });

  it('names the metric and the target when served', async () => {
    const { recheck, condition } = await observe(rps, async () => true);
    expect(recheck).toBeUndefined();
    expect(condition).toMatchObject({ status: 'True', reason: 'CustomMetricServed' });
    expect(condition?.message).toContain('http_requests_per_second');
    expect(condition?.message).toContain('10 requests per second per pod');
  });
});
