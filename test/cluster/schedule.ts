// Which cluster test files may overlap (test/cluster/slots.ts), and the order Vitest starts them in.
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { repoRoot } from './paths.ts';
import type { Claim } from './slots.ts';

/** Files nothing else may run beside: they drain and kill nodes (and time a failover), or swap the
 * CRD for an older one. */
const EXCLUSIVE = new Set(['test/operator/nodes.test.ts', 'test/operator/upgrade.test.ts']);

/** Files that share a cluster-wide resource with others, by name. */
const LOCKS: Record<string, string[]> = {
  // prometheus-operator, its CRDs (removed at the end when the file installed them) and the
  // custom metrics APIService.
  'test/monitoring.test.ts': ['monitoring-stack'],
  'test/alerting.test.ts': ['monitoring-stack'],
  'test/operator/rps-autoscaling.test.ts': ['monitoring-stack'],
};

/** The fake-node cluster's files run one at a time: one of them stops and starts its control plane. */
const FAKE_DIR = 'test/fake/';

/** Seconds each long file took in the last full run: only their order matters. The longest start
 * first so that the two workers finish together; the exclusive ones go last, after everything. */
const SECONDS: Record<string, number> = {
  'test/logging.test.ts': 200,
  'test/monitoring.test.ts': 270,
  'test/operator/resilience.test.ts': 200,
  'test/alerting.test.ts': 185,
  'test/operator/revisions.test.ts': 170,
  'test/operator/operator.test.ts': 145,
  'test/e2e/network-policy.test.ts': 125,
  'test/e2e/product.test.ts': 120,
  'test/e2e/own-registry.test.ts': 55,
};

export function claimOf(file: string): Claim {
  const path = relative(repoRoot, file);
  const locks = [...(LOCKS[path] ?? []), ...(path.startsWith(FAKE_DIR) ? ['fake-cluster'] : [])];
  return { file: path, exclusive: EXCLUSIVE.has(path), locks };
}

function rank(file: string): number {
  const path = relative(repoRoot, file);
  return EXCLUSIVE.has(path) ? Number.NEGATIVE_INFINITY : (SECONDS[path] ?? 0);
}

/** Longest first, exclusive last; ties keep Vitest's own order. */
export class ScheduleSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return sorted
      .map((spec, i) => ({ spec, i, r: rank(spec.moduleId) }))
      .sort((a, b) => b.r - a.r || a.i - b.i)
      .map((x) => x.spec);
  }
}
