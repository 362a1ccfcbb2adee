// The operator on a real cluster: real API server, real controllers, real pods on the real node.
// The operator runs as its own process under its own ServiceAccount token bound to deploy/rbac.
// Scenarios follow issue 5; each polls with generous deadlines and asserts what a user observes.
// Each test makes its own HelloServices and deletes them when it finishes; the tests share the
// operator started first and the namespace it watches. A test that stops its operator, or counts
// everything an operator did, starts one of its own in namespaces of its own.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { type Fixture, setUp, setUpForTest } from './ha-fixture.ts';
import {
  eventually,
  helloService,
  kubectlFor,
  metric,
  must,
  type Obj,
  type RunningOperator,
  repoRoot,
  scrape,
  sleep,
} from './operator-process.ts';

// An IngressClass of our own: the operator only checks that it exists; no controller is needed to
// see the Ingress created and deleted.
const ingressClass = `ctl-${randomBytes(3).toString('hex')}`;

type Condition = { type: string; status: string; reason: string; message: string };
const cond = (hs: Obj | undefined, type: string) =>
  (hs?.status?.conditions as Condition[] | undefined)?.find((c) => c.type === type);

/** An Event (events.k8s.io/v1), as far as the tests read it. */
type KubeEvent = {
  type: string;
  reason: string;
  note: string;
  regarding: { kind: string; name: string };
  reportingController: string;
  series?: { count: number };
};

/** One operator process and the namespace it watches, with what the tests do there. */
function operatorUnderTest(f: Fixture, op: RunningOperator) {
  const { kubectl, ns } = f;
  const get = (kind: string, name: string): Obj | undefined => f.get(kind, name);
  const metrics = () => scrape(op.metricsAddress);
  const reconciles = async () => metric(await metrics(), 'controller_runtime_reconcile_total');
  /** `kubectl delete ARGS` in the namespace once the running test has finished, passed or failed. */
  const deleteWhenDone = (args: string[], input?: string) =>
    onTestFinished(() => {
      kubectl(['delete', '-n', ns, '--ignore-not-found', ...args], input);
    });
  return {
    f,
    op,
    kubectl,
    ns,
    get,
    configMap: (name: string) => f.configMap(name),
    list: (kind: string, selector: string): Obj[] => f.list(kind, selector),
    events: (): KubeEvent[] =>
      (
        JSON.parse(must(kubectl, ['get', 'events.events.k8s.io', '-n', ns, '-o', 'json'])) as {
          items: KubeEvent[];
        }
      ).items,
    metrics,
    writes: async () => metric(await metrics(), 'hello_operator_api_writes_total'),
    reconciles,
    deleteWhenDone,
    /** Applies `helloService(name, spec)`; it is deleted when the test finishes. */
    create(name: string, spec: Record<string, unknown> = {}) {
      deleteWhenDone(['hs', name]);
      must(kubectl, ['apply', '-n', ns, '-f', '-'], JSON.stringify(helloService(name, spec)));
    },
    readyHs: (name: string) =>
      eventually(`HelloService ${name} Ready`, () => {
        const hs = get('hs', name);
        return cond(hs, 'Ready')?.status === 'True' &&
          hs?.status?.observedGeneration === hs?.metadata.generation
          ? hs
          : undefined;
      }),
    /** Asks for a reconcile and waits until one more reconcile has finished. */
    async forceReconcile(name: string) {
      const before = await reconciles();
      must(kubectl, [
        'annotate',
        'hs',
        name,
        '-n',
        ns,
        `hello.operators.dev/reconcile-at=${Date.now()}`,
        '--overwrite',
      ]);
      await eventually('a reconcile after reconcile-at', async () => (await reconciles()) > before);
    },
    patchHs: (name: string, patch: unknown, type = 'merge') =>
      must(kubectl, ['patch', 'hs', name, '-n', ns, '--type', type, '-p', JSON.stringify(patch)]),
  };
}
type OperatorUnderTest = ReturnType<typeof operatorUnderTest>;

/** HelloService `name` beside someone else's ServiceAccount of the same name: Ready=False, ChildConflict. */
async function conflicting(o: OperatorUnderTest, name: string): Promise<Obj> {
  o.deleteWhenDone(['serviceaccount', name]);
  must(o.kubectl, ['create', 'serviceaccount', name, '-n', o.ns]);
  must(o.kubectl, ['label', 'serviceaccount', name, '-n', o.ns, 'owner=someone-else']);
  o.create(name, { message: 'mine?' });
  return eventually('Ready=False with ChildConflict', () => {
    const hs = o.get('hs', name);
    return cond(hs, 'Ready')?.reason === 'ChildConflict' ? hs : undefined;
  });
}

describe('hello-operator on a real cluster', () => {
  // The harness's cluster (test/global-setup.ts: started, reused, or HELLO_KUBECONFIG).
  const adminPath = inject('kubeconfig');
  const kubectl = kubectlFor(adminPath);
  let fixture: Fixture | undefined;
  let shared: OperatorUnderTest;

  /** An operator of the running test's own, watching a namespace of its own. */
  const ownOperator = async (prefix: string) => {
    const f = await setUpForTest(adminPath, prefix);
    return operatorUnderTest(f, await f.start(['--log-level=debug']));
  };

  beforeAll(async () => {
    must(
      kubectl,
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'IngressClass',
        metadata: { name: ingressClass, labels: { 'hello-operator.test': 'true' } },
        spec: { controller: 'hello-operator.test/none' },
      }),
    );
    fixture = await setUp(adminPath, 'ctl');
    shared = operatorUnderTest(fixture, await fixture.start(['--log-level=debug']));
  });

  afterAll(async () => {
    // A clean stop; the fixture shows the operator's last logs if it exits otherwise.
    await shared?.op.stop();
    await fixture?.teardown();
    kubectl(['delete', 'ingressclass', ingressClass, '--ignore-not-found']);
  });

  it('examples/hello.yaml: children with owner references, pods Ready, Ready=True, printer columns', async () => {
    const { ns, get, list } = shared;
    const started = Date.now();
    shared.deleteWhenDone(['hs', 'hello']);
    must(kubectl, ['apply', '-n', ns, '-f', join(repoRoot, 'examples', 'hello.yaml')]);
    const hs = await shared.readyHs('hello');
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(`[measure] examples/hello.yaml Ready after ${seconds.toFixed(1)} s\n`);
    for (const kind of [
      'serviceaccount',
      'configmap',
      'deployment',
      'service',
      'poddisruptionbudget',
      'networkpolicy',
    ]) {
      // The ConfigMap is the revision's, named by its content; the others share the name.
      const child = kind === 'configmap' ? shared.configMap('hello') : get(kind, 'hello');
      expect(child, kind).toBeDefined();
      expect(child?.metadata.ownerReferences).toEqual([
        expect.objectContaining({
          kind: 'HelloService',
          name: 'hello',
          uid: hs.metadata.uid,
          controller: true,
        }),
      ]);
    }
    const pods = list('pods', 'app.kubernetes.io/instance=hello');
    const ready = pods.filter((p) =>
      ((p.status?.conditions ?? []) as { type: string; status: string }[]).some(
        (c) => c.type === 'Ready' && c.status === 'True',
      ),
    );
    expect(ready.length).toBe(2);
    expect(must(kubectl, ['wait', '--for=condition=Ready', 'hs/hello', '-n', ns, '--timeout=60s'])).toContain(
      'condition met',
    );
    const table = must(kubectl, ['get', 'hs', 'hello', '-n', ns]);
    const [header, row] = table.trim().split('\n');
    expect(header).toMatch(/NAME\s+READY\s+REPLICAS\s+URL\s+MESSAGE\s+AGE/);
    expect(row).toMatch(
      new RegExp(`hello\\s+True\\s+2/2\\s+http://hello\\.${ns}\\.svc(:80)?/\\s+Hello, world!`),
    );
    expect(hs.status).toMatchObject({
      replicas: 2,
      readyReplicas: 2,
      observedGeneration: hs.metadata.generation,
    });
    for (const type of ['Available', 'Progressing', 'Degraded']) expect(cond(hs, type), type).toBeDefined();
    expect(cond(hs, 'Degraded')?.status).toBe('False');
    // Events on the HelloService say what was created, and when it became Ready.
    const events = await eventually('Created and Ready Events', () => {
      const mine = shared
        .events()
        .filter((e) => e.regarding.kind === 'HelloService' && e.regarding.name === 'hello');
      return mine.some((e) => e.reason === 'Created') && mine.some((e) => e.reason === 'Ready')
        ? mine
        : undefined;
    });
    expect(events.every((e) => e.reportingController === 'hello.operators.dev/hello-operator')).toBe(true);
    // One Event for every child created (an Event is an API write), the kinds in a fixed order.
    expect(events.filter((e) => e.reason === 'Created').map((e) => e.note)).toEqual([
      `Created ServiceAccount, Deployment, Service, PodDisruptionBudget and NetworkPolicy "hello" and ConfigMap ${JSON.stringify(shared.configMap('hello')?.metadata.name)}.`,
    ]);
  });

  it('steady state: no writes at all, and a forced reconcile changes nothing', async () => {
    // An operator of its own: "no writes" counts every write of the process.
    const o = await ownOperator('steady');
    o.create('steady');
    await o.readyHs('steady');
    // Settled: the write counter stops moving once the pods are Ready.
    await eventually(
      'the write counter to settle',
      async () => {
        const a = await o.writes();
        await sleep(5000);
        return (await o.writes()) === a ? true : undefined;
      },
      120_000,
      0,
    );
    const before = await o.writes();
    process.stderr.write(
      `[measure] API writes for one HelloService (a message only) until settled: ${before}\n`,
    );
    // Longer than client-node's 30 s watch reconnect: a reconnect must not cause writes.
    await sleep(35_000);
    const quiet = (await o.writes()) - before;
    process.stderr.write(`[measure] API writes over 35 s of steady state: ${quiet}\n`);
    expect(quiet).toBe(0);

    const kinds = [
      'serviceaccount',
      'configmap',
      'deployment',
      'service',
      'poddisruptionbudget',
      'networkpolicy',
    ];
    const versions = kinds.map((k) => o.get(k, 'steady')?.metadata.resourceVersion);
    const hsVersion = o.get('hs', 'steady')?.metadata.resourceVersion;
    const m0 = await o.metrics();
    await o.forceReconcile('steady');
    const m1 = await o.metrics();
    // Every child was applied again (no local diff)...
    expect(
      metric(m1, 'hello_operator_api_writes_total', { verb: 'apply' }) -
        metric(m0, 'hello_operator_api_writes_total', { verb: 'apply' }),
    ).toBe(kinds.length);
    // ...and none of them changed: a no-op apply keeps the resourceVersion. No status write either.
    expect(kinds.map((k) => o.get(k, 'steady')?.metadata.resourceVersion)).toEqual(versions);
    expect(
      metric(m1, 'hello_operator_api_writes_total', { kind: 'HelloService/status' }) -
        metric(m0, 'hello_operator_api_writes_total', { kind: 'HelloService/status' }),
    ).toBe(0);
    // The annotation itself is the only change of the HelloService.
    expect(o.get('hs', 'steady')?.metadata.resourceVersion).not.toBe(hsVersion);
  });

  it('a new message: ConfigMap, hash annotation, new ReplicaSet, observedGeneration', async () => {
    const { get, list } = shared;
    shared.create('new-message');
    await shared.readyHs('new-message');
    const before = get('deployment', 'new-message');
    const hashBefore = before?.spec?.template.metadata.annotations['hello.operators.dev/config-hash'];
    const configMapBefore = shared.configMap('new-message');
    expect(configMapBefore?.immutable).toBe(true);
    shared.patchHs('new-message', { spec: { message: 'Hello again!' } });
    const generation = get('hs', 'new-message')?.metadata.generation;
    await eventually('the ConfigMap to hold the new message', () =>
      shared.configMap('new-message')?.data?.MESSAGES === 'Hello again!' ? true : undefined,
    );
    const after = get('deployment', 'new-message');
    const hashAfter = after?.spec?.template.metadata.annotations['hello.operators.dev/config-hash'];
    expect(hashAfter).toBeDefined();
    expect(hashAfter).not.toBe(hashBefore);
    const hs = await shared.readyHs('new-message');
    expect(hs.status?.observedGeneration).toBe(generation);
    expect(hs.status?.messagePreview).toBe('Hello again!');
    const sets = list('replicasets', 'app.kubernetes.io/instance=new-message');
    expect(sets.length).toBeGreaterThanOrEqual(2);
    const current = sets.find(
      (rs) => rs.spec?.template.metadata.annotations['hello.operators.dev/config-hash'] === hashAfter,
    );
    expect(current?.status?.readyReplicas).toBe(2);
    expect(sets.filter((rs) => rs !== current).every((rs) => (rs.spec?.replicas ?? 0) === 0)).toBe(true);
    // The earlier message's ConfigMap stays, unchanged, for the ReplicaSet that still refers to it.
    const kept = get('configmap', configMapBefore?.metadata.name ?? '');
    expect(kept?.data?.MESSAGES).toBe('Hello from new-message');
    expect(kept?.metadata.resourceVersion).toBe(configMapBefore?.metadata.resourceVersion);
    expect(shared.configMap('new-message')?.metadata.name).not.toBe(configMapBefore?.metadata.name);
  });

  it('drift: a deleted child and a hand-edited owned field are put back', async () => {
    const { ns, get } = shared;
    const message = 'Hello from drift';
    shared.create('drift', { message });
    await shared.readyHs('drift');
    const service = get('service', 'drift');
    let t0 = Date.now();
    must(kubectl, ['delete', 'service', 'drift', '-n', ns]);
    const restored = await eventually('the Service to be re-created', () => {
      const s = get('service', 'drift');
      return s && s.metadata.uid !== service?.metadata.uid ? s : undefined;
    });
    process.stderr.write(
      `[measure] deleted Service re-created after ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    expect(restored.metadata.ownerReferences?.[0]?.name).toBe('drift');
    t0 = Date.now();

    // A message's ConfigMap is immutable: the API server itself refuses a hand edit.
    const edit = kubectl([
      'patch',
      'configmap',
      shared.configMap('drift')?.metadata.name ?? 'drift',
      '-n',
      ns,
      '--type',
      'merge',
      '-p',
      JSON.stringify({ data: { MESSAGES: 'edited by hand' } }),
    ]);
    expect(edit.status).not.toBe(0);
    expect(edit.stderr).toMatch(/field is immutable/);
    must(kubectl, [
      'patch',
      'deployment',
      'drift',
      '-n',
      ns,
      '--type',
      'merge',
      '-p',
      '{"spec":{"revisionHistoryLimit":1}}',
    ]);
    await eventually('the Deployment to be restored', () =>
      shared.configMap('drift')?.data?.MESSAGES === message &&
      get('deployment', 'drift')?.spec?.revisionHistoryLimit === 5
        ? true
        : undefined,
    );
    process.stderr.write(`[measure] hand edits undone after ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    await shared.readyHs('drift');
  });

  it('replicas set by the HorizontalPodAutoscaler are not fought', async () => {
    const { get } = shared;
    shared.create('scaled', { message: 'scaled', autoscaling: { minReplicas: 2, maxReplicas: 4 } });
    await shared.readyHs('scaled');
    expect(get('hpa', 'scaled')?.spec?.minReplicas).toBe(2);
    // The HPA enforces its new minimum by scaling the Deployment itself.
    shared.patchHs('scaled', { spec: { autoscaling: { minReplicas: 3 } } });
    await eventually('the HPA to scale the Deployment to 3', () =>
      get('deployment', 'scaled')?.spec?.replicas === 3 ? true : undefined,
    );
    await shared.forceReconcile('scaled');
    await shared.forceReconcile('scaled');
    expect(get('deployment', 'scaled')?.spec?.replicas).toBe(3);
    const hs = await shared.readyHs('scaled');
    expect(hs.status?.replicaSummary).toBe('3/3');
  });

  it('autoscaling or ingress switched off: that child is deleted', async () => {
    const { get } = shared;
    // Scaled to 3 by its autoscaler, so that switching it off to 2 replicas changes the Deployment.
    shared.create('switched', { autoscaling: { minReplicas: 3, maxReplicas: 4 } });
    await eventually('the HPA to scale the Deployment to 3', () =>
      get('deployment', 'switched')?.spec?.replicas === 3 ? true : undefined,
    );
    await shared.readyHs('switched');
    const hpa = get('hpa', 'switched');
    expect(hpa).toBeDefined();
    shared.patchHs('switched', { spec: { autoscaling: null, replicas: 2 } });
    await eventually('the HPA to be deleted', () => (get('hpa', 'switched') ? undefined : true));
    await eventually('the Deployment back at 2 replicas', () =>
      get('deployment', 'switched')?.spec?.replicas === 2 ? true : undefined,
    );
    await shared.readyHs('switched');

    // And on again: the autoscaler takes over at the current 2 replicas without the Deployment
    // changing at all (server-side apply would otherwise drop the field and default it to 1).
    const generation = get('deployment', 'switched')?.metadata.generation;
    shared.patchHs('switched', { spec: { replicas: null, autoscaling: { minReplicas: 2, maxReplicas: 4 } } });
    await eventually('the HPA to be created again', () => get('hpa', 'switched'));
    await shared.forceReconcile('switched');
    expect(get('deployment', 'switched')?.metadata.generation).toBe(generation);
    expect(get('deployment', 'switched')?.spec?.replicas).toBe(2);
    shared.patchHs('switched', { spec: { autoscaling: null, replicas: 2 } });
    await eventually('the HPA to be deleted again', () => (get('hpa', 'switched') ? undefined : true));

    const className = ingressClass;
    shared.patchHs('switched', { spec: { ingress: { host: 'hello.example.test', className } } });
    await eventually('the Ingress to be created', () => get('ingress', 'switched'));
    const withIngress = await shared.readyHs('switched');
    expect(withIngress.status?.url).toBe('http://hello.example.test/');
    shared.patchHs('switched', { spec: { ingress: null } });
    await eventually('the Ingress to be deleted', () => (get('ingress', 'switched') ? undefined : true));
    expect((await shared.readyHs('switched')).status?.url).toMatch(/^http:\/\/switched\./);
  });

  it('a spec that cannot work: Ready=False with a reason, children untouched; fixed: Ready again', async () => {
    const { get } = shared;
    const message = 'Hello from unworkable';
    shared.create('unworkable', { message });
    await shared.readyHs('unworkable');
    const deployment = get('deployment', 'unworkable');
    const configMap = shared.configMap('unworkable');
    shared.patchHs('unworkable', {
      spec: { message: 'never applied', ingress: { host: 'hello.example.test', className: 'no-such-class' } },
    });
    const broken = await eventually('Ready=False with IngressClassNotFound', () => {
      const hs = get('hs', 'unworkable');
      return cond(hs, 'Ready')?.reason === 'IngressClassNotFound' ? hs : undefined;
    });
    expect(cond(broken, 'Ready')).toMatchObject({ status: 'False' });
    expect(cond(broken, 'Ready')?.message).toContain('no-such-class');
    expect(cond(broken, 'Degraded')).toMatchObject({ status: 'True', reason: 'IngressClassNotFound' });
    // The running service is left alone: same ConfigMap, same Deployment spec, pods still ready.
    expect(shared.configMap('unworkable')?.metadata.resourceVersion).toBe(
      configMap?.metadata.resourceVersion,
    );
    expect(shared.configMap('unworkable')?.data?.MESSAGES).toBe(message);
    expect(get('deployment', 'unworkable')?.metadata.generation).toBe(deployment?.metadata.generation);
    expect(get('ingress', 'unworkable')).toBeUndefined();
    expect(cond(broken, 'Available')?.status).toBe('True');
    const warning = await eventually('a Warning Event', () =>
      shared.events().find((e) => e.type === 'Warning' && e.reason === 'IngressClassNotFound'),
    );
    expect(warning.regarding.name).toBe('unworkable');

    shared.patchHs('unworkable', { spec: { ingress: null } });
    const fixed = await shared.readyHs('unworkable');
    expect(shared.configMap('unworkable')?.data?.MESSAGES).toBe('never applied');
    expect(cond(fixed, 'Degraded')?.status).toBe('False');
  });

  it('an object of a child name the HelloService does not own is not taken over', async () => {
    const { get } = shared;
    const hs = await conflicting(shared, 'taken');
    expect(cond(hs, 'Ready')?.message).toContain('ServiceAccount');
    expect(get('serviceaccount', 'taken')?.metadata.labels).toEqual({ owner: 'someone-else' });
    expect(get('serviceaccount', 'taken')?.metadata.ownerReferences).toBeUndefined();
    expect(get('deployment', 'taken')).toBeUndefined();
  });

  it('children rendered by `npm run render` and applied by hand are adopted', async () => {
    const { ns, get } = shared;
    const hs = helloService('rendered', { message: 'rendered first' });
    const rendered = spawnSync(process.execPath, [join(repoRoot, 'operator', 'render-cli.ts'), '-'], {
      input: JSON.stringify(hs),
      encoding: 'utf8',
    });
    expect(rendered.status).toBe(0);
    // Not owned until adopted: removed by name if the test stops before that.
    shared.deleteWhenDone(['-f', '-'], rendered.stdout);
    must(kubectl, ['apply', '--server-side', '-n', ns, '-f', '-'], rendered.stdout);
    expect(shared.configMap('rendered')?.metadata.ownerReferences).toBeUndefined();
    shared.create('rendered', hs.spec);
    const ready = await shared.readyHs('rendered');
    expect(shared.configMap('rendered')?.metadata.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'HelloService',
        name: 'rendered',
        uid: ready.metadata.uid,
        controller: true,
      }),
    ]);
    must(kubectl, ['delete', 'hs', 'rendered', '-n', ns]);
    await eventually('the adopted children to be garbage collected', () =>
      get('deployment', 'rendered') || shared.configMap('rendered') ? undefined : true,
    );
  });

  it('paused: changes wait until unpaused', async () => {
    const { ns, get } = shared;
    const message = 'Hello from paused';
    shared.create('paused', { message });
    await shared.readyHs('paused');
    must(kubectl, ['annotate', 'hs', 'paused', '-n', ns, 'hello.operators.dev/paused=true']);
    const before = await shared.reconciles();
    shared.patchHs('paused', { spec: { message: 'after the pause' } });
    // The operator saw the change (a reconcile ran) and applied nothing.
    await eventually('a reconcile while paused', async () => (await shared.reconciles()) > before);
    await eventually('the Paused Event', () =>
      shared.events().find((e) => e.reason === 'Paused' && e.regarding.name === 'paused'),
    );
    expect(shared.configMap('paused')?.data?.MESSAGES).toBe(message);
    // The status says so, at the generation that waits, and keeps the last observed generation.
    const paused = await eventually('the Paused condition', () => {
      const hs = get('hs', 'paused');
      return cond(hs, 'Paused')?.status === 'True' ? hs : undefined;
    });
    expect(cond(paused, 'Paused')?.reason).toBe('PausedByAnnotation');
    expect(paused?.status?.observedGeneration).toBeLessThan(paused?.metadata.generation ?? 0);
    must(kubectl, ['annotate', 'hs', 'paused', '-n', ns, 'hello.operators.dev/paused-']);
    await eventually('the message applied after unpausing', () =>
      shared.configMap('paused')?.data?.MESSAGES === 'after the pause' ? true : undefined,
    );
    expect(cond(await shared.readyHs('paused'), 'Paused')).toBeUndefined();
  });

  it('deleting the HelloService garbage-collects its children', async () => {
    const { ns, get } = shared;
    shared.create('collected');
    shared.create('collected-scaled', { autoscaling: { minReplicas: 2, maxReplicas: 4 } });
    await shared.readyHs('collected');
    await shared.readyHs('collected-scaled');
    expect(get('deployment', 'collected')).toBeDefined();
    expect(get('deployment', 'collected-scaled')).toBeDefined();
    must(kubectl, ['delete', 'hs', 'collected', 'collected-scaled', '-n', ns, '--wait=true']);
    await eventually(
      'the children to be garbage collected',
      () => {
        const left = must(kubectl, [
          'get',
          'serviceaccount,configmap,deployment,service,ingress,hpa,pdb,networkpolicy,replicaset',
          '-n',
          ns,
          '-l',
          'app.kubernetes.io/managed-by=hello-operator',
          '-o',
          'name',
        ]).trim();
        return left === '' ? true : undefined;
      },
      240_000,
    );
  });

  it('metrics: reconciles by result, durations, queue depth, API writes, leadership', async () => {
    // An operator of its own, so that the counts are what this test made it do: a HelloService
    // that fails, and one whose autoscaler is switched off twice and its Ingress once.
    const o = await ownOperator('metrics');
    await conflicting(o, 'conflict');
    const autoscaling = { minReplicas: 1, maxReplicas: 2 };
    o.create('metered', {
      autoscaling,
      ingress: { host: 'metered.example.test', className: ingressClass },
    });
    await o.readyHs('metered');
    o.patchHs('metered', { spec: { autoscaling: null, ingress: null } });
    await eventually('the HPA and the Ingress to be deleted', () =>
      o.get('hpa', 'metered') || o.get('ingress', 'metered') ? undefined : true,
    );
    o.patchHs('metered', { spec: { autoscaling } });
    await eventually('the HPA to be created again', () => o.get('hpa', 'metered'));
    o.patchHs('metered', { spec: { autoscaling: null } });
    await eventually('the HPA to be deleted again', () => (o.get('hpa', 'metered') ? undefined : true));
    await o.readyHs('metered');

    const m = await o.metrics();
    const c = { controller: 'helloservice' };
    expect(metric(m, 'controller_runtime_reconcile_total', { ...c, result: 'success' })).toBeGreaterThan(0);
    expect(metric(m, 'controller_runtime_reconcile_total', { ...c, result: 'error' })).toBeGreaterThan(0);
    expect(metric(m, 'controller_runtime_reconcile_errors_total', c)).toBeGreaterThan(0);
    expect(metric(m, 'controller_runtime_reconcile_time_seconds_count', c)).toBeGreaterThan(0);
    expect(m.has('workqueue_depth{name="helloservice",controller="helloservice"}')).toBe(true);
    expect(metric(m, 'workqueue_adds_total', c)).toBeGreaterThan(0);
    expect(
      metric(m, 'hello_operator_api_writes_total', { kind: 'Deployment', verb: 'apply' }),
    ).toBeGreaterThan(0);
    expect(metric(m, 'hello_operator_api_writes_total', { kind: 'HelloService/status' })).toBeGreaterThan(0);
    expect(
      metric(m, 'hello_operator_api_writes_total', { kind: 'HorizontalPodAutoscaler', verb: 'delete' }),
    ).toBe(2);
    expect(metric(m, 'hello_operator_api_writes_total', { kind: 'Ingress', verb: 'delete' })).toBe(1);
    expect(metric(m, 'leader_election_master_status')).toBe(1);
    const lease = JSON.parse(
      must(kubectl, ['get', 'lease', o.f.leaseName, '-n', o.f.opNs, '-o', 'json']),
    ) as { spec: { holderIdentity: string } };
    expect(lease.spec.holderIdentity).not.toBe('');
    expect(o.op.logs.some((l) => l.includes('"became leader"'))).toBe(true);
    process.stderr.write(
      `[measure] reconciles: ${['success', 'error', 'requeue_after', 'requeue']
        .map((r) => `${r}=${metric(m, 'controller_runtime_reconcile_total', { ...c, result: r })}`)
        .join(' ')}; API writes: ${metric(m, 'hello_operator_api_writes_total')}\n`,
    );
  });

  it('SIGTERM: a clean exit that releases the Lease', async () => {
    // An operator of its own: the others keep theirs running.
    const o = await ownOperator('sigterm');
    await conflicting(o, 'taken');
    // The same failure again and again: one Event with a growing series, not one Event each.
    for (let i = 0; i < 3; i++) await o.forceReconcile('taken');
    expect(await o.op.stop()).toBe(0);
    const lease = JSON.parse(
      must(kubectl, ['get', 'lease', o.f.leaseName, '-n', o.f.opNs, '-o', 'json']),
    ) as { spec: { holderIdentity?: string } };
    expect(lease.spec.holderIdentity ?? '').toBe('');
    // Stopping flushed the Event series: the repeated ChildConflict above is one Event, counted.
    const conflicts = o.events().filter((e) => e.reason === 'ChildConflict' && e.regarding.name === 'taken');
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]?.series?.count).toBeGreaterThanOrEqual(4);
  });
});
