import { describe, expect, it } from 'vitest';
import { type E2eRun, formatE2eReport, medians } from './e2e-report.ts';

const run = (n: number): E2eRun => ({
  applyToReadyS: n,
  firstPodS: n / 2,
  lastPodS: n * 2,
  failed: n - 1,
  requestsDuringChange: 100 * n,
  stalledS: 10 * n,
  rollbackS: 12 * n,
  crashRollbackS: 20 * n,
  ingressRps: 1000 * n,
  podRps: 4000 * n,
});

describe('bench:e2e report', () => {
  it('takes the median of each column, the Ingress cost as a ratio', () => {
    expect(medians([run(3), run(1), run(2)])).toEqual([2, 1, 4, 1, 200, 20, 24, 40, 2000, 8000, 0.25]);
  });

  it('prints one row per run and the medians', () => {
    const lines = formatE2eReport([run(1), run(5)]).split('\n');
    expect(lines[0]).toMatch(/^run\s+apply→Ready s\s+change→first pod s/);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatch(
      /^median of 2\s+3\.00\s+1\.50\s+6\.00\s+2\s+300\s+30\.00\s+36\.00\s+60\.00\s+3000\s+12000\s+0\.25/,
    );
  });
});
