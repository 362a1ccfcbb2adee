import { defineConfig } from 'vitest/config';
import { ScheduleSequencer } from './test/cluster/schedule.ts';

// Projects: `unit` needs nothing but Node; `cluster` runs against a real-node Kubernetes cluster that
// test/global-setup.ts starts once (or reuses, or takes from HELLO_KUBECONFIG); `fake` against
// kwok fake nodes that test/fake/global-setup.ts starts beside it. See README "Local cluster".
//
// Two files run at once, from every project: the cluster tests mostly wait on real controllers, so
// two of them overlap well even on 2 cores. Which may overlap, and the order, is test/cluster/schedule.ts.
export default defineConfig({
  test: {
    maxWorkers: 2,
    sequence: { sequencer: ScheduleSequencer },
    // Global teardown may stop the cluster (cluster:down takes ~15 s): give it time before Vitest exits.
    teardownTimeout: 120_000,
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'operator/**/*.test.ts',
            'workload/**/*.test.ts',
            'bench/**/*.test.ts',
            'test/unit/**/*.test.ts',
          ],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'cluster',
          include: ['test/*.test.ts', 'test/operator/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/cluster/slot-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'fake',
          include: ['test/fake/**/*.test.ts'],
          globalSetup: ['test/fake/global-setup.ts'],
          setupFiles: ['test/cluster/slot-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
