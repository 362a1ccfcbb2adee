import type {
  V1Container,
  V1Deployment,
  V1EnvVar,
  V1PodSpec,
  V1Probe,
  V1Toleration,
  V1TopologySpreadConstraint,
} from '@kubernetes/client-node';
import { desiredReplicas } from '../api/defaults.ts';
import { formatBytes, parseQuantity } from '../api/quantity.ts';
import type { DefaultedHelloService } from '../api/types.ts';
import type { Observed } from './children.ts';
import { configMapName, messageHash } from './configmap.ts';
import { childLabels, REVISION_LABEL, selectorLabels } from './labels.ts';
import { childMeta } from './meta.ts';
import {
  CONFIG_HASH_ANNOTATION,
  CONTAINER_NAME,
  childName,
  ENV_HASH_ANNOTATION,
  LOG_LEVEL_ENV,
  MESSAGES_KEY,
  OPERATOR_ENV,
  type OperatorEnvName,
  PORT_NAME,
} from './names.ts';
import { revisionOf } from './revision.ts';
import type { OperatorSettings } from './settings.ts';

/**
 * The user and group the workload runs as: 65532, the "nonroot" user of distroless images, which the
 * workload image also uses. Numeric, so that runAsNonRoot can be verified without reading the image,
 * and above 10000, so that it matches no user of the node.
 */
export const RUN_AS_ID = 65532;
/** ReplicaSets kept for `kubectl rollout undo`; a bound, because each one is an object in etcd. */
export const REVISION_HISTORY_LIMIT = 5;
/** Seconds a terminating pod keeps serving while endpoints and load balancers forget it. */
export const PRE_STOP_SLEEP_SECONDS = 5;
export const TERMINATION_GRACE_PERIOD_SECONDS = 30;
/** Node disk allowed for the container's logs (the root filesystem is read-only, so nothing else). */
export const LOG_STORAGE_BYTES = 64 * 2 ** 20;
const TMP_VOLUME = 'tmp';

/**
 * The container's ephemeral-storage request and limit: its logs, plus /tmp when /tmp is on disk. The
 * kubelet evicts a pod whose logs and disk-backed emptyDirs together exceed its containers' limits,
 * so the limit must leave /tmp its full size; requesting as much makes the scheduler reserve it.
 */
export function ephemeralStorage(spec: DefaultedHelloService['spec']): string {
  const tmp = spec.tmp.medium === 'Disk' ? (parseQuantity(spec.tmp.sizeLimit) ?? 0) : 0;
  return formatBytes(LOG_STORAGE_BYTES + tmp);
}

/**
 * The size of /tmp in whole bytes, which the workload keeps its scratch data within (it would
 * otherwise keep its own 16 MiB, whatever the volume, and a smaller one would get the pod evicted).
 */
function tmpVolumeBytes(spec: DefaultedHelloService['spec']): number {
  const bytes = Math.floor(parseQuantity(spec.tmp.sizeLimit) ?? 0);
  return Math.min(Number.MAX_SAFE_INTEGER, Math.max(1, bytes));
}

const httpProbe = (path: string, probe: V1Probe): V1Probe => ({
  httpGet: { path, port: PORT_NAME, scheme: 'HTTP' },
  ...probe,
});

/** The environment the operator sets, one entry per name of OPERATOR_ENV (which spec.env cannot
 * use), then the user's spec.env. */
function containerEnv(hs: DefaultedHelloService, settings: OperatorSettings): V1EnvVar[] {
  const { spec } = hs;
  const own: Record<OperatorEnvName, Omit<V1EnvVar, 'name'>> = {
    PORT: { value: String(spec.port) },
    [MESSAGES_KEY]: {
      valueFrom: { configMapKeyRef: { name: configMapName(hs, settings), key: MESSAGES_KEY } },
    },
    TMPDIR: { value: '/tmp' },
    SCRATCH_VOLUME_BYTES: { value: String(tmpVolumeBytes(spec)) },
    // 0 turns /work off in the workload.
    WORK_MAX_CONCURRENT: { value: String(spec.work?.enabled ? spec.work.maxConcurrent : 0) },
  };
  // LOG_LEVEL only when asked for: a HelloService without logLevel keeps its pod template.
  const logLevel = spec.logLevel === undefined ? [] : [{ name: LOG_LEVEL_ENV, value: spec.logLevel }];
  return [...OPERATOR_ENV.map((name) => ({ name, ...own[name] })), ...logLevel, ...(spec.env ?? [])];
}

function container(hs: DefaultedHelloService, settings: OperatorSettings): V1Container {
  const { spec } = hs;
  return {
    name: CONTAINER_NAME,
    image: spec.image ?? settings.workloadImage,
    imagePullPolicy: spec.imagePullPolicy ?? settings.imagePullPolicy,
    ports: [{ name: PORT_NAME, containerPort: spec.port, protocol: 'TCP' }],
    env: containerEnv(hs, settings),
    resources: {
      requests: {
        cpu: spec.resources.requests.cpu,
        memory: spec.resources.requests.memory,
        'ephemeral-storage': ephemeralStorage(spec),
      },
      limits: {
        cpu: spec.resources.limits.cpu,
        memory: spec.resources.limits.memory,
        'ephemeral-storage': ephemeralStorage(spec),
      },
    },
    // Start-up may take a while on a busy node; until it succeeds the other probes wait.
    startupProbe: httpProbe('/healthz', { periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 30 }),
    // /readyz turns 503 as soon as shutdown begins, taking the pod out of the Service.
    readinessProbe: httpProbe('/readyz', { periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 }),
    livenessProbe: httpProbe('/healthz', { periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 }),
    // Keep serving for a moment after termination starts: endpoint removal reaches kube-proxy and
    // ingress controllers with a delay, and requests sent meanwhile must not fail. The sleep action
    // needs no shell in the image.
    lifecycle: { preStop: { sleep: { seconds: PRE_STOP_SLEEP_SECONDS } } },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: RUN_AS_ID,
      runAsGroup: RUN_AS_ID,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: [{ name: TMP_VOLUME, mountPath: '/tmp' }],
  };
}

/**
 * spec.topologySpreadConstraints (empty: none), each without a labelSelector given this
 * HelloService's pods. Or the default: spread the pods over nodes, so that one node going down takes
 * as few as possible; softly, so that a one-node cluster still runs them all. pod-template-hash
 * spreads each rollout's pods, not old and new together.
 */
function topologySpread(hs: DefaultedHelloService): V1TopologySpreadConstraint[] {
  const pods = { matchLabels: selectorLabels(hs) };
  const given = hs.spec.topologySpreadConstraints;
  if (given) return given.map((c) => ({ ...c, labelSelector: c.labelSelector ?? pods }));
  return [
    {
      maxSkew: 1,
      topologyKey: 'kubernetes.io/hostname',
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: pods,
      matchLabelKeys: ['pod-template-hash'],
    },
  ];
}

/** The keys of the operator's own tolerations, which a spec.tolerations entry with the same key replaces. */
export const NODE_LOSS_TAINTS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

/**
 * Leave a lost node after nodeLossToleranceSeconds, not Kubernetes' default 300 s: the replacements
 * start elsewhere while the node is still gone. Then spec.tolerations; one with the key of ours
 * replaces ours (the user's tolerations win for their keys).
 */
function tolerations(hs: DefaultedHelloService): V1Toleration[] {
  const given = hs.spec.tolerations ?? [];
  const own = NODE_LOSS_TAINTS.filter((key) => !given.some((t) => t.key === key)).map((key) => ({
    key,
    operator: 'Exists',
    effect: 'NoExecute',
    tolerationSeconds: hs.spec.nodeLossToleranceSeconds,
  }));
  return [...own, ...given];
}

/** The operator's pull Secrets, then the HelloService's, each name once. */
function pullSecrets(hs: DefaultedHelloService, settings: OperatorSettings): { name: string }[] {
  const names = [...settings.imagePullSecrets, ...(hs.spec.imagePullSecrets ?? []).map((s) => s.name)];
  return [...new Set(names)].map((name) => ({ name }));
}

/**
 * `{ [key]: value }` when the list or map has entries, else nothing: the API server drops an empty
 * one, and a field rendered but never stored would make the drift check (reconcile/up-to-date.ts)
 * re-apply the Deployment at every resync.
 */
function ifAny<K extends string, V>(key: K, value: V[] | Record<string, V> | null | undefined) {
  return value && Object.keys(value).length > 0 ? ({ [key]: value } as { [k in K]: typeof value }) : {};
}

function podSpec(hs: DefaultedHelloService, settings: OperatorSettings): V1PodSpec {
  const { spec } = hs;
  const { tmp } = spec;
  return {
    serviceAccountName: childName(hs.metadata.name),
    automountServiceAccountToken: false,
    // Service links would add an environment variable per Service in the namespace: noise, and a
    // risk for the environment size the message already uses.
    enableServiceLinks: false,
    terminationGracePeriodSeconds: TERMINATION_GRACE_PERIOD_SECONDS,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: RUN_AS_ID,
      runAsGroup: RUN_AS_ID,
      fsGroup: RUN_AS_ID,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    ...ifAny('topologySpreadConstraints', topologySpread(hs)),
    tolerations: tolerations(hs),
    // The placement knobs, each only when set, so that a HelloService without them keeps its template.
    ...ifAny('nodeSelector', spec.nodeSelector),
    ...(spec.affinity ? { affinity: spec.affinity } : {}),
    ...(spec.priorityClassName ? { priorityClassName: spec.priorityClassName } : {}),
    ...ifAny('imagePullSecrets', pullSecrets(hs, settings)),
    containers: [container(hs, settings)],
    volumes: [
      {
        name: TMP_VOLUME,
        emptyDir: { sizeLimit: tmp.sizeLimit, ...(tmp.medium === 'Memory' ? { medium: 'Memory' } : {}) },
      },
    ],
  };
}

/**
 * The Deployment of the workload. Without autoscaling it sets `replicas`; with autoscaling it leaves
 * `replicas` out, so that server-side apply never fights the HorizontalPodAutoscaler over it.
 */
export function buildDeployment(
  hs: DefaultedHelloService,
  settings: OperatorSettings,
  observed: Observed = {},
): V1Deployment {
  const replicas = desiredReplicas(hs.spec);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: childMeta(hs, settings),
    spec: {
      ...(replicas === undefined ? {} : { replicas }),
      selector: { matchLabels: selectorLabels(hs) },
      revisionHistoryLimit: REVISION_HISTORY_LIMIT,
      // Past it the Deployment says ProgressDeadlineExceeded, and the HelloService Stalled.
      progressDeadlineSeconds: hs.spec.rollout.progressDeadlineSeconds,
      // A new pod must be ready before an old one goes: capacity never drops during a rollout.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: {
          // The operator's labels last: they win over podLabels (which the schema keeps from them).
          labels: {
            ...hs.spec.podLabels,
            ...childLabels(hs, settings),
            [REVISION_LABEL]: revisionOf(hs, settings).name,
          },
          // The message reaches the pods as an environment variable, read at start only: a new hash
          // changes the template and so rolls the pods onto the new message.
          annotations: {
            ...hs.spec.podAnnotations,
            [CONFIG_HASH_ANNOTATION]: messageHash(hs),
            // Likewise for the Secret and ConfigMap values spec.env reads (also at start only).
            ...(observed.envHash ? { [ENV_HASH_ANNOTATION]: observed.envHash } : {}),
          },
        },
        spec: podSpec(hs, settings),
      },
    },
  };
}
