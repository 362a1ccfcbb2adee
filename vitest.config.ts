import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing but Node; `cluster` runs against a real Kubernetes
// cluster that test/global-setup.ts starts once (or takes from HELLO_KUBECONFIG).
export default defineConfig({
  test: {
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
    ],
  },
});
