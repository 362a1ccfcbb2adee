// Least privilege when confined, on a real API server. The RBAC that the chart (watchNamespaces) and
// the deploy/confined overlay install is applied for the operator's ServiceAccount in namespaces of
// the test's own; then, with that ServiceAccount's own token (TokenRequest API), every grant of the
// namespaced Role (operator/resources/rbac.ts) is allowed in the watched namespace and refused in
// another one and cluster-wide, a real create is allowed there and refused (403) elsewhere, and the
// operator run under that token makes a HelloService Ready with no request refused. (The chart's
// confined install is also run in-cluster by test/install.test.ts.)
import { randomBytes } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { helmTemplate, kustomize } from '../../deploy/install.ts';
import { managerPolicy } from '../../operator/resources/rbac.ts';
import { apiStatus, createNamespace, deleteNamespace, kubeConfig, tokenConfig } from '../cluster/kube.ts';
import { type Obj, objectsOf } from '../cluster/rendered.ts';
import { SMALL_FOOTPRINT } from './ha-fixture.ts';
import {
  eventually,
  getObject,
  helloService,
  kubectlFor,
  must,
  NS_PREFIX,
  type RunningOperator,
  startOperator,
  tempDir,
  tokenKubeconfig,
  workloadImage,
} from './operator-process.ts';

const RBAC_KINDS = ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'];
const CLUSTER_KINDS = ['ClusterRole', 'ClusterRoleBinding'];

type Confined = { objects: Obj[]; account: string };

/** The chart's RBAC for `watchNamespaces=[ns]`, released in `opNs` under a name of this run's. */
function chartRbac(opNs: string, ns: string, suffix: string): Confined {
  const account = `hello-operator-${suffix}`;
  const yaml = helmTemplate(
    ['--set-json', `watchNamespaces=${JSON.stringify([ns])}`, '--set', `fullnameOverride=${account}`],
    'hello-operator',
    opNs,
  );
  return { objects: objectsOf(yaml).filter((o) => RBAC_KINDS.includes(o.kind)), account };
}

/**
 * deploy/confined's RBAC moved to the test's namespaces: the operator's (hello-operator-system) to
 * `opNs`, the watched one (default) to `ns`; cluster-scoped names suffixed so that runs do not collide.
 */
function overlayRbac(opNs: string, ns: string, suffix: string): Confined {
  const moveTo = (namespace: string | undefined) =>
    namespace === 'hello-operator-system' ? opNs : namespace === 'default' ? ns : namespace;
  const objects = objectsOf(kustomize('deploy/confined'))
    .filter((o) => RBAC_KINDS.includes(o.kind))
    .map((o) => {
      const copy = structuredClone(o);
      if (copy.metadata.namespace) copy.metadata.namespace = moveTo(copy.metadata.namespace);
      for (const s of copy.subjects ?? []) s.namespace = moveTo(s.namespace);
      if (CLUSTER_KINDS.includes(copy.kind)) copy.metadata.name += `-${suffix}`;
      if (copy.kind === 'ClusterRoleBinding' && copy.roleRef) copy.roleRef.name += `-${suffix}`;
      return copy;
    });
  expect(objects.filter((o) => o.kind === 'Role' && o.metadata.namespace === ns)).toHaveLength(1);
  return { objects, account: 'hello-operator' };
}

const sources = [
  { name: 'the Helm chart with watchNamespaces', rbac: chartRbac, runOperator: false },
  { name: 'the deploy/confined overlay', rbac: overlayRbac, runOperator: true },
];

/** Every grant of the namespaced Role, as SelfSubjectAccessReview attributes. */
const namespacedGrants = managerPolicy('namespaced').flatMap((rule) =>
  rule.apiGroups.flatMap((group) =>
    rule.resources.flatMap((plural) => {
      const [resource = plural, subresource] = plural.split('/');
      return rule.verbs.map((verb) => ({ group, resource, subresource, verb }));
    }),
  ),
);

describe.each(sources)('confined RBAC of $name', ({ rbac, runOperator }) => {
  const adminPath = inject('kubeconfig');
  const admin = kubeConfig(adminPath);
  const core = admin.makeApiClient(k8s.CoreV1Api);
  const kubectl = kubectlFor(adminPath);
  const suffix = randomBytes(3).toString('hex');
  const dir = tempDir();
  let opNs = '';
  let ns = '';
  let other = '';
  let confined: Confined = { objects: [], account: '' };
  let operatorKubeconfig = '';
  let asOperator: k8s.KubeConfig;

  /** Whether the operator's token may do this, by a SelfSubjectAccessReview made with that token. */
  const allowed = async (attributes: k8s.V1ResourceAttributes) =>
    (
      await asOperator.makeApiClient(k8s.AuthorizationV1Api).createSelfSubjectAccessReview({
        body: { spec: { resourceAttributes: attributes } },
      })
    ).status?.allowed ?? false;

  beforeAll(async () => {
    opNs = await createNamespace(core, `${NS_PREFIX}confined-op`);
    ns = await createNamespace(core, `${NS_PREFIX}confined-hs`);
    other = await createNamespace(core, `${NS_PREFIX}confined-other`);
    confined = rbac(opNs, ns, suffix);
    must(kubectl, ['apply', '-f', '-'], confined.objects.map((o) => `---\n${stringify(o)}`).join(''));
    const tr = await core.createNamespacedServiceAccountToken({
      name: confined.account,
      namespace: opNs,
      body: { spec: { audiences: [], expirationSeconds: 3600 } },
    });
    const token = tr.status?.token;
    if (!token) throw new Error('no token issued');
    asOperator = tokenConfig(admin, token);
    operatorKubeconfig = tokenKubeconfig(admin, token, dir.path);
    // The authorizer sees new RBAC objects within moments, not at once.
    await eventually('the Role to take effect', () =>
      allowed({ namespace: ns, group: 'apps', resource: 'deployments', verb: 'create' }),
    );
  });
  afterAll(async () => {
    for (const name of [ns, other, opNs]) await deleteNamespace(core, name);
    for (const o of confined.objects.filter((x) => CLUSTER_KINDS.includes(x.kind))) {
      kubectl(['delete', o.kind.toLowerCase(), o.metadata.name, '--ignore-not-found']);
    }
    dir.remove();
  });

  it('allows every namespaced grant in the watched namespace, and none in another or cluster-wide', async () => {
    expect(namespacedGrants.length).toBeGreaterThan(30);
    const refused: string[] = [];
    const leaked: string[] = [];
    for (const grant of namespacedGrants) {
      const what = `${grant.verb} ${grant.group}/${grant.resource}${grant.subresource ? `/${grant.subresource}` : ''}`;
      if (!(await allowed({ ...grant, namespace: ns }))) refused.push(`${what} in ${ns}`);
      if (await allowed({ ...grant, namespace: other })) leaked.push(`${what} in ${other}`);
      // No namespace: the request of a cluster-wide list or watch, or of a write in every namespace.
      if (await allowed(grant)) leaked.push(`${what} cluster-wide`);
    }
    expect(refused).toEqual([]);
    expect(leaked).toEqual([]);
  });

  it('reads IngressClasses cluster-wide but writes none; gets Secrets by name in the watched namespace only, never lists them', async () => {
    const ingressClasses = { group: 'networking.k8s.io', resource: 'ingressclasses' };
    expect(await allowed({ ...ingressClasses, verb: 'list' })).toBe(true);
    expect(await allowed({ ...ingressClasses, verb: 'get' })).toBe(true);
    expect(await allowed({ ...ingressClasses, verb: 'create' })).toBe(false);
    // The Secrets a HelloService's spec.env names, read by name (reconcile/env-references.ts).
    expect(await allowed({ namespace: ns, resource: 'secrets', verb: 'get' })).toBe(true);
    for (const namespace of [other, undefined]) {
      expect(await allowed({ namespace, resource: 'secrets', verb: 'get' }), namespace).toBe(false);
    }
    for (const namespace of [ns, other, undefined]) {
      for (const verb of ['list', 'watch']) {
        expect(await allowed({ namespace, resource: 'secrets', verb }), `${verb} in ${namespace}`).toBe(
          false,
        );
      }
    }
  });

  it('creates a ConfigMap in the watched namespace; the same create in another namespace gets 403', async () => {
    const asOperatorCore = asOperator.makeApiClient(k8s.CoreV1Api);
    const body = { metadata: { name: `confined-${suffix}` }, data: { probe: 'yes' } };
    const created = await asOperatorCore.createNamespacedConfigMap({ namespace: ns, body });
    expect(created.metadata?.namespace).toBe(ns);
    const denied = await asOperatorCore.createNamespacedConfigMap({ namespace: other, body }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const { code, message } = apiStatus(denied);
    expect(code).toBe(403);
    expect(message).toContain(`system:serviceaccount:${opNs}:${confined.account}`);
    expect(getObject(kubectl, 'configmap', body.metadata.name, other)).toBeUndefined();
  });

  it.runIf(runOperator)(
    'is all the operator needs: under that token it makes a HelloService Ready, with no request refused',
    async () => {
      let op: RunningOperator | undefined;
      try {
        op = await startOperator(operatorKubeconfig, [
          `--watch-namespaces=${ns}`,
          `--leader-election-namespace=${opNs}`,
          `--leader-election-id=confined-${suffix}`,
          `--workload-image=${workloadImage}`,
        ]);
        must(
          kubectl,
          ['apply', '-n', ns, '-f', '-'],
          JSON.stringify(helloService('confined', SMALL_FOOTPRINT)),
        );
        await eventually('HelloService confined Ready', () => {
          const hs = getObject(kubectl, 'hs', 'confined', ns);
          const ready = (hs?.status?.conditions as { type: string; status: string }[] | undefined)?.find(
            (c) => c.type === 'Ready',
          );
          return ready?.status === 'True' && hs?.status?.observedGeneration === hs?.metadata.generation;
        });
        expect(op.logs.filter((line) => /forbidden/i.test(line))).toEqual([]);
      } finally {
        await op?.stop();
      }
    },
  );
});
