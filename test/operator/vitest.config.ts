// Until the cluster harness lands on main: runs the operator's cluster tests alone against the
// cluster in HELLO_KUBECONFIG (`HELLO_KUBECONFIG=.cluster/kubeconfig npx vitest run -c test/operator/vitest.config.ts`).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/operator/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
