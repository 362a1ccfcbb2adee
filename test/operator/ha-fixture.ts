// What the operator tests share: a namespace for the operators (RBAC from deploy/rbac, a
// ServiceAccount token, the Lease) and one for HelloServices, both `ha-` prefixed and deleted
// afterwards; helpers to start operators, read their leadership and wait for convergence. A test
// that stops its operators or counts everything one of them did takes a fixture of its own.
import { randomBytes } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import { onTestFinished } from 'vitest';
import {
  eventually,
  getObject,
  installCrd,
  type Kubectl,
  kubectlFor,
  messageConfigMap,
  metric,
  must,
  NS_PREFIX,
  type Obj,
  type RunningOperator,
  rbacManifests,
  scrape,
  startOperator,
  tempDir,
  tokenKubeconfig,
  workloadImage,
} from './operator-process.ts';

export type { Obj };

/** The children every default HelloService gets (examples/hello.yaml). */
export const CHILD_KINDS = [
  'serviceaccount',
  'configmap',
  'deployment',
  'service',
  'poddisruptionbudget',
  'networkpolicy',
] as const;

export const MANAGED = 'app.kubernetes.io/managed-by=hello-operator';

/** Short leader election so takeovers are quick (validation: lease > renew > 1.2 × retry). */
export const SHORT_LEASE = [
  '--leader-election-lease-duration=4s',
  '--leader-election-renew-deadline=3s',
  '--leader-election-retry-period=1s',
];

export type Fixture = {
  kubectl: Kubectl;
  opNs: string;
  ns: string;
  /** A kubeconfig authenticating as the operator's ServiceAccount. */
  kubeconfig: string;
  leaseName: string;
  /** Starts an operator process, of this checkout or of the source in `root` (an earlier release). */
  start(extra?: string[], root?: string): Promise<RunningOperator>;
  get(kind: string, name: string): Obj | undefined;
  /** The ConfigMap of the HelloService's current message (messageConfigMap). */
  configMap(name: string): Obj | undefined;
  list(kind: string, selector?: string): Obj[];
  lease(): Obj | undefined;
  /** Kills every operator it started, and deletes its namespaces and cluster roles. */
  teardown(): Promise<void>;
};

export async function setUp(adminPath: string, prefix: string): Promise<Fixture> {
  const suffix = randomBytes(3).toString('hex');
  const opNs = `${NS_PREFIX}ha-${prefix}-op-${suffix}`;
  const ns = `${NS_PREFIX}ha-${prefix}-hs-${suffix}`;
  const leaseName = `ha-${prefix}`;
  const kubectl = kubectlFor(adminPath);
  const admin = new k8s.KubeConfig();
  admin.loadFromFile(adminPath);
  const core = admin.makeApiClient(k8s.CoreV1Api);
  const dir = tempDir();
  const rbacSuffix = `ha-${suffix}`;
  installCrd(kubectl);
  must(kubectl, ['create', 'namespace', opNs]);
  must(kubectl, ['create', 'namespace', ns]);
  must(kubectl, ['label', 'namespace', opNs, ns, 'hello-operator.test=true']);
  must(kubectl, ['apply', '-n', opNs, '-f', '-'], rbacManifests(opNs, rbacSuffix));
  const tr = await core.createNamespacedServiceAccountToken({
    name: 'hello-operator',
    namespace: opNs,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const token = tr.status?.token;
  if (!token) throw new Error('no token issued');
  const kubeconfig = tokenKubeconfig(admin, token, dir.path);

  const get = (kind: string, name: string, namespace = ns): Obj | undefined =>
    getObject(kubectl, kind, name, namespace);
  const operators: RunningOperator[] = [];
  return {
    kubectl,
    opNs,
    ns,
    kubeconfig,
    leaseName,
    async start(extra = [], root) {
      const op = await startOperator(
        kubeconfig,
        [
          `--watch-namespaces=${ns}`,
          `--leader-election-namespace=${opNs}`,
          `--leader-election-id=${leaseName}`,
          `--workload-image=${workloadImage}`,
          ...extra,
        ],
        root,
      );
      operators.push(op);
      // An exit the test did not ask for (not 0, not SIGKILL) shows why.
      op.process.once('exit', (code, signal) => {
        if (code === 0 || signal === 'SIGKILL') return;
        process.stderr.write(`[operator exit ${code ?? signal}]\n${op.logs.slice(-30).join('\n')}\n`);
      });
      return op;
    },
    get,
    configMap: (name) => messageConfigMap(kubectl, ns, name),
    list: (kind, selector = MANAGED) =>
      (JSON.parse(must(kubectl, ['get', kind, '-n', ns, '-l', selector, '-o', 'json'])) as { items: Obj[] })
        .items,
    lease: () => get('lease', leaseName, opNs),
    async teardown() {
      for (const op of operators) {
        if (op.process.exitCode === null && op.process.signalCode === null) {
          op.process.kill('SIGKILL');
        }
      }
      kubectl(['delete', 'namespace', ns, '--wait=false']);
      kubectl(['delete', 'namespace', opNs, '--wait=false']);
      kubectl([
        'delete',
        'clusterrole,clusterrolebinding',
        `hello-operator-manager-${rbacSuffix}`,
        '--ignore-not-found',
      ]);
      dir.remove();
    },
  };
}

/** setUp for the running test alone: torn down when it finishes, passed or failed. */
export async function setUpForTest(adminPath: string, prefix: string): Promise<Fixture> {
  const f = await setUp(adminPath, prefix);
  onTestFinished(() => f.teardown());
  return f;
}

/**
 * A spec of one replica with a tiny CPU request, for `helloService(name, SMALL_FOOTPRINT)`: the node
 * is shared and has 2 cores; 20 of the default (50m) plus their rollout surge do not fit beside
 * everything else.
 */
export const SMALL_FOOTPRINT = {
  replicas: 1,
  resources: { requests: { cpu: '5m', memory: '32Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
};

/** `leader_election_master_status` of one operator (undefined: it is not answering). */
export async function leading(op: RunningOperator): Promise<number | undefined> {
  if (op.process.exitCode !== null || op.process.signalCode !== null) return undefined;
  try {
    return metric(await scrape(op.metricsAddress), 'leader_election_master_status');
  } catch {
    return undefined;
  }
}

export async function writes(op: RunningOperator): Promise<number> {
  return metric(await scrape(op.metricsAddress), 'hello_operator_api_writes_total');
}

export async function reconciles(op: RunningOperator): Promise<number> {
  return metric(await scrape(op.metricsAddress), 'controller_runtime_reconcile_total');
}

/** The identity an operator logs when it waits for leadership. */
export async function identityOf(op: RunningOperator): Promise<string> {
  return eventually(
    'the operator to log its identity',
    () => {
      for (const line of op.logs) {
        try {
          const e = JSON.parse(line) as { identity?: string; msg?: string };
          if (e.identity && e.msg === 'waiting for leadership') return e.identity;
        } catch {}
      }
      return undefined;
    },
    30_000,
    100,
  );
}

/** Resolves with the exit code (or signal) once the process has exited. */
export function exited(op: RunningOperator): Promise<number | string | null> {
  if (op.process.exitCode !== null) return Promise.resolve(op.process.exitCode);
  if (op.process.signalCode !== null) return Promise.resolve(op.process.signalCode);
  return new Promise((resolve) => op.process.once('exit', (code, signal) => resolve(code ?? signal)));
}

/** Throws if the operator has exited: for polls that only make sense while it runs. */
export function alive(op: RunningOperator): void {
  const { exitCode, signalCode } = op.process;
  if (exitCode !== null || signalCode !== null)
    throw new Error(`the operator exited (${exitCode ?? signalCode})`);
}

/** Whether the HelloService's status reports its current generation. */
export function observed(hs: Obj | undefined): boolean {
  return !!hs && hs.status?.observedGeneration === hs.metadata.generation;
}
