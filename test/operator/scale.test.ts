// Scale and placement (issue 20). The scale subresource: `kubectl scale hs/x --replicas=N` sets
// spec.replicas and the operator rolls the Deployment to it; refused while spec.autoscaling makes the
// operator's own HPA own the count; a HorizontalPodAutoscaler of the user's can target a
// HelloService, reading its replicas and pods through it (status.replicas, status.selector). And a
// nodeSelector no node matches says so in Ready.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Fixture, setUp } from './ha-fixture.ts';
import { eventually, helloService, must, type Obj } from './operator-process.ts';

describe('the scale subresource', () => {
  let f: Fixture;
  const readyAt = (name: string, replicas: number) =>
    eventually(`${name} Ready with ${replicas} replicas`, () => {
      const hs = f.get('hs', name);
      const ready = (hs?.status?.conditions ?? []).some(
        (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
      );
      return ready && hs?.status?.readyReplicas === replicas && hs.status.replicas === replicas
        ? hs
        : undefined;
    });

  beforeAll(async () => {
    f = await setUp(inject('kubeconfig'), 'scale');
    await f.start();
  }, 120_000);
  afterAll(async () => {
    await f?.teardown();
  });

  it('kubectl scale sets the replicas, and the Deployment follows', async () => {
    must(
      f.kubectl,
      ['apply', '-n', f.ns, '-f', '-'],
      JSON.stringify(helloService('scaled', { replicas: 1 })),
    );
    await readyAt('scaled', 1);
    must(f.kubectl, ['-n', f.ns, 'scale', 'hs/scaled', '--replicas=3']);
    const hs = await readyAt('scaled', 3);
    expect(hs.spec?.replicas).toBe(3);
    expect(f.get('deployment', 'scaled')?.spec?.replicas).toBe(3);
    // What an autoscaler reads: the count and the pods' selector, which finds exactly its pods.
    const scale = JSON.parse(
      must(f.kubectl, [
        'get',
        '--raw',
        `/apis/hello.operators.dev/v1alpha1/namespaces/${f.ns}/helloservices/scaled/scale`,
      ]),
    ) as { spec: { replicas: number }; status: { replicas: number; selector: string } };
    expect(scale.spec.replicas).toBe(3);
    expect(scale.status.replicas).toBe(3);
    const pods = JSON.parse(
      must(f.kubectl, ['-n', f.ns, 'get', 'pods', '-l', scale.status.selector, '-o', 'json']),
    ) as { items: Obj[] };
    expect(
      pods.items.filter((p) => !(p.metadata as { deletionTimestamp?: string }).deletionTimestamp),
    ).toHaveLength(3);
  });

  it('a nodeSelector no node matches: the pods stay Pending and Ready says why', async () => {
    must(
      f.kubectl,
      ['apply', '-n', f.ns, '-f', '-'],
      JSON.stringify(
        helloService('nowhere', { replicas: 1, nodeSelector: { 'hello-operator.test/pool': 'none' } }),
      ),
    );
    const ready = await eventually(
      'Ready=False naming the scheduler',
      () => {
        const c = (f.get('hs', 'nowhere')?.status?.conditions ?? []).find(
          (x: { type: string }) => x.type === 'Ready',
        );
        return c?.status === 'False' && c.reason === 'Unschedulable' ? c : undefined;
      },
      90_000,
    );
    expect(ready.message).toMatch(/cannot be scheduled: .*node affinity\/selector/);
    expect(f.list('pods', 'app.kubernetes.io/instance=nowhere').map((p) => p.status?.phase)).toEqual([
      'Pending',
    ]);
  });

  it('refuses kubectl scale while autoscaling owns the replica count, saying why', async () => {
    must(
      f.kubectl,
      ['apply', '-n', f.ns, '-f', '-'],
      JSON.stringify(helloService('auto', { autoscaling: { minReplicas: 1, maxReplicas: 3 } })),
    );
    const r = f.kubectl(['-n', f.ns, 'scale', 'hs/auto', '--replicas=5']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('set either replicas or autoscaling, not both');
    expect(f.get('hs', 'auto')?.spec?.replicas).toBeUndefined();
  });

  it('a HorizontalPodAutoscaler of your own can target a HelloService', async () => {
    await readyAt('scaled', 3);
    const hpa = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'outside' },
      spec: {
        scaleTargetRef: { apiVersion: 'hello.operators.dev/v1alpha1', kind: 'HelloService', name: 'scaled' },
        minReplicas: 1,
        maxReplicas: 3,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
          },
        ],
      },
    };
    must(f.kubectl, ['apply', '-n', f.ns, '-f', '-'], JSON.stringify(hpa));
    // AbleToScale=True: the HPA read the scale subresource; currentReplicas is its status.replicas.
    const status = await eventually('the HPA reading the HelloService', () => {
      const h = f.get('hpa', 'outside');
      const able = (h?.status?.conditions ?? []).find((c: { type: string }) => c.type === 'AbleToScale');
      return able?.status === 'True' && h?.status?.currentReplicas === 3 ? h.status : undefined;
    });
    expect(status.currentReplicas).toBe(3);
  });
});
