import { describe, expect, it } from 'vitest';
import type { KindInfo, KubeObject } from '../kube/rest.ts';
import { hello, settings } from '../resources/fixtures.ts';
import { REVISION_LABEL } from '../resources/labels.ts';
import { revisionOf } from '../resources/revision.ts';
import { POD_CHECK_AFTER_MS, POD_RECHECK_MAX_MS, POD_RECHECK_MS, podTrouble } from './pod-trouble.ts';

const signal = new AbortController().signal;
const hs = hello();
const revision = revisionOf(hs, settings);
const NOW = Date.parse('2026-12-04T12:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();

/** A Deployment of the revision, rolling (1 of 2 updated) since `since`. */
const rolling = (since: string | undefined) => ({
  metadata: { generation: 2 },
  spec: { replicas: 2, template: { metadata: { labels: { [REVISION_LABEL]: revision.name } } } },
  status: {
    observedGeneration: 2,
    replicas: 2,
    updatedReplicas: 1,
    availableReplicas: 1,
    conditions: [
      { type: 'Available', status: 'True' },
      ...(since
        ? [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', lastUpdateTime: since }]
        : []),
    ],
  },
});
const pod = (name: string, waiting?: { reason: string; message?: string }) =>
  ({
    metadata: { name },
    status: { containerStatuses: [{ name: 'hello', ...(waiting ? { state: { waiting } } : {}) }] },
  }) as unknown as KubeObject;

function lister(pods: KubeObject[]) {
  const calls: string[] = [];
  const list = async (_info: KindInfo, _ns: string | undefined, selector: string) => {
    calls.push(selector);
    return pods;
  };
  return { list, calls };
}

describe('podTrouble', () => {
  const pulling = pod('hello-abc', {
    reason: 'ImagePullBackOff',
    message: 'Back-off pulling image "x": 401 Unauthorized',
  });

  it('lists no pods while the rollout progresses, and says when to look', async () => {
    const l = lister([pulling]);
    expect(await podTrouble(l, hs, revision, rolling(ago(5_000)), NOW, signal)).toEqual({
      recheckAfterMs: POD_CHECK_AFTER_MS - 5_000,
    });
    // Not yet reported on by the Deployment controller: its own update will enqueue the HelloService.
    expect(await podTrouble(l, hs, revision, rolling(undefined), NOW, signal)).toEqual({});
    // Nor while its status is of an earlier generation, whose Progressing time says nothing of this one.
    const stale = rolling(ago(60_000));
    stale.metadata.generation = 3;
    expect(await podTrouble(l, hs, revision, stale, NOW, signal)).toEqual({});
    expect(l.calls).toEqual([]);
  });

  it("names a pod's waiting reason once the rollout has made no progress for a while", async () => {
    const l = lister([pod('hello-ok'), pulling]);
    const r = await podTrouble(l, hs, revision, rolling(ago(POD_CHECK_AFTER_MS + 1)), NOW, signal);
    expect(r).toEqual({
      trouble: {
        reason: 'ImagePullBackOff',
        message: 'Pod hello-abc cannot start: Back-off pulling image "x": 401 Unauthorized',
      },
      recheckAfterMs: POD_RECHECK_MS,
    });
    expect(l.calls).toEqual([`app.kubernetes.io/instance=hello,${REVISION_LABEL}=${revision.name}`]);
  });

  it("names a pod that no node takes, with the scheduler's words", async () => {
    const pending = {
      metadata: { name: 'hello-pending' },
      status: {
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.",
          },
        ],
      },
    } as unknown as KubeObject;
    const r = await podTrouble(
      lister([pending]),
      hs,
      revision,
      rolling(ago(POD_CHECK_AFTER_MS)),
      NOW,
      signal,
    );
    expect(r.trouble).toEqual({
      reason: 'Unschedulable',
      message:
        "Pod hello-pending cannot be scheduled: 0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.",
    });
  });

  it('finds nothing in pods that are merely slow, and keeps looking, less often the longer it is quiet', async () => {
    const l = lister([pod('hello-slow', { reason: 'ContainerCreating' })]);
    const recheckAfter = async (quietMs: number) =>
      (await podTrouble(l, hs, revision, rolling(ago(quietMs)), NOW, signal)).recheckAfterMs;
    expect(await recheckAfter(POD_CHECK_AFTER_MS + 1)).toBe(POD_RECHECK_MS);
    expect(await recheckAfter(60_000)).toBe(30_000);
    expect(await recheckAfter(10 * 60_000)).toBe(POD_RECHECK_MAX_MS);
    expect(l.calls).toHaveLength(3);
  });

  it('looks at nothing once the rollout is over, or when the Deployment runs another revision', async () => {
    const l = lister([pulling]);
    const done = rolling(ago(60_000));
    done.status.updatedReplicas = 2;
    done.status.availableReplicas = 2;
    expect(await podTrouble(l, hs, revision, done, NOW, signal)).toEqual({});
    const other = rolling(ago(60_000));
    other.spec.template.metadata.labels[REVISION_LABEL] = 'hello-0000000000';
    expect(await podTrouble(l, hs, revision, other, NOW, signal)).toEqual({});
    expect(await podTrouble(l, hs, revision, undefined, NOW, signal)).toEqual({});
    expect(l.calls).toEqual([]);
  });
});
