// The operator on a real cluster: real API server, real controllers, real pods on the real node.
// The operator runs as its own process under its own ServiceAccount token bound to deploy/rbac.
// Scenarios follow issue 5; each polls with generous deadlines and asserts what a user observes.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  applyHelloService,
  eventually,
  getObject,
  installCrd,
  type Kubectl,
  kubectlFor,
  metric,
  must,
  NS_PREFIX,
  type Obj,
  type RunningOperator,
  rbacManifests,
  repoRoot,
  scrape,
  sleep,
  startOperator,
  tempDir,
  tokenKubeconfig,
  workloadImage,
} from './operator-process.ts';

const suffix = randomBytes(3).toString('hex');
const opNs = `${NS_PREFIX}ctl-op-${suffix}`;
const ns = `${NS_PREFIX}ctl-hs-${suffix}`;
// An IngressClass of our own: the operator only checks that it exists; no controller is needed to
// see the Ingress created and deleted.
const ingressClass = `ctl-${suffix}`;

describe('hello-operator on a real cluster', () => {
  // The harness's cluster (test/global-setup.ts: started, reused, or HELLO_KUBECONFIG).
  const adminPath = inject('kubeconfig');
  const kubectl: Kubectl = kubectlFor(adminPath);
  const admin = new k8s.KubeConfig();
  admin.loadFromFile(adminPath);
  const core = admin.makeApiClient(k8s.CoreV1Api);
  const dir = tempDir();
  let op: RunningOperator;

  const get = (kind: string, name: string, namespace = ns): Obj | undefined =>
    getObject(kubectl, kind, name, namespace);
  const list = (kind: string, selector: string): Obj[] =>
    (JSON.parse(must(kubectl, ['get', kind, '-n', ns, '-l', selector, '-o', 'json'])) as { items: Obj[] })
      .items;
  const cond = (hs: Obj | undefined, type: string) =>
    (
      hs?.status?.conditions as
        | { type: string; status: string; reason: string; message: string }[]
        | undefined
    )?.find((c) => c.type === type);
  const readyHs = (name: string) =>
    eventually(`HelloService ${name} Ready`, () => {
      const hs = get('hs', name);
      return cond(hs, 'Ready')?.status === 'True' &&
        hs?.status?.observedGeneration === hs?.metadata.generation
        ? hs
        : undefined;
    });
  const metrics = () => scrape(op.metricsAddress);
  const writes = async () => metric(await metrics(), 'hello_operator_api_writes_total');
  const reconciles = async () => metric(await metrics(), 'controller_runtime_reconcile_total');
  /** Asks for a reconcile and waits until one more reconcile has finished. */
  const forceReconcile = async (name: string) => {
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
  };
  const patchHs = (name: string, patch: unknown, type = 'merge') =>
    must(kubectl, ['patch', 'hs', name, '-n', ns, '--type', type, '-p', JSON.stringify(patch)]);

  beforeAll(async () => {
    installCrd(kubectl);
    must(kubectl, ['create', 'namespace', opNs]);
    must(kubectl, ['create', 'namespace', ns]);
    must(kubectl, ['label', 'namespace', opNs, ns, 'hello-operator.test=true']);
    must(kubectl, ['apply', '-n', opNs, '-f', '-'], rbacManifests(opNs, suffix));
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
    const tr = await core.createNamespacedServiceAccountToken({
      name: 'hello-operator',
      namespace: opNs,
      body: { spec: { audiences: [], expirationSeconds: 3600 } },
    });
    const token = tr.status?.token;
    if (!token) throw new Error('no token issued');
    const kubeconfig = tokenKubeconfig(admin, token, dir.path);
    op = await startOperator(kubeconfig, [
      `--watch-namespaces=${ns}`,
      `--leader-election-namespace=${opNs}`,
      `--workload-image=${workloadImage}`,
      '--log-level=debug',
    ]);
  });

  afterAll(async () => {
    const code = op?.process.exitCode ?? (await op?.stop());
    if (code !== 0 && op) process.stderr.write(`operator exit ${code}\n${op.logs.slice(-50).join('\n')}\n`);
    kubectl(['delete', 'namespace', ns, '--wait=false']);
    kubectl(['delete', 'namespace', opNs, '--wait=false']);
    kubectl(['delete', 'ingressclass', ingressClass, '--ignore-not-found']);
    kubectl([
      'delete',
      'clusterrole,clusterrolebinding',
      `hello-operator-manager-${suffix}`,
      '--ignore-not-found',
    ]);
    dir.remove();
  });

  it('1. examples/hello.yaml: children with owner references, pods Ready, Ready=True, printer columns', async () => {
    const started = Date.now();
    must(kubectl, ['apply', '-n', ns, '-f', join(repoRoot, 'examples', 'hello.yaml')]);
    const hs = await readyHs('hello');
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
      const child = get(kind, 'hello');
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
      const list = JSON.parse(must(kubectl, ['get', 'events.events.k8s.io', '-n', ns, '-o', 'json'])) as {
        items: {
          reason: string;
          note: string;
          regarding: { kind: string; name: string };
          reportingController: string;
        }[];
      };
      const mine = list.items.filter(
        (e) => e.regarding.kind === 'HelloService' && e.regarding.name === 'hello',
      );
      return mine.some((e) => e.reason === 'Created') && mine.some((e) => e.reason === 'Ready')
        ? mine
        : undefined;
    });
    expect(events.every((e) => e.reportingController === 'hello.operators.dev/hello-operator')).toBe(true);
    // One Event for every child created (an Event is an API write), the kinds in a fixed order.
    expect(events.filter((e) => e.reason === 'Created').map((e) => e.note)).toEqual([
      'Created ServiceAccount, ConfigMap, Deployment, Service, PodDisruptionBudget and NetworkPolicy "hello".',
    ]);
  });

  it('steady state: no writes at all, and a forced reconcile changes nothing', async () => {
    // Settled: the write counter stops moving once the pods are Ready.
    await eventually(
      'the write counter to settle',
      async () => {
        const a = await writes();
        await sleep(5000);
        return (await writes()) === a ? true : undefined;
      },
      120_000,
      0,
    );
    const before = await writes();
    const perHelloService = before;
    process.stderr.write(`[measure] API writes for examples/hello.yaml until settled: ${perHelloService}\n`);
    // Longer than client-node's 30 s watch reconnect: a reconnect must not cause writes.
    await sleep(35_000);
    const quiet = (await writes()) - before;
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
    const versions = kinds.map((k) => get(k, 'hello')?.metadata.resourceVersion);
    const hsVersion = get('hs', 'hello')?.metadata.resourceVersion;
    const m0 = await metrics();
    await forceReconcile('hello');
    const m1 = await metrics();
    // Every child was applied again (no local diff)...
    expect(
      metric(m1, 'hello_operator_api_writes_total', { verb: 'apply' }) -
        metric(m0, 'hello_operator_api_writes_total', { verb: 'apply' }),
    ).toBe(kinds.length);
    // ...and none of them changed: a no-op apply keeps the resourceVersion. No status write either.
    expect(kinds.map((k) => get(k, 'hello')?.metadata.resourceVersion)).toEqual(versions);
    expect(
      metric(m1, 'hello_operator_api_writes_total', { kind: 'HelloService/status' }) -
        metric(m0, 'hello_operator_api_writes_total', { kind: 'HelloService/status' }),
    ).toBe(0);
    // The annotation itself is the only change of the HelloService.
    expect(get('hs', 'hello')?.metadata.resourceVersion).not.toBe(hsVersion);
  });

  it('2. a new message: ConfigMap, hash annotation, new ReplicaSet, observedGeneration', async () => {
    const before = get('deployment', 'hello');
    const hashBefore = before?.spec?.template.metadata.annotations['hello.operators.dev/config-hash'];
    patchHs('hello', { spec: { message: 'Hello again!' } });
    const generation = get('hs', 'hello')?.metadata.generation;
    await eventually('the ConfigMap to hold the new message', () =>
      get('configmap', 'hello')?.data?.MESSAGES === 'Hello again!' ? true : undefined,
    );
    const after = get('deployment', 'hello');
    const hashAfter = after?.spec?.template.metadata.annotations['hello.operators.dev/config-hash'];
    expect(hashAfter).toBeDefined();
    expect(hashAfter).not.toBe(hashBefore);
    const hs = await readyHs('hello');
    expect(hs.status?.observedGeneration).toBe(generation);
    expect(hs.status?.messagePreview).toBe('Hello again!');
    const sets = list('replicasets', 'app.kubernetes.io/instance=hello');
    expect(sets.length).toBeGreaterThanOrEqual(2);
    const current = sets.find(
      (rs) => rs.spec?.template.metadata.annotations['hello.operators.dev/config-hash'] === hashAfter,
    );
    expect(current?.status?.readyReplicas).toBe(2);
    expect(sets.filter((rs) => rs !== current).every((rs) => (rs.spec?.replicas ?? 0) === 0)).toBe(true);
  });

  it('3. drift: a deleted child and a hand-edited owned field are put back', async () => {
    const service = get('service', 'hello');
    let t0 = Date.now();
    must(kubectl, ['delete', 'service', 'hello', '-n', ns]);
    const restored = await eventually('the Service to be re-created', () => {
      const s = get('service', 'hello');
      return s && s.metadata.uid !== service?.metadata.uid ? s : undefined;
    });
    process.stderr.write(
      `[measure] deleted Service re-created after ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    expect(restored.metadata.ownerReferences?.[0]?.name).toBe('hello');
    t0 = Date.now();

    must(kubectl, [
      'patch',
      'configmap',
      'hello',
      '-n',
      ns,
      '--type',
      'merge',
      '-p',
      JSON.stringify({ data: { MESSAGES: 'edited by hand' } }),
    ]);
    must(kubectl, [
      'patch',
      'deployment',
      'hello',
      '-n',
      ns,
      '--type',
      'merge',
      '-p',
      '{"spec":{"revisionHistoryLimit":1}}',
    ]);
    await eventually('the ConfigMap and the Deployment to be restored', () =>
      get('configmap', 'hello')?.data?.MESSAGES === 'Hello again!' &&
      get('deployment', 'hello')?.spec?.revisionHistoryLimit === 5
        ? true
        : undefined,
    );
    process.stderr.write(`[measure] hand edits undone after ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    await readyHs('hello');
  });

  it('3b. replicas set by the HorizontalPodAutoscaler are not fought', async () => {
    applyHelloService(kubectl, ns, 'scaled', {
      message: 'scaled',
      autoscaling: { minReplicas: 2, maxReplicas: 4 },
    });
    await readyHs('scaled');
    expect(get('hpa', 'scaled')?.spec?.minReplicas).toBe(2);
    // The HPA enforces its new minimum by scaling the Deployment itself.
    patchHs('scaled', { spec: { autoscaling: { minReplicas: 3 } } });
    await eventually('the HPA to scale the Deployment to 3', () =>
      get('deployment', 'scaled')?.spec?.replicas === 3 ? true : undefined,
    );
    await forceReconcile('scaled');
    await forceReconcile('scaled');
    expect(get('deployment', 'scaled')?.spec?.replicas).toBe(3);
    const hs = await readyHs('scaled');
    expect(hs.status?.replicaSummary).toBe('3/3');
  });

  it('4. autoscaling or ingress switched off: that child is deleted', async () => {
    const hpa = get('hpa', 'scaled');
    expect(hpa).toBeDefined();
    patchHs('scaled', { spec: { autoscaling: null, replicas: 2 } });
    await eventually('the HPA to be deleted', () => (get('hpa', 'scaled') ? undefined : true));
    await eventually('the Deployment back at 2 replicas', () =>
      get('deployment', 'scaled')?.spec?.replicas === 2 ? true : undefined,
    );
    await readyHs('scaled');

    // And on again: the autoscaler takes over at the current 2 replicas without the Deployment
    // changing at all (server-side apply would otherwise drop the field and default it to 1).
    const generation = get('deployment', 'scaled')?.metadata.generation;
    patchHs('scaled', { spec: { replicas: null, autoscaling: { minReplicas: 2, maxReplicas: 4 } } });
    await eventually('the HPA to be created again', () => get('hpa', 'scaled'));
    await forceReconcile('scaled');
    expect(get('deployment', 'scaled')?.metadata.generation).toBe(generation);
    expect(get('deployment', 'scaled')?.spec?.replicas).toBe(2);
    patchHs('scaled', { spec: { autoscaling: null, replicas: 2 } });
    await eventually('the HPA to be deleted again', () => (get('hpa', 'scaled') ? undefined : true));

    const className = ingressClass;
    patchHs('hello', { spec: { ingress: { host: 'hello.example.test', className } } });
    await eventually('the Ingress to be created', () => get('ingress', 'hello'));
    const withIngress = await readyHs('hello');
    expect(withIngress.status?.url).toBe('http://hello.example.test/');
    patchHs('hello', { spec: { ingress: null } });
    await eventually('the Ingress to be deleted', () => (get('ingress', 'hello') ? undefined : true));
    expect((await readyHs('hello')).status?.url).toMatch(/^http:\/\/hello\./);
  });

  it('6. a spec that cannot work: Ready=False with a reason, children untouched; fixed: Ready again', async () => {
    const deployment = get('deployment', 'hello');
    const configMap = get('configmap', 'hello');
    patchHs('hello', {
      spec: { message: 'never applied', ingress: { host: 'hello.example.test', className: 'no-such-class' } },
    });
    const broken = await eventually('Ready=False with IngressClassNotFound', () => {
      const hs = get('hs', 'hello');
      return cond(hs, 'Ready')?.reason === 'IngressClassNotFound' ? hs : undefined;
    });
    expect(cond(broken, 'Ready')).toMatchObject({ status: 'False' });
    expect(cond(broken, 'Ready')?.message).toContain('no-such-class');
    expect(cond(broken, 'Degraded')).toMatchObject({ status: 'True', reason: 'IngressClassNotFound' });
    // The running service is left alone: same ConfigMap, same Deployment spec, pods still ready.
    expect(get('configmap', 'hello')?.metadata.resourceVersion).toBe(configMap?.metadata.resourceVersion);
    expect(get('configmap', 'hello')?.data?.MESSAGES).toBe('Hello again!');
    expect(get('deployment', 'hello')?.metadata.generation).toBe(deployment?.metadata.generation);
    expect(get('ingress', 'hello')).toBeUndefined();
    expect(cond(broken, 'Available')?.status).toBe('True');
    const warning = await eventually('a Warning Event', () => {
      const events = JSON.parse(must(kubectl, ['get', 'events.events.k8s.io', '-n', ns, '-o', 'json'])) as {
        items: { type: string; reason: string; regarding: { name: string } }[];
      };
      return events.items.find((e) => e.type === 'Warning' && e.reason === 'IngressClassNotFound');
    });
    expect(warning.regarding.name).toBe('hello');

    patchHs('hello', { spec: { ingress: null } });
    const fixed = await readyHs('hello');
    expect(get('configmap', 'hello')?.data?.MESSAGES).toBe('never applied');
    expect(cond(fixed, 'Degraded')?.status).toBe('False');
  });

  it('6b. an object of a child name the HelloService does not own is not taken over', async () => {
    must(kubectl, ['create', 'configmap', 'taken', '-n', ns, '--from-literal=owner=someone-else']);
    applyHelloService(kubectl, ns, 'taken', { message: 'mine?' });
    const hs = await eventually('Ready=False with ChildConflict', () => {
      const h = get('hs', 'taken');
      return cond(h, 'Ready')?.reason === 'ChildConflict' ? h : undefined;
    });
    expect(cond(hs, 'Ready')?.message).toContain('ConfigMap');
    expect(get('configmap', 'taken')?.data).toEqual({ owner: 'someone-else' });
    expect(get('deployment', 'taken')).toBeUndefined();
    // The same failure again and again: one Event with a growing series, not one Event each.
    for (let i = 0; i < 3; i++) await forceReconcile('taken');
    must(kubectl, ['delete', 'hs', 'taken', '-n', ns]);
  });

  it('6c. children rendered by `npm run render` and applied by hand are adopted', async () => {
    const hs = {
      apiVersion: 'hello.operators.dev/v1alpha1',
      kind: 'HelloService',
      metadata: { name: 'rendered' },
      spec: { message: 'rendered first' },
    };
    const rendered = spawnSync(process.execPath, [join(repoRoot, 'operator', 'render-cli.ts'), '-'], {
      input: JSON.stringify(hs),
      encoding: 'utf8',
    });
    expect(rendered.status).toBe(0);
    must(kubectl, ['apply', '--server-side', '-n', ns, '-f', '-'], rendered.stdout);
    expect(get('configmap', 'rendered')?.metadata.ownerReferences).toBeUndefined();
    must(kubectl, ['apply', '-n', ns, '-f', '-'], JSON.stringify(hs));
    const ready = await readyHs('rendered');
    expect(get('configmap', 'rendered')?.metadata.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'HelloService',
        name: 'rendered',
        uid: ready.metadata.uid,
        controller: true,
      }),
    ]);
    must(kubectl, ['delete', 'hs', 'rendered', '-n', ns]);
    await eventually('the adopted children to be garbage collected', () =>
      get('deployment', 'rendered') || get('configmap', 'rendered') ? undefined : true,
    );
  });

  it('7. paused: changes wait until unpaused', async () => {
    must(kubectl, ['annotate', 'hs', 'hello', '-n', ns, 'hello.operators.dev/paused=true']);
    const before = await reconciles();
    patchHs('hello', { spec: { message: 'after the pause' } });
    // The operator saw the change (a reconcile ran) and applied nothing.
    await eventually('a reconcile while paused', async () => (await reconciles()) > before);
    await eventually('the Paused Event', () => {
      const events = JSON.parse(must(kubectl, ['get', 'events.events.k8s.io', '-n', ns, '-o', 'json'])) as {
        items: { reason: string; regarding: { name: string } }[];
      };
      return events.items.find((e) => e.reason === 'Paused' && e.regarding.name === 'hello');
    });
    expect(get('configmap', 'hello')?.data?.MESSAGES).toBe('never applied');
    // The status says so, at the generation that waits, and keeps the last observed generation.
    const paused = await eventually('the Paused condition', () => {
      const hs = get('hs', 'hello');
      return cond(hs, 'Paused')?.status === 'True' ? hs : undefined;
    });
    expect(cond(paused, 'Paused')?.reason).toBe('PausedByAnnotation');
    expect(paused?.status?.observedGeneration).toBeLessThan(paused?.metadata.generation ?? 0);
    must(kubectl, ['annotate', 'hs', 'hello', '-n', ns, 'hello.operators.dev/paused-']);
    await eventually('the message applied after unpausing', () =>
      get('configmap', 'hello')?.data?.MESSAGES === 'after the pause' ? true : undefined,
    );
    expect(cond(await readyHs('hello'), 'Paused')).toBeUndefined();
  });

  it('5. deleting the HelloService garbage-collects its children', async () => {
    expect(get('deployment', 'hello')).toBeDefined();
    expect(get('deployment', 'scaled')).toBeDefined();
    must(kubectl, ['delete', 'hs', 'hello', 'scaled', '-n', ns, '--wait=true']);
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

  it('8. metrics: reconciles by result, durations, queue depth, API writes, leadership', async () => {
    const m = await metrics();
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
    const lease = JSON.parse(must(kubectl, ['get', 'lease', 'hello-operator', '-n', opNs, '-o', 'json'])) as {
      spec: { holderIdentity: string };
    };
    expect(lease.spec.holderIdentity).not.toBe('');
    expect(op.logs.some((l) => l.includes('"became leader"'))).toBe(true);
    process.stderr.write(
      `[measure] reconciles: ${['success', 'error', 'requeue_after', 'requeue']
        .map((r) => `${r}=${metric(m, 'controller_runtime_reconcile_total', { ...c, result: r })}`)
        .join(' ')}; API writes: ${metric(m, 'hello_operator_api_writes_total')}\n`,
    );
  });

  it('9. SIGTERM: a clean exit that releases the Lease', async () => {
    expect(await op.stop()).toBe(0);
    const lease = JSON.parse(must(kubectl, ['get', 'lease', 'hello-operator', '-n', opNs, '-o', 'json'])) as {
      spec: { holderIdentity?: string };
    };
    expect(lease.spec.holderIdentity ?? '').toBe('');
    // Stopping flushed the Event series: the repeated ChildConflict of 6b is one Event, counted.
    const events = JSON.parse(must(kubectl, ['get', 'events.events.k8s.io', '-n', ns, '-o', 'json'])) as {
      items: { reason: string; regarding: { name: string }; series?: { count: number } }[];
    };
    const conflicts = events.items.filter(
      (e) => e.reason === 'ChildConflict' && e.regarding.name === 'taken',
    );
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]?.series?.count).toBeGreaterThanOrEqual(4);
  });
});
