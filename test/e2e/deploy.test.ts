// deploy/ as released (the ghcr.io image, every namespace), checked without changing anything: the
// kustomize base builds and the operator's pods are set up as the install promises. The server-side
// dry run, kubeconform and kube-score are in test/manifests.test.ts (which moves the objects into a
// namespace that exists: a dry run creates no Namespace for the objects after it). The e2e and
// `npm start` install it for real (with the local images).

import { describe, expect, inject, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { kubectlFor, must, type Obj, repoRoot } from '../operator/operator-process.ts';

describe('deploy/, the kustomize base', () => {
  const kubectl = kubectlFor(inject('kubeconfig'));
  const built = must(kubectl, ['kustomize', `${repoRoot}/deploy`]);
  const objects = parseAllDocuments(built).map(
    (d) => d.toJS() as Obj & { kind: string; metadata: { namespace?: string } },
  );
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);

  it('holds everything an install needs, in hello-operator-system', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ClusterRole/hello-operator-manager',
      'ClusterRole/hello-operator-metrics-reader',
      'ClusterRoleBinding/hello-operator-manager',
      'CustomResourceDefinition/helloservices.hello.operators.dev',
      'Deployment/hello-operator',
      'Namespace/hello-operator-system',
      'NetworkPolicy/hello-operator',
      'PodDisruptionBudget/hello-operator',
      'Role/hello-operator-leader-election',
      'RoleBinding/hello-operator-leader-election',
      'Service/hello-operator-metrics',
      'ServiceAccount/hello-operator',
    ]);
    const cluster = ['ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'Namespace'];
    for (const o of objects.filter((x) => !cluster.includes(x.kind)))
      expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe('hello-operator-system');
    expect(byKind('Namespace')[0]?.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe(
      'restricted',
    );
  });

  it('runs two leader-elected, locked-down replicas of the release image with probes and limits', () => {
    const d = byKind('Deployment')[0];
    const pod = d?.spec?.template.spec;
    const c = pod?.containers[0];
    expect(d?.spec?.replicas).toBe(2);
    expect(c.image).toMatch(/^ghcr\.io\/hello-operator\/hello-operator:\d+\.\d+\.\d+$/);
    expect(c.args).toContain('--leader-elect=true');
    expect(c.args).toContain('--metrics-secure=true');
    expect(c.env).toContainEqual({
      name: 'POD_NAMESPACE',
      valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
    });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'health' });
    expect(c.ports).toContainEqual({ name: 'metrics', containerPort: 8080, protocol: 'TCP' });
    expect(Object.keys(c.resources.requests).sort()).toEqual(['cpu', 'ephemeral-storage', 'memory']);
    expect(Object.keys(c.resources.limits).sort()).toEqual(['cpu', 'ephemeral-storage', 'memory']);
    expect(c.securityContext).toEqual({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.topologySpreadConstraints[0]).toMatchObject({
      topologyKey: 'kubernetes.io/hostname',
      whenUnsatisfiable: 'ScheduleAnyway',
    });
  });
});
