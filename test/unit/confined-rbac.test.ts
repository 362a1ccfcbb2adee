// Least privilege when confined (WATCH_NAMESPACES, the chart's watchNamespaces, deploy/confined):
// nothing namespaced and no write is granted cluster-wide (but creates of the review APIs that
// authenticate metrics scrapes, which persist nothing), and each watched namespace gets a Role with exactly
// the namespaced rules of operator/resources/rbac.ts, bound to the operator's ServiceAccount.
// Renders with the helm and kubectl that test/cluster/build.sh built (no cluster).
import { describe, expect, it } from 'vitest';
import { helmTemplate, kustomize } from '../../deploy/install.ts';
import { managerPolicy, type PolicyRule } from '../../operator/resources/rbac.ts';
import { managerEnv, type Obj, objectsOf } from '../cluster/rendered.ts';

/** The kinds the operator reads cluster-wide; every other kind it touches lives in a namespace. */
const CLUSTER_SCOPED = ['ingressclasses'];
const READ_VERBS = ['get', 'list', 'watch'];
/** Review APIs it creates cluster-wide to authenticate metrics scrapes: a create persists nothing. */
const REVIEWS = ['tokenreviews', 'subjectaccessreviews'];

/** Sorted "group/resource verb" grants, to compare rule sets however they are grouped. */
const grants = (rules: PolicyRule[]) =>
  rules
    .flatMap((r) =>
      r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g}/${res} ${v}`))),
    )
    .sort();

/** The rules granted cluster-wide: of every ClusterRole a ClusterRoleBinding binds. */
function clusterWideRules(objects: Obj[]): PolicyRule[] {
  const bound = objects
    .filter((o) => o.kind === 'ClusterRoleBinding' && o.roleRef?.kind === 'ClusterRole')
    .map((o) => o.roleRef?.name);
  return objects
    .filter((o) => o.kind === 'ClusterRole' && bound.includes(o.metadata.name))
    .flatMap((o) => o.rules ?? []);
}

/** Checks one confined install: `objects` rendered for `namespaces`, operator SA `account` in `home`. */
function expectConfined(objects: Obj[], namespaces: string[], account: string, home: string) {
  const clusterWide = clusterWideRules(objects);
  expect(clusterWide.length).toBeGreaterThan(0);
  for (const rule of clusterWide) {
    if (rule.resources.every((r) => REVIEWS.includes(r))) {
      expect(rule.verbs, JSON.stringify(rule)).toEqual(['create']);
      continue;
    }
    expect(
      rule.verbs.filter((v) => !READ_VERBS.includes(v)),
      JSON.stringify(rule),
    ).toEqual([]);
    expect(
      rule.resources.filter((r) => !CLUSTER_SCOPED.includes(r)),
      JSON.stringify(rule),
    ).toEqual([]);
  }
  // The reviews must be cluster-wide: a Role cannot grant a cluster-scoped kind, and without them
  // every scrape of the operator's metrics would fail.
  expect(grants(clusterWide)).toEqual(
    expect.arrayContaining([
      'authentication.k8s.io/tokenreviews create',
      'authorization.k8s.io/subjectaccessreviews create',
    ]),
  );
  expect(managerEnv(objects).WATCH_NAMESPACES?.split(',').sort()).toEqual([...namespaces].sort());

  const managerRoles = objects.filter((o) => o.kind === 'Role' && o.metadata.name.endsWith('-manager'));
  expect(managerRoles.map((o) => o.metadata.namespace).sort()).toEqual([...namespaces].sort());
  for (const role of managerRoles) {
    const namespace = role.metadata.namespace;
    expect(grants(role.rules ?? []), `Role in ${namespace}`).toEqual(grants(managerPolicy('namespaced')));
    const binding = objects.find(
      (o) =>
        o.kind === 'RoleBinding' &&
        o.metadata.namespace === namespace &&
        o.roleRef?.name === role.metadata.name,
    );
    expect(binding?.roleRef?.kind, `RoleBinding in ${namespace}`).toBe('Role');
    expect(binding?.subjects).toEqual([{ kind: 'ServiceAccount', name: account, namespace: home }]);
  }
  // Confined, the operator still has every grant it has unconfined: in each watched namespace.
  expect(grants([...clusterWide, ...(managerRoles[0]?.rules ?? [])])).toEqual(grants(managerPolicy()));
  expect(objects.find((o) => o.kind === 'ServiceAccount')?.metadata).toMatchObject({
    name: account,
    namespace: home,
  });
}

describe('the Helm chart with watchNamespaces', () => {
  it('grants writes only in the watched namespaces, cluster-wide only reads of cluster-scoped kinds', () => {
    const objects = objectsOf(
      helmTemplate(['--set-json', 'watchNamespaces=["team-a","team-b"]'], 'acme', 'platform'),
    );
    expectConfined(objects, ['team-a', 'team-b'], 'acme-hello-operator', 'platform');
  });

  it('without watchNamespaces, grants every rule cluster-wide and no Role outside its namespace', () => {
    const objects = objectsOf(helmTemplate([]));
    expect(grants(clusterWideRules(objects))).toEqual(grants(managerPolicy()));
    const roles = objects.filter((o) => o.kind === 'Role' || o.kind === 'RoleBinding');
    expect(roles.map((o) => o.metadata.namespace)).toEqual(roles.map(() => 'hello-operator-system'));
  });
});

describe('the confined kustomize overlay (deploy/confined)', () => {
  it('grants writes only in the namespaces it watches, cluster-wide only reads of cluster-scoped kinds', () => {
    const objects = objectsOf(kustomize('deploy/confined'));
    const watched = managerEnv(objects).WATCH_NAMESPACES?.split(',') ?? [];
    expect(watched).toEqual(['default']);
    expectConfined(objects, watched, 'hello-operator', 'hello-operator-system');
  });

  it('is the kustomize base but for the RBAC and WATCH_NAMESPACES', () => {
    const key = (o: Obj) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const base = objectsOf(kustomize('deploy')).map(key);
    const confined = objectsOf(kustomize('deploy/confined')).map(key);
    expect(confined.filter((k) => !base.includes(k)).sort()).toEqual([
      'Role/default/hello-operator-manager',
      'RoleBinding/default/hello-operator-manager',
    ]);
    expect(base.filter((k) => !confined.includes(k))).toEqual([]);
  });
});
