// The operator's PodDisruptionBudget never blocks a drain: whatever the replica count, it allows at
// least one eviction (with minAvailable: 1 and one replica it allowed none, so a drain waited forever).
// Renders with the helm and kubectl that test/cluster/build.sh built (no cluster).
import { describe, expect, it } from 'vitest';
import { helmTemplate, kustomize } from '../../deploy/install.ts';
import { type Obj, objectsOf } from '../cluster/rendered.ts';

/** Evictions the budget allows with every replica healthy, as the disruption controller counts them. */
function allowedEvictions(objects: Obj[]): number {
  const replicas: number = objects.find((o) => o.kind === 'Deployment')?.spec?.replicas ?? 1;
  const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget')?.spec ?? {};
  const count = (value: number | string) =>
    typeof value === 'number' ? value : Math.ceil((Number.parseInt(value, 10) * replicas) / 100);
  if (pdb.minAvailable !== undefined) return Math.max(0, replicas - count(pdb.minAvailable));
  return Math.min(replicas, count(pdb.maxUnavailable ?? 0));
}

describe("the operator's PodDisruptionBudget", () => {
  it.each([1, 2, 3])('lets a drain evict a replica with the chart at replicaCount=%i', (replicas) => {
    const objects = objectsOf(
      helmTemplate(['--set', `replicaCount=${replicas}`, '--set', `leaderElection.enabled=${replicas > 1}`]),
    );
    expect(objects.find((o) => o.kind === 'Deployment')?.spec?.replicas).toBe(replicas);
    expect(allowedEvictions(objects)).toBeGreaterThanOrEqual(1);
  });

  it('keeps a replica running during a drain at replicaCount=2', () => {
    expect(allowedEvictions(objectsOf(helmTemplate([])))).toBe(1);
  });

  it.each(['deploy', 'deploy/local', 'deploy/confined'])('lets a drain evict a replica with %s', (dir) => {
    const objects = objectsOf(kustomize(dir));
    expect(allowedEvictions(objects)).toBeGreaterThanOrEqual(1);
    // ...also when the Deployment is scaled to one replica by hand.
    const scaled = objects.map((o) =>
      o.kind === 'Deployment' ? { ...o, spec: { ...o.spec, replicas: 1 } } : o,
    );
    expect(allowedEvictions(scaled)).toBe(1);
  });

  it.each([
    ['0', /maxUnavailable': minimum: got 0, want 1/],
    ['0%', /'0%' does not match pattern/],
  ])('refuses maxUnavailable=%s, a budget that allows no eviction', (value, message) => {
    expect(() => helmTemplate(['--set', `podDisruptionBudget.maxUnavailable=${value}`])).toThrow(message);
  });
});
