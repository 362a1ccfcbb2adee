// The reconciler shell: what every kind's reconcile shares, as Knative's generated reconciler.
//   load from the cache → gone or being deleted? → paused? → the HelloService reconciler →
//   finish the status → write it if it changed
// A thrown error becomes, here and only here, the status (Degraded, Ready=False with its reason),
// one Warning Event, and then the controller's error policy, which alone decides about retries.

import { API_VERSION, KIND, PLURAL } from '../api/schema.ts';
import type { HelloServiceStatus } from '../api/types.ts';
import {
  type EventType,
  errorReason,
  type ReconcileRequest,
  type Reconciler,
  type Regarding,
} from '../controller/index.ts';
import type { KubeObject } from '../kube/rest.ts';
import type { ReconcilerDeps } from './deps.ts';
import { failureMessage, stuck } from './failure.ts';
import { reconcileHelloService } from './hello-service.ts';
import { condition, finishStatus, markFailed, newStatus, pausedStatus, type StatusDraft } from './status.ts';
import { StatusWriter } from './status-writer.ts';

/** `"true"` stops the operator from changing anything of this HelloService until removed. */
export const PAUSED_ANNOTATION = 'hello.operators.dev/paused';
/** Any new value asks for a reconcile now (e.g. `kubectl annotate hs x hello.operators.dev/reconcile-at="$(date)" --overwrite`). */
export const RECONCILE_AT_ANNOTATION = 'hello.operators.dev/reconcile-at';

/** What the shell remembers of one HelloService between reconciles (lost on restart; harmless). */
type Memory = {
  uid: string;
  /** The reconcile-at annotation at the last reconcile: a new value applies every child. */
  reconcileAt: string | undefined;
  /** Per child kind, the managedFields time of our last apply (apply-children.ts). */
  lastApplied: Map<string, string | undefined>;
};

type Record = (type: EventType, reason: string, action: string, note: string) => void;

export function createReconciler(deps: ReconcilerDeps): Reconciler {
  const memory = new Map<string, Memory>();
  const statuses = new StatusWriter(deps.writer, { apiVersion: API_VERSION, kind: KIND, plural: PLURAL });
  const now = () => deps.now?.() ?? new Date();

  return async (req, ctx) => {
    const live = deps.helloServices.get(req.name, req.namespace);
    if (!live || live.metadata?.deletionTimestamp) {
      // Gone (or going): the garbage collector removes the children; nothing to write.
      memory.delete(req.key);
      statuses.forget(req.key);
      deps.onStatus?.(req.key, undefined);
      ctx.log.debug('HelloService gone or being deleted; nothing to do');
      return undefined;
    }
    const regarding = regardingOf(live, req);
    const record: Record = (type, reason, action, note) =>
      deps.events.record(regarding, type, reason, action, note);
    const write = async (status: HelloServiceStatus) => {
      deps.onStatus?.(req.key, status, live);
      if (await statuses.writeIfChanged(req, live, status, ctx.signal)) {
        announceReady(live, status, record);
      }
    };

    // Remembered before the pause check: a reconcile-at set while paused forces nothing later.
    const mem = remember(memory, req.key, live);
    if (live.metadata?.annotations?.[PAUSED_ANNOTATION] === 'true') {
      ctx.log.info({ annotation: PAUSED_ANNOTATION }, 'paused; not reconciling');
      const message = `Not reconciling: the annotation ${PAUSED_ANNOTATION} is "true".`;
      record('Normal', 'Paused', 'Reconcile', message);
      // Said in the status too, so that `kubectl get hs -o yaml` (and `kubectl wait
      // --for=condition=Paused`) shows why a change is not applied.
      await write(pausedStatus(previousStatus(live), live.metadata?.generation, now(), message));
      return undefined;
    }

    /**
     * The one place a failure is reported: a Warning Event, and the status with the failure in it
     * (unless it was writing the status that failed: the error policy retries the whole reconcile).
     * Nothing is reported once the controller aborted the reconcile (shutdown, lost leadership).
     */
    const failed = async (err: unknown, draft: StatusDraft | undefined): Promise<never> => {
      if (!ctx.signal.aborted) {
        const reason = errorReason(err);
        const message = failureMessage(err);
        record('Warning', reason, 'Reconcile', message);
        if (draft) {
          markFailed(draft, reason, message, stuck(err));
          await write(finishStatus(draft)).catch((statusErr: unknown) =>
            ctx.log.warn({ err: statusErr }, 'could not write the failure into the status'),
          );
        }
      }
      throw err;
    };

    const draft = newStatus({
      generation: live.metadata?.generation,
      now: now(),
      // Our own last write when the cache lags: an automatic rollback must not be forgotten.
      previous: statuses.current(req.key, live),
    });
    const outcome = await reconcileHelloService(deps, { live, draft, ctx, record, ...mem }).catch((err) =>
      failed(err, draft),
    );
    await write(finishStatus(draft)).catch((err) => failed(err, undefined));
    return outcome.requeueAfterMs === undefined ? undefined : { requeueAfterMs: outcome.requeueAfterMs };
  };
}

/**
 * This reconcile's part of the memory: whether it is forced (a reconcile-at annotation that changed
 * since the last reconcile), and the child applies remembered.
 */
function remember(
  memory: Map<string, Memory>,
  key: string,
  live: KubeObject,
): { forced: boolean; lastApplied: Memory['lastApplied'] } {
  const uid = live.metadata?.uid ?? '';
  const reconcileAt = live.metadata?.annotations?.[RECONCILE_AT_ANNOTATION];
  let mem = memory.get(key);
  if (!mem || mem.uid !== uid) {
    // First reconcile since start (or a new object): a reconcile-at set earlier forces nothing, so
    // a restart stays write-free.
    mem = { uid, reconcileAt, lastApplied: new Map() };
    memory.set(key, mem);
  }
  const forced = reconcileAt !== mem.reconcileAt;
  mem.reconcileAt = reconcileAt;
  return { forced, lastApplied: mem.lastApplied };
}

/** A Normal Event when a written status turns Ready. */
function announceReady(live: KubeObject, status: HelloServiceStatus, record: Record): void {
  const ready = (s: HelloServiceStatus | undefined) => condition(s, 'Ready')?.status === 'True';
  if (ready(status) && !ready(previousStatus(live))) {
    record(
      'Normal',
      'Ready',
      'Reconcile',
      `Ready: ${status.replicaSummary ?? ''} pods ready, at ${status.url ?? ''}.`,
    );
  }
}

function previousStatus(live: KubeObject): HelloServiceStatus | undefined {
  return (live.status ?? undefined) as HelloServiceStatus | undefined;
}

function regardingOf(live: KubeObject, req: ReconcileRequest): Regarding {
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    name: req.name,
    namespace: req.namespace,
    uid: live.metadata?.uid ?? '',
    resourceVersion: live.metadata?.resourceVersion,
  };
}
