// Automatic rollback (spec.rollout.autoRollback), as Flagger and Argo Rollouts do it: when the
// spec's revision fails (its rollout passes the progress deadline, or its pods crash-loop), the
// children are built from the latest ready revision instead — its image, and its message read back
// from its immutable ConfigMap — until the spec changes. status.rollback records it; a new
// generation drops it, so the failed revision is tried again only when the spec changes.

import type { Logger } from 'pino';
import type { DefaultedHelloService, RevisionStatus, RollbackStatus } from '../api/types.ts';
import type { KubeObject } from '../kube/rest.ts';
import { REVISION_LABEL } from '../resources/labels.ts';
import { MESSAGES_KEY } from '../resources/names.ts';
import { type Revision, revisionOf } from '../resources/revision.ts';
import type { RecordEvent } from './changes.ts';
import type { ReconcilerDeps } from './deps.ts';
import { ownerOf, ownership } from './ownership.ts';
import { revisionPods } from './pod-trouble.ts';
import {
  type DeploymentView,
  deadlineExceeded,
  rollbackMessage,
  rolloutSettled,
  type StatusDraft,
  setRollback,
} from './status.ts';

/**
 * Restarts after which a container waiting in CrashLoopBackOff counts as a crash loop: one crash
 * may be bad luck (a node under pressure); the kubelet backs off 10 s, then 20 s, 40 s, ...
 */
export const CRASH_LOOP_RESTARTS = 2;
/**
 * How soon to look at a rolling revision's pods again: a crash loop changes no Deployment status,
 * so nothing else would enqueue the HelloService.
 */
export const ROLLOUT_RECHECK_MS = 10_000;

export type Failure = { reason: 'ProgressDeadlineExceeded' | 'CrashLoopBackOff'; message: string };

/**
 * The rollback the last status recorded, if it still holds (same generation, same failed revision,
 * its revision's ConfigMap still there): the HelloService to apply instead of the spec. Records in
 * the draft whether it holds.
 */
export function heldRollback(
  deps: ReconcilerDeps,
  hs: DefaultedHelloService,
  draft: StatusDraft,
  spec: Revision,
): DefaultedHelloService | undefined {
  const recorded = draft.rollback;
  const holds =
    hs.spec.rollout.autoRollback &&
    recorded?.observedGeneration === (hs.metadata.generation ?? 0) &&
    recorded.failedRevision === spec.name;
  const target = draft.revisions.find((r) => r.name === recorded?.revision);
  const at = holds && target ? specAt(deps, hs, target) : undefined;
  setRollback(draft, at ? recorded : undefined, spec);
  return at;
}

/**
 * With spec.rollout.autoRollback: when the spec's revision failed and an earlier one was ready,
 * records the rollback (status, Warning Event) and returns the HelloService at the ready revision
 * to apply instead. While the revision still rolls, says how soon to look again.
 */
export async function rollBackIfFailed(
  deps: ReconcilerDeps,
  hs: DefaultedHelloService,
  spec: Revision,
  run: { draft: StatusDraft; record: RecordEvent; ctx: { signal: AbortSignal; log: Logger } },
  dep: DeploymentView | undefined,
): Promise<{ at?: DefaultedHelloService; recheckAfterMs?: number }> {
  const { draft } = run;
  const ready = draft.revisions.find((r) => r.name === draft.latestReadyRevision);
  if (!hs.spec.rollout.autoRollback || !ready || ready.name === spec.name) return {};
  const failure = await revisionFailure(deps, hs, spec, dep, run.ctx.signal);
  if (!failure) return dep && rolloutSettled(dep) ? {} : { recheckAfterMs: ROLLOUT_RECHECK_MS };
  const at = specAt(deps, hs, ready);
  if (!at) {
    run.ctx.log.warn({ revision: ready.name }, "cannot roll back: the revision's ConfigMap is gone");
    return {};
  }
  const rollback: RollbackStatus = {
    failedRevision: spec.name,
    revision: ready.name,
    observedGeneration: hs.metadata.generation ?? 0,
    ...failure,
    time: draft.now,
  };
  setRollback(draft, rollback, spec);
  run.record('Warning', 'RolledBack', 'Rollback', rollbackMessage(rollback));
  run.ctx.log.info({ from: spec.name, to: ready.name, reason: failure.reason }, 'rolled back');
  return { at };
}

/**
 * The HelloService as it was at `revision`: the spec's other fields, with the revision's image and
 * message. Undefined when the revision's ConfigMap is gone (or not this HelloService's): then there
 * is nothing to roll back to.
 */
export function specAt(
  deps: ReconcilerDeps,
  hs: DefaultedHelloService,
  revision: RevisionStatus,
): DefaultedHelloService | undefined {
  const cm = deps.children('ConfigMap').get(revision.name, hs.metadata.namespace) as
    | (KubeObject & { data?: Record<string, string> })
    | undefined;
  const owner = ownerOf(hs);
  const message = cm && ownership(cm, owner).verdict === 'owned' ? cm.data?.[MESSAGES_KEY] : undefined;
  if (message === undefined) return undefined;
  const back: DefaultedHelloService = { ...hs, spec: { ...hs.spec, image: revision.image, message } };
  // The same name means the same image and message: what the revision's pods ran.
  return revisionOf(back, deps.settings).name === revision.name ? back : undefined;
}

/**
 * Why `revision` (the one the Deployment was just applied for) failed, or undefined while it has
 * not: the Deployment's progress deadline passed on its template, or one of its pods crash-loops.
 */
export async function revisionFailure(
  deps: ReconcilerDeps,
  hs: DefaultedHelloService,
  revision: Revision,
  dep: DeploymentView | undefined,
  signal: AbortSignal,
): Promise<Failure | undefined> {
  if (dep?.spec?.template?.metadata?.labels?.[REVISION_LABEL] !== revision.name) return undefined;
  const observed = (dep.status?.observedGeneration ?? 0) >= (dep.metadata?.generation ?? 0);
  if (observed && deadlineExceeded(dep)) {
    const progressing = dep.status?.conditions?.find((c) => c.type === 'Progressing');
    return {
      reason: 'ProgressDeadlineExceeded',
      message: `its rollout made no progress in ${hs.spec.rollout.progressDeadlineSeconds} s (${progressing?.message ?? 'no message'})`,
    };
  }
  for (const pod of await revisionPods(deps, hs, revision, signal)) {
    const looping = pod.status?.containerStatuses?.find(
      (c) => (c.restartCount ?? 0) >= CRASH_LOOP_RESTARTS && c.state?.waiting?.reason === 'CrashLoopBackOff',
    );
    if (looping) {
      const last = looping.lastState?.terminated;
      const exit = last ? `, last exit ${last.reason ?? 'unknown'} with code ${last.exitCode ?? '?'}` : '';
      return {
        reason: 'CrashLoopBackOff',
        message: `pod ${pod.metadata?.name ?? '?'} crash-loops (container ${looping.name} restarted ${looping.restartCount} times${exit})`,
      };
    }
  }
  return undefined;
}
