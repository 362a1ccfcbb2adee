// The reads the reconcile makes outside the informer caches, on the raw JSON client.
import type { KubeClient, KubeObject } from '../kube/rest.ts';
import { resourcePath } from '../kube/rest.ts';
import type { KindInfo } from './apply.ts';
import type { ClusterChecks } from './checks.ts';

/**
 * Reads of objects of a child's name that the caches do not hold (is it someone else's?). Served
 * from the API server's watch cache (resourceVersion=0), not etcd: as fresh as our own caches, and
 * an object created after the read is as possible with a quorum read, since read and apply are
 * two requests anyway.
 */
export function readerOf(client: KubeClient) {
  return (info: KindInfo, name: string, namespace: string | undefined, signal: AbortSignal) =>
    client.getOptional<KubeObject>(resourcePath(info.apiVersion, info.plural, namespace, name), signal, {
      resourceVersion: '0',
    });
}

const INGRESS_CLASSES = resourcePath('networking.k8s.io/v1', 'ingressclasses');

export function clusterChecks(client: KubeClient): ClusterChecks {
  return {
    ingressClass: (name, signal) =>
      client.getOptional(`${INGRESS_CLASSES}/${encodeURIComponent(name)}`, signal),
    ingressClasses: async (signal) => (await client.list(INGRESS_CLASSES, undefined, signal)).items,
  };
}
