// The operator's ClusterRole, generated from the table of child kinds (children.ts) and the few
// other calls the controller makes: exactly those, no wildcards, no Secrets. `npm run generate`
// writes it to deploy/rbac/role.yaml; the chart's copy is generated from that file.
import { GROUP, PLURAL } from '../api/schema.ts';
import { CHILD_KINDS, type ChildKind } from './children.ts';

export const MANAGER_ROLE_PATH = 'deploy/rbac/role.yaml';

export type PolicyRule = { apiGroups: string[]; resources: string[]; verbs: string[] };
type CommentedRule = PolicyRule & { comment: string };

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
      comment: 'A spec naming an IngressClass that does not exist is reported, not applied.',
      apiGroups: ['networking.k8s.io'],
      resources: ['ingressclasses'],
      verbs: ['get', 'list'],
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
    },
    {
      comment: '',
      apiGroups: ['authorization.k8s.io'],
      resources: ['subjectaccessreviews'],
      verbs: ['create'],
    },
  ];
}

const list = (items: readonly string[]) => `[${items.map((i) => (i === '' ? '""' : i)).join(', ')}]`;

/** deploy/rbac/role.yaml as committed. */
export function managerRoleYaml(): string {
  const rules = managerRules().flatMap((r) => [
    ...(r.comment ? [`  # ${r.comment}`] : []),
    `  - apiGroups: ${list(r.apiGroups)}`,
    `    resources: ${list(r.resources)}`,
    `    verbs: ${list(r.verbs)}`,
  ]);
  return [
    '# Generated from operator/resources/rbac.ts by `npm run generate`; do not edit by hand.',
    '# What the controller needs in every namespace it watches, and nothing more.',
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: ClusterRole',
    'metadata:',
    '  name: hello-operator-manager',
    '  labels:',
    '    app.kubernetes.io/name: hello-operator',
    '    app.kubernetes.io/part-of: hello-operator',
    'rules:',
    ...rules,
    '',
  ].join('\n');
}
