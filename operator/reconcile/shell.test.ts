// Table tests of the reconciler (shell + HelloService reconciler), in the style of Knative's
// TableTest: each row sets the scene in an in-memory cluster (fake-cluster-testing.ts), runs one
// reconcile, and lists every write and Event it expects, in order.
import { describe, expect, it } from 'vitest';
import { KIND } from '../api/schema.ts';
import type { HelloServiceSpec, HelloServiceStatus } from '../api/types.ts';
import type { ReconcileResult, Reconciler } from '../controller/index.ts';
import { errorReason } from '../controller/index.ts';
import type { KubeObject } from '../kube/rest.ts';
import { configMapName } from '../resources/configmap.ts';
import { hello, settings } from '../resources/fixtures.ts';
import { apiError, FakeCluster } from './fake-cluster-testing.ts';
import { createReconciler, PAUSED_ANNOTATION, RECONCILE_AT_ANNOTATION } from './shell.ts';
import { condition } from './status.ts';

type Spec = Partial<HelloServiceSpec> & Record<string, unknown>;
type Scene = (f: FakeCluster, reconcile: Reconciler) => Promise<void> | void;

const KEY = { key: 'demo/hello', namespace: 'demo', name: 'hello' };

async function reconcileOnce(reconcile: Reconciler, f: FakeCluster) {
  const controller = new AbortController();
  return reconcile(KEY, { log: f.logger.log, reconcileID: 'test', signal: controller.signal });
}

// --- scenes (functional options) ---

const helloService =
  (spec: Spec = {}, annotations?: Record<string, string>): Scene =>
  (f) => {
    f.helloService(spec, annotations);
  };

/** A HelloService whose children exist, pods ready, status written: the steady state. */
const reconciled =
  (spec: Spec = {}): Scene =>
  async (f, reconcile) => {
    f.helloService(spec);
    await reconcileOnce(reconcile, f);
    f.rollOut();
    await reconcileOnce(reconcile, f);
    f.clearRecords();
  };

const specChanged =
  (spec: Spec): Scene =>
  (f) =>
    f.edit(KIND, (hs) => {
      hs.spec = { message: 'Hello, world!', ...spec };
      hs.metadata = { ...hs.metadata, generation: (hs.metadata?.generation ?? 1) + 1 };
    });

const annotated =
  (annotations: Record<string, string>): Scene =>
  (f) =>
    f.edit(KIND, (hs) => {
      hs.metadata = { ...hs.metadata, annotations: { ...hs.metadata?.annotations, ...annotations } };
    });

const edited =
  (kind: string, change: (obj: KubeObject) => void): Scene =>
  (f) =>
    f.edit(kind, change);

/** An object of the child's name that someone else made. */
const foreign =
  (kind: string): Scene =>
  (f) => {
    f.put({
      apiVersion: 'v1',
      kind,
      metadata: { name: 'hello', namespace: 'demo', uid: 'theirs' },
      data: {},
    });
  };

const defaultIngressClass: Scene = (f) => {
  f.ingressClasses = [
    {
      metadata: { name: 'traefik', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } },
    },
  ];
};

const RPS_AUTOSCALING = {
  autoscaling: { maxReplicas: 3, targetRequestsPerSecond: 10 },
  monitoring: { enabled: true },
};

const crdInstalled =
  (kind: string): Scene =>
  (f) => {
    f.servedOptional.add(kind);
  };

const failing =
  (verb: string, kind: string, err: Error): Scene =>
  (f) => {
    f.failing = (v, k) => (v === verb && k === kind ? err : undefined);
  };

/** A new reconciler, as after a restart: nothing remembered. */
const RESTART = true;

// --- the table ---

type Row = {
  name: string;
  given: Scene[];
  restart?: boolean;
  writes: string[];
  events: string[];
  result?: ReconcileResult;
  /** The reason of the ReconcileError (or API error) the reconcile throws. */
  error?: string;
  /** Conditions of the status last computed: type → "Status/Reason". */
  conditions?: Record<string, string>;
};

const WAVE_0 = [
  'apply ServiceAccount',
  'apply ConfigMap',
  'apply Service',
  'apply PodDisruptionBudget',
  'apply NetworkPolicy',
];
/** The name of the ConfigMap of `message` (named by its content: resources/configmap.ts). */
const cm = (message = 'Hello, world!') => JSON.stringify(configMapName(hello({ message }), settings));
const CREATED_ALL = `Normal Created: Created ServiceAccount, Deployment, Service, PodDisruptionBudget and NetworkPolicy "hello" and ConfigMap ${cm()}.`;
const NEW_MESSAGE_EVENTS = [
  `Normal Created: Created ConfigMap ${cm('Bonjour')}.`,
  'Normal Updated: Updated Deployment "hello" to match the HelloService.',
];

const AUTO = { rollout: { autoRollback: true } };
/** Ready at the first message, then changed to Bonjour, applied: the rollout of Bonjour under way. */
const rollingToBonjour =
  (rollout: Spec['rollout'] = AUTO.rollout): Scene =>
  async (f, reconcile) => {
    await reconciled({ rollout })(f, reconcile);
    await specChanged({ message: 'Bonjour', rollout })(f, reconcile);
    await reconcileOnce(reconcile, f);
    f.replicaSetOfTemplate();
    f.clearRecords();
  };
const deadlinePassed: Scene = (f) => f.deadlinePassed();
const ROLLED_BACK_FOR = (why: string) =>
  `Warning RolledBack: Revision ${JSON.parse(cm('Bonjour'))} failed (${why}). spec.rollout.autoRollback ` +
  `rolled the pods back to revision ${JSON.parse(cm())}; ${JSON.parse(cm('Bonjour'))} is tried again when the spec changes.`;
const ROLLED_BACK_PDE = ROLLED_BACK_FOR(
  'ProgressDeadlineExceeded: its rollout made no progress in 600 s (ReplicaSet "hello-x" has timed out progressing.)',
);
/** Rolled back from Bonjour after its deadline passed, and the rollback's status written. */
const rolledBack: Scene = async (f, reconcile) => {
  await rollingToBonjour()(f, reconcile);
  f.deadlinePassed();
  await reconcileOnce(reconcile, f);
  f.rollOut();
  await reconcileOnce(reconcile, f);
  f.clearRecords();
};

/**
 * What a release before revisions left: one mutable ConfigMap named like the HelloService, read by
 * the pods of a ReplicaSet that has `replicas` of them (0: the upgrade's rollout is done).
 */
const legacyConfigMap =
  (replicas: number): Scene =>
  (f) => {
    const current = f.get('ConfigMap', JSON.parse(cm()) as string);
    const rs = [...f.objects.values()].find((o) => o.kind === 'ReplicaSet');
    if (!current || !rs) throw new Error('reconciled() first');
    const { immutable: _, ...mutable } = structuredClone(current) as KubeObject & { immutable?: boolean };
    f.put({ ...mutable, metadata: { ...mutable.metadata, name: 'hello' } });
    const old = JSON.parse(JSON.stringify(rs).replaceAll(JSON.parse(cm()) as string, 'hello')) as KubeObject;
    f.put({
      ...old,
      metadata: { ...old.metadata, name: 'hello-old' },
      spec: { ...(old.spec as object), replicas },
    });
  };

const rows: Row[] = [
  {
    name: "an old release's mutable ConfigMap goes once no pod reads it, though a kept ReplicaSet refers to it",
    given: [reconciled(), legacyConfigMap(0)],
    writes: ['delete ConfigMap'],
    events: [
      'Normal Pruned: Deleted ConfigMap "hello" of an earlier message: no ReplicaSet uses it any more.',
    ],
  },
  {
    name: "an old release's mutable ConfigMap stays while pods read it; looked at again in 30 s",
    given: [reconciled(), legacyConfigMap(1)],
    writes: [],
    events: [],
    result: { requeueAfterMs: 30_000 },
  },
  {
    name: 'autoRollback: the new revision passes its deadline → the Deployment goes back to the ready revision; Stalled with why',
    given: [rollingToBonjour(), deadlinePassed],
    writes: ['apply Deployment', 'status Ready=False/RolledBack'],
    events: [ROLLED_BACK_PDE, 'Normal Updated: Updated Deployment "hello" to match the HelloService.'],
    conditions: {
      Ready: 'False/RolledBack',
      Degraded: 'True/RolledBack',
      Stalled: 'True/RolledBack',
      Reconciling: 'False/Stalled',
    },
  },
  {
    name: "autoRollback: the new revision's pods crash-loop → rolled back before any deadline",
    given: [rollingToBonjour(), (f) => f.podOfTemplate(2)],
    writes: ['apply Deployment', 'status Ready=False/RolledBack'],
    events: [
      ROLLED_BACK_FOR(
        'CrashLoopBackOff: pod hello-pod* crash-loops (container hello restarted 2 times, last exit Error with code 1)',
      ).replace('hello-pod*', 'POD'),
      'Normal Updated: Updated Deployment "hello" to match the HelloService.',
    ],
    conditions: { Stalled: 'True/RolledBack' },
  },
  {
    name: 'autoRollback: one restart is not a crash loop; the rollout is looked at again in 10 s',
    given: [rollingToBonjour(), (f) => f.podOfTemplate(1)],
    writes: [],
    events: [],
    result: { requeueAfterMs: 10_000 },
    conditions: { Ready: 'False/RollingOut', Stalled: 'False/NotStalled' },
  },
  {
    name: 'without autoRollback: the deadline passes → Stalled, and the Deployment stays on the new revision',
    given: [rollingToBonjour({}), deadlinePassed],
    writes: ['status Ready=False/ProgressDeadlineExceeded'],
    events: [],
    conditions: { Stalled: 'True/ProgressDeadlineExceeded' },
  },
  {
    name: 'autoRollback with no ready revision before: nothing to roll back to, Stalled as without it',
    given: [
      helloService(AUTO),
      async (f, reconcile) => {
        await reconcileOnce(reconcile, f);
        f.replicaSetOfTemplate();
        f.deadlinePassed();
        f.clearRecords();
      },
    ],
    writes: ['status Ready=False/ProgressDeadlineExceeded'],
    events: [],
    conditions: { Stalled: 'True/ProgressDeadlineExceeded' },
  },
  {
    name: 'a rollback in force: nothing is written while the spec stays the same',
    given: [rolledBack],
    writes: [],
    events: [],
    conditions: { Ready: 'False/RolledBack', Stalled: 'True/RolledBack' },
  },
  {
    name: 'a rollback in force, after a restart: still nothing written (the status remembers it)',
    given: [rolledBack],
    restart: RESTART,
    writes: [],
    events: [],
    conditions: { Stalled: 'True/RolledBack' },
  },
  {
    name: 'a rollback in force, the spec changes: the new revision is tried',
    given: [rolledBack, specChanged({ message: 'Hola', ...AUTO })],
    writes: ['apply ConfigMap', 'apply Deployment', 'status Ready=False/RollingOut'],
    events: [
      `Normal Created: Created ConfigMap ${cm('Hola')}.`,
      'Normal Updated: Updated Deployment "hello" to match the HelloService.',
    ],
    result: { requeueAfterMs: 10_000 },
    conditions: { Stalled: 'False/NotStalled', Reconciling: 'True/RollingOut' },
  },

  {
    name: 'a new HelloService: every child applied, the Deployment after what its pods need; Reconciling at once',
    given: [helloService()],
    writes: [...WAVE_0, 'apply Deployment', 'status Ready=False/MinimumReplicasUnavailable'],
    events: [CREATED_ALL],
    conditions: {
      Ready: 'False/MinimumReplicasUnavailable',
      Progressing: 'True/RollingOut',
      Reconciling: 'True/MinimumReplicasUnavailable',
      Stalled: 'False/NotStalled',
    },
  },
  {
    name: 'steady state: no writes and no Events',
    given: [reconciled()],
    writes: [],
    events: [],
    conditions: { Ready: 'True/Ready' },
  },
  {
    name: 'steady state after a restart: still no writes (nothing remembered is needed)',
    given: [reconciled()],
    restart: RESTART,
    writes: [],
    events: [],
    conditions: { Ready: 'True/Ready' },
  },
  {
    name: 'the pods become ready: only the status is written, with a Ready Event',
    given: [
      helloService(),
      async (f, reconcile) => {
        await reconcileOnce(reconcile, f);
        f.rollOut();
        f.clearRecords();
      },
    ],
    writes: ['status Ready=True/Ready'],
    events: ['Normal Ready: Ready: 2/2 pods ready, at http://hello.demo.svc:80/.'],
  },
  {
    name: 'drift: a hand-edited Service is put back, and nothing else is written',
    given: [
      reconciled(),
      edited('Service', (svc) => {
        (svc.spec as { ports: { port: number }[] }).ports[0] = { port: 81 };
      }),
    ],
    writes: ['apply Service'],
    events: ['Normal Updated: Updated Service "hello" to match the HelloService.'],
    conditions: { Ready: 'True/Ready' },
  },
  {
    name: 'a new message: a new ConfigMap, the Deployment pointed at it; the old one stays for its ReplicaSet',
    given: [reconciled(), specChanged({ message: 'Bonjour' })],
    writes: ['apply ConfigMap', 'apply Deployment', 'status Ready=False/RollingOut'],
    events: NEW_MESSAGE_EVENTS,
  },
  {
    name: "an earlier message's ConfigMap goes once no ReplicaSet uses it",
    given: [
      reconciled(),
      specChanged({ message: 'Bonjour' }),
      async (f, reconcile) => {
        await reconcileOnce(reconcile, f);
        f.rollOut();
        // The Deployment controller drops the oldest ReplicaSet (revisionHistoryLimit).
        f.deleteReplicaSetsUsing(JSON.parse(cm()) as string);
        f.clearRecords();
      },
    ],
    writes: ['delete ConfigMap', 'status Ready=True/Ready'],
    events: [
      `Normal Pruned: Deleted ConfigMap ${cm()} of an earlier message: no ReplicaSet uses it any more.`,
      'Normal Ready: Ready: 2/2 pods ready, at http://hello.demo.svc:80/.',
    ],
  },
  {
    name: 'a cache that has not caught up with our last status write: compared with that write, not the stale status',
    given: [
      reconciled(),
      edited('Deployment', (dep) => Object.assign(dep.spec as object, { revisionHistoryLimit: 1 })),
      async (f, reconcile) => {
        const stale = structuredClone(f.get(KIND));
        await reconcileOnce(reconcile, f); // puts the Deployment back: Ready=False/RollingOut written
        if (stale) f.restore(stale); // the cache still shows the Ready status from before
        f.rollOut();
        f.clearRecords();
      },
    ],
    // Ready again is the same status the stale cache shows; the object holds RollingOut.
    writes: ['status Ready=True/Ready'],
    events: [],
    conditions: { Ready: 'True/Ready' },
  },
  {
    name: 'more earlier ConfigMaps in use than the Deployment keeps ReplicaSets: a look again in 30 s',
    given: [
      reconciled(),
      async (f, reconcile) => {
        for (let i = 1; i <= 6; i++) {
          await specChanged({ message: `m${i}` })(f, reconcile);
          await reconcileOnce(reconcile, f);
          f.rollOut();
        }
        await reconcileOnce(reconcile, f);
        f.clearRecords();
      },
    ],
    writes: [],
    events: [],
    result: { requeueAfterMs: 30_000 },
  },
  {
    name: 'a reconcile-at annotation forces every apply; none changes anything, so no Event',
    given: [reconciled(), annotated({ [RECONCILE_AT_ANNOTATION]: 'now' })],
    writes: [...WAVE_0, 'apply Deployment'],
    events: [],
  },
  {
    name: 'child conflict: nothing is applied; Ready=False with the reason, a Warning Event',
    given: [helloService(), foreign('ServiceAccount')],
    writes: ['status Ready=False/ChildConflict'],
    events: [
      'Warning ChildConflict: A ServiceAccount named "hello" already exists and it was not created by hello-operator; ' +
        'the operator does not take it over. Delete or rename it, or rename the HelloService.',
    ],
    error: 'ChildConflict',
    conditions: {
      Degraded: 'True/ChildConflict',
      Available: 'False/DeploymentNotFound',
      Stalled: 'True/ChildConflict',
      Reconciling: 'False/Stalled',
    },
  },
  {
    name: 'a spec that cannot work (no such IngressClass): running children untouched, the reason in the status',
    given: [reconciled(), specChanged({ ingress: { host: 'a.example', className: 'nope' } })],
    writes: ['status Ready=False/IngressClassNotFound'],
    events: [
      'Warning IngressClassNotFound: spec.ingress.className: there is no IngressClass "nope" ' +
        '(kubectl get ingressclass lists them); fix the name or install that ingress controller.',
    ],
    error: 'IngressClassNotFound',
    conditions: { Available: 'True/MinimumReplicasAvailable', Degraded: 'True/IngressClassNotFound' },
  },
  {
    name: 'an invalid spec (the API server would refuse it): nothing applied, InvalidSpec',
    given: [reconciled(), specChanged({ replicas: 0 })],
    writes: ['status Ready=False/InvalidSpec'],
    events: [
      'Warning InvalidSpec: The HelloService is invalid: spec.replicas: should be greater than or equal to 1, not 0',
    ],
    error: 'InvalidSpec',
  },
  {
    name: 'paused: a new message is not applied; Paused=True next to the last status',
    given: [reconciled(), specChanged({ message: 'Bonjour' }), annotated({ [PAUSED_ANNOTATION]: 'true' })],
    writes: ['status Ready=True/Ready'],
    events: [`Normal Paused: Not reconciling: the annotation ${PAUSED_ANNOTATION} is "true".`],
    conditions: { Ready: 'True/Ready', Paused: 'True/PausedByAnnotation' },
  },
  {
    name: 'monitoring without the ServiceMonitor CRD: everything else as usual, Monitoring=False, a look again in 60 s',
    given: [reconciled({ monitoring: { enabled: true } })],
    writes: [],
    events: [],
    result: { requeueAfterMs: 60_000 },
    conditions: { Ready: 'True/Ready', Monitoring: 'False/ServiceMonitorCRDNotFound' },
  },
  {
    name: 'monitoring with the CRD installed: the ServiceMonitor is applied like any child',
    given: [reconciled(), crdInstalled('ServiceMonitor'), specChanged({ monitoring: { enabled: true } })],
    writes: ['apply ServiceMonitor', 'status Ready=True/Ready'],
    events: ['Normal Created: Created ServiceMonitor "hello".'],
    conditions: { Ready: 'True/Ready', Monitoring: 'True/ServiceMonitorApplied' },
  },
  {
    name: 'requests-per-second autoscaling without the custom metric: Ready as usual, AutoscalingMetrics=False, a look again in 30 s',
    given: [crdInstalled('ServiceMonitor'), reconciled(RPS_AUTOSCALING)],
    writes: [],
    events: [],
    result: { requeueAfterMs: 30_000 },
    conditions: {
      Ready: 'True/Ready',
      Monitoring: 'True/ServiceMonitorApplied',
      AutoscalingMetrics: 'False/CustomMetricNotServed',
    },
  },
  {
    name: 'requests-per-second autoscaling with the custom metric served: AutoscalingMetrics=True, no recheck',
    given: [crdInstalled('ServiceMonitor'), crdInstalled('MetricValueList'), reconciled(RPS_AUTOSCALING)],
    writes: [],
    events: [],
    conditions: { Ready: 'True/Ready', AutoscalingMetrics: 'True/CustomMetricServed' },
  },
  {
    name: 'a ServiceMonitor of the same name that is not ours: a conflict like any child',
    given: [
      reconciled(),
      crdInstalled('ServiceMonitor'),
      foreign('ServiceMonitor'),
      specChanged({ monitoring: { enabled: true } }),
    ],
    writes: ['status Ready=False/ChildConflict'],
    events: [
      expect.stringMatching(
        /^Warning ChildConflict: A ServiceMonitor named "hello" already exists/,
      ) as unknown as string,
    ],
    error: 'ChildConflict',
  },
  {
    name: 'ingress and autoscaling switched off: those children are deleted; the Deployment already has the replicas the autoscaler left',
    given: [
      defaultIngressClass,
      reconciled({ ingress: { host: 'a.example' }, autoscaling: { maxReplicas: 3 } }),
      specChanged({}),
    ],
    writes: ['delete Ingress', 'delete HorizontalPodAutoscaler', 'status Ready=True/Ready'],
    events: [
      'Normal Deleted: Deleted Ingress and HorizontalPodAutoscaler "hello": the spec no longer asks for it.',
    ],
  },
  {
    name: 'monitoring switched off with the CRD installed: the ServiceMonitor is deleted',
    given: [crdInstalled('ServiceMonitor'), reconciled({ monitoring: { enabled: true } }), specChanged({})],
    writes: ['delete ServiceMonitor', 'status Ready=True/Ready'],
    events: ['Normal Deleted: Deleted ServiceMonitor "hello": the spec no longer asks for it.'],
  },
  {
    name: 'a failed apply: what was written is still reported, the failure goes into the status',
    given: [helloService(), failing('apply', 'Deployment', apiError(500, 'etcd is sad'))],
    writes: [...WAVE_0, 'apply Deployment', 'status Ready=False/InternalError'],
    events: [
      `Normal Created: Created ServiceAccount, Service, PodDisruptionBudget and NetworkPolicy "hello" and ConfigMap ${cm()}.`,
      'Warning InternalError: The API server refused a request (500): etcd is sad',
    ],
    error: 'InternalError',
    conditions: {
      Degraded: 'True/InternalError',
      Available: 'False/DeploymentNotFound',
      Stalled: 'False/NotStalled',
      Reconciling: 'True/InternalError',
    },
  },
  {
    name: 'a failed status write: one Warning Event, no second status write',
    given: [
      reconciled(),
      specChanged({ message: 'Bonjour' }),
      failing('status', KIND, apiError(503, 'try later')),
    ],
    writes: ['apply ConfigMap', 'apply Deployment', 'status Ready=False/RollingOut'],
    events: [
      ...NEW_MESSAGE_EVENTS,
      'Warning ServiceUnavailable: The API server refused a request (503): try later',
    ],
    error: 'ServiceUnavailable',
  },
  {
    name: 'gone: nothing written, its metrics forgotten',
    given: [],
    writes: [],
    events: [],
  },
];

describe('the reconciler (table)', () => {
  it.each(rows)('$name', async (row) => {
    const f = new FakeCluster();
    let reconcile = createReconciler(f.deps());
    for (const scene of row.given) await scene(f, reconcile);
    if (row.restart) reconcile = createReconciler(f.deps());

    let result: ReconcileResult | undefined;
    let error: unknown;
    try {
      result = await reconcileOnce(reconcile, f);
    } catch (err) {
      error = err;
    }

    expect(f.writes).toEqual(row.writes);
    // Pod names are made up by the scene: compared as POD.
    expect(f.events.map((e) => e.replace(/hello-pod\d+/g, 'POD'))).toEqual(row.events);
    if (row.error) {
      expect(error, 'the reconcile throws').toBeDefined();
      expect(errorReason(error)).toBe(row.error);
    } else {
      expect(error).toBeUndefined();
      expect(result).toEqual(row.result);
    }
    const last = f.statuses.at(-1);
    for (const [type, want] of Object.entries(row.conditions ?? {})) {
      const c = condition(last, type as Parameters<typeof condition>[1]);
      expect(`${c?.status}/${c?.reason}`, type).toBe(want);
    }
  });
});

describe('the reconciler, beyond one reconcile', () => {
  it('a rollback in force: the status names the failed revision, the one serving, and why', async () => {
    const f = new FakeCluster();
    const reconcile = createReconciler(f.deps());
    await rolledBack(f, reconcile);
    const [failed, serving] = [JSON.parse(cm('Bonjour')) as string, JSON.parse(cm()) as string];
    const status = f.get(KIND)?.status as HelloServiceStatus;
    expect(status.latestCreatedRevision).toBe(failed);
    expect(status.latestReadyRevision).toBe(serving);
    expect(status.rollback).toMatchObject({
      failedRevision: failed,
      revision: serving,
      observedGeneration: 2,
      reason: 'ProgressDeadlineExceeded',
    });
    expect(status.revisions?.map((r) => [r.name, r.ready, r.reason])).toEqual([
      [failed, false, 'ProgressDeadlineExceeded'],
      [serving, true, undefined],
    ]);
    // The pods are pointed at the ready revision's ConfigMap and image again.
    const dep = f.get('Deployment') as { spec: { template: { spec: { containers: KubeObject[] } } } };
    expect(JSON.stringify(dep.spec.template.spec.containers[0])).toContain(serving);
  });

  it('a deleted HelloService is told to the metrics as gone', async () => {
    const f = new FakeCluster();
    const reconcile = createReconciler(f.deps());
    await reconciled()(f, reconcile);
    f.objects.delete(`${KIND}/demo/hello`);
    await reconcileOnce(reconcile, f);
    expect(f.statuses).toEqual([undefined]);
  });

  it('the status written is what the cache shows next: the following reconcile writes nothing', async () => {
    const f = new FakeCluster();
    const reconcile = createReconciler(f.deps());
    await reconciled()(f, reconcile);
    await specChanged({ message: 'Bonjour' })(f, reconcile);
    await reconcileOnce(reconcile, f);
    f.rollOut();
    await reconcileOnce(reconcile, f);
    f.clearRecords();
    await reconcileOnce(reconcile, f);
    expect(f.writes).toEqual([]);
    const status = f.get(KIND)?.status as HelloServiceStatus;
    expect(status.messagePreview).toBe('Bonjour');
    expect(condition(status, 'Ready')?.status).toBe('True');
  });
});
