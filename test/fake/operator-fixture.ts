// The operator as its own process against the fake-node (kwok) cluster: a namespace of HelloServices,
// the CRD, and checks that every HelloService converged. kwok reports pods Ready, so HelloServices get
// Ready without real containers; what these tests look at is the operator and the API server.
import { randomBytes } from 'node:crypto';
import { runScript } from '../cluster/run-script.ts';
import {
  eventually,
  installCrd,
  type Kubectl,
  kubectlFor,
  must,
  NS_PREFIX,
  type Obj,
  type RunningOperator,
  startOperator,
  workloadImage,
} from '../operator/operator-process.ts';

export type FakeFixture = {
  kubectl: Kubectl;
  ns: string;
  /** Starts the operator on `kubeconfig` (default: the fake cluster's admin), watching `ns` only. */
  start(kubeconfig?: string): Promise<RunningOperator>;
  /** Creates or updates HelloServices `names` with `message`. */
  apply(names: string[], message: string): void;
  /**
   * Resolves when the operator has handled the current generation of every one of `names` (status
   * observed it), its ConfigMap holds `message` and its Service exists; with `ready`, also Ready.
   */
  converged(
    names: string[],
    message: string,
    options?: { timeoutMs?: number; ready?: boolean },
  ): Promise<void>;
  teardown(): Promise<void>;
};

export const log = (line: string) => process.stderr.write(`[measure] ${line}\n`);

/** Stops, starts or restarts the fake control plane, or compacts its etcd (test/cluster/fake-control-plane.sh). */
export function controlPlane(action: 'stop' | 'start' | 'restart' | 'compact'): Promise<void> {
  return runScript('fake-control-plane.sh', [action]);
}

export async function setUpFake(adminPath: string, prefix: string): Promise<FakeFixture> {
  const kubectl = kubectlFor(adminPath);
  const ns = `${NS_PREFIX}${prefix}-${randomBytes(3).toString('hex')}`;
  installCrd(kubectl);
  must(kubectl, ['create', 'namespace', ns]);
  const operators: RunningOperator[] = [];
  const list = (kind: string): Obj[] =>
    (JSON.parse(must(kubectl, ['get', kind, '-n', ns, '-o', 'json'])) as { items: Obj[] }).items;
  return {
    kubectl,
    ns,
    async start(kubeconfig = adminPath) {
      const op = await startOperator(kubeconfig, [
        `--watch-namespaces=${ns}`,
        // Leader election is tested on the real node; an API server outage longer than the renew
        // deadline makes a leader exit by design, which is not what these tests look at.
        '--leader-elect=false',
        `--workload-image=${workloadImage}`,
      ]);
      operators.push(op);
      return op;
    },
    apply(names, message) {
      const items = names.map((name) => ({
        apiVersion: 'hello.operators.dev/v1alpha1',
        kind: 'HelloService',
        metadata: { name },
        spec: { message, replicas: 1 },
      }));
      must(
        kubectl,
        ['apply', '-n', ns, '-f', '-'],
        JSON.stringify({ apiVersion: 'v1', kind: 'List', items }),
      );
    },
    async converged(names, message, { timeoutMs = 120_000, ready = true } = {}) {
      await eventually(
        `${names.length} HelloServices Ready with ${JSON.stringify(message)}`,
        () => {
          const hss = new Map(list('hs').map((h) => [h.metadata.name, h]));
          // Each message has a ConfigMap of its own (named by its revision), labelled with its HelloService.
          const configMaps = list('configmap');
          const messages = (name: string) =>
            configMaps
              .filter((c) => c.metadata.labels?.['app.kubernetes.io/instance'] === name)
              .map((c) => (c.data as Record<string, string> | undefined)?.MESSAGES);
          const services = new Set(list('service').map((s) => s.metadata.name));
          return names.every((name) => {
            const h = hss.get(name);
            const isReady = (h?.status?.conditions as { type: string; status: string }[] | undefined)?.some(
              (c) => c.type === 'Ready' && c.status === 'True',
            );
            return (
              h?.status?.observedGeneration === h?.metadata.generation &&
              (isReady === true || !ready) &&
              messages(name).includes(message) &&
              services.has(name)
            );
          });
        },
        timeoutMs,
        1000,
      );
    },
    async teardown() {
      for (const op of operators) {
        if (op.process.exitCode === null && op.process.signalCode === null) op.process.kill('SIGKILL');
      }
      kubectl(['delete', 'namespace', ns, '--wait=false']);
    },
  };
}

/** Throws unless the operator still runs: these tests expect it to ride out API server trouble. */
export function stillRunning(op: RunningOperator): void {
  const { exitCode, signalCode } = op.process;
  if (exitCode !== null || signalCode !== null) {
    throw new Error(`the operator exited (${exitCode ?? signalCode}):\n${op.logs.slice(-30).join('\n')}`);
  }
}
