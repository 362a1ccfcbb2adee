import { defineConfig } from 'vitest/config';

// Projects: `unit` needs nothing but Node; `cluster` runs against a real-node Kubernetes cluster that
// test/global-setup.ts starts once (or reuses, or takes from HELLO_KUBECONFIG); `fake` against
// kwok fake nodes that test/fake/global-setup.ts starts beside it. See README "Local cluster".
export default defineConfig({
  test: {
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
          // Cluster tests wait on real controllers; files run one at a time on 2 cores.
          testTimeout: 300_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'fake',
          include: ['test/fake/**/*.test.ts'],
          globalSetup: ['test/fake/global-setup.ts'],
          // One file at a time: one of them stops and starts the fake cluster's control plane.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
