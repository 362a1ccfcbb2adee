// Runs the real operator against a real cluster for the cluster tests, the way it runs in
// production: as its own process, authenticated as its own ServiceAccount with a token from the
// TokenRequest API, bound to the roles in deploy/rbac (nothing more). Also: kubectl, the CRD,
// and a /metrics scraper.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { API_VERSION, KIND } from '../../operator/api/schema.ts';
import type { KubeObject } from '../../operator/kube/rest.ts';
import { referencedConfigMaps } from '../../operator/reconcile/revisions.ts';
import { kubectlPath, repoRoot } from '../cluster/paths.ts';

export { eventually, workloadImage } from '../cluster/kube.ts';
export { repoRoot } from '../cluster/paths.ts';

/** An object as kubectl prints it in JSON, typed only as far as the tests read it. */
export type Obj = {
  metadata: {
    name: string;
    uid: string;
    resourceVersion: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
  };
  // biome-ignore lint/suspicious/noExplicitAny: kubectl's JSON, read field by field in assertions
  spec?: Record<string, any>;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  status?: Record<string, any>;
  data?: Record<string, string>;
  immutable?: boolean;
};

/** Prepended to the test namespaces' names (`HELLO_NS_PREFIX=me-`): several people on one cluster. */
export const NS_PREFIX = process.env.HELLO_NS_PREFIX ?? '';

/** The kubectl the cluster scripts built (test/cluster/paths.ts), else the one on PATH. */
export function kubectlBinary(): string {
  const built = kubectlPath();
  return existsSync(built) ? built : 'kubectl';
}

export type Kubectl = (args: string[], input?: string) => { status: number; stdout: string; stderr: string };

export function kubectlFor(kubeconfig: string): Kubectl {
  return (args, input) => {
    const r = spawnSync(kubectlBinary(), ['--kubeconfig', kubeconfig, ...args], {
      input,
      encoding: 'utf8',
      timeout: 240_000,
    });
    return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
  };
}

/** kubectl that must succeed. */
export function must(kubectl: Kubectl, args: string[], input?: string): string {
  const r = kubectl(args, input);
  if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.status}\n${r.stderr}`);
  return r.stdout;
}

/** A HelloService `name` as a test writes it: `spec` over a message that names it. */
export function helloService(name: string, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: { name },
    spec: { message: `Hello from ${name}`, ...spec },
  };
}

/** `kubectl apply` of `helloService(name, spec)` in `namespace`. */
export function applyHelloService(
  kubectl: Kubectl,
  namespace: string,
  name: string,
  spec: Record<string, unknown> = {},
): string {
  return must(kubectl, ['apply', '-n', namespace, '-f', '-'], JSON.stringify(helloService(name, spec)));
}

/** `kubectl get ARGS -o jsonpath=PATH` in a namespace, trimmed. */
export function jsonpath(kubectl: Kubectl, namespace: string, args: string[], path: string): string {
  return must(kubectl, ['-n', namespace, 'get', ...args, '-o', `jsonpath=${path}`]).trim();
}

/** The name of the cluster's (first) control-plane node. */
export function controlPlaneNode(kubectl: Kubectl): string {
  return must(kubectl, [
    'get',
    'nodes',
    '-l',
    'node-role.kubernetes.io/control-plane',
    '-o',
    'jsonpath={.items[0].metadata.name}',
  ]).trim();
}

/** `kubectl get KIND NAME -o json` in a namespace; undefined when it does not exist. */
export function getObject(kubectl: Kubectl, kind: string, name: string, namespace: string): Obj | undefined {
  const r = kubectl(['get', kind, name, '-n', namespace, '-o', 'json']);
  if (r.status !== 0) {
    if (r.stderr.includes('NotFound')) return undefined;
    throw new Error(r.stderr);
  }
  return JSON.parse(r.stdout) as Obj;
}

/**
 * The ConfigMap the HelloService's Deployment gives its pods now: each message has one of its own,
 * named by its content (`hello-1a2b3c4d5e`). Undefined without a Deployment or that ConfigMap.
 */
export function messageConfigMap(kubectl: Kubectl, namespace: string, name: string): Obj | undefined {
  const deployment = getObject(kubectl, 'deployment', name, namespace);
  // The pods read only MESSAGES from a ConfigMap: the one the template refers to is the message's.
  const [ref] = deployment ? referencedConfigMaps(deployment as KubeObject) : [];
  return ref ? getObject(kubectl, 'configmap', ref, namespace) : undefined;
}

/** Installs (or updates) the HelloService CRD and waits until it is served. */
/** Installs (or updates to) the CRD in `root` (default: this checkout's). */
export function installCrd(kubectl: Kubectl, root = repoRoot): void {
  must(kubectl, [
    'apply',
    '--server-side',
    '--force-conflicts',
    '-f',
    join(root, 'crds', 'hello.operators.dev_helloservices.yaml'),
  ]);
  waitEstablished(kubectl, 'helloservices.hello.operators.dev');
}

/**
 * Waits for a CRD to be Established. kubectl wait fails at once ("<nil> is of the type <nil>") on a
 * CRD created a moment ago whose status has no conditions yet: asked again until it has.
 */
export function waitEstablished(kubectl: Kubectl, crd: string): void {
  for (let attempt = 1; ; attempt++) {
    const r = kubectl(['wait', '--for=condition=Established', `crd/${crd}`, '--timeout=60s']);
    if (r.status === 0) return;
    if (attempt >= 20 || !r.stderr.includes('accessor error')) {
      throw new Error(`kubectl wait for CRD ${crd} to be Established: ${r.stderr}`);
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
  }
}

/**
 * deploy/rbac for one test run: the operator's namespace instead of hello-operator-system, and the
 * cluster-scoped names suffixed so that runs do not collide. The rules are used as written.
 */
export function rbacManifests(namespace: string, suffix: string): string {
  const files = [
    'service_account.yaml',
    'role.yaml',
    'role_binding.yaml',
    'leader_election_role.yaml',
    'leader_election_role_binding.yaml',
  ];
  return files
    .map((f) =>
      readFileSync(join(repoRoot, 'deploy', 'rbac', f), 'utf8')
        .replaceAll('name: hello-operator-manager', `name: hello-operator-manager-${suffix}`)
        // kustomize sets the ServiceAccount subject's namespace; so do we.
        .replace(
          /^( {2}- kind: ServiceAccount\n {4}name: hello-operator\n)/m,
          `$1    namespace: ${namespace}\n`,
        ),
    )
    .join('\n---\n');
}

/** A kubeconfig file for the same cluster that authenticates only with `token`. */
export function tokenKubeconfig(admin: k8s.KubeConfig, token: string, dir: string): string {
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'test',
        cluster: {
          server: cluster.server,
          ...(cluster.caData ? { 'certificate-authority-data': cluster.caData } : {}),
          ...(cluster.caFile ? { 'certificate-authority': cluster.caFile } : {}),
          ...(cluster.skipTLSVerify ? { 'insecure-skip-tls-verify': true } : {}),
        },
      },
    ],
    users: [{ name: 'operator', user: { token } }],
    contexts: [{ name: 'operator', context: { cluster: 'test', user: 'operator' } }],
    'current-context': 'operator',
  };
  const path = join(dir, 'kubeconfig');
  writeFileSync(path, stringify(config), { mode: 0o600 });
  return path;
}

export type RunningOperator = {
  metricsAddress: string;
  logs: string[];
  process: ChildProcess;
  stop(): Promise<number | null>;
};

/**
 * Starts `node operator/main.ts run` with `args`, from `root` (default: this checkout; another is
 * an earlier release's source); resolves once it reports its metrics address.
 */
export async function startOperator(
  kubeconfig: string,
  args: string[],
  root = repoRoot,
): Promise<RunningOperator> {
  const child = spawn(
    process.execPath,
    [
      join(root, 'operator', 'main.ts'),
      'run',
      `--kubeconfig=${kubeconfig}`,
      '--metrics-bind-address=127.0.0.1:0',
      '--health-probe-bind-address=127.0.0.1:0',
      // Plain HTTP, as for any local run; `args` may turn it back on (test/fake/metrics-auth.test.ts).
      // An earlier release's source (test/operator/upgrade.test.ts) predates the flag and its HTTPS.
      ...(root === repoRoot ? ['--metrics-secure=false'] : []),
      ...args,
    ],
    { cwd: root, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const logs: string[] = [];
  let buffered = '';
  const metricsAddress = new Promise<string>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        logs.push(line);
        if (process.env.HELLO_OPERATOR_LOGS) process.stderr.write(`[operator] ${line}\n`);
        try {
          const entry = JSON.parse(line) as { server?: string; address?: string };
          if (entry.server === 'metrics' && entry.address) resolve(entry.address);
        } catch {}
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      logs.push(chunk);
      process.stderr.write(`[operator stderr] ${chunk}`);
    });
    child.on('exit', (code) => reject(new Error(`operator exited with ${code}:\n${logs.join('\n')}`)));
  });
  return {
    metricsAddress: await metricsAddress,
    logs,
    process: child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

/**
 * A bearer token of ServiceAccount `name` in `namespace` (made if missing), as a scraper of a secure
 * /metrics sends it; with `readerRole`, the ServiceAccount is first bound to that ClusterRole (the
 * shipped metrics-reader) by a ClusterRoleBinding of the same name as the ServiceAccount, which the
 * caller deletes.
 */
export function scraperToken(kubectl: Kubectl, namespace: string, name: string, readerRole?: string): string {
  must(
    kubectl,
    ['apply', '-n', namespace, '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } }),
  );
  if (readerRole) {
    must(kubectl, [
      'create',
      'clusterrolebinding',
      name,
      `--clusterrole=${readerRole}`,
      `--serviceaccount=${namespace}:${name}`,
    ]);
  }
  return must(kubectl, ['create', 'token', name, '-n', namespace, '--duration=1h']).trim();
}

/**
 * GET `url` over HTTPS with `token` (if any) as the bearer token, as Prometheus scrapes a secure
 * /metrics: the operator's certificate is self-signed, so it is not verified (insecureSkipVerify).
 */
export function httpsGet(url: string, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = token ? { authorization: `Bearer ${token}` } : {};
    request(url, { headers, rejectUnauthorized: false, agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('timeout', function (this: { destroy(err: Error): void }) {
        this.destroy(new Error(`GET ${url}: no answer within 10 s`));
      })
      .on('error', reject)
      .end();
  });
}

/** The Prometheus text format as `name{labels} value` → value. */
export function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

/** One scrape of a plain-HTTP /metrics (an operator run with --metrics-secure=false). */
export async function scrape(address: string): Promise<Map<string, number>> {
  let text: string;
  try {
    text = await (await fetch(`http://${address}/metrics`)).text();
  } catch {
    // A keep-alive connection the server closed just as we reused it: once more, on a new one.
    text = await (await fetch(`http://${address}/metrics`)).text();
  }
  return parseMetrics(text);
}

/** Sum of every series of `name` whose labels include all of `labels`. */
export function metric(m: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const [series, value] of m) {
    const brace = series.indexOf('{');
    const n = brace < 0 ? series : series.slice(0, brace);
    if (n !== name) continue;
    if (Object.entries(labels).every(([k, v]) => series.includes(`${k}="${v}"`))) sum += value;
  }
  return sum;
}

export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'hello-operator-test-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
