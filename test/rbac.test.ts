// RBAC is enforced: a ServiceAccount token with no rights is refused; after a Role and RoleBinding
// grant `list pods`, the same token is allowed.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  apiStatus,
  createNamespace,
  deleteNamespace,
  eventually,
  kubeConfig,
  tokenConfig,
} from './cluster/kube.ts';

describe('RBAC', () => {
  const kc = kubeConfig(inject('kubeconfig'));
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
  let ns = '';
  let asReader: k8s.CoreV1Api;

  beforeAll(async () => {
    ns = await createNamespace(core, 'rbac');
    await core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: 'reader' } } });
    const tr = await core.createNamespacedServiceAccountToken({
      name: 'reader',
      namespace: ns,
      body: { spec: { audiences: [], expirationSeconds: 600 } },
    });
    const token = tr.status?.token;
    if (!token) throw new Error('no token issued');
    asReader = tokenConfig(kc, token).makeApiClient(k8s.CoreV1Api);
  });
  afterAll(async () => {
    await deleteNamespace(core, ns);
  });

  it('refuses a token without rights, then allows it once a Role is bound', async () => {
    const denied = await asReader.listNamespacedPod({ namespace: ns }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const { code, message } = apiStatus(denied);
    expect(code).toBe(403);
    expect(message).toContain(`system:serviceaccount:${ns}:reader`);

    await rbac.createNamespacedRole({
      namespace: ns,
      body: {
        metadata: { name: 'pod-reader' },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: ns,
      body: {
        metadata: { name: 'pod-reader' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: ns }],
      },
    });
    const list = await eventually(
      'list allowed',
      () => asReader.listNamespacedPod({ namespace: ns }),
      30_000,
    );
    expect(list.items).toEqual([]);
    // Still nothing beyond the Role: other verbs and other namespaces stay refused.
    const other = await asReader.listNamespacedPod({ namespace: 'kube-system' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(apiStatus(other).code).toBe(403);
  });
});
