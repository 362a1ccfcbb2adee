// Old revisions' ConfigMaps. Each message has an immutable ConfigMap of its own (resources/
// configmap.ts), referenced by the pod template; the Deployment keeps the ReplicaSets of earlier
// templates (revisionHistoryLimit) for rollbacks, and a pod of one of them that restarts must find
// its ConfigMap. So a ConfigMap of this HelloService is deleted only when it is not the current one
// and no ReplicaSet of its pods refers to it any more.
import type { DefaultedHelloService } from '../api/types.ts';
import type { KindInfo, KubeObject } from '../kube/rest.ts';
import { childKind } from '../resources/children.ts';
import { REVISION_HISTORY_LIMIT } from '../resources/deployment.ts';
import { INSTANCE_LABEL } from '../resources/labels.ts';
import { childName } from '../resources/names.ts';
import type { ReconcilerDeps } from './deps.ts';
import { ownerOf, ownership } from './ownership.ts';

const REPLICA_SETS: KindInfo = { apiVersion: 'apps/v1', kind: 'ReplicaSet', plural: 'replicasets' };

type PodTemplateHolder = {
  spec?: {
    template?: {
      spec?: {
        containers?: {
          env?: { valueFrom?: { configMapKeyRef?: { name?: string } } }[];
          envFrom?: { configMapRef?: { name?: string } }[];
        }[];
      };
    };
  };
};

/** The ConfigMaps a ReplicaSet's (or Deployment's) pod template refers to. */
export function referencedConfigMaps(obj: KubeObject): string[] {
  const containers = (obj as PodTemplateHolder).spec?.template?.spec?.containers ?? [];
  return containers
    .flatMap((c) => [
      ...(c.env ?? []).map((e) => e.valueFrom?.configMapKeyRef?.name),
      ...(c.envFrom ?? []).map((e) => e.configMapRef?.name),
    ])
    .filter((name): name is string => name !== undefined);
}

/** Whether a ReplicaSet has, or wants, pods (an old one the Deployment keeps for rollbacks has none). */
function hasPods(rs: KubeObject): boolean {
  const { spec, status } = rs as { spec?: { replicas?: number }; status?: { replicas?: number } };
  return (spec?.replicas ?? 1) > 0 || (status?.replicas ?? 0) > 0;
}

/**
 * How soon to look again when more earlier ConfigMaps are kept than the Deployment keeps
 * ReplicaSets (the Deployment controller is about to drop one), or an old release's ConfigMap waits
 * for its pods to go: neither a ReplicaSet dropped nor one scaled down enqueues anything (the
 * operator does not watch them).
 */
export const PRUNE_RECHECK_MS = 30_000;

/**
 * Deletes this HelloService's ConfigMaps that are neither `current` nor used by any ReplicaSet of
 * its pods. Returns the names deleted, and how soon to look again (undefined: no need). Lists
 * ReplicaSets only when there is something to prune.
 */
export async function pruneConfigMaps(
  deps: ReconcilerDeps,
  hs: DefaultedHelloService,
  current: string,
  signal: AbortSignal,
): Promise<{ pruned: string[]; recheckAfterMs: number | undefined }> {
  const namespace = hs.metadata.namespace;
  const instance = childName(hs.metadata.name);
  const owner = ownerOf(hs);
  const candidates = deps
    .children('ConfigMap')
    .list(namespace)
    .filter(
      (cm) =>
        cm.metadata?.name !== current &&
        cm.metadata?.labels?.[INSTANCE_LABEL] === instance &&
        ownership(cm, owner).verdict === 'owned',
    );
  if (candidates.length === 0) return { pruned: [], recheckAfterMs: undefined };
  const replicaSets = await deps.list(REPLICA_SETS, namespace, `${INSTANCE_LABEL}=${instance}`, signal);
  const inUse = new Set(replicaSets.flatMap(referencedConfigMaps));
  const withPods = new Set(replicaSets.filter(hasPods).flatMap(referencedConfigMaps));
  const pruned: string[] = [];
  let legacyKept = false;
  for (const cm of candidates) {
    const name = cm.metadata?.name ?? '';
    // The one mutable ConfigMap of a release before revisions: no rollback can come back to it (its
    // content is gone), so it goes as soon as no pod reads it, once the upgrade's rollout is done.
    const legacy = (cm as { immutable?: boolean }).immutable !== true;
    if ((legacy ? withPods : inUse).has(name)) {
      legacyKept ||= legacy;
      continue;
    }
    await deps.writer.delete(
      childKind('ConfigMap'),
      { name, namespace, uid: cm.metadata?.uid ?? '' },
      signal,
    );
    pruned.push(name);
  }
  const kept = candidates.length - pruned.length;
  const again = kept > REVISION_HISTORY_LIMIT || legacyKept;
  return { pruned, recheckAfterMs: again ? PRUNE_RECHECK_MS : undefined };
}
