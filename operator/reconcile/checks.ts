// Checks of a spec against the cluster: things the schema cannot know. A spec that fails one is
// admitted by the API server but cannot work; the reconcile stops before applying anything, so
// what is already running keeps running, and the status says what to fix.

import type { DefaultedHelloService } from '../api/types.ts';
import { ReconcileError } from '../controller/index.ts';
import type { KubeObject } from '../kube/rest.ts';

export type ClusterChecks = {
  /** The IngressClass of that name, or undefined when there is none. */
  ingressClass(name: string, signal: AbortSignal): Promise<KubeObject | undefined>;
  ingressClasses(signal: AbortSignal): Promise<KubeObject[]>;
};

export const DEFAULT_INGRESS_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';

/** How soon to look again: creating an IngressClass does not enqueue the HelloService. */
export const RECHECK_MS = 30_000;

export async function checkCluster(
  hs: DefaultedHelloService,
  checks: ClusterChecks,
  signal: AbortSignal,
): Promise<void> {
  const ingress = hs.spec.ingress;
  if (!ingress) return;
  if (ingress.className) {
    if (!(await checks.ingressClass(ingress.className, signal))) {
      throw new ReconcileError(
        'IngressClassNotFound',
        `spec.ingress.className: there is no IngressClass ${JSON.stringify(ingress.className)} ` +
          '(kubectl get ingressclass lists them); fix the name or install that ingress controller.',
        { retryAfterMs: RECHECK_MS },
      );
    }
    return;
  }
  const classes = await checks.ingressClasses(signal);
  const defaults = classes.filter(
    (c) => c.metadata?.annotations?.[DEFAULT_INGRESS_CLASS_ANNOTATION] === 'true',
  );
  if (defaults.length === 0) {
    throw new ReconcileError(
      'NoDefaultIngressClass',
      'spec.ingress.className is not set and the cluster has no default IngressClass; set className to one of: ' +
        `${classes.map((c) => c.metadata?.name).join(', ') || '(none installed)'}.`,
      { retryAfterMs: RECHECK_MS },
    );
  }
}
