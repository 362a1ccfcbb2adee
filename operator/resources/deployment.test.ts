import { readFileSync } from 'node:fs';
import type { V1Container, V1PodSpec } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { LOG_LEVELS, parseConfig } from '../../workload/config.ts';
import { MAX_MESSAGE_LENGTH } from '../api/schema.ts';
import { buildConfigMap } from './configmap.ts';
import {
  buildDeployment,
  NODE_LOSS_TAINTS,
  PRE_STOP_SLEEP_SECONDS,
  REVISION_HISTORY_LIMIT,
} from './deployment.ts';
import { hello, LONGEST_NAME, settings, UID } from './fixtures.ts';
import { REVISION_LABEL } from './labels.ts';
import { CONFIG_HASH_ANNOTATION, ENV_HASH_ANNOTATION, OPERATOR_ENV } from './names.ts';
import { revisionOf } from './revision.ts';
import { operatorSettings } from './settings.ts';

const pod = (d: ReturnType<typeof buildDeployment>): V1PodSpec => {
  const spec = d.spec?.template.spec;
  if (!spec) throw new Error('no pod spec');
  return spec;
};
const container = (d: ReturnType<typeof buildDeployment>): V1Container => {
  const c = pod(d).containers[0];
  if (!c) throw new Error('no container');
  return c;
};
const env = (d: ReturnType<typeof buildDeployment>, name: string) =>
  container(d).env?.find((e) => e.name === name);
const hash = (d: ReturnType<typeof buildDeployment>) =>
  d.spec?.template.metadata?.annotations?.[CONFIG_HASH_ANNOTATION];

/** What the Pod Security "restricted" profile (which includes "baseline") objects to in a pod. */
function restrictedViolations(spec: V1PodSpec): string[] {
  const v: string[] = [];
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) v.push('host namespaces');
  const allowedVolumes = [
    'configMap',
    'csi',
    'downwardAPI',
    'emptyDir',
    'ephemeral',
    'persistentVolumeClaim',
    'projected',
    'secret',
  ];
  for (const volume of spec.volumes ?? []) {
    const types = Object.keys(volume).filter((k) => k !== 'name');
    if (!types.every((t) => allowedVolumes.includes(t))) v.push(`volume ${volume.name}: ${types}`);
  }
  const podSc = spec.securityContext ?? {};
  if (podSc.runAsUser === 0) v.push('pod runAsUser 0');
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    const sc = c.securityContext ?? {};
    if (sc.privileged) v.push(`${c.name}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) v.push(`${c.name}: allowPrivilegeEscalation`);
    if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) v.push(`${c.name}: runAsNonRoot`);
    if (sc.runAsUser === 0) v.push(`${c.name}: runAsUser 0`);
    const seccomp = sc.seccompProfile?.type ?? podSc.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') v.push(`${c.name}: seccomp ${seccomp}`);
    if (!sc.capabilities?.drop?.includes('ALL')) v.push(`${c.name}: capabilities not dropped`);
    if ((sc.capabilities?.add ?? []).some((cap) => cap !== 'NET_BIND_SERVICE'))
      v.push(`${c.name}: capabilities added`);
    if (c.ports?.some((p) => p.hostPort)) v.push(`${c.name}: hostPort`);
  }
  return v;
}

describe('buildDeployment', () => {
  it.each([
    ['the defaults', {}],
    ['a memory-backed /tmp', { tmp: { medium: 'Memory' as const, sizeLimit: '32Mi' } }],
    ['autoscaling', { autoscaling: { maxReplicas: 5 } }],
    ['another port', { port: 9090 }],
  ])('builds a pod the Pod Security "restricted" profile admits, with %s', (_, spec) => {
    expect(restrictedViolations(pod(buildDeployment(hello(spec), settings)))).toEqual([]);
  });

  it('runs as a fixed non-root user and group above 10000 on a read-only root filesystem', () => {
    const d = buildDeployment(hello(), settings);
    const sc = container(d).securityContext;
    expect(sc?.runAsUser).toBeGreaterThan(10000);
    expect(sc?.runAsGroup).toBeGreaterThan(10000);
    expect(sc?.readOnlyRootFilesystem).toBe(true);
    expect(pod(d).automountServiceAccountToken).toBe(false);
  });

  it.each([
    ['default', {}, 2],
    ['explicit', { replicas: 5 }, 5],
    ['one', { replicas: 1 }, 1],
  ])('sets replicas without autoscaling (%s)', (_, spec, replicas) => {
    expect(buildDeployment(hello(spec), settings).spec?.replicas).toBe(replicas);
  });

  it('leaves replicas out when an autoscaler owns them, so that applying never resets its count', () => {
    const spec = buildDeployment(hello({ autoscaling: { minReplicas: 3, maxReplicas: 9 } }), settings).spec;
    expect(spec).toBeDefined();
    expect(Object.keys(spec ?? {})).not.toContain('replicas');
  });

  it.each([
    ['the operator default', {}, 'registry.example/hello-workload:1.0.0'],
    ['spec.image', { image: 'mirror.example/hello@sha256:abc' }, 'mirror.example/hello@sha256:abc'],
  ])('runs the image from %s', (_, spec, image) => {
    expect(container(buildDeployment(hello(spec), settings)).image).toBe(image);
  });

  it.each([
    [8080, {}],
    [9090, { port: 9090 }],
  ] as const)('listens on port %d, told through PORT', (port, spec) => {
    const d = buildDeployment(hello(spec), settings);
    expect(container(d).ports).toEqual([{ name: 'http', containerPort: port, protocol: 'TCP' }]);
    expect(env(d, 'PORT')?.value).toBe(String(port));
  });

  it('reads MESSAGES from the ConfigMap and points TMPDIR at the writable /tmp', () => {
    const d = buildDeployment(hello(), settings);
    expect(env(d, 'MESSAGES')?.valueFrom?.configMapKeyRef).toEqual({
      name: buildConfigMap(hello(), settings).metadata?.name,
      key: 'MESSAGES',
    });
    expect(env(d, 'MESSAGES')?.valueFrom?.configMapKeyRef?.name).toMatch(/^hello-[0-9a-f]{10}$/);
    expect(env(d, 'TMPDIR')?.value).toBe('/tmp');
    expect(container(d).volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
  });

  it.each([
    ['absent', {}, '0'],
    ['switched off', { work: { enabled: false, maxConcurrent: 8 } }, '0'],
    ['on, with the default cap', { work: { enabled: true } }, '4'],
    ['on, with a cap of 16', { work: { enabled: true, maxConcurrent: 16 } }, '16'],
  ])('tells the workload its /work cap (%s) through WORK_MAX_CONCURRENT, 0 being off', (_, spec, value) => {
    expect(env(buildDeployment(hello(spec), settings), 'WORK_MAX_CONCURRENT')?.value).toBe(value);
  });

  it.each([
    ['defaults', {}, String(64 * 2 ** 20)],
    ['a larger disk /tmp', { tmp: { sizeLimit: '1Gi' } }, String(2 ** 30)],
    ['a memory /tmp', { tmp: { medium: 'Memory' as const, sizeLimit: '16Mi' } }, String(16 * 2 ** 20)],
    ['a decimal size', { tmp: { sizeLimit: '1.5M' } }, '1500000'],
    ['a fraction of a byte', { tmp: { sizeLimit: '500m' } }, '1'],
  ])(
    'tells the workload the size of /tmp (%s) through SCRATCH_VOLUME_BYTES, so scratch stays within it',
    (_, spec, value) => {
      expect(env(buildDeployment(hello(spec), settings), 'SCRATCH_VOLUME_BYTES')?.value).toBe(value);
    },
  );

  it.each([
    ['defaults', {}, { sizeLimit: '64Mi' }],
    ['a larger disk /tmp', { tmp: { sizeLimit: '1Gi' } }, { sizeLimit: '1Gi' }],
    [
      'a memory /tmp',
      { tmp: { medium: 'Memory' as const, sizeLimit: '16Mi' } },
      { sizeLimit: '16Mi', medium: 'Memory' },
    ],
  ])('mounts /tmp as a bounded emptyDir (%s)', (_, spec, emptyDir) => {
    expect(pod(buildDeployment(hello(spec), settings)).volumes).toEqual([{ name: 'tmp', emptyDir }]);
  });

  it.each([
    ['defaults', {}, { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } }],
    [
      'given values',
      { resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } } },
      { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
    ],
  ])('sets CPU and memory requests and limits (%s)', (_, spec, resources) => {
    expect(container(buildDeployment(hello(spec), settings)).resources).toMatchObject(resources);
  });

  it.each([
    ['logs and the default 64Mi /tmp', {}, '128Mi'],
    ['logs and a 1Gi /tmp', { tmp: { sizeLimit: '1Gi' } }, '1088Mi'],
    ['logs and a 1.5G /tmp, in bytes', { tmp: { sizeLimit: '1.5G' } }, String(1.5e9 + 64 * 2 ** 20)],
    ['logs only, with /tmp in memory', { tmp: { medium: 'Memory' as const, sizeLimit: '64Mi' } }, '64Mi'],
  ])('requests and limits ephemeral storage for %s', (_, spec, storage) => {
    const { requests, limits } = container(buildDeployment(hello(spec), settings)).resources ?? {};
    expect(requests?.['ephemeral-storage']).toBe(storage);
    expect(limits?.['ephemeral-storage']).toBe(storage);
  });

  it('probes start-up and liveness on /healthz and readiness on /readyz, on the serving port', () => {
    const c = container(buildDeployment(hello({ port: 9000 }), settings));
    expect(c.startupProbe?.httpGet).toMatchObject({ path: '/healthz', port: 'http' });
    expect(c.livenessProbe?.httpGet).toMatchObject({ path: '/healthz', port: 'http' });
    expect(c.readinessProbe?.httpGet).toMatchObject({ path: '/readyz', port: 'http' });
  });

  it('keeps serving while a terminating pod leaves the endpoints, within the grace period', () => {
    const d = buildDeployment(hello(), settings);
    expect(container(d).lifecycle?.preStop?.sleep?.seconds).toBe(PRE_STOP_SLEEP_SECONDS);
    expect(pod(d).terminationGracePeriodSeconds).toBeGreaterThan(PRE_STOP_SLEEP_SECONDS);
  });

  it('rolls out without losing capacity and keeps a bounded history', () => {
    const spec = buildDeployment(hello(), settings).spec;
    expect(spec?.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
    });
    expect(spec?.revisionHistoryLimit).toBe(REVISION_HISTORY_LIMIT);
  });

  it('spreads pods across nodes, selecting its own pods', () => {
    const d = buildDeployment(hello(), settings);
    const [spread] = pod(d).topologySpreadConstraints ?? [];
    expect(spread?.topologyKey).toBe('kubernetes.io/hostname');
    expect(spread?.labelSelector?.matchLabels).toEqual(d.spec?.selector.matchLabels);
  });

  it('selects its pods with labels the pod template carries', () => {
    const d = buildDeployment(hello(), settings);
    expect(d.spec?.template.metadata?.labels).toMatchObject(
      d.spec?.selector.matchLabels ?? { missing: true },
    );
  });

  it('tolerates a lost node for nodeLossToleranceSeconds (default 30), not the 300 s Kubernetes would add', () => {
    const tolerations = (hs: ReturnType<typeof hello>) => pod(buildDeployment(hs, settings)).tolerations;
    expect(tolerations(hello())).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
      {
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 30,
      },
    ]);
    expect(tolerations(hello({ nodeLossToleranceSeconds: 5 }))?.map((t) => t.tolerationSeconds)).toEqual([
      5, 5,
    ]);
  });

  it('labels the pods with their revision (message and image), which is not in the selector', () => {
    const labels = (hs: ReturnType<typeof hello>) =>
      buildDeployment(hs, settings).spec?.template.metadata?.labels;
    expect(labels(hello())?.[REVISION_LABEL]).toBe(revisionOf(hello(), settings).name);
    expect(labels(hello({ message: 'other' }))?.[REVISION_LABEL]).not.toBe(labels(hello())?.[REVISION_LABEL]);
    expect(buildDeployment(hello(), settings).spec?.selector.matchLabels).not.toHaveProperty(REVISION_LABEL);
  });

  it('keeps the selector when anything in the spec changes (a Deployment selector is immutable)', () => {
    const a = buildDeployment(hello(), settings).spec?.selector;
    const b = buildDeployment(hello({ message: 'other', replicas: 7, port: 9999, image: 'x/y:z' }), settings)
      .spec?.selector;
    expect(b).toEqual(a);
  });

  describe('config hash annotation', () => {
    const messages = [
      'Hello, world!',
      'Hello, world!\n',
      'Grüß Gott, 世界! 👋',
      'line one\nline two\n\nline four',
      'x'.repeat(MAX_MESSAGE_LENGTH),
      `${'x'.repeat(MAX_MESSAGE_LENGTH - 1)}y`,
    ];
    it('differs for every different message, so that each change rolls the pods', () => {
      const hashes = messages.map((message) => hash(buildDeployment(hello({ message }), settings)));
      expect(hashes.every((h) => typeof h === 'string' && h.length > 0)).toBe(true);
      expect(new Set(hashes).size).toBe(messages.length);
    });

    it('stays when only the replica count changes, so that scaling does not roll the pods', () => {
      expect(hash(buildDeployment(hello({ replicas: 5 }), settings))).toBe(
        hash(buildDeployment(hello(), settings)),
      );
    });
  });

  it('names everything within 63 characters for the longest HelloService name', () => {
    const d = buildDeployment(hello({}, { name: LONGEST_NAME }), settings);
    const names = [
      d.metadata?.name,
      pod(d).serviceAccountName,
      env(d, 'MESSAGES')?.valueFrom?.configMapKeyRef?.name,
    ];
    for (const name of names) expect(name?.length).toBeLessThanOrEqual(63);
    // The ConfigMap's name is the message's (a revision of its own); the others share the child name.
    expect(new Set(names.slice(0, 2)).size).toBe(1);
    expect(names[2]).toMatch(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
  });

  it('carries the owner reference the garbage collector follows', () => {
    expect(buildDeployment(hello(), settings).metadata?.ownerReferences).toEqual([
      {
        apiVersion: 'hello.operators.dev/v1alpha1',
        kind: 'HelloService',
        name: 'hello',
        uid: UID,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
  });

  it('adds the operator’s extra labels to the Deployment and pods but not to the selector', () => {
    const d = buildDeployment(hello(), operatorSettings({ extraLabels: { team: 'platform' } }));
    expect(d.metadata?.labels?.team).toBe('platform');
    expect(d.spec?.template.metadata?.labels?.team).toBe('platform');
    expect(d.spec?.selector.matchLabels?.team).toBeUndefined();
  });
});

describe('buildDeployment: placement, metadata, images and env (issue 20)', () => {
  it('renders a HelloService that sets none of them exactly as before them, so that no pod rolls', () => {
    // testdata/minimal-children.json is the builders' output from before these fields existed.
    const before = JSON.parse(readFileSync('operator/resources/testdata/minimal-children.json', 'utf8'));
    expect(JSON.parse(JSON.stringify(buildDeployment(hello(), settings)))).toEqual(before.deployment);
  });

  it('passes nodeSelector, affinity and priorityClassName to the pods', () => {
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'zone', operator: 'In' as const, values: ['a'] }] },
          ],
        },
      },
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 50,
            podAffinityTerm: {
              topologyKey: 'kubernetes.io/hostname',
              labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'hello' } },
            },
          },
        ],
      },
    };
    const spec = pod(
      buildDeployment(
        hello({ nodeSelector: { 'kubernetes.io/arch': 'arm64' }, affinity, priorityClassName: 'high' }),
        settings,
      ),
    );
    expect(spec.nodeSelector).toEqual({ 'kubernetes.io/arch': 'arm64' });
    expect(spec.affinity).toEqual(affinity);
    expect(spec.priorityClassName).toBe('high');
  });

  it("appends spec.tolerations after the operator's own", () => {
    const dedicated = {
      key: 'dedicated',
      operator: 'Equal' as const,
      value: 'web',
      effect: 'NoSchedule' as const,
    };
    const tolerations = pod(buildDeployment(hello({ tolerations: [dedicated] }), settings)).tolerations;
    expect(tolerations?.map((t) => t.key)).toEqual([...NODE_LOSS_TAINTS, 'dedicated']);
    expect(tolerations?.[2]).toEqual(dedicated);
  });

  it("lets a toleration with the key of one of the operator's replace it", () => {
    const unreachable = {
      key: 'node.kubernetes.io/unreachable',
      operator: 'Exists' as const,
      effect: 'NoExecute' as const,
      tolerationSeconds: 600,
    };
    const tolerations = pod(buildDeployment(hello({ tolerations: [unreachable] }), settings)).tolerations;
    expect(tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
      unreachable,
    ]);
  });

  it('replaces the default spread with spec.topologySpreadConstraints, selecting its own pods unless told', () => {
    const zone = {
      maxSkew: 1,
      topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: 'DoNotSchedule' as const,
    };
    const other = { ...zone, topologyKey: 'rack', labelSelector: { matchLabels: { team: 'a' } } };
    const d = buildDeployment(hello({ topologySpreadConstraints: [zone, other] }), settings);
    expect(pod(d).topologySpreadConstraints).toEqual([{ ...zone, labelSelector: d.spec?.selector }, other]);
  });

  it('renders no empty list or map, which the API server would drop (and the drift check then re-apply)', () => {
    const spec = pod(
      buildDeployment(
        hello({ topologySpreadConstraints: [], nodeSelector: {}, imagePullSecrets: [] }),
        settings,
      ),
    );
    expect(spec).not.toHaveProperty('topologySpreadConstraints');
    expect(spec).not.toHaveProperty('nodeSelector');
    expect(spec).not.toHaveProperty('imagePullSecrets');
  });

  it('labels and annotates the pods, the operator’s labels and config hash kept', () => {
    const d = buildDeployment(
      hello({ podLabels: { team: 'payments' }, podAnnotations: { 'sidecar.istio.io/inject': 'true' } }),
      settings,
    );
    const meta = d.spec?.template.metadata;
    expect(meta?.labels).toMatchObject({ team: 'payments', ...d.spec?.selector?.matchLabels });
    expect(meta?.labels?.[REVISION_LABEL]).toBeDefined();
    expect(meta?.annotations).toEqual({
      'sidecar.istio.io/inject': 'true',
      [CONFIG_HASH_ANNOTATION]: hash(buildDeployment(hello(), settings)),
    });
  });

  it('takes imagePullSecrets, and an imagePullPolicy over the operator setting', () => {
    const d = buildDeployment(
      hello({ imagePullSecrets: [{ name: 'regcred' }], imagePullPolicy: 'Always' }),
      operatorSettings({ imagePullPolicy: 'Never' }),
    );
    expect(pod(d).imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(container(d).imagePullPolicy).toBe('Always');
    expect(
      container(buildDeployment(hello(), operatorSettings({ imagePullPolicy: 'Never' }))).imagePullPolicy,
    ).toBe('Never');
  });

  it('carries the hash of the values spec.env reads from Secrets and ConfigMaps, only when it reads any', () => {
    const annotations = (d: ReturnType<typeof buildDeployment>) =>
      d.spec?.template.metadata?.annotations ?? {};
    expect(annotations(buildDeployment(hello(), settings))).not.toHaveProperty([ENV_HASH_ANNOTATION]);
    const a = buildDeployment(hello(), settings, { envHash: '0123456789abcdef' });
    expect(annotations(a)[ENV_HASH_ANNOTATION]).toBe('0123456789abcdef');
    // A new hash is a new template: the Deployment rolls the pods onto the new values.
    const b = buildDeployment(hello(), settings, { envHash: 'fedcba9876543210' });
    expect(b.spec?.template).not.toEqual(a.spec?.template);
  });

  it("puts the operator's pull Secrets before the HelloService's, each name once", () => {
    const registry = operatorSettings({ imagePullSecrets: ['registry', 'mirror'] });
    expect(pod(buildDeployment(hello(), registry)).imagePullSecrets).toEqual([
      { name: 'registry' },
      { name: 'mirror' },
    ]);
    const both = buildDeployment(
      hello({ imagePullSecrets: [{ name: 'own' }, { name: 'registry' }] }),
      registry,
    );
    expect(pod(both).imagePullSecrets).toEqual([{ name: 'registry' }, { name: 'mirror' }, { name: 'own' }]);
  });

  it('appends spec.env after the variables the operator sets, which are the names OPERATOR_ENV lists', () => {
    const env = [
      { name: 'MODE', value: 'fast' },
      { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token', optional: true } } },
      { name: 'REGION', valueFrom: { configMapKeyRef: { name: 'site', key: 'region' } } },
    ];
    const got = container(buildDeployment(hello({ env }), settings)).env;
    expect(got?.map((e) => e.name)).toEqual([...OPERATOR_ENV, 'MODE', 'TOKEN', 'REGION']);
    expect(got?.slice(OPERATOR_ENV.length)).toEqual(env);
    expect(container(buildDeployment(hello(), settings)).env?.map((e) => e.name)).toEqual([...OPERATOR_ENV]);
  });

  it('sets LOG_LEVEL from spec.logLevel after the operator variables, and only when logLevel is set', () => {
    const got = container(
      buildDeployment(hello({ logLevel: 'debug', env: [{ name: 'MODE', value: 'x' }] }), settings),
    );
    expect(got.env?.map((e) => e.name)).toEqual([...OPERATOR_ENV, 'LOG_LEVEL', 'MODE']);
    expect(got.env?.find((e) => e.name === 'LOG_LEVEL')).toEqual({ name: 'LOG_LEVEL', value: 'debug' });
    expect(env(buildDeployment(hello(), settings), 'LOG_LEVEL')).toBeUndefined();
  });

  it('accepts every level the workload accepts, and a new level changes the pod template (rolls the pods)', () => {
    const template = (logLevel?: (typeof LOG_LEVELS)[number]) =>
      JSON.stringify(buildDeployment(hello(logLevel ? { logLevel } : {}), settings).spec?.template);
    for (const level of LOG_LEVELS) {
      const value = env(buildDeployment(hello({ logLevel: level }), settings), 'LOG_LEVEL')?.value;
      expect(parseConfig({ MESSAGES: 'x', LOG_LEVEL: value }).logLevel).toBe(level);
    }
    expect(template('debug')).not.toBe(template('info'));
    expect(template('info')).not.toBe(template());
  });
});
