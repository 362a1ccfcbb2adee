// The one table of child kinds. Everything that deals with children iterates it: the watches, the
// reconciler's apply, delete and Event wording, render, and the generated RBAC (rbac.ts). A new
// kind of child is one row here and one builder file.

import type { KubernetesObject } from '@kubernetes/client-node';
import type { DefaultedHelloService } from '../api/types.ts';
import type { KindInfo } from '../kube/rest.ts';
import { buildConfigMap } from './configmap.ts';
import { buildDeployment } from './deployment.ts';
import { buildHorizontalPodAutoscaler } from './hpa.ts';
import { buildIngress, ingressURL } from './ingress.ts';
import { buildNetworkPolicy } from './networkpolicy.ts';
import { buildPodDisruptionBudget } from './pdb.ts';
import { buildService, serviceURL } from './service.ts';
import { buildServiceMonitor } from './service-monitor.ts';
import { buildServiceAccount } from './serviceaccount.ts';
import type { OperatorSettings } from './settings.ts';

/** A child ready for server-side apply: apiVersion, kind and metadata.name are always set. */
export type Child = KubernetesObject & { apiVersion: string; kind: string; metadata: { name: string } };

/** What a reconcile read from the cluster for the builders (render has none of it). */
export type Observed = {
  /** The hash of the Secret and ConfigMap keys spec.env reads (env-references.ts), when it reads any. */
  envHash?: string;
};

export type ChildKind = KindInfo & {
  /** The child of this kind a HelloService asks for, or undefined when it asks for none. Pure. */
  build: (hs: DefaultedHelloService, settings: OperatorSettings, observed: Observed) => Child | undefined;
  /**
   * Applied after every child of a lower wave (those of one wave in parallel): the pods need their
   * ServiceAccount and ConfigMap, and must never run before their NetworkPolicy; the autoscaler
   * targets the Deployment.
   */
  wave: 0 | 1 | 2;
  /**
   * The kind's CRD comes with another product and may be missing (prometheus-operator's
   * ServiceMonitor). Such a kind is not watched (an informer on a missing API fails); the
   * reconciler asks discovery whether it is served and reads it by name.
   */
  optionalCRD?: true;
};

const kind = (
  apiVersion: string,
  kindName: string,
  plural: string,
  build: (
    hs: DefaultedHelloService,
    settings: OperatorSettings,
    observed: Observed,
  ) => KubernetesObject | undefined,
  wave: ChildKind['wave'] = 0,
): ChildKind => ({
  apiVersion,
  kind: kindName,
  plural,
  // Builders return their own wire types; each sets apiVersion, kind and metadata.name.
  build: build as ChildKind['build'],
  wave,
});

/** Every kind the operator may create, in the order its Events and render list them. */
export const CHILD_KINDS: readonly ChildKind[] = [
  kind('v1', 'ServiceAccount', 'serviceaccounts', buildServiceAccount),
  kind('v1', 'ConfigMap', 'configmaps', buildConfigMap),
  kind('apps/v1', 'Deployment', 'deployments', buildDeployment, 1),
  kind('v1', 'Service', 'services', buildService),
  kind('networking.k8s.io/v1', 'Ingress', 'ingresses', buildIngress),
  kind(
    'autoscaling/v2',
    'HorizontalPodAutoscaler',
    'horizontalpodautoscalers',
    buildHorizontalPodAutoscaler,
    2,
  ),
  kind('policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets', buildPodDisruptionBudget),
  kind('networking.k8s.io/v1', 'NetworkPolicy', 'networkpolicies', buildNetworkPolicy),
  {
    ...kind('monitoring.coreos.com/v1', 'ServiceMonitor', 'servicemonitors', buildServiceMonitor),
    optionalCRD: true,
  },
];

/** The kinds the controller watches (and caches): all but those whose CRD may be missing. */
export const WATCHED_CHILD_KINDS: readonly ChildKind[] = CHILD_KINDS.filter((k) => !k.optionalCRD);

/** The row of `kindName`; throws for a kind that is not a child kind (a bug). */
export function childKind(kindName: string): ChildKind {
  const found = CHILD_KINDS.find((k) => k.kind === kindName);
  if (!found) throw new Error(`unknown child kind ${kindName}`);
  return found;
}

/** A child the HelloService asks for, with its row. */
export type DesiredChild = { kind: ChildKind; body: Child };

/**
 * The children a HelloService (with defaults applied, see api/validate.ts) asks for, in table order.
 * Kinds it does not ask for (no ingress, no autoscaling, PDB or NetworkPolicy disabled, monitoring
 * off) are absent. Whether the cluster serves an optional kind is the reconciler's business.
 */
export function desired(
  hs: DefaultedHelloService,
  settings: OperatorSettings,
  observed: Observed = {},
): DesiredChild[] {
  return CHILD_KINDS.flatMap((k) => {
    const body = k.build(hs, settings, observed);
    return body ? [{ kind: k, body }] : [];
  });
}

/** The children's objects alone (render, tests). */
export function desiredChildren(hs: DefaultedHelloService, settings: OperatorSettings): Child[] {
  return desired(hs, settings).map((c) => c.body);
}

/** The URL for status.url: the Ingress URL when there is one, else the in-cluster Service URL. */
export function statusURL(hs: DefaultedHelloService): string {
  return ingressURL(hs) ?? serviceURL(hs);
}
