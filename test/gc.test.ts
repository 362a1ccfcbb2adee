// Garbage collection: an object whose owner is deleted is deleted by the cluster.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiStatus, createNamespace, deleteNamespace, eventually, kubeConfig } from './cluster/kube.ts';

describe('garbage collection', () => {
  const kc = kubeConfig(inject('kubeconfig'));
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let ns = '';
  beforeAll(async () => {
    ns = await createNamespace(core, 'gc');
  });
  afterAll(async () => {
    await deleteNamespace(core, ns);
  });

  it('deletes an owned ConfigMap after its owner is deleted', async () => {
    const owner = await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'owner' } },
    });
    const uid = owner.metadata?.uid ?? '';
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: {
        metadata: {
          name: 'owned',
          ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid }],
        },
      },
    });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'bystander' } } });
    await core.deleteNamespacedConfigMap({ name: 'owner', namespace: ns, propagationPolicy: 'Background' });
    const gone = await eventually('owned ConfigMap collected', async () => {
      try {
        await core.readNamespacedConfigMap({ name: 'owned', namespace: ns });
        return undefined;
      } catch (e) {
        return apiStatus(e).code === 404 ? true : undefined;
      }
    });
    expect(gone).toBe(true);
    // An object with no owner stays.
    expect((await core.readNamespacedConfigMap({ name: 'bystander', namespace: ns })).metadata?.name).toBe(
      'bystander',
    );
  });
});
