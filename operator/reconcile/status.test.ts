import { describe, expect, it } from 'vitest';
import type { HelloServiceStatus } from '../api/types.ts';
import {
  condition,
  type DeploymentView,
  finishStatus,
  markDegraded,
  markFailed,
  newStatus,
  observeDeployment,
  pausedStatus,
  sameStatus,
  setInformational,
  setRevision,
  setSpecFields,
} from './status.ts';

const T0 = new Date('2026-01-01T10:00:00.123Z');
const T1 = new Date('2026-01-01T10:05:00Z');

function deployment(over: {
  generation?: number;
  observed?: number;
  wanted?: number;
  replicas?: number;
  updated?: number;
  ready?: number;
  available?: number;
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
}): DeploymentView {
  const wanted = over.wanted ?? 2;
  const ready = over.ready ?? wanted;
  return {
    metadata: { generation: over.generation ?? 1 },
    spec: { replicas: wanted },
    status: {
      observedGeneration: over.observed ?? over.generation ?? 1,
      replicas: over.replicas ?? wanted,
      updatedReplicas: over.updated ?? wanted,
      readyReplicas: ready,
      availableReplicas: over.available ?? ready,
      conditions: over.conditions ?? [
        { type: 'Available', status: ready >= wanted ? 'True' : 'False', reason: 'MinimumReplicasAvailable' },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
      ],
    },
  };
}

/** The Deployment controller's verdict on a rollout that made no progress in time. */
const PAST_DEADLINE = {
  type: 'Progressing',
  status: 'False',
  reason: 'ProgressDeadlineExceeded',
  message: 'timed out.',
};

function statusOf(dep: DeploymentView | undefined, previous?: HelloServiceStatus, now = T0, generation = 3) {
  const d = newStatus({ generation, now, previous });
  setSpecFields(d, {
    url: 'http://hello.default.svc:80/',
    message: 'Hello, world!\nsecond line',
    selector: { 'app.kubernetes.io/name': 'hello', 'app.kubernetes.io/instance': 'hello' },
  });
  observeDeployment(d, dep);
  return finishStatus(d);
}

describe('status', () => {
  it('is Ready when every pod runs the latest version and is available', () => {
    const s = statusOf(deployment({}));
    expect(condition(s, 'Ready')).toMatchObject({ status: 'True', reason: 'Ready', observedGeneration: 3 });
    expect(condition(s, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    expect(condition(s, 'Progressing')).toMatchObject({ status: 'False', reason: 'RolloutComplete' });
    expect(condition(s, 'Degraded')).toMatchObject({ status: 'False', reason: 'AsExpected' });
    expect(s).toMatchObject({
      observedGeneration: 3,
      replicas: 2,
      readyReplicas: 2,
      // The scale subresource's labelSelectorPath: the pods' selector as one string.
      selector: 'app.kubernetes.io/name=hello,app.kubernetes.io/instance=hello',
      replicaSummary: '2/2',
      url: 'http://hello.default.svc:80/',
      messagePreview: 'Hello, world!…',
    });
    expect(s.conditions?.map((c) => c.type)).toEqual([
      'Ready',
      'Available',
      'Progressing',
      'Degraded',
      'Reconciling',
      'Stalled',
    ]);
    expect(condition(s, 'Reconciling')).toMatchObject({ status: 'False', reason: 'Ready' });
    expect(condition(s, 'Stalled')).toMatchObject({ status: 'False' });
    expect(condition(s, 'Ready')?.lastTransitionTime).toBe('2026-01-01T10:00:00Z');
  });

  it('is not Ready while no Deployment exists', () => {
    const s = statusOf(undefined);
    expect(condition(s, 'Ready')).toMatchObject({ status: 'False', reason: 'DeploymentNotFound' });
    expect(s.replicaSummary).toBeUndefined();
  });

  it('is not Ready, with the pod count, while pods start', () => {
    const s = statusOf(deployment({ ready: 1, available: 1 }));
    expect(condition(s, 'Ready')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
    expect(condition(s, 'Ready')?.message).toContain('1 of 2 pods are ready');
    expect(s.replicaSummary).toBe('1/2');
  });

  it('is Progressing (and not Ready) during a rollout, though still Available', () => {
    for (const dep of [
      deployment({ generation: 2, observed: 1 }),
      deployment({ updated: 1 }),
      deployment({ replicas: 3 }),
      deployment({ available: 1, ready: 2 }),
    ]) {
      const s = statusOf(dep);
      expect(condition(s, 'Progressing')).toMatchObject({ status: 'True', reason: 'RollingOut' });
      expect(condition(s, 'Ready')).toMatchObject({ status: 'False', reason: 'RollingOut' });
    }
  });

  it('is Degraded when the Deployment gave up or cannot create pods', () => {
    const stuck = statusOf(
      deployment({
        updated: 1,
        conditions: [{ type: 'Available', status: 'True' }, PAST_DEADLINE],
      }),
    );
    expect(condition(stuck, 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'ProgressDeadlineExceeded',
    });
    expect(condition(stuck, 'Ready')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    const failing = statusOf(
      deployment({
        ready: 0,
        conditions: [
          { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'forbidden' },
        ],
      }),
    );
    expect(condition(failing, 'Degraded')).toMatchObject({ status: 'True', reason: 'ReplicaFailure' });
    expect(condition(failing, 'Degraded')?.message).toContain('forbidden');
  });

  it('a reconcile failure makes it Degraded and not Ready while the pods keep serving', () => {
    const d = newStatus({ generation: 4, now: T0 });
    markDegraded(d, 'IngressClassNotFound', 'no IngressClass "nope"');
    observeDeployment(d, deployment({}));
    const s = finishStatus(d);
    expect(condition(s, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'IngressClassNotFound',
      message: 'no IngressClass "nope"',
    });
    expect(condition(s, 'Available')?.status).toBe('True');
    expect(s.readyReplicas).toBe(2);
  });

  it('the first degradation wins', () => {
    const d = newStatus({ generation: 1, now: T0 });
    markDegraded(d, 'ChildConflict', 'first');
    markDegraded(d, 'Other', 'second');
    expect(condition(finishStatus(d), 'Degraded')).toMatchObject({ reason: 'ChildConflict' });
  });

  it('keeps transition times of conditions whose status did not change, so recomputing is a no-op', () => {
    const first = statusOf(deployment({ ready: 1, available: 1 }));
    const again = statusOf(deployment({ ready: 1, available: 1 }), first, T1);
    expect(sameStatus(first, again)).toBe(true);
    const ready = statusOf(deployment({}), first, T1);
    expect(condition(ready, 'Ready')?.lastTransitionTime).toBe('2026-01-01T10:05:00Z');
    expect(condition(ready, 'Degraded')?.lastTransitionTime).toBe('2026-01-01T10:00:00Z');
    expect(sameStatus(first, ready)).toBe(false);
  });

  it('compares statuses regardless of key order', () => {
    const s = statusOf(deployment({}));
    const reordered = JSON.parse(JSON.stringify(s, Object.keys(s).reverse())) as HelloServiceStatus;
    const shuffled = {
      ...reordered,
      conditions: s.conditions?.map(({ type, ...rest }) => ({ ...rest, type })),
    };
    expect(sameStatus(s, shuffled)).toBe(true);
    expect(sameStatus(s, { ...s, readyReplicas: 1 })).toBe(false);
  });

  it('uses the Deployment spec.replicas an autoscaler set', () => {
    const s = statusOf(deployment({ wanted: 5, ready: 5 }));
    expect(s.replicaSummary).toBe('5/5');
  });
});

describe('the Monitoring condition', () => {
  it('is absent unless set (spec.monitoring off)', () => {
    const d = newStatus({ generation: 1, now: T0 });
    observeDeployment(d, deployment({}));
    expect(finishStatus(d).conditions?.map((c) => c.type)).toEqual([
      'Ready',
      'Available',
      'Progressing',
      'Degraded',
      'Reconciling',
      'Stalled',
    ]);
  });

  it('comes last, and a missing CRD does not make the HelloService un-Ready', () => {
    const d = newStatus({ generation: 1, now: T0 });
    observeDeployment(d, deployment({}));
    setInformational(d, 'Monitoring', false, 'ServiceMonitorCRDNotFound', 'no CRD');
    const status = finishStatus(d);
    expect(status.conditions?.map((c) => c.type)).toEqual([
      'Ready',
      'Available',
      'Progressing',
      'Degraded',
      'Reconciling',
      'Stalled',
      'Monitoring',
    ]);
    expect(condition(status, 'Monitoring')).toMatchObject({
      status: 'False',
      reason: 'ServiceMonitorCRDNotFound',
    });
    expect(condition(status, 'Ready')?.status).toBe('True');
  });

  it('keeps its transition time while its status stays the same', () => {
    const first = newStatus({ generation: 1, now: T0 });
    setInformational(first, 'Monitoring', true, 'ServiceMonitorApplied', 'ok');
    const before = finishStatus(first);
    const again = newStatus({ generation: 1, now: T1, previous: before });
    setInformational(again, 'Monitoring', true, 'ServiceMonitorApplied', 'ok');
    expect(condition(finishStatus(again), 'Monitoring')?.lastTransitionTime).toBe(
      condition(before, 'Monitoring')?.lastTransitionTime,
    );
  });
});

describe('pausedStatus', () => {
  const ready = (() => {
    const d = newStatus({ generation: 3, now: T0 });
    setSpecFields(d, { url: 'http://hello.ns.svc/', message: 'hi', selector: { app: 'hi' } });
    observeDeployment(d, deployment({ generation: 1, observed: 1 }));
    return finishStatus(d);
  })();

  it('keeps the last status as it was and adds Paused=True at the current generation', () => {
    const paused = pausedStatus(ready, 4, T1, 'Not reconciling.');
    expect({ ...paused, conditions: undefined }).toEqual({ ...ready, conditions: undefined });
    expect(paused.conditions?.slice(0, -1)).toEqual(ready.conditions);
    expect(condition(paused, 'Paused')).toEqual({
      type: 'Paused',
      status: 'True',
      observedGeneration: 4,
      lastTransitionTime: '2026-01-01T10:05:00Z',
      reason: 'PausedByAnnotation',
      message: 'Not reconciling.',
    });
    expect(paused.observedGeneration).toBe(ready.observedGeneration);
  });

  it('is the same status when computed again later (nothing to write), and works without a status', () => {
    const once = pausedStatus(ready, 4, T0, 'Not reconciling.');
    expect(sameStatus(pausedStatus(once, 4, T1, 'Not reconciling.'), once)).toBe(true);
    expect(pausedStatus(undefined, 1, T0, 'm').conditions?.map((c) => c.type)).toEqual(['Paused']);
  });

  it('is gone from the next status written after the pause', () => {
    const d = newStatus({ generation: 4, now: T1, previous: pausedStatus(ready, 4, T0, 'm') });
    observeDeployment(d, deployment({ generation: 1, observed: 1 }));
    expect(condition(finishStatus(d), 'Paused')).toBeUndefined();
  });
});

describe('Reconciling and Stalled (the kstatus convention)', () => {
  const kstatus = (s: HelloServiceStatus) =>
    condition(s, 'Stalled')?.status === 'True'
      ? 'Failed'
      : condition(s, 'Reconciling')?.status === 'True'
        ? 'InProgress'
        : 'Current';

  it('a rollout under way is Reconciling, with the reason Ready gives', () => {
    const s = statusOf(deployment({ updated: 1 }));
    expect(condition(s, 'Reconciling')).toMatchObject({ status: 'True', reason: 'RollingOut' });
    expect(kstatus(s)).toBe('InProgress');
  });

  it('pods not ready yet is Reconciling, not Stalled', () => {
    const s = statusOf(deployment({ ready: 0, available: 0 }));
    expect(condition(s, 'Reconciling')?.status).toBe('True');
    expect(condition(s, 'Stalled')?.status).toBe('False');
  });

  it('a rollout past its deadline is Stalled with its reason, and no longer Reconciling', () => {
    const s = statusOf(
      deployment({
        updated: 1,
        conditions: [PAST_DEADLINE],
      }),
    );
    expect(condition(s, 'Stalled')).toMatchObject({ status: 'True', reason: 'ProgressDeadlineExceeded' });
    expect(condition(s, 'Reconciling')).toMatchObject({ status: 'False', reason: 'Stalled' });
    expect(kstatus(s)).toBe('Failed');
  });

  it('a failure a person must fix is Stalled; one that passes with a retry keeps it Reconciling', () => {
    const stuck = newStatus({ generation: 1, now: T0 });
    markFailed(stuck, 'ChildConflict', 'someone else has it', true);
    observeDeployment(stuck, deployment({}));
    expect(kstatus(finishStatus(stuck))).toBe('Failed');
    expect(condition(finishStatus(stuck), 'Stalled')?.message).toBe('someone else has it');

    const passing = newStatus({ generation: 1, now: T0 });
    markFailed(passing, 'ServiceUnavailable', 'busy', false);
    observeDeployment(passing, deployment({}));
    const s = finishStatus(passing);
    expect(condition(s, 'Degraded')?.status).toBe('True');
    expect(condition(s, 'Reconciling')).toMatchObject({ status: 'True', reason: 'ServiceUnavailable' });
    expect(kstatus(s)).toBe('InProgress');
  });

  it('a reconcile failure wins over what the Deployment says', () => {
    const d = newStatus({ generation: 1, now: T0 });
    observeDeployment(
      d,
      deployment({
        conditions: [PAST_DEADLINE],
      }),
    );
    markFailed(d, 'InvalidSpec', 'bad', true);
    expect(condition(finishStatus(d), 'Degraded')?.reason).toBe('InvalidSpec');
  });
});

describe('revisions', () => {
  const rev = (name: string) => ({
    name,
    image: 'img:1',
    messageDigest: '0123456789abcdef',
    messagePreview: name,
  });
  const statusFor = (name: string, dep: DeploymentView, previous?: HelloServiceStatus, now = T0) => {
    const d = newStatus({ generation: 1, now, previous });
    setRevision(d, rev(name));
    observeDeployment(d, dep);
    return finishStatus(d);
  };
  const rolling = deployment({ updated: 1 });
  const stuck = deployment({
    updated: 1,
    conditions: [PAST_DEADLINE],
  });

  it('a new revision is created, not ready, while the previous one stays the ready one', () => {
    const a = statusFor('a', deployment({}));
    expect(a).toMatchObject({ latestCreatedRevision: 'a', latestReadyRevision: 'a' });
    const b = statusFor('b', rolling, a, T1);
    expect(b).toMatchObject({ latestCreatedRevision: 'b', latestReadyRevision: 'a' });
    expect(b.revisions?.map((r) => [r.name, r.ready, r.created])).toEqual([
      ['b', false, '2026-01-01T10:05:00Z'],
      ['a', true, '2026-01-01T10:00:00Z'],
    ]);
  });

  it('a stuck revision says why; the ready one keeps serving', () => {
    const a = statusFor('a', deployment({}));
    const b = statusFor('b', stuck, a, T1);
    expect(b.latestReadyRevision).toBe('a');
    expect(b.revisions?.[0]).toMatchObject({ name: 'b', ready: false, reason: 'ProgressDeadlineExceeded' });
  });

  it('keeps the newest few, the current first; going back to an earlier spec moves it first again', () => {
    let s: HelloServiceStatus | undefined;
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) s = statusFor(name, deployment({}), s);
    expect(s?.revisions?.map((r) => r.name)).toEqual(['f', 'e', 'd', 'c', 'b']);
    const back = statusFor('c', deployment({}), s, T1);
    expect(back.revisions?.map((r) => r.name)).toEqual(['c', 'f', 'e', 'd', 'b']);
    expect(back.revisions?.[0]?.created).toBe('2026-01-01T10:00:00Z');
  });

  it('a reconcile that applied nothing keeps what the status said', () => {
    const a = statusFor('a', deployment({}));
    const d = newStatus({ generation: 2, now: T1, previous: a });
    markFailed(d, 'IngressClassNotFound', 'no class', true);
    observeDeployment(d, deployment({}));
    const s = finishStatus(d);
    expect(s).toMatchObject({ latestCreatedRevision: 'a', latestReadyRevision: 'a' });
    expect(s.revisions).toEqual(a.revisions);
  });
});
