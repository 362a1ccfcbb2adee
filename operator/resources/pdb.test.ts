import { describe, expect, it } from 'vitest';
import { buildDeployment } from './deployment.ts';
import { hello, settings } from './fixtures.ts';
import { buildPodDisruptionBudget } from './pdb.ts';

const podLabels = (spec = {}) => buildDeployment(hello(spec), settings).spec?.template.metadata?.labels ?? {};

describe('buildPodDisruptionBudget', () => {
  it.each([
    ['by default', {}, 1],
    ['with a larger budget', { podDisruptionBudget: { maxUnavailable: 3 } }, 3],
  ])('lets evictions take a bounded number of pods (%s)', (_, spec, maxUnavailable) => {
    const pdb = buildPodDisruptionBudget(hello(spec), settings);
    expect(pdb).toMatchObject({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' });
    expect(pdb?.spec?.maxUnavailable).toBe(maxUnavailable);
    expect(pdb?.spec?.minAvailable).toBeUndefined();
    expect(podLabels(spec)).toMatchObject(pdb?.spec?.selector?.matchLabels ?? { missing: true });
  });

  it('never lets unhealthy pods block a drain', () => {
    expect(buildPodDisruptionBudget(hello(), settings)?.spec?.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
  });

  it('is absent when disabled', () => {
    expect(
      buildPodDisruptionBudget(hello({ podDisruptionBudget: { enabled: false } }), settings),
    ).toBeUndefined();
  });
});
