// The operator's RBAC, generated from the table of child kinds (children.ts) and the few other calls
// the controller makes: exactly those, no wildcards; Secrets only read by name (those spec.env names). `npm run generate` writes it as
// - deploy/rbac/role.yaml: one ClusterRole with every rule, bound cluster-wide (watching all namespaces);
// - for an operator confined to some namespaces (deploy/confined): a Role with the namespaced rules,
//   bound in each watched namespace, and the ClusterRole cut down to the cluster-scoped rules
//   (IngressClass reads, TokenReview and SubjectAccessReview creates).
// The chart's copies are generated from these files (deploy/install.ts).
import { GROUP, PLURAL } from '../api/schema.ts';
import { CHILD_KINDS, type ChildKind } from './children.ts';

const MANAGER_ROLE_PATH = 'deploy/rbac/role.yaml';
const CONFINED_CLUSTER_ROLE_PATH = 'deploy/confined/operator/cluster_role_patch.yaml';
const NAMESPACE_ROLE_PATH = 'deploy/confined/watched-namespace/role.yaml';

export type PolicyRule = { apiGroups: string[]; resources: string[]; verbs: string[] };
/**
 * clusterScoped: a rule on a cluster-scoped kind, which stays cluster-wide when the operator is
 * confined: reads, and creates of review APIs, which persist nothing.
 */
type CommentedRule = PolicyRule & { comment: string; clusterScoped?: true };

/** Server-side apply is a PATCH that creates a missing object; a name clash is read with get. */
const WATCHED_VERBS = ['get', 'list', 'watch', 'create', 'patch', 'delete'];
/** A kind whose CRD may be missing is read by name, never listed or watched. */
const UNWATCHED_VERBS = ['get', 'create', 'patch', 'delete'];

const groupOf = (kind: ChildKind) =>
  kind.apiVersion.includes('/') ? (kind.apiVersion.split('/')[0] ?? '') : '';

/** One rule per API group (and verbs) of the child kinds, in table order. */
export function childRules(): PolicyRule[] {
  const rules: PolicyRule[] = [];
  for (const kind of CHILD_KINDS) {
    const verbs = kind.optionalCRD ? UNWATCHED_VERBS : WATCHED_VERBS;
    const group = groupOf(kind);
    const same = rules.find((r) => r.apiGroups[0] === group && r.verbs.join() === verbs.join());
    if (same) same.resources.push(kind.plural);
    else rules.push({ apiGroups: [group], resources: [kind.plural], verbs: [...verbs] });
  }
  return rules;
}

function managerRules(): CommentedRule[] {
  return [
    {
      comment: 'The custom resource: read and watch it, write only its status (server-side apply = patch).',
      apiGroups: [GROUP],
      resources: [PLURAL],
      verbs: ['get', 'list', 'watch'],
    },
    { comment: '', apiGroups: [GROUP], resources: [`${PLURAL}/status`], verbs: ['get', 'patch'] },
    {
      comment:
        'Owner references with blockOwnerDeletion need this where OwnerReferencesPermissionEnforcement is on.',
      apiGroups: [GROUP],
      resources: [`${PLURAL}/finalizers`],
      verbs: ['update'],
    },
    ...childRules().map((rule, i) => ({
      ...rule,
      comment:
        i === 0
          ? 'The children (operator/resources/children.ts). A kind whose CRD may be missing (the ServiceMonitor) is read by name, not watched.'
          : '',
    })),
    {
      comment:
        "An earlier message's ConfigMap is deleted once no ReplicaSet of the Deployment uses it (reconcile/revisions.ts).",
      apiGroups: ['apps'],
      resources: ['replicasets'],
      verbs: ['list'],
    },
    {
      comment:
        "With spec.rollout.autoRollback, a rolling revision's pods are listed to find a crash loop (reconcile/rollback.ts).",
      apiGroups: [''],
      resources: ['pods'],
      verbs: ['list'],
    },
    {
      comment:
        "The Secrets a HelloService's spec.env reads, by name only (no list or watch): their values' hash rolls the pods when they change (reconcile/env-references.ts).",
      apiGroups: [''],
      resources: ['secrets'],
      verbs: ['get'],
    },
    {
      comment: 'A spec naming an IngressClass that does not exist is reported, not applied.',
      apiGroups: ['networking.k8s.io'],
      resources: ['ingressclasses'],
      verbs: ['get', 'list'],
      clusterScoped: true,
    },
    {
      comment: "Events on HelloServices (events.k8s.io/v1); patch updates a repeated event's count.",
      apiGroups: ['events.k8s.io'],
      resources: ['events'],
      verbs: ['create', 'patch'],
    },
    {
      comment:
        'Scrapes of /metrics are authenticated and authorised by the API server (--metrics-secure, controller/metrics-auth.ts).',
      apiGroups: ['authentication.k8s.io'],
      resources: ['tokenreviews'],
      verbs: ['create'],
      // Cluster-scoped review APIs: a create persists nothing (the API server answers and forgets).
      clusterScoped: true,
    },
    {
      comment: '',
      apiGroups: ['authorization.k8s.io'],
      resources: ['subjectaccessreviews'],
      verbs: ['create'],
      clusterScoped: true,
    },
  ];
}

const list = (items: readonly string[]) => `[${items.map((i) => (i === '' ? '""' : i)).join(', ')}]`;

/** Every rule, or only those of namespaced kinds (a confined operator's Role in each namespace). */
export function managerPolicy(scope: 'all' | 'namespaced' = 'all'): PolicyRule[] {
  return managerRules()
    .filter((r) => scope === 'all' || !r.clusterScoped)
    .map(({ apiGroups, resources, verbs }) => ({ apiGroups, resources, verbs }));
}

function roleYaml(kind: 'ClusterRole' | 'Role', why: string, rules: CommentedRule[]): string {
  const lines = rules.flatMap((r) => [
    ...(r.comment ? [`  # ${r.comment}`] : []),
    `  - apiGroups: ${list(r.apiGroups)}`,
    `    resources: ${list(r.resources)}`,
    `    verbs: ${list(r.verbs)}`,
  ]);
  return [
    '# Generated from operator/resources/rbac.ts by `npm run generate`; do not edit by hand.',
    `# ${why}`,
    'apiVersion: rbac.authorization.k8s.io/v1',
    `kind: ${kind}`,
    'metadata:',
    '  name: hello-operator-manager',
    '  labels:',
    '    app.kubernetes.io/name: hello-operator',
    '    app.kubernetes.io/part-of: hello-operator',
    'rules:',
    ...lines,
    '',
  ].join('\n');
}

/** deploy/rbac/role.yaml as committed. */
function managerRoleYaml(): string {
  return roleYaml(
    'ClusterRole',
    'What the controller needs in every namespace it watches, and nothing more.',
    managerRules(),
  );
}

/** The confined overlay's patch of that ClusterRole: what stays cluster-wide, only reads. */
function confinedClusterRoleYaml(): string {
  return roleYaml(
    'ClusterRole',
    'Confined to some namespaces, the operator keeps cluster-wide only what is cluster-scoped: reads of IngressClasses, and the reviews that authenticate scrapes of its metrics (they persist nothing).',
    managerRules().filter((r) => r.clusterScoped),
  );
}

/** The Role each watched namespace gets when the operator is confined. */
function namespaceRoleYaml(): string {
  return roleYaml(
    'Role',
    'What the controller needs in one namespace it watches (bound there by role_binding.yaml).',
    managerRules().filter((r) => !r.clusterScoped),
  );
}

/** Every file `npm run generate` writes here, path → content. */
export function rbacFiles(): Record<string, string> {
  return {
    [MANAGER_ROLE_PATH]: managerRoleYaml(),
    [CONFINED_CLUSTER_ROLE_PATH]: confinedClusterRoleYaml(),
    [NAMESPACE_ROLE_PATH]: namespaceRoleYaml(),
  };
}
