// Every child of a HelloService, in the order to apply them.

import type { KubernetesObject } from '@kubernetes/client-node';
import type { DefaultedHelloService } from '../api/types.ts';
import { buildConfigMap } from './configmap.ts';
import { buildDeployment } from './deployment.ts';
import { buildHorizontalPodAutoscaler } from './hpa.ts';
import { buildIngress, ingressURL } from './ingress.ts';
import { buildNetworkPolicy } from './networkpolicy.ts';
import { buildPodDisruptionBudget } from './pdb.ts';
import { buildService, serviceURL } from './service.ts';
import { buildServiceAccount } from './serviceaccount.ts';
import type { OperatorSettings } from './settings.ts';

export interface ChildKind {
  apiVersion: string;
  kind: string;
  /** The resource name, for RBAC and for the API path. */
  plural: string;
}

/** Every kind the operator may create, in apply order: the controller watches these, deletes those
 * desiredChildren no longer returns, and needs RBAC for each. */
export const CHILD_KINDS: readonly ChildKind[] = [
  { apiVersion: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts' },
  { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps' },
  { apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments' },
  { apiVersion: 'v1', kind: 'Service', plural: 'services' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', plural: 'ingresses' },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers' },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', plural: 'networkpolicies' },
];

/** A child ready for server-side apply: apiVersion, kind and metadata.name are always set. */
export type Child = KubernetesObject & { apiVersion: string; kind: string; metadata: { name: string } };

/**
 * The children a HelloService (with defaults applied, see api/validate.ts) asks for, in apply order.
 * Kinds it does not ask for (no ingress, no autoscaling, PDB or NetworkPolicy disabled) are absent.
 */
export function desiredChildren(hs: DefaultedHelloService, settings: OperatorSettings): Child[] {
  const children = [
    buildServiceAccount(hs, settings),
    buildConfigMap(hs, settings),
    buildDeployment(hs, settings),
    buildService(hs, settings),
    buildIngress(hs, settings),
    buildHorizontalPodAutoscaler(hs, settings),
    buildPodDisruptionBudget(hs, settings),
    buildNetworkPolicy(hs, settings),
  ];
  return children.filter((c) => c !== undefined) as Child[];
}

/** The URL for status.url: the Ingress URL when there is one, else the in-cluster Service URL. */
export function statusURL(hs: DefaultedHelloService): string {
  return ingressURL(hs) ?? serviceURL(hs);
}
