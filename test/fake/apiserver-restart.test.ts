// Issue 6, test 2: the API server restarts while HelloServices change; the operator recovers and
// converges every change. On the fake-node cluster's own control plane (a real kube-apiserver and
// etcd; the real node's API server serves other tests), stopped at once as in a crash and started
// again by the harness, with etcd's history compacted so old resourceVersions are gone.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { metric, must, type RunningOperator, scrape, sleep } from '../operator/operator-process.ts';
import { controlPlane, type FakeFixture, log, setUpFake, stillRunning } from './operator-fixture.ts';

const N = 10;
const names = Array.from({ length: N }, (_, i) => `restart-${i}`);
const firstHalf = names.slice(0, N / 2);
const secondHalf = names.slice(N / 2);

describe('an API server restart while HelloServices change', () => {
  const adminPath = inject('fakeKubeconfig');
  let f: FakeFixture;
  let op: RunningOperator;

  beforeAll(async () => {
    f = await setUpFake(adminPath, 'restart');
  });
  afterAll(async () => {
    // A failed test may leave the control plane stopped: the next file needs it (a no-op if serving).
    await controlPlane('start').catch(() => {});
    await f?.teardown();
  });

  it(`the operator rides out the restart and converges every change (${N} HelloServices)`, {
    timeout: 300_000,
  }, async () => {
    op = await f.start();
    f.apply(names, 'before');
    await f.converged(names, 'before');

    // Changes in flight as the API server goes: the operator may be mid-reconcile.
    f.apply(firstHalf, 'during');
    await controlPlane('stop');
    const stopped = Date.now();
    await sleep(3000); // refused connections: every informer fails and backs off
    await controlPlane('start');
    // History compacted up to now: a watch resumed from before the restart gets 410 Gone.
    await controlPlane('compact');
    log(`API server down for ${((Date.now() - stopped) / 1000).toFixed(1)} s`);
    // Changes as it comes back, before the operator has necessarily reconnected.
    f.apply(secondHalf, 'after');
    must(f.kubectl, ['delete', 'service', names[0] ?? '', '-n', f.ns]);
    f.apply(['restart-new'], 'new');

    const t0 = Date.now();
    // Not Ready: kwok's controller, killed with the control plane, takes its nodes back only when
    // their leases expire (200 s); until then new pods stay Pending. The operator's part is done
    // when every spec is handled and every child is back.
    const handled = { ready: false, timeoutMs: 120_000 };
    await f.converged(firstHalf, 'during', handled);
    await f.converged(secondHalf, 'after', handled);
    await f.converged(['restart-new'], 'new', handled);
    log(`every change converged ${((Date.now() - t0) / 1000).toFixed(1)} s after the API server was back`);
    stillRunning(op);
    const m = await scrape(op.metricsAddress);
    const restarts = metric(m, 'hello_operator_informer_restarts_total');
    const relists = metric(m, 'hello_operator_informer_relists_total');
    const gone = op.logs.filter((l) => l.includes('410 Gone')).length;
    log(`informer restarts ${restarts}, relists ${relists} (410 Gone: ${gone})`);
    // It noticed: its watches failed while the API server was away and were started again.
    expect(restarts).toBeGreaterThan(0);
    // etcd was compacted past every resourceVersion it held: resuming got 410 Gone, so it relisted.
    expect(gone, 'relists after 410 Gone').toBeGreaterThan(0);
    // One of each child per HelloService: nothing duplicated, nothing orphaned.
    for (const kind of ['configmap', 'deployment', 'service', 'serviceaccount']) {
      const items = JSON.parse(
        must(f.kubectl, [
          'get',
          kind,
          '-n',
          f.ns,
          '-l',
          'app.kubernetes.io/managed-by=hello-operator',
          '-o',
          'json',
        ]),
      ) as { items: { metadata: { name: string; labels?: Record<string, string> } }[] };
      // A message's ConfigMap is named by its revision, and the previous one stays while its
      // ReplicaSet does: counted by the HelloService each belongs to.
      const owners = items.items.map((i) =>
        kind === 'configmap' ? (i.metadata.labels?.['app.kubernetes.io/instance'] ?? '') : i.metadata.name,
      );
      expect([...new Set(owners)].sort(), kind).toEqual([...names, 'restart-new'].sort());
      if (kind !== 'configmap') expect(owners, kind).toHaveLength(names.length + 1);
    }
  });
});
