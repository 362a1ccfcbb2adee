// deploy/install.yaml and the Helm chart's CRD are generated from the one source of truth, the
// kustomize base (deploy/) and crds/: these functions compute what the files must hold.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { CRD_PATH } from '../operator/api/crd.ts';
import { repoRoot } from '../test/cluster/paths.ts';

export const INSTALL_PATH = 'deploy/install.yaml';
export const CHART_DIR = 'deploy/helm/hello-operator';
export const CHART_CRD_PATH = join(CHART_DIR, 'crds', 'hello.operators.dev_helloservices.yaml');
/** The chart's RBAC rules, copied from deploy/rbac and deploy/confined (the one place they are written). */
export const RBAC_RULE_FILES = {
  'deploy/rbac/role.yaml': join(CHART_DIR, 'files', 'manager-rules.yaml'),
  'deploy/rbac/leader_election_role.yaml': join(CHART_DIR, 'files', 'leader-election-rules.yaml'),
  // With watchNamespaces: the ClusterRole's rules, and those of the Role in each watched namespace.
  'deploy/confined/operator/cluster_role_patch.yaml': join(CHART_DIR, 'files', 'manager-cluster-rules.yaml'),
  'deploy/confined/watched-namespace/role.yaml': join(CHART_DIR, 'files', 'manager-namespace-rules.yaml'),
} as const;
export const MONITORING_RULE_PATH = 'deploy/monitoring/prometheus_rule.yaml';
export const CHART_RULE_SPEC_PATH = join(CHART_DIR, 'files', 'prometheus-rule-spec.yaml');

/** `kubectl kustomize dir` with the kubectl the cluster scripts built; throws with kubectl's words. */
export function kustomize(dir: string): string {
  const r = spawnSync('bash', [join(repoRoot, 'test/cluster/tool.sh'), 'kubectl', 'kustomize', dir], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

/** `helm template RELEASE` of the chart with `args`, no cluster needed; throws with helm's words. */
export function helmTemplate(
  args: string[],
  release = 'hello-operator',
  namespace = 'hello-operator-system',
) {
  const r = spawnSync(
    'bash',
    [
      join(repoRoot, 'test/cluster/tool.sh'),
      'helm',
      'template',
      release,
      CHART_DIR,
      '-n',
      namespace,
      ...args,
    ],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`helm template failed: ${r.stderr.trim()}`);
  return r.stdout;
}

/** install.yaml: the kustomize base as one file, with a header saying where it comes from. */
export function installYaml(): string {
  return [
    '# hello-operator: everything in one file, generated from the kustomize base in deploy/ by',
    '# `npm run generate:install` (do not edit). Install or upgrade with:',
    '#   kubectl apply --server-side -f install.yaml',
    kustomize('deploy'),
  ].join('\n');
}

/** The chart's crds/ copy: byte for byte the generated CRD. */
export function chartCrd(): string {
  return readFileSync(join(repoRoot, CRD_PATH), 'utf8');
}

/** The chart's PrometheusRule spec: the one of deploy/monitoring (the alerts' source). */
export function chartPrometheusRuleSpec(): string {
  const rule = parse(readFileSync(join(repoRoot, MONITORING_RULE_PATH), 'utf8')) as { spec: unknown };
  return [
    `# Generated from ${MONITORING_RULE_PATH} by \`npm run generate:install\` (do not edit).`,
    stringify(rule.spec, { lineWidth: 0 }),
  ].join('\n');
}

/** A Role's or ClusterRole's rules as the chart's copy holds them. */
export function chartRbacRules(source: keyof typeof RBAC_RULE_FILES): string {
  const role = parse(readFileSync(join(repoRoot, source), 'utf8')) as { rules: unknown };
  return [
    `# Generated from ${source} by \`npm run generate:install\` (do not edit).`,
    stringify(role.rules, { lineWidth: 0 }),
  ].join('\n');
}
