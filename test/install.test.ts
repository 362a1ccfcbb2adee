// The three install paths on the real node, as users run them (docs/install.md):
//
// 1. install.yaml (`kubectl apply --server-side -f`), 2. the kustomize base through an overlay
//    (`kubectl apply --server-side -k`), 3. the Helm chart: each installs the operator, which
//    reconciles a HelloService until it is Ready and serves its message.
// 4. `helm upgrade` from the previous chart version replaces the operator's pods while a HelloService
//    keeps serving: no failed request, and its pods are neither replaced nor restarted.
// 5. `helm uninstall` leaves the CRD and the HelloService, still serving.
//
// On the shared cluster each install is confined: its own namespace (ship-…), its own names for the
// cluster-scoped objects (a release name, a namePrefix), and WATCH_NAMESPACES set to its own
// application namespace, so it never meets another operator. The CRD is this commit's, applied the
// way every cluster test applies it, and never deleted. Images: localhost/hello-operator:dev and
// localhost/hello-workload:dev, loaded into the node by `npm run images` (HELLO_OPERATOR_IMAGE and
// HELLO_WORKLOAD_IMAGE name others).
//
// The previous chart version: until a release exists to download, it is this chart packaged under a
// lower version number; the upgrade then changes the operator's pod template (the chart label), so
// the operator's pods are replaced as in any upgrade.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { CHART_DIR, INSTALL_PATH } from '../deploy/install.ts';
import { tool } from './cluster/cli.ts';
import { createNamespace, deleteNamespace, eventually, httpGet, kubeConfig } from './cluster/kube.ts';
import { repoRoot } from './cluster/paths.ts';
import { confinement } from './e2e/in-cluster-operator.ts';
import { httpsGet, installCrd, kubectlFor, scraperToken } from './operator/operator-process.ts';

const kubeconfig = inject('kubeconfig');
const core = kubeConfig(kubeconfig).makeApiClient(k8s.CoreV1Api);
const operatorImage = process.env.HELLO_OPERATOR_IMAGE ?? 'localhost/hello-operator:dev';
const workloadImage = process.env.HELLO_WORKLOAD_IMAGE ?? 'localhost/hello-workload:dev';
const [imageRepository, imageTag] = operatorImage.split(/:(?=[^:/]+$)/) as [string, string];

/** kubectl, asynchronous (a load runs beside it), that must succeed. */
async function kubectl(args: string[], input = ''): Promise<string> {
  const r = await tool(kubeconfig, 'kubectl', args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.code}\n${r.stderr}`);
  return r.stdout;
}
async function helm(args: string[]): Promise<string> {
  const r = await tool(kubeconfig, 'helm', args);
  if (r.code !== 0) throw new Error(`helm ${args.join(' ')}: ${r.code}\n${r.stderr}`);
  return r.stdout;
}
const suffix = () => Math.random().toString(36).slice(2, 7);

const helloService = (name: string, message: string) =>
  stringify({
    apiVersion: 'hello.operators.dev/v1alpha1',
    kind: 'HelloService',
    metadata: { name },
    spec: { message, replicas: 2 },
  });

/** Waits until the HelloService is Ready and its Service answers with the message; returns the
 * Service's ClusterIP (reachable from this machine on the real node). */
async function expectServing(namespace: string, name: string, message: string): Promise<string> {
  await kubectl(['wait', '-n', namespace, '--for=condition=Ready', `hs/${name}`, '--timeout=240s']);
  const clusterIP = (
    await kubectl(['get', 'svc', '-n', namespace, name, '-o', 'jsonpath={.spec.clusterIP}'])
  ).trim();
  const body = await eventually(`GET / of ${namespace}/${name}`, async () => {
    const r = await httpGet(`${clusterIP}:80`, '/');
    return r.status === 200 ? r.body.toString('utf8') : undefined;
  });
  expect(body).toBe(message);
  return clusterIP;
}

type PodState = { name: string; uid: string; restarts: number };
async function workloadPods(namespace: string, name: string): Promise<PodState[]> {
  const list = JSON.parse(
    await kubectl(['get', 'pods', '-n', namespace, '-l', `app.kubernetes.io/instance=${name}`, '-o', 'json']),
  ) as {
    items: {
      metadata: { name: string; uid: string };
      status: { containerStatuses?: { restartCount: number }[] };
    }[];
  };
  return list.items
    .map((p) => ({
      name: p.metadata.name,
      uid: p.metadata.uid,
      restarts: (p.status.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Deletes what an install left: the application namespace first (its HelloServices and children),
 * then the operator's namespace and cluster-scoped objects. */
async function cleanUp(appNs: string, opNs: string, clusterObjects: string[]) {
  if (appNs) await deleteNamespace(core, appNs);
  if (opNs) await deleteNamespace(core, opNs);
  for (const o of clusterObjects) await tool(kubeconfig, 'kubectl', ['delete', '--ignore-not-found', o]);
}

beforeAll(async () => {
  installCrd(kubectlFor(kubeconfig));
});

describe('install.yaml', () => {
  let opNs = '';
  let appNs = '';
  const clusterObjects: string[] = [];
  afterAll(() => cleanUp(appNs, opNs, clusterObjects));

  it('installs the operator, which reconciles a HelloService until it serves', async () => {
    appNs = await createNamespace(core, 'ship-app');
    opNs = `ship-yaml-${suffix()}`;
    // install.yaml as a user confining it would change it: namespace, cluster-scoped names, images,
    // the namespace to watch. Everything else is applied as shipped, the CRD included.
    const manager = `${opNs}-manager`;
    const metricsReader = `${opNs}-metrics-reader`;
    clusterObjects.push(
      `clusterrole/${manager}`,
      `clusterrolebinding/${manager}`,
      `clusterrole/${metricsReader}`,
    );
    const docs = parseAllDocuments(readFileSync(join(repoRoot, INSTALL_PATH), 'utf8')).map(
      // biome-ignore lint/suspicious/noExplicitAny: objects of many kinds, edited field by field
      (d) => d.toJS() as any,
    );
    expect(docs.map((d) => d.kind)).toContain('CustomResourceDefinition');
    for (const d of docs) {
      if (d.kind === 'Namespace') d.metadata.name = opNs;
      if (d.metadata.namespace) d.metadata.namespace = opNs;
      for (const s of d.subjects ?? []) s.namespace = opNs;
      if (d.metadata.name === 'hello-operator-manager') d.metadata.name = manager;
      if (d.metadata.name === 'hello-operator-metrics-reader') d.metadata.name = metricsReader;
      if (d.roleRef?.name === 'hello-operator-manager') d.roleRef.name = manager;
      if (d.kind === 'Deployment') {
        const c = d.spec.template.spec.containers[0];
        c.image = operatorImage;
        c.imagePullPolicy = 'Never';
        c.env.push(
          { name: 'WATCH_NAMESPACES', value: appNs },
          { name: 'WORKLOAD_IMAGE', value: workloadImage },
        );
      }
    }
    await kubectl(['apply', '--server-side', '-f', '-'], docs.map((d) => `---\n${stringify(d)}`).join(''));
    await kubectl(['rollout', 'status', '-n', opNs, 'deployment/hello-operator', '--timeout=180s']);
    await kubectl(['apply', '-n', appNs, '-f', '-'], helloService('hello', 'Hello from install.yaml'));
    await expectServing(appNs, 'hello', 'Hello from install.yaml');
  });
});

describe('the kustomize base', () => {
  let opNs = '';
  let appNs = '';
  let dir = '';
  const clusterObjects: string[] = [];
  afterAll(async () => {
    await cleanUp(appNs, opNs, clusterObjects);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('installs through an overlay (namespace, namePrefix, images) and reconciles a HelloService', async () => {
    appNs = await createNamespace(core, 'ship-app');
    opNs = `ship-kust-${suffix()}`;
    clusterObjects.push(
      `clusterrole/${opNs}-hello-operator-manager`,
      `clusterrolebinding/${opNs}-hello-operator-manager`,
      `clusterrole/${opNs}-hello-operator-metrics-reader`,
    );
    // An overlay as a user writes one, in a folder of its own that refers to deploy/.
    dir = mkdtempSync(join(tmpdir(), 'hello-overlay-'));
    const [repo, tag] = [imageRepository, imageTag];
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      stringify({
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        namespace: opNs,
        namePrefix: `${opNs}-`,
        resources: [relative(dir, join(repoRoot, 'deploy'))],
        images: [{ name: 'ghcr.io/hello-operator/hello-operator', newName: repo, newTag: tag }],
        patches: [confinement(appNs, workloadImage)],
      }),
    );
    await kubectl(['apply', '--server-side', '-k', dir]);
    await kubectl(['rollout', 'status', '-n', opNs, `deployment/${opNs}-hello-operator`, '--timeout=180s']);
    await kubectl(['apply', '-n', appNs, '-f', '-'], helloService('hello', 'Hello from kustomize'));
    await expectServing(appNs, 'hello', 'Hello from kustomize');
  });
});

describe('the Helm chart', () => {
  const release = `ship-helm-${suffix()}`;
  const opNs = release;
  // The chart names its objects (and the Lease) `<release>-hello-operator`.
  const fullname = `${release}-hello-operator`;
  let appNs = '';
  let dir = '';
  let installed = false;
  let clusterIP = '';
  const message = 'Hello from Helm';
  const version = (readFileSync(join(repoRoot, CHART_DIR, 'Chart.yaml'), 'utf8').match(/^version: (\S+)$/m) ??
    [])[1];
  const values = () => [
    '--namespace',
    opNs,
    '--set',
    `image.repository=${imageRepository}`,
    '--set',
    `image.tag=${imageTag}`,
    '--set',
    'image.pullPolicy=Never',
    '--set',
    `workloadImage=${workloadImage}`,
    '--set-json',
    `watchNamespaces=["${appNs}"]`,
  ];
  /** The chart packaged at `v`: what a chart repository would serve for that version. */
  const packaged = async (v: string) => {
    await helm(['package', join(repoRoot, CHART_DIR), '--version', v, '--destination', dir]);
    return join(dir, `hello-operator-${v}.tgz`);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hello-charts-'));
    appNs = await createNamespace(core, 'ship-app');
  });
  afterAll(async () => {
    if (installed) await tool(kubeconfig, 'helm', ['uninstall', release, '--namespace', opNs, '--wait']);
    await cleanUp(appNs, opNs, [`clusterrolebinding/${release}-scraper`]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('installs the previous chart version, whose operator reconciles a HelloService until it serves', async () => {
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    const previous = await packaged(`${version}-previous`);
    await helm([
      'install',
      release,
      previous,
      '--create-namespace',
      '--wait',
      '--timeout',
      '4m',
      ...values(),
    ]);
    installed = true;
    await kubectl(['apply', '-n', appNs, '-f', '-'], helloService('hello', message));
    clusterIP = await expectServing(appNs, 'hello', message);
  });

  it('helm upgrade replaces the operator while the HelloService keeps serving, its pods untouched', async () => {
    expect(clusterIP).not.toBe('');
    const before = await workloadPods(appNs, 'hello');
    expect(before).toHaveLength(2);
    const generation = await kubectl([
      'get',
      'deploy',
      '-n',
      appNs,
      'hello',
      '-o',
      'jsonpath={.metadata.generation}',
    ]);
    const operatorPods = async () =>
      (
        await kubectl([
          'get',
          'pods',
          '-n',
          opNs,
          '-l',
          'app.kubernetes.io/component=controller',
          '-o',
          'name',
        ])
      )
        .split('\n')
        .filter(Boolean)
        .sort();
    const oldOperators = await operatorPods();
    // /metrics answers only tokens allowed to get it: a ServiceAccount bound to the release's
    // metrics-reader ClusterRole, as a Prometheus would be (made before the load starts: kubectlFor blocks).
    const token = scraperToken(
      kubectlFor(kubeconfig),
      opNs,
      `${release}-scraper`,
      `${fullname}-metrics-reader`,
    );

    // A steady trickle of requests through the Service for the whole upgrade.
    let stop = false;
    const results = { ok: 0, failed: [] as string[] };
    const load = (async () => {
      while (!stop) {
        try {
          const r = await httpGet(`${clusterIP}:80`, '/', undefined, 3000);
          if (r.status === 200 && r.body.toString('utf8') === message) results.ok++;
          else results.failed.push(`status ${r.status}`);
        } catch (err) {
          results.failed.push(String(err));
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      const current = await packaged(version as string);
      await helm(['upgrade', release, current, '--wait', '--timeout', '4m', ...values()]);
      // The old pods drain (up to the grace period) after the rollout counts as done.
      const newOperators = await eventually(
        'the old operator pods to be gone',
        async () => {
          const pods = await operatorPods();
          return pods.some((p) => oldOperators.includes(p)) ? undefined : pods;
        },
        60_000,
      );
      expect(newOperators).toHaveLength(2);
      // A new pod leads and has reconciled the HelloService (its own metrics say so).
      const leader = await eventually('a new operator pod to lead and reconcile', async () => {
        const holder = (
          await kubectl(['get', 'lease', '-n', opNs, fullname, '-o', 'jsonpath={.spec.holderIdentity}'])
        ).trim();
        const pod = newOperators.find((p) => holder !== '' && p.endsWith(`/${holder.split('_')[0]}`));
        if (!pod) return undefined;
        // Straight to the pod (pod IPs are routed on the real node): the API server's pod proxy
        // would not pass a bearer token on.
        const ip = (await kubectl(['get', '-n', opNs, pod, '-o', 'jsonpath={.status.podIP}'])).trim();
        const { body: metrics } = await httpsGet(`https://${ip}:8080/metrics`, token);
        const reconciled =
          /^controller_runtime_reconcile_total\{[^}]*result="success"[^}]*\} ([1-9]\d*)$/m.test(metrics);
        return reconciled ? pod : undefined;
      });
      expect(newOperators).toContain(leader);
    } finally {
      stop = true;
      await load;
    }
    console.log(`helm upgrade: ${results.ok} requests answered, ${results.failed.length} failed`);
    expect(results.failed).toEqual([]);
    expect(results.ok).toBeGreaterThan(20);
    expect(await workloadPods(appNs, 'hello')).toEqual(before);
    expect(
      await kubectl(['get', 'deploy', '-n', appNs, 'hello', '-o', 'jsonpath={.metadata.generation}']),
    ).toBe(generation);
    const history = await helm(['history', release, '--namespace', opNs, '-o', 'json']);
    expect(
      (JSON.parse(history) as { chart: string; status: string }[]).map((h) => [h.chart, h.status]),
    ).toEqual([
      [`hello-operator-${version}-previous`, 'superseded'],
      [`hello-operator-${version}`, 'deployed'],
    ]);
  });

  it('helm uninstall leaves the CRD and the HelloService, which keeps serving', async () => {
    const before = await workloadPods(appNs, 'hello');
    await helm(['uninstall', release, '--namespace', opNs, '--wait']);
    installed = false;
    expect(await kubectl(['get', 'crd', 'helloservices.hello.operators.dev', '-o', 'name'])).toContain(
      'helloservices.hello.operators.dev',
    );
    expect(await kubectl(['get', 'deploy', '-n', opNs, '-o', 'name'])).toBe('');
    expect(await kubectl(['get', 'hs', '-n', appNs, 'hello', '-o', 'name'])).toContain('hello');
    const r = await httpGet(`${clusterIP}:80`, '/');
    expect([r.status, r.body.toString('utf8')]).toEqual([200, message]);
    expect(await workloadPods(appNs, 'hello')).toEqual(before);
  });
});
