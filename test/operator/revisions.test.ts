// Revisions on a real node: a change whose rollout cannot progress (a message and an image nothing
// can pull) keeps the previous revision serving, through the Ingress and in a pod that restarts
// meanwhile, and says so: in the status (which revision serves, which failed and why) and to kstatus.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { messagePreview } from '../../operator/api/message.ts';
import type { KubeObject } from '../../operator/kube/rest.ts';
import { referencedConfigMaps } from '../../operator/reconcile/revisions.ts';
import { tool } from '../cluster/cli.ts';
import { ingressLoad, runLoad } from '../e2e/load.ts';
import { parseServed } from '../e2e/message-rollout.ts';
import { type Fixture, setUp } from './ha-fixture.ts';
import { eventually, helloService, must, type Obj, sleep } from './operator-process.ts';
import { expectServedThroughout } from './served-throughout.ts';

const A = 'Revision A ✓\nserving on\n';
const B = 'Revision B: never served\n';

type Revision = { name: string; ready: boolean; reason?: string; messagePreview?: string };

describe('revisions: a stuck rollout keeps the last ready revision serving', () => {
  const adminPath = inject('kubeconfig');
  const ingress = inject('ingressAddress');
  let f: Fixture;
  const podsOf = (name: string) =>
    (
      JSON.parse(
        must(f.kubectl, [
          '-n',
          f.ns,
          'get',
          'pods',
          '-l',
          `app.kubernetes.io/instance=${name}`,
          '-o',
          'json',
        ]),
      ) as { items: (Obj & { metadata: { deletionTimestamp?: string } })[] }
    ).items.filter((p) => !p.metadata.deletionTimestamp);
  const isReady = (p: Obj) =>
    (p.status?.conditions ?? []).some(
      (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
    );

  beforeAll(async () => {
    f = await setUp(adminPath, 'rev');
    await f.start();
  });
  afterAll(async () => {
    await f?.teardown();
  });

  it('A → B (stuck): A keeps serving, a restarted A pod serves A, the status and kstatus say B failed', async () => {
    const host = `rev.${f.ns}.test`;
    must(
      f.kubectl,
      ['apply', '-n', f.ns, '-f', '-'],
      JSON.stringify(
        helloService('rev', { message: A, replicas: 2, ingress: { host, className: 'traefik' } }),
      ),
    );
    const readyA = await eventually('A Ready', () => {
      const hs = f.get('hs', 'rev');
      const ready = (hs?.status?.conditions as { type: string; status: string }[] | undefined)?.find(
        (c) => c.type === 'Ready',
      );
      return ready?.status === 'True' && hs?.status?.observedGeneration === hs?.metadata.generation
        ? hs
        : undefined;
    });
    const revisionA = readyA.status?.latestReadyRevision as string;
    expect(revisionA).toBe(readyA.status?.latestCreatedRevision);
    // Through the Ingress before the change, so the load starts on a route that works.
    const load = await ingressLoad(ingress, host, { maxMs: 240_000, accept: 'application/json' });
    try {
      must(f.kubectl, [
        '-n',
        f.ns,
        'patch',
        'hs',
        'rev',
        '--type=merge',
        '-p',
        JSON.stringify({
          spec: {
            message: B,
            image: 'localhost/hello-does-not-exist:1',
            rollout: { progressDeadlineSeconds: 10 },
          },
        }),
      ]);
      const stalled = await eventually(
        'kstatus Failed',
        async () => {
          const json = must(f.kubectl, ['get', 'hs', 'rev', '-n', f.ns, '-o', 'json']);
          const r = await tool(adminPath, 'kstatus', [], json);
          const verdict = JSON.parse(r.stdout) as { status: string; message: string };
          return verdict.status === 'Failed' ? { verdict, hs: JSON.parse(json) as Obj } : undefined;
        },
        120_000,
      );
      expect(stalled.verdict.message).toMatch(/made no progress in time/);
      const status = stalled.hs.status ?? {};
      expect(status.latestReadyRevision).toBe(revisionA);
      expect(status.latestCreatedRevision).not.toBe(revisionA);
      const [b, a] = status.revisions as Revision[];
      expect(b).toMatchObject({
        name: status.latestCreatedRevision,
        ready: false,
        reason: 'ProgressDeadlineExceeded',
      });
      expect(a).toMatchObject({ name: revisionA, ready: true });

      // An old pod restarts meanwhile (deleted here; a node drain or a crash does the same): its
      // replacement belongs to A's ReplicaSet and must serve A, byte for byte.
      const oldPods = podsOf('rev').filter(
        (p) => isReady(p) && p.spec?.containers?.[0]?.image !== 'localhost/hello-does-not-exist:1',
      );
      expect(oldPods.length).toBe(2);
      const victim = oldPods[0]?.metadata.name ?? '';
      must(f.kubectl, ['-n', f.ns, 'delete', 'pod', victim, '--wait=false']);
      const replacement = await eventually('a ready replacement of the A pod', () =>
        podsOf('rev').find(
          (p) =>
            isReady(p) &&
            !oldPods.some((o) => o.metadata.name === p.metadata.name) &&
            p.spec?.containers?.[0]?.image !== 'localhost/hello-does-not-exist:1',
        ),
      );
      const ip = replacement.status?.podIP as string;
      const [answer] = await runLoad(
        { address: `${ip}:8080`, path: '/', accept: 'application/json' },
        { rate: 0, concurrency: 1, maxMs: 1 },
      );
      expect(parseServed(answer?.body)?.message).toBe(A);
      await sleep(3000);
    } finally {
      load.stop();
    }
    const samples = await load.samples;
    expectServedThroughout(samples, [A]);
  });

  it('autoRollback: A → B (stuck) rolls back by itself and says why; C rolls out; D crash-loops and rolls back too', async () => {
    const host = `auto.${f.ns}.test`;
    const C = 'Revision C: rolls out normally\n';
    const D = 'Revision D: crash-loops\n';
    const patch = (spec: Record<string, unknown>) =>
      must(f.kubectl, ['-n', f.ns, 'patch', 'hs', 'auto', '--type=merge', '-p', JSON.stringify({ spec })]);
    const conditionOf = (hs: Obj | undefined, type: string) =>
      (
        hs?.status?.conditions as
          | { type: string; status: string; reason: string; message: string }[]
          | undefined
      )?.find((c) => c.type === type);
    const readyWith = (message: string) =>
      eventually(`auto Ready with ${JSON.stringify(message)}`, () => {
        const hs = f.get('hs', 'auto');
        return conditionOf(hs, 'Ready')?.status === 'True' &&
          hs?.status?.observedGeneration === hs?.metadata.generation &&
          hs?.status?.messagePreview === messagePreview(message)
          ? hs
          : undefined;
      });
    /** Every pod serves `message` (asked directly, each ready one), and none runs another revision. */
    const allServe = (message: string, revision: string) =>
      eventually(`every pod serving revision ${revision}`, async () => {
        const pods = podsOf('auto');
        if (pods.length !== 2 || !pods.every(isReady)) return undefined;
        if (!pods.every((p) => p.metadata.labels?.['hello.operators.dev/revision'] === revision))
          return undefined;
        for (const p of pods) {
          const [answer] = await runLoad(
            { address: `${p.status?.podIP as string}:8080`, path: '/', accept: 'application/json' },
            { rate: 0, concurrency: 1, maxMs: 1 },
          );
          if (parseServed(answer?.body)?.message !== message) return undefined;
        }
        return true;
      });
    const rolledBack = (reason: string) =>
      eventually(
        `rolled back (${reason})`,
        () => {
          const hs = f.get('hs', 'auto');
          return hs?.status?.rollback?.reason === reason &&
            hs.status.rollback.observedGeneration === hs.metadata.generation
            ? hs
            : undefined;
        },
        180_000,
      );

    must(
      f.kubectl,
      ['apply', '-n', f.ns, '-f', '-'],
      JSON.stringify(
        helloService('auto', {
          message: A,
          replicas: 2,
          ingress: { host, className: 'traefik' },
          rollout: { autoRollback: true },
        }),
      ),
    );
    const readyA = await readyWith(A);
    const revisionA = readyA.status?.latestReadyRevision as string;
    const load = await ingressLoad(ingress, host, { maxMs: 280_000, accept: 'application/json' });
    try {
      // B: an image nothing can pull; past its 10 s deadline the operator goes back to A.
      patch({
        message: B,
        image: 'localhost/hello-does-not-exist:1',
        rollout: { autoRollback: true, progressDeadlineSeconds: 10 },
      });
      const afterB = await rolledBack('ProgressDeadlineExceeded');
      const revisionB = afterB.status?.rollback?.failedRevision as string;
      expect(revisionB).not.toBe(revisionA);
      expect(afterB.status?.rollback?.revision).toBe(revisionA);
      expect(afterB.status?.latestCreatedRevision).toBe(revisionB);
      expect(afterB.status?.latestReadyRevision).toBe(revisionA);
      expect(conditionOf(afterB, 'Stalled')).toMatchObject({ status: 'True', reason: 'RolledBack' });
      expect(conditionOf(afterB, 'Ready')?.message).toContain(
        `Revision ${revisionB} failed (ProgressDeadlineExceeded`,
      );
      await allServe(A, revisionA);
      const events = JSON.parse(
        must(f.kubectl, ['-n', f.ns, 'get', 'events', '--field-selector', 'reason=RolledBack', '-o', 'json']),
      ) as { items: { type: string; message?: string; note?: string; involvedObject?: { name?: string } }[] };
      const event = events.items.find((e) => e.involvedObject?.name === 'auto');
      expect(event?.type).toBe('Warning');
      expect(event?.message ?? event?.note).toContain(`rolled the pods back to revision ${revisionA}`);
      // kstatus (Flux, Helm 4) sees the rolled-back HelloService as Failed: its spec is not served.
      const json = must(f.kubectl, ['get', 'hs', 'auto', '-n', f.ns, '-o', 'json']);
      expect(
        (JSON.parse((await tool(adminPath, 'kstatus', [], json)).stdout) as { status: string }).status,
      ).toBe('Failed');

      // C: a good change rolls out as usual (the rollback held only for B's generation).
      patch({ message: C, image: null, rollout: { autoRollback: true, progressDeadlineSeconds: 600 } });
      const readyC = await readyWith(C);
      expect(readyC.status?.rollback).toBeUndefined();
      await allServe(C, readyC.status?.latestReadyRevision as string);

      // D: an image that starts and exits at once (the operator's, without its kubeconfig): its pods
      // crash-loop, and the operator rolls back long before the 600 s deadline.
      patch({ message: D, image: 'localhost/hello-operator:dev' });
      const afterD = await rolledBack('CrashLoopBackOff');
      expect(afterD.status?.rollback?.revision).toBe(readyC.status?.latestReadyRevision);
      expect(afterD.status?.rollback?.message).toMatch(/crash-loops \(container hello restarted \d+ times/);
      await allServe(C, readyC.status?.latestReadyRevision as string);
      await sleep(3000);
    } finally {
      load.stop();
    }
    const samples = await load.samples;
    expectServedThroughout(samples, [A, C]);
  });

  it('ten message changes in a row: at most revisionHistoryLimit + 1 ConfigMaps, none unused, none ever rewritten', async () => {
    must(f.kubectl, ['apply', '-n', f.ns, '-f', '-'], JSON.stringify(helloService('ten', { message: 'm0' })));
    const readyAt = (message: string) =>
      eventually(`ten Ready with ${message}`, () => {
        const hs = f.get('hs', 'ten');
        const ready = (hs?.status?.conditions as { type: string; status: string }[] | undefined)?.find(
          (c) => c.type === 'Ready',
        );
        return ready?.status === 'True' &&
          hs?.status?.observedGeneration === hs?.metadata.generation &&
          f.configMap('ten')?.data?.MESSAGES === message
          ? true
          : undefined;
      });
    /** Every ConfigMap of `ten` seen so far, with the resourceVersion it had when first seen. */
    const firstSeen = new Map<string, string>();
    const configMaps = () => f.list('configmap', 'app.kubernetes.io/instance=ten');
    await readyAt('m0');
    for (let i = 1; i <= 10; i++) {
      for (const cm of configMaps()) {
        if (!firstSeen.has(cm.metadata.name)) firstSeen.set(cm.metadata.name, cm.metadata.resourceVersion);
      }
      must(f.kubectl, [
        '-n',
        f.ns,
        'patch',
        'hs',
        'ten',
        '--type=merge',
        '-p',
        JSON.stringify({ spec: { message: `m${i}` } }),
      ]);
      await readyAt(`m${i}`);
    }
    const deployment = f.get('deployment', 'ten');
    const limit = deployment?.spec?.revisionHistoryLimit as number;
    // Pruning happens on the reconcile after the Deployment controller drops a ReplicaSet.
    const left = await eventually('only ConfigMaps some ReplicaSet uses', () => {
      const inUse = new Set(
        f
          .list('replicaset', 'app.kubernetes.io/instance=ten')
          .flatMap((rs) => referencedConfigMaps(rs as KubeObject)),
      );
      const now = configMaps();
      return now.every((cm) => inUse.has(cm.metadata.name)) ? now : undefined;
    });
    expect(left.length).toBeLessThanOrEqual(limit + 1);
    expect(left.length).toBeGreaterThan(1);
    for (const cm of left) {
      expect(cm.immutable, cm.metadata.name).toBe(true);
      const seen = firstSeen.get(cm.metadata.name);
      if (seen) expect(cm.metadata.resourceVersion, `${cm.metadata.name} rewritten`).toBe(seen);
    }
    expect(firstSeen.size).toBeGreaterThanOrEqual(10);
  });
});
