// The reads the reconcile makes outside the informer caches, on the raw JSON client.
import type { KubeClient, KubeObject } from '../kube/rest.ts';
import { resourcePath } from '../kube/rest.ts';
import type { KindInfo } from './apply.ts';
import type { ClusterChecks } from './checks.ts';

export function readerOf(client: KubeClient) {
  return (info: KindInfo, name: string, namespace: string | undefined, signal: AbortSignal) =>
    client.getOptional<KubeObject>(resourcePath(info.apiVersion, info.plural, namespace, name), signal);
}

const INGRESS_CLASSES = resourcePath('networking.k8s.io/v1', 'ingressclasses');

export function clusterChecks(client: KubeClient): ClusterChecks {
  return {
    ingressClass: (name, signal) =>
      client.getOptional(`${INGRESS_CLASSES}/${encodeURIComponent(name)}`, signal),
    ingressClasses: async (signal) => (await client.list(INGRESS_CLASSES, undefined, signal)).items,
  };
}
