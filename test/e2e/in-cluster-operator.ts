// The operator installed in the cluster the way users install it (the kustomize base in deploy/),
// confined for a test or benchmark run: an overlay generated in a temp dir gives it namespaces and
// cluster-scoped names of its own, the locally built images, and WATCH_NAMESPACES set to the run's
// HelloService namespace, so it cannot fight the other operators that share the cluster.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { stringify } from 'yaml';
import { installCrd, type Kubectl, must, type Obj, repoRoot } from '../operator/operator-process.ts';

/** The images `npm run images` loaded into the node: `:dev`, or HELLO_IMAGE_TAG's tag (images.sh). */
export const IMAGE_TAG = process.env.HELLO_IMAGE_TAG || 'dev';
export const WORKLOAD_IMAGE = `localhost/hello-workload:${IMAGE_TAG}`;

export type InClusterOperator = {
  /** The operator's namespace (its Deployment, Lease, metrics Service). */
  opNs: string;
  /** The one namespace it watches, for the run's HelloServices. */
  ns: string;
  deployment: string;
  metricsService: string;
  /** Its ClusterRole granting `get` on /metrics (deploy/rbac/metrics_reader_role.yaml), bound to nobody. */
  metricsReaderRole: string;
  /** The Lease the replicas elect a leader with. */
  leaseName: string;
  /** The operator's pods, Ready or not, oldest first. */
  pods(): Obj[];
  /** The pod holding the Lease, by its identity (`<pod name>_<uuid>`). */
  leaderPod(): string | undefined;
  uninstall(): void;
};

/**
 * The kustomize patch that confines the base's operator Deployment: the locally loaded images (never
 * pulled), WATCH_NAMESPACES set to the one namespace it may touch, and optionally fewer replicas.
 */
export function confinement(watchNamespace: string, workloadImage: string, replicas?: number) {
  return {
    target: { kind: 'Deployment', name: 'hello-operator' },
    patch: stringify([
      ...(replicas === undefined ? [] : [{ op: 'replace', path: '/spec/replicas', value: replicas }]),
      { op: 'add', path: '/spec/template/spec/containers/0/imagePullPolicy', value: 'Never' },
      {
        op: 'add',
        path: '/spec/template/spec/containers/0/env/-',
        value: { name: 'WATCH_NAMESPACES', value: watchNamespace },
      },
      {
        op: 'add',
        path: '/spec/template/spec/containers/0/env/-',
        value: { name: 'WORKLOAD_IMAGE', value: workloadImage },
      },
    ]),
  };
}

/** The overlay: deploy/'s parts (not the CRD, which is cluster-wide and shared) under new names. */
export function overlay(
  dir: string,
  prefix: string,
  opNs: string,
  ns: string,
  replicas?: number,
  nodeSelector?: Record<string, string>,
  logLevel?: string,
): string {
  const base = relative(dir, join(repoRoot, 'deploy'));
  // A test that reads what runs on one node (its logs, say) keeps the operator there, and may want
  // every reconcile's lines.
  const tuning = [
    ...(nodeSelector ? [{ op: 'add', path: '/spec/template/spec/nodeSelector', value: nodeSelector }] : []),
    ...(logLevel
      ? [
          {
            op: 'add',
            path: '/spec/template/spec/containers/0/env/-',
            value: { name: 'LOG_LEVEL', value: logLevel },
          },
        ]
      : []),
  ];
  const subject = [
    { op: 'replace', path: '/subjects/0/name', value: `${prefix}hello-operator` },
    { op: 'replace', path: '/subjects/0/namespace', value: opNs },
  ];
  return stringify({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: opNs,
    namePrefix: prefix,
    resources: [`${base}/namespace`, `${base}/rbac`, `${base}/manager`],
    labels: [{ pairs: { 'hello-operator.test': 'true' } }],
    images: [
      {
        name: 'ghcr.io/hello-operator/hello-operator',
        newName: 'localhost/hello-operator',
        newTag: IMAGE_TAG,
      },
    ],
    patches: [
      confinement(ns, WORKLOAD_IMAGE, replicas),
      // The base's bindings name the ServiceAccount in hello-operator-system; kustomize does not
      // follow the prefix and namespace into a sub-kustomization's subjects.
      { target: { kind: 'RoleBinding' }, patch: stringify(subject) },
      { target: { kind: 'ClusterRoleBinding' }, patch: stringify(subject) },
      ...(tuning.length
        ? [{ target: { kind: 'Deployment', name: 'hello-operator' }, patch: stringify(tuning) }]
        : []),
    ],
  });
}

/** A confined install prepared, not applied: its names, the watched namespace, and its overlay. */
export type ConfinedInstall = {
  opNs: string;
  ns: string;
  prefix: string;
  /** A folder with the kustomization (overlay()); removed by uninstall. */
  dir: string;
  /** Deletes both namespaces and the cluster-scoped roles, and the overlay's folder. */
  uninstall(): void;
};

/**
 * Names an install `<tag>-op-<suffix>` (the operator's namespace) watching `<tag>-hs-<suffix>`,
 * which it creates (Pod Security restricted), and writes the overlay, for `kubectl apply -k` or
 * `npm start` (HELLO_DEPLOY) to install.
 */
export function prepareConfined(
  kubectl: Kubectl,
  tag: string,
  suffix: string,
  options: { replicas?: number; nodeSelector?: Record<string, string>; logLevel?: string } = {},
): ConfinedInstall {
  const opNs = `${tag}-op-${suffix}`;
  const ns = `${tag}-hs-${suffix}`;
  const prefix = `${tag}-${suffix}-`;
  const dir = mkdtempSync(join(tmpdir(), 'hello-operator-overlay-'));
  installCrd(kubectl);
  must(kubectl, ['create', 'namespace', ns]);
  must(kubectl, [
    'label',
    'namespace',
    ns,
    'hello-operator.test=true',
    'pod-security.kubernetes.io/enforce=restricted',
  ]);
  writeFileSync(
    join(dir, 'kustomization.yaml'),
    overlay(dir, prefix, opNs, ns, options.replicas, options.nodeSelector, options.logLevel),
  );
  return {
    opNs,
    ns,
    prefix,
    dir,
    uninstall: () => {
      rmSync(dir, { recursive: true, force: true });
      kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']);
      kubectl(['delete', 'namespace', opNs, '--wait=false', '--ignore-not-found']);
      kubectl([
        'delete',
        'clusterrole,clusterrolebinding',
        `${prefix}hello-operator-manager`,
        '--ignore-not-found',
      ]);
      kubectl(['delete', 'clusterrole', `${prefix}hello-operator-metrics-reader`, '--ignore-not-found']);
    },
  };
}

/**
 * Installs the operator (`kubectl apply --server-side -k`) with `<tag>-op-<suffix>` as its namespace
 * and `<tag>-hs-<suffix>` (Pod Security restricted) as the one it watches; waits for the rollout.
 */
export function installInCluster(
  kubectl: Kubectl,
  tag: string,
  suffix: string,
  options: {
    replicas?: number;
    namespaceLabels?: string[];
    nodeSelector?: Record<string, string>;
    logLevel?: string;
  } = {},
): InClusterOperator {
  const { opNs, ns, prefix, dir, uninstall } = prepareConfined(kubectl, tag, suffix, options);
  const deployment = `${prefix}hello-operator`;
  must(kubectl, ['apply', '--server-side', '-k', dir]);
  must(kubectl, ['-n', opNs, 'rollout', 'status', `deployment/${deployment}`, '--timeout=180s']);
  const labels = options.namespaceLabels ?? [];
  if (labels.length) must(kubectl, ['label', 'namespace', opNs, ns, ...labels, '--overwrite']);
  const leaseName = 'hello-operator';
  return {
    opNs,
    ns,
    deployment,
    metricsService: `${prefix}hello-operator-metrics`,
    metricsReaderRole: `${prefix}hello-operator-metrics-reader`,
    leaseName,
    pods: () =>
      (
        JSON.parse(
          must(kubectl, [
            '-n',
            opNs,
            'get',
            'pods',
            '-l',
            'app.kubernetes.io/name=hello-operator,app.kubernetes.io/component=controller',
            '--sort-by=.metadata.creationTimestamp',
            '-o',
            'json',
          ]),
        ) as { items: Obj[] }
      ).items,
    leaderPod: () => {
      const r = kubectl(['-n', opNs, 'get', 'lease', leaseName, '-o', 'jsonpath={.spec.holderIdentity}']);
      const holder = r.status === 0 ? r.stdout.trim() : '';
      return holder ? holder.slice(0, holder.lastIndexOf('_')) : undefined;
    },
    uninstall,
  };
}
