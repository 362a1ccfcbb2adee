import { describe, expect, it } from 'vitest';
import { withDefaults } from '../api/defaults.ts';
import type { HelloService } from '../api/types.ts';
import { desiredChildren } from '../resources/children.ts';
import { operatorSettings } from '../resources/settings.ts';
import { handOffReplicas, ownsReplicas } from './replicas.ts';

const hs = (spec: Record<string, unknown>) =>
  withDefaults({
    apiVersion: 'hello.operators.dev/v1alpha1',
    kind: 'HelloService',
    metadata: { name: 'hello', namespace: 'ns', uid: 'u' },
    spec: { message: 'hi', ...spec },
  } as HelloService);
const deploymentOf = (h: ReturnType<typeof hs>) => {
  const d = desiredChildren(h, operatorSettings()).find((c) => c.kind === 'Deployment');
  if (!d) throw new Error('no Deployment');
  return d;
};
const live = (replicas: number, ours: boolean) => ({
  spec: { replicas },
  metadata: {
    managedFields: [
      {
        manager: 'hello-operator',
        operation: 'Apply',
        fieldsV1: { 'f:spec': ours ? { 'f:replicas': {}, 'f:template': {} } : { 'f:template': {} } },
      },
      ...(ours ? [] : [{ manager: 'kube-controller-manager', operation: 'Update', subresource: 'scale' }]),
    ],
  },
});
const replicasOf = (c: unknown) => (c as { spec: { replicas?: number } }).spec.replicas;

describe('handOffReplicas', () => {
  const scaled = hs({ autoscaling: { minReplicas: 3, maxReplicas: 5 } });

  it('leaves a Deployment without autoscaling as built', () => {
    const plain = hs({ replicas: 4 });
    expect(replicasOf(handOffReplicas(deploymentOf(plain), plain, live(9, true), 'hello-operator'))).toBe(4);
  });

  it('starts a new autoscaled Deployment at minReplicas, not 1', () => {
    expect(replicasOf(deploymentOf(scaled))).toBeUndefined();
    expect(replicasOf(handOffReplicas(deploymentOf(scaled), scaled, undefined, 'hello-operator'))).toBe(3);
  });

  it('keeps sending the live value while our manager still owns it, so it is not reset to 1', () => {
    expect(ownsReplicas(live(2, true), 'hello-operator')).toBe(true);
    expect(replicasOf(handOffReplicas(deploymentOf(scaled), scaled, live(2, true), 'hello-operator'))).toBe(
      2,
    );
  });

  it('leaves replicas out once the autoscaler owns them', () => {
    expect(ownsReplicas(live(4, false), 'hello-operator')).toBe(false);
    expect(
      replicasOf(handOffReplicas(deploymentOf(scaled), scaled, live(4, false), 'hello-operator')),
    ).toBeUndefined();
  });
});
