// Everything we ship, checked before anyone installs it (docs/install.md, "Validation"):
//
// 1. deploy/install.yaml, the chart's crds/, RBAC rules and alerts are what `npm run generate:install`
//    makes of their sources (the kustomize base, crds/, deploy/rbac, deploy/monitoring): a stale copy
//    fails here.
// 2. The Helm chart with default values renders the objects of the kustomize base, after dropping
//    Helm's own labels; values.schema.json and the chart's checks refuse bad values, naming them.
// 3. Every manifest set (the kustomize base, deploy/local, deploy/confined, install.yaml, the chart
//    with several value sets) passes kubeconform -strict (schemas written at test time, no
//    internet: from this cluster's OpenAPI, crds/, and prometheus-operator's CRDs from its Go
//    module), kube-score (checks switched off only as docs/install.md lists), and a server-side dry
//    run against the cluster (ServiceMonitor and PrometheusRule only where it serves them: the
//    monitoring test installs and removes their CRDs, and this test leaves them alone). The
//    examples and their rendered children pass kubeconform here; their kube-score and dry runs are
//    in test/api.test.ts.
// 4. actionlint finds nothing in .github/workflows.
//
// kube-linter is not used: its module cannot be fetched through the Go module proxy.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import {
  CHART_CRD_PATH,
  CHART_DIR,
  CHART_RULE_SPEC_PATH,
  chartCrd,
  chartPrometheusRuleSpec,
  chartRbacRules,
  INSTALL_PATH,
  installYaml,
  kustomize,
  MONITORING_RULE_PATH,
  RBAC_RULE_FILES,
} from '../deploy/install.ts';
import { CRD_PATH } from '../operator/api/crd.ts';
import { render } from '../operator/render.ts';
import { tool } from './cluster/cli.ts';
import { createNamespace, deleteNamespace, kubeConfig } from './cluster/kube.ts';
import { kubeconform, kubeScore, writeSchemas } from './cluster/manifest-lint.ts';
import { monitoringCrdPath, repoRoot } from './cluster/paths.ts';

const kubeconfig = inject('kubeconfig');
const core = kubeConfig(kubeconfig).makeApiClient(k8s.CoreV1Api);
const kubectl = (args: string[], input = '') => tool(kubeconfig, 'kubectl', args, input);
const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } & Record<
  string,
  unknown
>;
const docsOf = (yaml: string) =>
  parseAllDocuments(yaml)
    .map((d) => d.toJS() as Obj | null)
    .filter((o): o is Obj => o !== null);
const keyOf = (o: Obj) => `${o.kind}/${o.metadata.name}`;

/** `helm template` of the chart; throws with helm's words when it refuses. */
async function helmTemplate(args: string[], release = 'hello-operator', namespace = 'hello-operator-system') {
  const r = await tool(kubeconfig, 'helm', [
    'template',
    release,
    join(repoRoot, CHART_DIR),
    '--namespace',
    namespace,
    ...args,
  ]);
  if (r.code !== 0) throw new Error(r.stderr.trim());
  return r.stdout;
}

// The value sets every check runs on: the defaults, and each value the chart offers at least once.
const valueSets: { name: string; args: string[]; release?: string }[] = [
  { name: 'default values', args: ['--include-crds'] },
  {
    // A development install: kube-score rightly wants two replicas behind a Service, so no Service.
    name: 'one replica, no leader election, plain-HTTP metrics without a Service, watched namespaces, debug logs, own workload image',
    args: [
      '--set',
      'metrics.secure=false',
      '--set',
      'replicaCount=1',
      '--set',
      'leaderElection.enabled=false',
      '--set',
      'metrics.service.enabled=false',
      '--set-json',
      'watchNamespaces=["team-a","team-b"]',
      '--set',
      'logLevel=debug',
      '--set',
      'workloadImage=registry.example/hello-workload:1.0',
    ],
  },
  {
    // (PodDisruptionBudget and NetworkPolicy can be switched off, but kube-score rightly says the
    // result is worse: not a value set we vouch for.)
    name: 'another release name, image, resources, labels, scheduling',
    release: 'acme',
    args: [
      '--set',
      'image.repository=registry.example/hello-operator',
      '--set',
      'image.tag=1.2.3',
      '--set',
      'image.pullPolicy=Always',
      '--set-json',
      'imagePullSecrets=[{"name":"registry"}]',
      '--set-json',
      'workloadImagePullSecrets=["registry","mirror"]',
      '--set',
      'resources.limits.memory=512Mi',
      '--set',
      'extraLabels.team=platform',
      '--set',
      'podAnnotations.example\\.com/owner=platform',
      '--set',
      'nodeSelector.kubernetes\\.io/os=linux',
      '--set',
      'spreadAcrossNodes=false',
    ],
  },
  {
    name: 'ServiceMonitor and PrometheusRule',
    args: ['--set', 'serviceMonitor.enabled=true', '--set', 'prometheusRule.enabled=true'],
  },
];

describe('generated install files', () => {
  it(`${INSTALL_PATH} is the kustomize base as it is now (else: npm run generate:install)`, () => {
    expect(read(INSTALL_PATH)).toBe(installYaml());
  });

  it(`${CHART_CRD_PATH} is ${CRD_PATH} (else: npm run generate:install)`, () => {
    expect(read(CHART_CRD_PATH)).toBe(chartCrd());
  });

  for (const [source, copy] of Object.entries(RBAC_RULE_FILES)) {
    it(`${copy} holds the rules of ${source} (else: npm run generate:install)`, () => {
      expect(read(copy)).toBe(chartRbacRules(source as keyof typeof RBAC_RULE_FILES));
    });
  }

  it(`${CHART_RULE_SPEC_PATH} holds the alerts of ${MONITORING_RULE_PATH} (else: npm run generate:install)`, () => {
    expect(read(CHART_RULE_SPEC_PATH)).toBe(chartPrometheusRuleSpec());
  });

  it('install.yaml holds every object of deploy/, the CRD and the namespace first', () => {
    const objects = docsOf(read(INSTALL_PATH));
    expect(objects.slice(0, 2).map((o) => o.kind)).toEqual(['Namespace', 'CustomResourceDefinition']);
    expect(objects.map(keyOf)).toEqual(docsOf(kustomize('deploy')).map(keyOf));
  });
});

/** What is left of an object when Helm's bookkeeping is dropped: its labels and label selectors
 * (a Service's too) without instance, version, managed-by and chart (the base has no release). */
function withoutHelmLabels(node: unknown): unknown {
  const helmOnly = [
    'app.kubernetes.io/instance',
    'app.kubernetes.io/version',
    'app.kubernetes.io/managed-by',
    'helm.sh/chart',
  ];
  if (Array.isArray(node)) return node.map(withoutHelmLabels);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    const labelMap =
      ['labels', 'matchLabels', 'selector'].includes(k) &&
      v !== null &&
      typeof v === 'object' &&
      Object.values(v).every((x) => typeof x === 'string');
    if (labelMap) {
      out[k] = Object.fromEntries(Object.entries(v).filter(([label]) => !helmOnly.includes(label)));
    } else out[k] = withoutHelmLabels(v);
  }
  return out;
}

describe('the Helm chart', () => {
  it('renders the objects of the kustomize base with default values (but the Namespace: --create-namespace)', async () => {
    const base = docsOf(kustomize('deploy')).filter((o) => o.kind !== 'Namespace');
    const chart = docsOf(await helmTemplate(['--include-crds']));
    expect(chart.map(keyOf).sort()).toEqual(base.map(keyOf).sort());
    const byKey = new Map(chart.map((o) => [keyOf(o), withoutHelmLabels(o)]));
    for (const o of base) expect(byKey.get(keyOf(o)), keyOf(o)).toEqual(o);
  });

  it('has a version and appVersion equal to package.json, and the base names that image', () => {
    const chart = parse(read(join(CHART_DIR, 'Chart.yaml'))) as { version: string; appVersion: string };
    const pkg = JSON.parse(read('package.json')) as { version: string };
    expect([chart.version, chart.appVersion]).toEqual([pkg.version, pkg.version]);
    expect(read('deploy/manager/deployment.yaml')).toContain(`hello-operator:${pkg.version}`);
  });

  it('names its objects after the release and confines the operator to watched namespaces', async () => {
    const objects = docsOf(
      await helmTemplate(
        [
          '--set-json',
          'watchNamespaces=["team-a","team-b"]',
          '--set-json',
          'workloadImagePullSecrets=["registry","mirror"]',
        ],
        'acme',
        'platform',
      ),
    );
    expect(objects.map(keyOf).sort()).toEqual(
      [
        'ClusterRole/acme-hello-operator-manager',
        'ClusterRole/acme-hello-operator-metrics-reader',
        'ClusterRoleBinding/acme-hello-operator-manager',
        'Deployment/acme-hello-operator',
        'NetworkPolicy/acme-hello-operator',
        'PodDisruptionBudget/acme-hello-operator',
        'Role/acme-hello-operator-leader-election',
        'RoleBinding/acme-hello-operator-leader-election',
        // The operator's writes, granted in each watched namespace only (test/unit/confined-rbac.test.ts).
        'Role/acme-hello-operator-manager',
        'Role/acme-hello-operator-manager',
        'RoleBinding/acme-hello-operator-manager',
        'RoleBinding/acme-hello-operator-manager',
        'Service/acme-hello-operator-metrics',
        'ServiceAccount/acme-hello-operator',
      ].sort(),
    );
    const deployment = objects.find((o) => o.kind === 'Deployment') as unknown as {
      spec: {
        template: { spec: { containers: { args: string[]; env: { name: string; value?: string }[] }[] } };
      };
    };
    const manager = deployment.spec.template.spec.containers[0];
    expect(manager?.env).toContainEqual({ name: 'WATCH_NAMESPACES', value: 'team-a,team-b' });
    expect(manager?.env).toContainEqual({ name: 'WORKLOAD_IMAGE_PULL_SECRETS', value: 'registry,mirror' });
    expect(manager?.args).toContain('--leader-election-id=acme-hello-operator');
  });

  // Bad values fail at install (helm install runs the same schema and templates), naming the value.
  const refused: [string, string[], RegExp][] = [
    ['an unknown value', ['--set', 'replicas=3'], /additional properties 'replicas' not allowed/],
    ['a negative replica count', ['--set', 'replicaCount=-1'], /replicaCount.*minimum/s],
    ['an unknown log level', ['--set', 'logLevel=loud'], /logLevel.*(must be one of|value must be)/s],
    [
      'a pull Secret name no Secret can have',
      ['--set-json', 'workloadImagePullSecrets=["Registry"]'],
      /workloadImagePullSecrets/,
    ],
    [
      'a namespace name that is not a DNS label',
      ['--set-json', 'watchNamespaces=["Team_A"]'],
      /watchNamespaces/,
    ],
    ['a wrong quantity', ['--set', 'resources.limits.memory=lots'], /resources.*memory/s],
    [
      'two replicas without leader election',
      ['--set', 'leaderElection.enabled=false'],
      /replicaCount=2 needs leaderElection.enabled=true/,
    ],
    [
      'a ServiceMonitor without the metrics Service',
      ['--set', 'serviceMonitor.enabled=true', '--set', 'metrics.service.enabled=false'],
      /serviceMonitor.enabled=true needs metrics.service.enabled=true/,
    ],
  ];
  for (const [what, args, message] of refused) {
    it(`refuses ${what}`, async () => {
      await expect(helmTemplate(args)).rejects.toThrow(message);
    });
  }

  it('passes helm lint', async () => {
    const r = await tool(kubeconfig, 'helm', ['lint', '--strict', join(repoRoot, CHART_DIR)]);
    expect(r.stdout + r.stderr).toContain('0 chart(s) failed');
    expect(r.code).toBe(0);
  });
});

/** Switched-off kube-score checks and accepted warnings, from the table in docs/install.md. */
function kubeScorePolicy() {
  const text = read('docs/install.md');
  const section = text.slice(text.indexOf('## Validation'));
  const rows = [...section.matchAll(/^\| `([a-z-]+)` \| (off|accepted) \| .+ \|$/gm)];
  return {
    ignored: rows.filter((m) => m[2] === 'off').map((m) => m[1] as string),
    accepted: rows.filter((m) => m[2] === 'accepted').map((m) => m[1] as string),
  };
}

describe('validation of every manifest set we ship', () => {
  let schemas = '';
  let ns = '';
  let monitoringServed = false;
  const policy = kubeScorePolicy();

  beforeAll(async () => {
    schemas = mkdtempSync(join(tmpdir(), 'hello-schemas-'));
    // Our CRD, and prometheus-operator's for the chart's ServiceMonitor and PrometheusRule (from the
    // module build.sh fetched: the cluster may not serve them).
    const crds = [
      join(repoRoot, CRD_PATH),
      monitoringCrdPath('servicemonitors'),
      monitoringCrdPath('prometheusrules'),
    ].map((file) => {
      if (!existsSync(file))
        throw new Error(`${file} is missing: npm run cluster:build -- prometheus-operator`);
      return parseAllDocuments(readFileSync(file, 'utf8'))[0]?.toJS() as Record<string, unknown>;
    });
    const written = await writeSchemas(kubeconfig, schemas, crds);
    expect(written).toBeGreaterThan(50);
    ns = await createNamespace(core, 'ship-validate');
    const groups = await kubectl(['api-versions']);
    monitoringServed = groups.stdout.split('\n').includes('monitoring.coreos.com/v1');
  });
  afterAll(async () => {
    rmSync(schemas, { recursive: true, force: true });
    await deleteNamespace(core, ns);
  });

  it('docs/install.md lists the kube-score checks switched off and the warnings accepted', () => {
    // Spelled out so that switching off another check takes a change here, not only a docs row.
    expect(policy).toEqual({
      ignored: ['container-image-pull-policy'],
      accepted: ['deployment-has-host-podantiaffinity'],
    });
  });

  const sets: { name: string; yaml: () => Promise<string> }[] = [
    { name: 'the kustomize base (kubectl apply -k deploy/)', yaml: async () => kustomize('deploy') },
    { name: 'the local overlay (deploy/local)', yaml: async () => kustomize('deploy/local') },
    { name: 'the confined overlay (deploy/confined)', yaml: async () => kustomize('deploy/confined') },
    { name: 'install.yaml', yaml: async () => read(INSTALL_PATH) },
    { name: 'central logs (deploy/logging)', yaml: async () => kustomize('deploy/logging') },
    ...valueSets.map((v) => ({ name: `the chart, ${v.name}`, yaml: () => helmTemplate(v.args, v.release) })),
  ];

  for (const set of sets) {
    describe(set.name, () => {
      let yaml = '';
      let objects: Obj[] = [];
      beforeAll(async () => {
        yaml = await set.yaml();
        objects = docsOf(yaml);
      });

      it('passes kubeconform -strict', async () => {
        const r = await kubeconform(kubeconfig, schemas, yaml);
        expect(r.resources.filter((x) => x.status !== 'statusValid')).toEqual([]);
        expect(r.summary).toMatchObject({ valid: objects.length, invalid: 0, errors: 0, skipped: 0 });
        expect(r.code).toBe(0);
      });

      it('has nothing critical for kube-score and no warning but the accepted ones', async () => {
        const findings = await kubeScore(kubeconfig, yaml, policy.ignored);
        expect(findings.filter((f) => f.grade <= 1)).toEqual([]);
        expect(findings.filter((f) => !policy.accepted.includes(f.check))).toEqual([]);
      });

      it('passes a server-side dry run on this cluster', async () => {
        // Moved into a namespace of ours (the real one may not exist, and a dry run creates nothing
        // that later objects could rely on); cluster-scoped objects keep their names, which a dry
        // run never takes. Objects of kinds this cluster does not serve are left out.
        const moved = objects
          .filter((o) => o.kind !== 'Namespace')
          .filter((o) => monitoringServed || !o.apiVersion.startsWith('monitoring.coreos.com/'))
          .map((o) => {
            const copy = structuredClone(o) as Obj & { subjects?: { namespace?: string }[] };
            if (copy.metadata.namespace) copy.metadata.namespace = ns;
            for (const s of copy.subjects ?? []) if (s.namespace) s.namespace = ns;
            return `---\n${stringify(copy)}`;
          })
          .join('');
        const r = await kubectl(
          [
            'apply',
            '--server-side',
            '--dry-run=server',
            '--force-conflicts',
            '--field-manager=hello-operator-validate',
            '-o',
            'name',
            '-f',
            '-',
          ],
          moved,
        );
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        for (const namespace of objects.filter((o) => o.kind === 'Namespace')) {
          const renamed = { ...namespace, metadata: { ...namespace.metadata, name: `${ns}-ns` } };
          const n = await kubectl(
            ['create', '--dry-run=server', '-o', 'name', '-f', '-'],
            stringify(renamed),
          );
          expect(n.stderr).toBe('');
          expect(n.code).toBe(0);
        }
      });
    });
  }

  describe('the examples', () => {
    const files = readdirSync(join(repoRoot, 'examples')).filter((f) => f.endsWith('.yaml'));
    for (const file of files.sort()) {
      it(`${file} and its rendered children pass kubeconform -strict`, async () => {
        const text = read(join('examples', file));
        const rendered = render(text, undefined, file);
        if (!rendered.ok) throw new Error(rendered.errors.join('\n'));
        const r = await kubeconform(kubeconfig, schemas, `${text}\n---\n${rendered.yaml}`);
        expect(r.resources.filter((x) => x.status !== 'statusValid')).toEqual([]);
        expect(r.summary?.invalid).toBe(0);
        expect(r.summary?.errors).toBe(0);
        expect(r.summary?.skipped).toBe(0);
        expect(r.summary?.valid).toBeGreaterThan(docsOf(text).length);
        expect(r.code).toBe(0);
      });
    }
  });
});

describe('the GitOps examples (deploy/gitops)', () => {
  // No schemas for Flux's and Argo CD's kinds without their CRDs: checked for what they point at.
  const flux = docsOf(read('deploy/gitops/flux/helm-release.yaml'));
  const fluxKustomize = docsOf(read('deploy/gitops/flux/kustomization.yaml'));
  const argo = docsOf(read('deploy/gitops/argocd/application.yaml'));
  const release = read('.github/workflows/release.yml');
  // biome-ignore lint/suspicious/noExplicitAny: custom kinds, read field by field
  const find = (objs: Obj[], kind: string) => objs.find((o) => o.kind === kind) as any;

  it('Flux and Argo CD pull the chart from where release.yml pushes it', () => {
    expect(release).toContain('helm push "dist/hello-operator-$version.tgz" "oci://ghcr.io/$owner/charts"');
    expect(find(flux, 'OCIRepository').spec.url).toBe('oci://ghcr.io/hello-operator/charts/hello-operator');
    const app = find(argo, 'Application').spec.source;
    expect([app.repoURL, app.chart]).toEqual(['ghcr.io/hello-operator/charts', 'hello-operator']);
  });

  it('their Helm values pass the chart schema and render', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hello-gitops-'));
    try {
      const sets = [
        find(flux, 'HelmRelease').spec.values,
        find(argo, 'Application').spec.source.helm.valuesObject,
      ];
      for (const [i, values] of sets.entries()) {
        const file = join(dir, `values-${i}.yaml`);
        writeFileSync(file, stringify(values));
        expect(docsOf(await helmTemplate(['--values', file])).map((o) => o.kind)).toContain('Deployment');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the Flux Kustomization builds the kustomize base it names', () => {
    const k = find(fluxKustomize, 'Kustomization').spec;
    expect(k.path).toBe('./deploy');
    expect(docsOf(kustomize(k.path)).map(keyOf)).toEqual(docsOf(read(INSTALL_PATH)).map(keyOf));
  });
});

describe('the CI/CD workflows', () => {
  it('pass actionlint', async () => {
    const dir = join(repoRoot, '.github', 'workflows');
    const files = readdirSync(dir).map((f) => join(dir, f));
    expect(files.length).toBeGreaterThanOrEqual(2);
    // No shellcheck on this machine: actionlint checks the expressions, actions' inputs and syntax.
    const r = await tool(kubeconfig, 'actionlint', ['-no-color', '-shellcheck=', ...files]);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
