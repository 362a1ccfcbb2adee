// The reads the reconcile makes outside the informer caches, on the raw JSON client.
import {
  HttpMethod,
  type KindInfo,
  type KubeClient,
  type KubeList,
  type KubeObject,
  resourcePath,
} from '../kube/rest.ts';
import type { ClusterChecks } from './checks.ts';
import type { ListObjects, ReadObject } from './deps.ts';

/**
 * Reads of objects of a child's name that the caches do not hold (is it someone else's?). Served
 * from the API server's watch cache (resourceVersion=0), not etcd: as fresh as our own caches, and
 * an object created after the read is as possible with a quorum read, since read and apply are
 * two requests anyway.
 */
export function readerOf(client: KubeClient): ReadObject {
  return (info, name, namespace, signal) =>
    client.getOptional<KubeObject>(resourcePath(info.apiVersion, info.plural, namespace, name), signal, {
      resourceVersion: '0',
    });
}

/** Lists from the API server's watch cache (resourceVersion=0), as fresh as our own caches. */
export function listerOf(client: KubeClient): ListObjects {
  return async (info, namespace, labelSelector, signal) =>
    (
      await client.request<KubeList<KubeObject>>(
        HttpMethod.GET,
        resourcePath(info.apiVersion, info.plural, namespace),
        {
          query: { labelSelector, resourceVersion: '0' },
          signal,
        },
      )
    ).items;
}

const INGRESS_CLASSES = resourcePath('networking.k8s.io/v1', 'ingressclasses');

export function clusterChecks(client: KubeClient): ClusterChecks {
  return {
    ingressClass: (name, signal) =>
      client.getOptional(`${INGRESS_CLASSES}/${encodeURIComponent(name)}`, signal),
    ingressClasses: async (signal) => (await client.list(INGRESS_CLASSES, undefined, signal)).items,
  };
}

/** How long an answer from discovery is reused: one request per interval, not one per reconcile. */
const DISCOVERY_TTL_MS = 30_000;

/**
 * Whether the API server serves a kind, from discovery of its group/version, each answer kept for
 * DISCOVERY_TTL_MS. For kinds whose CRD may be installed or removed at any time.
 */
export function discovery(client: KubeClient, now: () => number = Date.now) {
  const cached = new Map<string, { resources: Set<string>; at: number }>();
  return async (info: KindInfo, signal: AbortSignal): Promise<boolean> => {
    let entry = cached.get(info.apiVersion);
    if (!entry || now() - entry.at >= DISCOVERY_TTL_MS) {
      const list = await client.getOptional<{ resources?: { name?: string }[] }>(
        `/apis/${info.apiVersion}`,
        signal,
      );
      entry = { resources: new Set(list?.resources?.map((r) => r.name ?? '')), at: now() };
      cached.set(info.apiVersion, entry);
    }
    return entry.resources.has(info.plural);
  };
}
