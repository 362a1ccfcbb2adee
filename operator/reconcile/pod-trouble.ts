// Why a rollout is not progressing, from its pods: a pod no node takes, an image that cannot be
// pulled (a wrong name, a private registry without credentials) or a container that cannot be
// created (a Secret key the kubelet cannot find) leaves the Deployment waiting until its progress deadline (10 minutes by
// default) with nothing in its status but "ReplicaSet is progressing". Once a rollout has made no
// progress for POD_CHECK_AFTER_MS, the revision's pods are listed and a waiting reason like these
// becomes the HelloService's Degraded (and so Ready) reason, not stuck: it may heal by itself (a
// registry back up, a Secret created). A rollout that progresses costs no list.
import type { DefaultedHelloService } from '../api/types.ts';
import type { KindInfo, KubeObject } from '../kube/rest.ts';
import { INSTANCE_LABEL, REVISION_LABEL } from '../resources/labels.ts';
import { childName } from '../resources/names.ts';
import type { Revision } from '../resources/revision.ts';
import type { ReconcilerDeps } from './deps.ts';
import { type DeploymentView, rolloutSettled } from './status.ts';

const PODS: KindInfo = { apiVersion: 'v1', kind: 'Pod', plural: 'pods' };

/** How long a rollout may make no progress before its pods are looked at. */
export const POD_CHECK_AFTER_MS = 15_000;
/** How often they are looked at again while it still makes none (a pod's backoff changes nothing the
 * operator watches), at first; then half the time it has been quiet, up to POD_RECHECK_MAX_MS. */
export const POD_RECHECK_MS = 10_000;
/**
 * A rollout that only waits its turn (1000 messages changed at once queue in the Deployment
 * controller, bench:operator's phase 2) was looked at every 10 s, a list of pods and a reconcile
 * each: part of why ours made 22.6 reconciles per HelloService in that phase, the twin 10.5 (19.5
 * with this). Looking less often the longer it stays quiet bounds that at a few looks per rollout;
 * a pod found in trouble is still looked at every 10 s.
 */
export const POD_RECHECK_MAX_MS = 60_000;

/** When to look again at a rollout quiet for `quietMs` whose pods showed no trouble. */
function quietRecheckMs(quietMs: number): number {
  return Math.min(POD_RECHECK_MAX_MS, Math.max(POD_RECHECK_MS, Math.round(quietMs / 2)));
}

/** Waiting reasons that no waiting cures without a change (image or credentials, config). */
const TROUBLE = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CreateContainerConfigError',
  'CreateContainerError',
]);

/** A pod as the checks read it (wire format, fields read). */
export type PodView = KubeObject & {
  status?: {
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: {
      name: string;
      restartCount?: number;
      state?: { waiting?: { reason?: string; message?: string } };
      lastState?: { terminated?: { reason?: string; exitCode?: number } };
    }[];
  };
};

/** The pods of one revision of a HelloService, from the API server's watch cache. */
export async function revisionPods(
  deps: Pick<ReconcilerDeps, 'list'>,
  hs: DefaultedHelloService,
  revision: Revision,
  signal: AbortSignal,
): Promise<PodView[]> {
  const selector = `${INSTANCE_LABEL}=${childName(hs.metadata.name)},${REVISION_LABEL}=${revision.name}`;
  return (await deps.list(PODS, hs.metadata.namespace, selector, signal)) as PodView[];
}

export type PodTrouble = { reason: string; message: string };

/**
 * What keeps the revision's pods from starting, if its rollout has stalled long enough to look, and
 * how soon to look again (undefined: the rollout is over, or not this revision's).
 */
export async function podTrouble(
  deps: Pick<ReconcilerDeps, 'list'>,
  hs: DefaultedHelloService,
  revision: Revision,
  dep: DeploymentView | undefined,
  now: number,
  signal: AbortSignal,
): Promise<{ trouble?: PodTrouble; recheckAfterMs?: number }> {
  if (
    !dep ||
    rolloutSettled(dep) ||
    dep.spec?.template?.metadata?.labels?.[REVISION_LABEL] !== revision.name
  ) {
    return {};
  }
  const progressing = dep.status?.conditions?.find((c) => c.type === 'Progressing');
  // Until the Deployment controller has reported on this rollout (a status of the latest generation:
  // before, Progressing still dates from the last one), its own updates will enqueue us.
  if ((dep.status?.observedGeneration ?? 0) < (dep.metadata?.generation ?? 0)) return {};
  const since = Date.parse(progressing?.lastUpdateTime ?? '');
  if (Number.isNaN(since)) return {};
  const quiet = now - since;
  if (quiet < POD_CHECK_AFTER_MS) return { recheckAfterMs: Math.max(1000, POD_CHECK_AFTER_MS - quiet) };
  for (const pod of await revisionPods(deps, hs, revision, signal)) {
    const trouble = troubleOf(pod);
    if (trouble) return { trouble, recheckAfterMs: POD_RECHECK_MS };
  }
  return { recheckAfterMs: quietRecheckMs(quiet) };
}

/** What keeps one pod from starting, if it is one of the causes that waiting does not cure. */
function troubleOf(pod: PodView): PodTrouble | undefined {
  const name = pod.metadata?.name ?? '?';
  // No node takes it (a nodeSelector or affinity no node matches, too little room, a taint).
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    return {
      reason: 'Unschedulable',
      message: `Pod ${name} cannot be scheduled: ${scheduled.message ?? 'no node fits'}`,
    };
  }
  const waiting = pod.status?.containerStatuses
    ?.map((c) => c.state?.waiting)
    .find((w) => w?.reason !== undefined && TROUBLE.has(w.reason));
  return waiting?.reason
    ? { reason: waiting.reason, message: `Pod ${name} cannot start: ${waiting.message ?? waiting.reason}` }
    : undefined;
}
