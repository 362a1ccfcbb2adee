// The HelloService status, built through small named functions. Pure: no API calls, the clock is
// passed in. `Ready` is never set directly; finishStatus derives it from the other three:
//   Degraded=True      → Ready=False with Degraded's reason (something needs a person)
//   Available≠True     → Ready=False with Available's reason (not enough pods ready yet)
//   Progressing=True   → Ready=False with Progressing's reason (a rollout is under way)
//   otherwise          → Ready=True, reason Ready
// Reconciling and Stalled follow the kstatus convention that Flux, kpt and Helm 4's --wait read
// (generic clients do not know Degraded): Stalled=True when the HelloService cannot progress until
// a person changes the spec or the cluster (a Degraded whose cause is stuck); otherwise
// Reconciling=True for as long as it is not Ready (a rollout, pods starting, a transient failure).
// lastTransitionTime changes only when a condition's status changes, so a status computed twice
// from the same world is identical, and the controller writes it only when it differs.
import { messagePreview } from '../api/message.ts';
import { REVISION_HISTORY } from '../api/schema.ts';
import type { Condition, HelloServiceStatus, RevisionStatus, RollbackStatus } from '../api/types.ts';
import { canonicalJSON } from '../kube/canonical-json.ts';
import { rfc3339 } from '../kube/time.ts';
import type { Revision } from '../resources/revision.ts';

export type ConditionType =
  | 'Ready'
  | 'Available'
  | 'Progressing'
  | 'Degraded'
  | 'Reconciling'
  | 'Stalled'
  | InformationalCondition
  | 'Paused';
export const CONDITION_TYPES: readonly ConditionType[] = [
  'Ready',
  'Available',
  'Progressing',
  'Degraded',
  'Reconciling',
  'Stalled',
];

/**
 * Conditions about an optional feature, each present only when the spec asks for the feature and
 * never part of Ready (a missing Prometheus or custom metrics API harms no traffic); after the
 * others, in this order.
 */
export const INFORMATIONAL_CONDITIONS = ['Monitoring', 'AutoscalingMetrics'] as const;
export type InformationalCondition = (typeof INFORMATIONAL_CONDITIONS)[number];

type Verdict = {
  status: Condition['status'];
  reason: string;
  message: string;
  /** Degraded only: nothing will progress without a change to the spec or the cluster. */
  stuck?: boolean;
};

/** A status being built for one generation of a HelloService. */
export type StatusDraft = {
  generation: number | undefined;
  /** RFC 3339, seconds: when a condition that changes now is said to have changed. */
  now: string;
  previous: readonly Condition[];
  conditions: Map<'Available' | 'Progressing' | 'Degraded', Verdict>;
  /** The informational conditions the spec asks for (INFORMATIONAL_CONDITIONS). */
  informational: Map<InformationalCondition, Verdict>;
  replicas: number | undefined;
  readyReplicas: number | undefined;
  url: string | undefined;
  messagePreview: string | undefined;
  /** The pods' label selector, for the scale subresource (an HPA that targets the HelloService). */
  selector: string | undefined;
  /** The revision the children were just applied for (undefined: not applied in this reconcile). */
  revision: Revision | undefined;
  latestCreatedRevision: string | undefined;
  latestReadyRevision: string | undefined;
  revisions: readonly RevisionStatus[];
  /** An automatic rollback in force (carried from the last status until the reconciler drops it). */
  rollback: RollbackStatus | undefined;
  /** With a rollback in force: the spec's revision, which failed (`revision` is the one it rolled back to). */
  failed: Revision | undefined;
};

export function newStatus(options: {
  generation: number | undefined;
  now: Date;
  previous?: HelloServiceStatus | undefined;
}): StatusDraft {
  return {
    generation: options.generation,
    now: rfc3339(options.now),
    previous: options.previous?.conditions ?? [],
    conditions: new Map(),
    informational: new Map(),
    // Until a Deployment is observed, keep what was last reported rather than flapping to nothing.
    replicas: options.previous?.replicas,
    readyReplicas: options.previous?.readyReplicas,
    url: options.previous?.url,
    messagePreview: options.previous?.messagePreview,
    selector: options.previous?.selector,
    revision: undefined,
    latestCreatedRevision: options.previous?.latestCreatedRevision,
    latestReadyRevision: options.previous?.latestReadyRevision,
    revisions: options.previous?.revisions ?? [],
    rollback: options.previous?.rollback,
    failed: undefined,
  };
}

/** The children of `revision` were applied: it is the latest created. */
export function setRevision(d: StatusDraft, revision: Revision): void {
  d.revision = revision;
}

/**
 * The pods were pointed back from `failed` (the spec's revision) to the latest ready revision, or
 * stay there: Degraded and Stalled (nothing progresses until the spec changes), with the reason.
 */
export function setRollback(d: StatusDraft, rollback: RollbackStatus | undefined, failed: Revision): void {
  d.rollback = rollback;
  if (!rollback) return;
  d.failed = failed;
  markDegraded(d, 'RolledBack', rollbackMessage(rollback));
}

/** What a rollback says in the status and its Event: which revision failed, why, and what now. */
export function rollbackMessage(rollback: RollbackStatus): string {
  return (
    `Revision ${rollback.failedRevision} failed (${rollback.reason}: ${rollback.message}). ` +
    `spec.rollout.autoRollback rolled the pods back to revision ${rollback.revision}; ` +
    `${rollback.failedRevision} is tried again when the spec changes.`
  );
}

export function markAvailable(d: StatusDraft, reason: string, message: string): void {
  d.conditions.set('Available', { status: 'True', reason, message });
}

export function markUnavailable(d: StatusDraft, reason: string, message: string): void {
  d.conditions.set('Available', { status: 'False', reason, message });
}

export function markProgressing(d: StatusDraft, reason: string, message: string): void {
  d.conditions.set('Progressing', { status: 'True', reason, message });
}

export function markProgressed(d: StatusDraft, reason: string, message: string): void {
  d.conditions.set('Progressing', { status: 'False', reason, message });
}

/**
 * Something a person must fix (`stuck`, the default: Stalled too) or that keeps failing for now. The
 * first call wins: it is the root cause the others follow from.
 */
export function markDegraded(d: StatusDraft, reason: string, message: string, stuck = true): void {
  if (d.conditions.get('Degraded')?.status === 'True') return;
  d.conditions.set('Degraded', { status: 'True', reason, message, stuck });
}

/**
 * The reconcile failed: its error is the root cause a person acts on, so it wins over a Degraded
 * the Deployment gave (a rollout past its deadline because of it, say).
 */
export function markFailed(d: StatusDraft, reason: string, message: string, stuck: boolean): void {
  d.conditions.set('Degraded', { status: 'True', reason, message, stuck });
}

export function markNotDegraded(d: StatusDraft): void {
  if (d.conditions.get('Degraded')?.status === 'True') return;
  d.conditions.set('Degraded', { status: 'False', reason: 'AsExpected', message: 'No problems found.' });
}

export function setInformational(
  d: StatusDraft,
  type: InformationalCondition,
  ok: boolean,
  reason: string,
  message: string,
): void {
  d.informational.set(type, { status: ok ? 'True' : 'False', reason, message });
}

export function setSpecFields(
  d: StatusDraft,
  fields: { url: string; message: string; selector: Record<string, string> },
): void {
  d.url = fields.url;
  d.messagePreview = messagePreview(fields.message);
  d.selector = Object.entries(fields.selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** What the Deployment of a HelloService looks like to the status (wire format, fields we read). */
export type DeploymentView = {
  metadata?: { generation?: number };
  spec?: { replicas?: number; template?: { metadata?: { labels?: Record<string, string> } } };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    conditions?: {
      type: string;
      status: string;
      reason?: string;
      message?: string;
      lastUpdateTime?: string;
    }[];
  };
};

/**
 * Available, Progressing and the Deployment's own failures, from the Deployment as last seen
 * (undefined: it does not exist yet). `replicas` is what the Deployment wants (its spec.replicas,
 * set by us or by the autoscaler), `readyReplicas` how many pods are ready.
 */
export function observeDeployment(d: StatusDraft, dep: DeploymentView | undefined): void {
  if (!dep) {
    d.replicas = undefined;
    d.readyReplicas = undefined;
    markUnavailable(d, 'DeploymentNotFound', 'The Deployment does not exist yet.');
    markProgressing(d, 'Creating', 'Creating the Deployment.');
    return;
  }
  const wanted = dep.spec?.replicas ?? 1;
  const s = dep.status ?? {};
  const ready = s.readyReplicas ?? 0;
  d.replicas = wanted;
  d.readyReplicas = ready;
  const condition = (type: string) => s.conditions?.find((c) => c.type === type);

  if (deploymentAvailable(dep)) {
    markAvailable(d, 'MinimumReplicasAvailable', `${ready} of ${wanted} pods are ready.`);
  } else {
    markUnavailable(
      d,
      'MinimumReplicasUnavailable',
      `${ready} of ${wanted} pods are ready; ${condition('Available')?.message ?? 'waiting for the Deployment.'}`,
    );
  }

  const pending = rolloutPending(dep);
  if (pending) markProgressing(d, 'RollingOut', pending);
  else markProgressed(d, 'RolloutComplete', `All ${wanted} pods run the latest version.`);

  if (deadlineExceeded(dep)) {
    markDegraded(
      d,
      'ProgressDeadlineExceeded',
      `The rollout made no progress in time: ${condition('Progressing')?.message ?? ''} Check the pods' events (kubectl describe pods).`,
    );
  }
  const failure = condition('ReplicaFailure');
  if (failure?.status === 'True') {
    markDegraded(
      d,
      'ReplicaFailure',
      `Pods cannot be created: ${failure.message ?? failure.reason ?? 'unknown reason'}`,
    );
  }
}

function deploymentAvailable(dep: DeploymentView): boolean {
  const s = dep.status ?? {};
  const available = s.conditions?.find((c) => c.type === 'Available');
  return available?.status === 'True' && (s.availableReplicas ?? 0) > 0;
}

/** What the Deployment's rollout still waits for, or undefined when it is complete. */
function rolloutPending(dep: DeploymentView): string | undefined {
  const wanted = dep.spec?.replicas ?? 1;
  const s = dep.status ?? {};
  const updated = s.updatedReplicas ?? 0;
  const available = s.availableReplicas ?? 0;
  const total = s.replicas ?? 0;
  if ((s.observedGeneration ?? 0) < (dep.metadata?.generation ?? 0))
    return 'The Deployment controller has not yet seen the latest change.';
  if (updated < wanted) return `${updated} of ${wanted} pods run the latest version.`;
  if (total > updated) return `${total - updated} old pods are still terminating.`;
  if (available < updated) return `${available} of ${updated} new pods are available.`;
  return undefined;
}

export function deadlineExceeded(dep: DeploymentView): boolean {
  const progress = dep.status?.conditions?.find((c) => c.type === 'Progressing');
  return progress?.status === 'False' && progress.reason === 'ProgressDeadlineExceeded';
}

/**
 * Whether the Deployment's rollout has come to an end (available and complete, or given up):
 * the moment its HelloService's Ready changes for good.
 */
export function rolloutSettled(dep: DeploymentView): boolean {
  return (deploymentAvailable(dep) && rolloutPending(dep) === undefined) || deadlineExceeded(dep);
}

/**
 * The status of a paused HelloService: the last status as it was (the operator has not acted on
 * anything since), plus a Paused=True condition at the current generation. The condition goes away
 * with the next status written after the pause, which lists only the usual conditions.
 */
export function pausedStatus(
  previous: HelloServiceStatus | undefined,
  generation: number | undefined,
  now: Date,
  message: string,
): HelloServiceStatus {
  const before = previous?.conditions?.find((c) => c.type === 'Paused');
  const paused: Condition = {
    type: 'Paused',
    status: 'True',
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    lastTransitionTime: before?.status === 'True' ? before.lastTransitionTime : rfc3339(now),
    reason: 'PausedByAnnotation',
    message,
  };
  return {
    ...previous,
    conditions: [...(previous?.conditions ?? []).filter((c) => c.type !== 'Paused'), paused],
  };
}

/** The status to write: conditions in a fixed order, Ready derived, transition times kept. */
export function finishStatus(d: StatusDraft): HelloServiceStatus {
  markNotDegraded(d);
  const verdicts = new Map<ConditionType, Verdict>(d.conditions);
  if (!verdicts.has('Available'))
    verdicts.set('Available', { status: 'Unknown', reason: 'NotObserved', message: 'Not observed yet.' });
  if (!verdicts.has('Progressing'))
    verdicts.set('Progressing', { status: 'Unknown', reason: 'NotObserved', message: 'Not observed yet.' });
  verdicts.set('Ready', deriveReady(verdicts));
  verdicts.set('Stalled', deriveStalled(verdicts));
  verdicts.set('Reconciling', deriveReconciling(verdicts));
  const types: ConditionType[] = [...CONDITION_TYPES];
  for (const type of INFORMATIONAL_CONDITIONS) {
    const verdict = d.informational.get(type);
    if (!verdict) continue;
    verdicts.set(type, verdict);
    types.push(type);
  }
  const conditions = types.map((type): Condition => {
    const v = verdicts.get(type) as Verdict;
    const before = d.previous.find((c) => c.type === type);
    return {
      type,
      status: v.status,
      ...(d.generation !== undefined ? { observedGeneration: d.generation } : {}),
      lastTransitionTime:
        before && before.status === v.status && before.lastTransitionTime ? before.lastTransitionTime : d.now,
      reason: v.reason,
      message: v.message,
    };
  });
  const status: HelloServiceStatus = {};
  if (d.generation !== undefined) status.observedGeneration = d.generation;
  if (d.replicas !== undefined) status.replicas = d.replicas;
  if (d.readyReplicas !== undefined) status.readyReplicas = d.readyReplicas;
  if (d.replicas !== undefined) status.replicaSummary = `${d.readyReplicas ?? 0}/${d.replicas}`;
  if (d.url !== undefined) status.url = d.url;
  if (d.messagePreview !== undefined) status.messagePreview = d.messagePreview;
  if (d.selector !== undefined) status.selector = d.selector;
  Object.assign(status, revisionFields(d, verdicts));
  if (d.rollback) status.rollback = d.rollback;
  status.conditions = conditions;
  return status;
}

/**
 * latestCreatedRevision, latestReadyRevision and the history (newest first, REVISION_HISTORY long):
 * a revision is ready once the Deployment has rolled every pod onto it and they are available; one
 * that is not, while the HelloService is Stalled, carries the reason.
 */
function revisionFields(
  d: StatusDraft,
  v: Map<ConditionType, Verdict>,
): Pick<HelloServiceStatus, 'latestCreatedRevision' | 'latestReadyRevision' | 'revisions'> {
  const out: Pick<HelloServiceStatus, 'latestCreatedRevision' | 'latestReadyRevision' | 'revisions'> = {};
  if (d.latestCreatedRevision !== undefined) out.latestCreatedRevision = d.latestCreatedRevision;
  if (d.latestReadyRevision !== undefined) out.latestReadyRevision = d.latestReadyRevision;
  if (d.revisions.length > 0) out.revisions = [...d.revisions];
  const current = d.revision;
  if (!current) return out;
  const rolledOut = v.get('Available')?.status === 'True' && v.get('Progressing')?.status === 'False';
  const stalled = v.get('Stalled');
  const entry = revisionEntry(d, current, rolledOut);
  if (!entry.ready && stalled?.status === 'True') entry.reason = stalled.reason;
  out.latestCreatedRevision = current.name;
  if (rolledOut) out.latestReadyRevision = current.name;
  // The current one first (also when it is an earlier one again: a rollback by spec).
  out.revisions = first(entry, d.revisions);
  if (d.failed && d.rollback) {
    // Rolled back: the spec's revision is still the latest created, first, and not ready.
    out.latestCreatedRevision = d.failed.name;
    out.revisions = first(
      { ...revisionEntry(d, d.failed, false), ready: false, reason: d.rollback.reason },
      out.revisions,
    );
  }
  return out;
}

/** The status entry of `revision`: when it was first seen, and whether it was ever ready. */
function revisionEntry(d: StatusDraft, revision: Revision, readyNow: boolean): RevisionStatus {
  const before = d.revisions.find((r) => r.name === revision.name);
  return {
    name: revision.name,
    image: revision.image,
    messageDigest: revision.messageDigest,
    messagePreview: revision.messagePreview,
    created: before?.created ?? d.now,
    ready: (before?.ready ?? false) || readyNow,
  };
}

/** `entry` first, then the others but its earlier self, REVISION_HISTORY long. */
function first(entry: RevisionStatus, rest: readonly RevisionStatus[]): RevisionStatus[] {
  return [entry, ...rest.filter((r) => r.name !== entry.name)].slice(0, REVISION_HISTORY);
}

function deriveStalled(v: Map<ConditionType, Verdict>): Verdict {
  const degraded = v.get('Degraded');
  if (degraded?.status === 'True' && degraded.stuck) {
    return { status: 'True', reason: degraded.reason, message: degraded.message };
  }
  return { status: 'False', reason: 'NotStalled', message: 'Nothing is stuck.' };
}

function deriveReconciling(v: Map<ConditionType, Verdict>): Verdict {
  const ready = v.get('Ready');
  if (ready?.status === 'True') return { status: 'False', reason: 'Ready', message: 'Nothing left to do.' };
  if (v.get('Stalled')?.status === 'True') {
    return { status: 'False', reason: 'Stalled', message: 'Stalled: nothing progresses until a change.' };
  }
  return { status: 'True', reason: ready?.reason ?? 'Reconciling', message: ready?.message ?? '' };
}

function deriveReady(v: Map<ConditionType, Verdict>): Verdict {
  const degraded = v.get('Degraded');
  if (degraded?.status === 'True') return { ...degraded, status: 'False' };
  const available = v.get('Available');
  if (available && available.status !== 'True') return { ...available, status: 'False' };
  const progressing = v.get('Progressing');
  if (progressing && progressing.status !== 'False') return { ...progressing, status: 'False' };
  return { status: 'True', reason: 'Ready', message: available?.message ?? 'Ready.' };
}

export function condition(
  status: HelloServiceStatus | undefined,
  type: ConditionType,
): Condition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/** Deep equality that ignores key order (the API server may send keys in another order). */
export function sameStatus(a: HelloServiceStatus | undefined, b: HelloServiceStatus | undefined): boolean {
  return canonicalJSON(a ?? {}) === canonicalJSON(b ?? {});
}
