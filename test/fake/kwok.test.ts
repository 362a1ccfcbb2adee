// Fake-node mode: kwokctl with kwok nodes whose addresses are loopback; a Deployment's pods are
// scheduled onto them and reported Ready by kwok (no containers run; nothing dials their IPs).
import { execFileSync } from 'node:child_process';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createNamespace, deleteNamespace, eventually, kubeConfig } from '../cluster/kube.ts';

describe('fake nodes (kwok)', () => {
  const kc = kubeConfig(inject('fakeKubeconfig'));
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  let ns = '';
  beforeAll(async () => {
    ns = await createNamespace(core, 'fake');
  });
  afterAll(async () => {
    await deleteNamespace(core, ns);
  });

  it('has at least two Ready kwok nodes on loopback addresses', async () => {
    const nodes = (await core.listNode()).items.filter(
      (n) => n.metadata?.annotations?.['kwok.x-k8s.io/node'] === 'fake',
    );
    expect(nodes.length).toBeGreaterThanOrEqual(2);
    for (const n of nodes) {
      expect(n.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
      for (const a of n.status?.addresses?.filter((a) => a.type === 'InternalIP') ?? []) {
        expect(a.address).toMatch(/^127\./);
      }
    }
  });

  it('routes the fake Service and pod range to a local device', () => {
    const r = execFileSync('ip', ['route', 'show', '10.0.0.0/16'], { encoding: 'utf8' });
    expect(r).toMatch(/^10\.0\.0\.0\/16 dev hello-kwok0\b/m);
  });

  it("gets a Deployment's pods Ready on fake nodes", async () => {
    const labels = { app: 'fake' };
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'fake' },
        spec: {
          replicas: 6,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { containers: [{ name: 'c', image: 'localhost/hello-workload:dev' }] },
          },
        },
      },
    });
    const t0 = Date.now();
    await eventually('6 pods ready', async () => {
      const d = await apps.readNamespacedDeployment({ name: 'fake', namespace: ns });
      return d.status?.readyReplicas === 6 ? true : undefined;
    });
    console.error(`[fake] 6 pods Ready after ${Date.now() - t0} ms`);
    const pods = await core.listNamespacedPod({ namespace: ns });
    const nodesUsed = new Set(pods.items.map((p) => p.spec?.nodeName));
    expect(pods.items.every((p) => p.status?.phase === 'Running')).toBe(true);
    expect(nodesUsed.size).toBeGreaterThanOrEqual(2);
  });
});
