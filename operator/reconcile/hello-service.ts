// The HelloService reconciler: what is particular to this kind, read top to bottom.
//   validate → check the cluster → plan the children → apply them → delete the unwanted →
//   prune old revisions' ConfigMaps → observe
// Each step is a function with typed inputs and outputs; a step that fails throws, and the shell
// (shell.ts) turns the error into the status, an Event and a retry. Whatever happens, the status
// draft has observed the Deployment (from the apply when it wrote one, else from the cache).
import type { DefaultedHelloService } from '../api/types.ts';
import { formatErrors, validateHelloService } from '../api/validate.ts';
import { type ReconcileContext, ReconcileError } from '../controller/index.ts';
import type { KubeObject } from '../kube/rest.ts';
import { CHILD_KINDS, type ChildKind, desired, statusURL } from '../resources/children.ts';
import { selectorLabels } from '../resources/labels.ts';
import { childName } from '../resources/names.ts';
import { revisionOf } from '../resources/revision.ts';
import { applyChildren, type ChildRun, deleteUnwanted, planChildren } from './apply-children.ts';
import { observeAutoscalingMetrics } from './autoscaling-metrics.ts';
import { ChildWrites, listOf, type RecordEvent, reportChanges } from './changes.ts';
import { checkCluster } from './checks.ts';
import type { ReconcilerDeps } from './deps.ts';
import { ENV_RECHECK_MS, envHash } from './env-references.ts';
import { ownerOf, ownership } from './ownership.ts';
import { type PodTrouble, podTrouble } from './pod-trouble.ts';
import { pruneConfigMaps } from './revisions.ts';
import { heldRollback, rollBackIfFailed } from './rollback.ts';
import {
  type DeploymentView,
  deadlineExceeded,
  markDegraded,
  observeDeployment,
  rolloutSettled,
  type StatusDraft,
  setInformational,
  setRevision,
  setSpecFields,
} from './status.ts';

/** How soon to look again for the ServiceMonitor CRD: installing prometheus-operator enqueues nothing. */
export const MONITORING_RECHECK_MS = 60_000;

export type HelloServiceRun = {
  live: KubeObject;
  /** The status being built; the shell finishes and writes it, also when this throws. */
  draft: StatusDraft;
  ctx: ReconcileContext;
  /** Apply every child even when it looks up to date (a new reconcile-at annotation). */
  forced: boolean;
  lastApplied: ChildRun['lastApplied'];
  record: RecordEvent;
};

export type HelloServiceOutcome = { requeueAfterMs?: number | undefined };

export async function reconcileHelloService(
  deps: ReconcilerDeps,
  run: HelloServiceRun,
): Promise<HelloServiceOutcome> {
  const writes = new ChildWrites();
  let trouble: PodTrouble | undefined;
  try {
    const hs = validate(run.live);
    setSpecFields(run.draft, { url: statusURL(hs), message: hs.spec.message, selector: selectorLabels(hs) });
    // Nothing has been applied yet when a check fails: the running children stay as they are.
    await checkCluster(hs, deps.checks, run.ctx.signal);
    // Likewise a Secret or ConfigMap that spec.env reads and that is missing.
    const observed = { envHash: await envHash(deps, hs, run.ctx.signal) };
    const served = await servedKinds(deps, run.ctx.signal);
    /** Applies the children of `at`: the spec, or the spec at an earlier revision (a rollback). */
    const applyAt = async (at: DefaultedHelloService) => {
      const children: ChildRun = {
        hs: at,
        signal: run.ctx.signal,
        forced: run.forced,
        lastApplied: run.lastApplied,
      };
      const wanted = desired(at, deps.settings, observed);
      await applyChildren(
        deps,
        await planChildren(
          deps,
          wanted.filter((c) => served.has(c.kind)),
          children,
        ),
        children,
        writes,
      );
      setRevision(run.draft, revisionOf(at, deps.settings));
      return { wanted, children };
    };
    const specRevision = revisionOf(hs, deps.settings);
    const held = heldRollback(deps, hs, run.draft, specRevision);
    let applied = await applyAt(held ?? hs);
    const rollback = held
      ? {}
      : await rollBackIfFailed(deps, hs, specRevision, run, observedDeployment(deps, run.live, writes));
    if (rollback.at) applied = await applyAt(rollback.at);
    const { wanted, children } = applied;
    const deployment = observedDeployment(deps, run.live, writes);
    const pods = await podTrouble(
      deps,
      children.hs,
      revisionOf(children.hs, deps.settings),
      deployment,
      Date.parse(run.draft.now),
      run.ctx.signal,
    );
    trouble = pods.trouble;
    await deleteUnwanted(deps, new Set(wanted.map((c) => c.kind)), served, children, writes);
    const configMap = wanted.find((c) => c.kind.kind === 'ConfigMap')?.body.metadata.name ?? '';
    const { pruned, recheckAfterMs } = await pruneConfigMaps(deps, hs, configMap, run.ctx.signal);
    if (pruned.length > 0) {
      run.record(
        'Normal',
        'Pruned',
        'Delete',
        `Deleted ConfigMap ${listOf(pruned.map((n) => JSON.stringify(n)))} of an earlier message: no ReplicaSet uses it any more.`,
      );
      run.ctx.log.info({ configMaps: pruned }, 'pruned');
    }
    const rechecks = [
      observeMonitoring(run.draft, hs, served),
      await observeAutoscalingMetrics(deps, run.draft, hs, run.ctx.signal),
      observed.envHash === undefined ? undefined : ENV_RECHECK_MS,
      // Until the rollout is over, the old ReplicaSet keeps pods, and its end enqueues this
      // HelloService anyway (a Deployment event): a timed look for what to prune would find nothing.
      deployment && !rolloutSettled(deployment) ? undefined : recheckAfterMs,
      rollback.recheckAfterMs,
      pods.recheckAfterMs,
    ].filter((ms): ms is number => ms !== undefined);
    return { requeueAfterMs: rechecks.length > 0 ? Math.min(...rechecks) : undefined };
  } finally {
    reportChanges(writes, run.record, run.ctx.log);
    const dep = observedDeployment(deps, run.live, writes);
    observeDeployment(run.draft, dep);
    // More specific than "the rollout makes no progress"; past the deadline, that one stands (stuck).
    if (trouble && !(dep && deadlineExceeded(dep)))
      markDegraded(run.draft, trouble.reason, trouble.message, false);
  }
}

function validate(live: KubeObject): DefaultedHelloService {
  const result = validateHelloService(live);
  if (!result.ok) {
    throw new ReconcileError(
      'InvalidSpec',
      `The HelloService is invalid: ${formatErrors(result.errors).replaceAll('\n', '; ')}`,
      { permanent: true },
    );
  }
  return result.value;
}

/** The child kinds the cluster serves: every watched kind, and the optional ones discovery finds. */
async function servedKinds(deps: ReconcilerDeps, signal: AbortSignal): Promise<Set<ChildKind>> {
  const answers = await Promise.all(
    CHILD_KINDS.map(async (kind) =>
      !kind.optionalCRD || (await deps.served(kind, signal)) ? kind : undefined,
    ),
  );
  return new Set(answers.filter((kind) => kind !== undefined));
}

/**
 * The Monitoring condition (only with spec.monitoring.enabled; never part of Ready: a missing
 * Prometheus harms no traffic). Returns how soon to look again for the CRD when it is missing.
 */
function observeMonitoring(
  draft: StatusDraft,
  hs: DefaultedHelloService,
  served: ReadonlySet<ChildKind>,
): number | undefined {
  const monitoring = hs.spec.monitoring;
  if (!monitoring?.enabled) return undefined;
  if (![...served].some((k) => k.kind === 'ServiceMonitor')) {
    setInformational(
      draft,
      'Monitoring',
      false,
      'ServiceMonitorCRDNotFound',
      'spec.monitoring.enabled is true, but the cluster does not serve monitoring.coreos.com/v1 ' +
        'ServiceMonitors: install prometheus-operator (or its CRDs). Nothing else is affected; the ' +
        `operator looks again every ${MONITORING_RECHECK_MS / 1000} s.`,
    );
    return MONITORING_RECHECK_MS;
  }
  setInformational(
    draft,
    'Monitoring',
    true,
    'ServiceMonitorApplied',
    `ServiceMonitor ${JSON.stringify(childName(hs.metadata.name))} asks Prometheus to scrape /metrics of every pod every ${monitoring.interval}.`,
  );
  return undefined;
}

/**
 * The HelloService's Deployment as last seen: as this reconcile's apply returned it, else as the
 * cache holds it when it is this HelloService's.
 */
function observedDeployment(
  deps: ReconcilerDeps,
  live: KubeObject,
  writes: ChildWrites,
): DeploymentView | undefined {
  const applied = writes.returned.get('Deployment') as DeploymentView | undefined;
  if (applied) return applied;
  const name = childName(live.metadata?.name ?? '');
  const dep = deps.children('Deployment').get(name, live.metadata?.namespace);
  return ownership(dep, ownerOf(live)).verdict === 'owned' ? (dep as DeploymentView) : undefined;
}
