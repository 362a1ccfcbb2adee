// Where the cluster scripts put things, for the TypeScript side (global setups, tests).
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const scriptsDir = join(repoRoot, 'test', 'cluster');
export const stateDir = join(repoRoot, '.cluster');
export const realKubeconfigPath = join(stateDir, 'kubeconfig');
export const ingressAddressPath = join(stateDir, 'ingress-address');
export const fakeKubeconfigPath = join(stateDir, 'fake-kubeconfig');

/** versions.env as a record: the one place versions are pinned. */
export function versions(): Record<string, string> {
  const text = readFileSync(join(scriptsDir, 'versions.env'), 'utf8');
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(\S+)/.exec(line);
    if (m?.[1] && m[2]) out[m[1]] = m[2];
  }
  return out;
}

/** The kubectl the scripts built (or HELLO_BIN_KUBECTL / HELLO_KUBE_BIN_DIR), as lib.sh resolves it. */
export function kubectlPath(): string {
  if (process.env.HELLO_BIN_KUBECTL) return process.env.HELLO_BIN_KUBECTL;
  if (process.env.HELLO_KUBE_BIN_DIR) return join(process.env.HELLO_KUBE_BIN_DIR, 'kubectl');
  const cache = process.env.HELLO_CACHE_DIR ?? join(homedir(), '.cache', 'hello-operator');
  return join(cache, `kubernetes-${versions().KUBERNETES_VERSION}`, 'kubectl');
}

/** Where build.sh puts a binary of the monitoring pieces (versions.env), as lib.sh's cache_dir_of. */
export function monitoringBinary(name: 'prometheus' | 'promtool'): string {
  const cache = process.env.HELLO_CACHE_DIR ?? join(homedir(), '.cache', 'hello-operator');
  return join(cache, `prometheus-${versions().PROMETHEUS_VERSION}`, name);
}

/** The monitoring.coreos.com CRDs build.sh copies from the prometheus-operator module (versions.env). */
export function monitoringCrdPath(plural: 'servicemonitors' | 'prometheusrules'): string {
  const cache = process.env.HELLO_CACHE_DIR ?? join(homedir(), '.cache', 'hello-operator');
  const dir = join(cache, `prometheus-operator-${versions().PROMETHEUS_OPERATOR_VERSION}`, 'crds');
  return join(dir, `monitoring.coreos.com_${plural}.yaml`);
}

/** The distribution registry build.sh builds (versions.env REGISTRY_VERSION), as lib.sh's cache_dir_of. */
export function registryBinary(): string {
  const cache = process.env.HELLO_CACHE_DIR ?? join(homedir(), '.cache', 'hello-operator');
  return join(cache, `registry-${versions().REGISTRY_VERSION}`, 'registry');
}
