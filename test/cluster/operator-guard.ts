// The cluster tests run their own operators, each watching only its test's namespaces. An operator
// installed in the cluster that watches every namespace (deploy/ as released) would reconcile the
// tests' HelloServices too, and two operators on one object fight: the tests would fail for a
// reason that is not theirs. The global setup stops early instead, saying what to do.
import { spawnSync } from 'node:child_process';
import { kubectlPath } from './paths.ts';

type EnvVar = { name: string; value?: string };
export type OperatorDeployment = {
  metadata: { namespace?: string; name: string };
  spec?: { replicas?: number; template?: { spec?: { containers?: { env?: EnvVar[]; args?: string[] }[] } } };
};

/** `namespace/name` of each Deployment that runs replicas of an operator watching every namespace. */
export function unconfinedOperators(deployments: OperatorDeployment[]): string[] {
  return deployments
    .filter((d) => (d.spec?.replicas ?? 1) > 0)
    .filter((d) => {
      const containers = d.spec?.template?.spec?.containers ?? [];
      const confined = containers.some(
        (c) =>
          (c.env ?? []).some((e) => e.name === 'WATCH_NAMESPACES' && (e.value ?? '').trim() !== '') ||
          (c.args ?? []).some((a) => /^--watch-namespaces=\S/.test(a)),
      );
      return !confined;
    })
    .map((d) => `${d.metadata.namespace ?? ''}/${d.metadata.name}`);
}

/** Throws, naming the Deployments and the fix, when an unconfined operator runs in the cluster. */
export function refuseUnconfinedOperators(kubeconfig: string): void {
  const r = spawnSync(
    kubectlPath(),
    [
      `--kubeconfig=${kubeconfig}`,
      'get',
      'deployments',
      '--all-namespaces',
      '-l',
      'app.kubernetes.io/name=hello-operator,app.kubernetes.io/component=controller',
      '-o',
      'json',
    ],
    { encoding: 'utf8', timeout: 30_000 },
  );
  if (r.status !== 0) return; // no cluster answer yet: the tests will say so themselves
  const found = unconfinedOperators((JSON.parse(r.stdout) as { items: OperatorDeployment[] }).items);
  if (found.length === 0) return;
  throw new Error(
    `an operator installed in the cluster watches every namespace (${found.join(', ')}) and would ` +
      'fight the operators the cluster tests run. Confine it (env WATCH_NAMESPACES, as deploy/local ' +
      'does) or scale it down: kubectl -n NAMESPACE scale deployment NAME --replicas=0',
  );
}
