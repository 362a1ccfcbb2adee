import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from './metrics.ts';

describe('createMetricsRegistry', () => {
  it('exposes process metrics and every controller-runtime series under its usual name', async () => {
    const { registry, runtime } = createMetricsRegistry();
    runtime.queue('helloservice', {
      unfinishedWorkSeconds: () => 0,
      longestRunningProcessorSeconds: () => 0,
    });
    runtime.controller('helloservice').maxConcurrentReconciles(10);
    runtime.leader('hello-operator', true);
    runtime.apiWrite('Deployment', 'apply');
    runtime.apiWrite('Deployment', 'apply');
    const text = await registry.metrics();
    for (const series of [
      'process_resident_memory_bytes',
      'process_cpu_seconds_total',
      'workqueue_depth{name="helloservice",controller="helloservice"} 0',
      'workqueue_adds_total{name="helloservice",controller="helloservice"} 0',
      'workqueue_retries_total{name="helloservice",controller="helloservice"} 0',
      'workqueue_unfinished_work_seconds{name="helloservice",controller="helloservice"} 0',
      'workqueue_longest_running_processor_seconds{name="helloservice",controller="helloservice"} 0',
      'controller_runtime_reconcile_total{controller="helloservice",result="success"} 0',
      'controller_runtime_reconcile_errors_total{controller="helloservice"} 0',
      'controller_runtime_max_concurrent_reconciles{controller="helloservice"} 10',
      'controller_runtime_active_workers{controller="helloservice"} 0',
      'leader_election_master_status{name="hello-operator"} 1',
      'hello_operator_api_writes_total{kind="Deployment",verb="apply"} 2',
    ]) {
      expect(text).toContain(series);
    }
  });
});
