// Reconciling one HelloService, as a list of steps. Each step reads `state`, may add to it, and
// either lets the next step run or ends the reconcile with a result. Writes go through the apply
// module only; reads come from the informer caches (the API only for an object of a child's name
// the caches do not show, and for IngressClasses). A step that fails throws; the failure is written
// to the status (Degraded, Ready=False, with the reason) and recorded as a Warning Event, and the
// error goes on to the controller's error policy, which alone decides about retries.
import { API_VERSION, KIND, PLURAL } from '../api/schema.ts';
import type { DefaultedHelloService, HelloServiceStatus } from '../api/types.ts';
import { formatErrors, validateHelloService } from '../api/validate.ts';
import type { EventType, Regarding } from '../controller/events.ts';
import {
  errorReason,
  type ReconcileContext,
  ReconcileError,
  type ReconcileRequest,
  type ReconcileResult,
} from '../controller/index.ts';
import type { KubeObject } from '../kube/rest.ts';
import { CHILD_KINDS, type Child, desiredChildren, statusURL } from '../resources/children.ts';
import { childName } from '../resources/names.ts';
import { SERVICE_MONITOR } from '../resources/service-monitor.ts';
import type { OperatorSettings } from '../resources/settings.ts';
import { type Applier, FIELD_MANAGER, type KindInfo } from './apply.ts';
import { type ClusterChecks, checkCluster } from './checks.ts';
import { type MonitoringDeps, reconcileServiceMonitor } from './monitoring.ts';
import { lastAppliedTime, ownership } from './ownership.ts';
import { handOffReplicas } from './replicas.ts';
import {
  condition,
  type DeploymentView,
  finishStatus,
  markDegraded,
  newStatus,
  observeDeployment,
  pausedStatus,
  type StatusDraft,
  sameStatus,
  setSpecFields,
} from './status.ts';
import { upToDate, withAppliedHash } from './up-to-date.ts';

/** `"true"` stops the operator from changing anything of this HelloService until removed. */
export const PAUSED_ANNOTATION = 'hello.operators.dev/paused';
/** Any new value asks for a reconcile now (e.g. `kubectl annotate hs x hello.operators.dev/reconcile-at="$(date)" --overwrite`). */
export const RECONCILE_AT_ANNOTATION = 'hello.operators.dev/reconcile-at';

export const HELLO_SERVICE: KindInfo = { apiVersion: API_VERSION, kind: KIND, plural: PLURAL };

/** A read-only view of an informer cache. */
export type Store = { get(name: string, namespace?: string): KubeObject | undefined };

export type EventSinkLike = {
  record(regarding: Regarding, type: EventType, reason: string, action: string, note: string): void;
};

export type ReconcilerDeps = {
  helloServices: Store;
  /** The cache of one child kind (by `kind`). */
  children: (kind: string) => Store;
  /** Reads an object the caches do not hold (undefined: it does not exist). */
  read: (
    info: KindInfo,
    name: string,
    namespace: string | undefined,
    signal: AbortSignal,
  ) => Promise<KubeObject | undefined>;
  checks: ClusterChecks;
  monitoring: MonitoringDeps;
  applier: Applier;
  events: EventSinkLike;
  settings: OperatorSettings;
  now?: () => Date;
  /** Called with the status after each reconcile, written or not (undefined: the HelloService is gone). */
  onStatus?: (key: string, status: HelloServiceStatus | undefined, hs?: DefaultedHelloService) => void;
};

/** What the reconciler remembers between reconciles of one HelloService (lost on restart; harmless). */
type Memory = {
  uid: string;
  /** Per child kind, the managedFields time of our last apply: tells a change from a no-op. */
  applied: Map<string, string | undefined>;
  /** The status we last wrote and the resourceVersion the write returned. */
  status: { value: HelloServiceStatus; resourceVersion: string } | undefined;
  /** The reconcile-at annotation at the last reconcile: a new value applies every child. */
  reconcileAt: string | undefined;
};

type State = {
  req: ReconcileRequest;
  ctx: ReconcileContext;
  deps: ReconcilerDeps;
  memory: Map<string, Memory>;
  live?: KubeObject;
  hs?: DefaultedHelloService;
  regarding?: Regarding;
  mem?: Memory;
  draft?: StatusDraft;
  /** The Deployment as the apply returned it: fresher than the cache. */
  deployment?: DeploymentView;
  /** When a step wants another look later (e.g. for a CRD that is not installed yet). */
  requeueAfterMs?: number;
  /** Apply every child even when it looks up to date (a new reconcile-at annotation). */
  forced?: boolean;
  /** The child kinds this reconcile created, adopted or updated: one Event per change, not per child. */
  changed?: Map<ChildChange, string[]>;
};

type ChildChange = 'Created' | 'Adopted' | 'Updated' | 'Deleted';

type Step = (
  s: State,
) => Promise<ReconcileResult | 'continue' | undefined> | ReconcileResult | 'continue' | undefined;

const CONTINUE = 'continue' as const;

/** The steps, in order. */
export const STEPS: readonly (readonly [string, Step])[] = [
  ['load', loadHelloService],
  ['skipIfPaused', skipIfPaused],
  ['validate', validate],
  ['checkCluster', checkClusterStep],
  ['applyChildren', applyChildren],
  ['deleteUnwanted', deleteUnwanted],
  ['monitoring', monitoring],
  ['computeStatus', computeStatus],
  ['writeStatus', writeStatus],
];

export function createReconciler(deps: ReconcilerDeps) {
  const memory = new Map<string, Memory>();
  return async (req: ReconcileRequest, ctx: ReconcileContext): Promise<ReconcileResult | undefined> => {
    const s: State = { req, ctx, deps, memory };
    for (const [name, step] of STEPS) {
      let outcome: Awaited<ReturnType<Step>>;
      try {
        outcome = await step(s);
      } catch (err) {
        await reportFailure(s, name, err);
        throw err;
      }
      if (outcome !== CONTINUE) return outcome;
    }
    return undefined;
  };
}

// --- the steps ---

function loadHelloService(s: State): 'continue' | undefined {
  const { name, namespace, key } = s.req;
  const live = s.deps.helloServices.get(name, namespace);
  if (!live || live.metadata?.deletionTimestamp) {
    // Gone (or going): the garbage collector removes the children; nothing to write.
    s.memory.delete(key);
    s.deps.onStatus?.(key, undefined);
    s.ctx.log.debug('HelloService gone or being deleted; nothing to do');
    return undefined;
  }
  s.live = live;
  const uid = live.metadata?.uid ?? '';
  const reconcileAt = live.metadata?.annotations?.[RECONCILE_AT_ANNOTATION];
  let mem = s.memory.get(key);
  if (!mem || mem.uid !== uid) {
    // First reconcile since start (or a new object): a reconcile-at set earlier forces nothing, so a
    // restart stays write-free.
    mem = { uid, applied: new Map(), status: undefined, reconcileAt };
    s.memory.set(key, mem);
  }
  s.forced = reconcileAt !== mem.reconcileAt;
  mem.reconcileAt = reconcileAt;
  s.mem = mem;
  s.regarding = {
    apiVersion: API_VERSION,
    kind: KIND,
    name,
    namespace,
    uid,
    resourceVersion: live.metadata?.resourceVersion,
  };
  const previous = (live.status ?? undefined) as HelloServiceStatus | undefined;
  s.draft = newStatus({ generation: live.metadata?.generation, now: now(s), previous });
  return CONTINUE;
}

async function skipIfPaused(s: State): Promise<'continue' | undefined> {
  const live = s.live as KubeObject;
  const value = live.metadata?.annotations?.[PAUSED_ANNOTATION];
  if (value !== 'true') return CONTINUE;
  s.ctx.log.info({ annotation: PAUSED_ANNOTATION }, 'paused; not reconciling');
  const message = `Not reconciling: the annotation ${PAUSED_ANNOTATION} is "true".`;
  record(s, 'Normal', 'Paused', 'Reconcile', message);
  // Said in the status too, so that `kubectl get hs -o yaml` (and `kubectl wait
  // --for=condition=Paused`) shows why a change is not applied.
  await saveStatus(
    s,
    pausedStatus(
      (live.status ?? undefined) as HelloServiceStatus | undefined,
      live.metadata?.generation,
      now(s),
      message,
    ),
  );
  return undefined;
}

function validate(s: State): 'continue' {
  const result = validateHelloService(s.live);
  if (!result.ok) {
    throw new ReconcileError(
      'InvalidSpec',
      `The HelloService is invalid: ${formatErrors(result.errors).replaceAll('\n', '; ')}`,
      { permanent: true },
    );
  }
  s.hs = result.value;
  setSpecFields(draft(s), { url: statusURL(result.value), message: result.value.spec.message });
  return CONTINUE;
}

async function checkClusterStep(s: State): Promise<'continue'> {
  // Throws a ReconcileError naming what is missing; nothing has been applied yet, so the running
  // children stay as they are.
  await checkCluster(hs(s), s.deps.checks, s.ctx.signal);
  return CONTINUE;
}

/**
 * Apply order, in waves applied in parallel: the Deployment's pods need their ServiceAccount and
 * ConfigMap, and should never run before their NetworkPolicy; the autoscaler targets the Deployment.
 */
const LATER_WAVES: readonly (readonly string[])[] = [['Deployment'], ['HorizontalPodAutoscaler']];

async function applyChildren(s: State): Promise<'continue'> {
  const owner = hs(s);
  const uid = owner.metadata.uid ?? '';
  const instance = childName(owner.metadata.name);
  const children = desiredChildren(owner, s.deps.settings);
  // Every conflict is found before anything is written: a HelloService either gets all of its
  // children applied or none. Lookups the cache cannot answer go to the API server, all at once.
  const found = await Promise.all(children.map((c) => current(s, kindInfo(c.kind), c.metadata.name)));
  const existing = new Map<Child, KubeObject | undefined>();
  children.forEach((child, i) => {
    const obj = found[i];
    const verdict = ownership(obj, { uid, instance });
    if (verdict.verdict === 'foreign') {
      throw new ReconcileError(
        'ChildConflict',
        `A ${child.kind} named ${JSON.stringify(child.metadata.name)} already exists and ${verdict.why}; ` +
          'the operator does not take it over. Delete or rename it, or rename the HelloService.',
        { retryAfterMs: 60_000 },
      );
    }
    existing.set(child, obj);
  });
  const later = new Set(LATER_WAVES.flat());
  const waves = [
    children.filter((c) => !later.has(c.kind)),
    ...LATER_WAVES.map((kinds) => children.filter((c) => kinds.includes(c.kind))),
  ];
  s.changed = new Map();
  try {
    for (const wave of waves) {
      const results = await Promise.allSettled(
        wave.map((child) => applyChild(s, owner, child, existing.get(child))),
      );
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  } finally {
    // What was written is reported even when a later wave failed.
    recordChanges(s, instance, s.changed);
  }
  return CONTINUE;
}

/** Per change: the Event's action, and what its note says after the object. */
const CHANGE_ACTIONS: Record<ChildChange, [action: string, suffix: string]> = {
  Created: ['Create', ''],
  Adopted: ['Update', ''],
  Updated: ['Update', ' to match the HelloService'],
  Deleted: ['Delete', ': the spec no longer asks for it'],
};

/**
 * One Event and one log line per kind of change, naming the child kinds (the children share one
 * name): an Event is a write to the API server, and a new HelloService would otherwise cost six.
 */
function recordChanges(s: State, name: string, changes: Map<ChildChange, string[]>): void {
  const order = (kind: string) => CHILD_KINDS.findIndex((k) => k.kind === kind);
  for (const [change, applied] of changes) {
    const [action, suffix] = CHANGE_ACTIONS[change];
    // In CHILD_KINDS order, not the order in which parallel applies answered.
    const kinds = [...applied].sort((a, b) => order(a) - order(b));
    record(s, 'Normal', change, action, `${change} ${listOf(kinds)} ${JSON.stringify(name)}${suffix}.`);
    s.ctx.log.info({ kinds, child: name }, change.toLowerCase());
  }
}

/** "A", "A and B", "A, B and C". */
function listOf(items: readonly string[]): string {
  return items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

async function applyChild(
  s: State,
  owner: DefaultedHelloService,
  child: Child,
  before: KubeObject | undefined,
): Promise<void> {
  const info = kindInfo(child.kind);
  const body = withAppliedHash(
    (child.kind === 'Deployment'
      ? handOffReplicas(child, owner, before, FIELD_MANAGER)
      : child) as KubeObject,
  );
  const mem = s.mem as Memory;
  // Already as desired (and not forced): no write; the cached object stands in for the result.
  if (!s.forced && upToDate(body, before, FIELD_MANAGER)) {
    mem.applied.set(child.kind, lastAppliedTime(before, FIELD_MANAGER));
    return;
  }
  const result = await s.deps.applier.apply(info, body, s.ctx.signal);
  if (child.kind === 'Deployment') s.deployment = result as DeploymentView;
  const previousApply = mem.applied.has(child.kind)
    ? mem.applied.get(child.kind)
    : lastAppliedTime(before, FIELD_MANAGER);
  const applied = lastAppliedTime(result, FIELD_MANAGER);
  mem.applied.set(child.kind, applied);
  const change: ChildChange | undefined = !before
    ? 'Created'
    : previousApply === undefined
      ? 'Adopted'
      : applied !== previousApply
        ? 'Updated'
        : undefined;
  if (!change || !s.changed) return;
  const kinds = s.changed.get(change) ?? [];
  kinds.push(child.kind);
  s.changed.set(change, kinds);
}

async function deleteUnwanted(s: State): Promise<'continue'> {
  const owner = hs(s);
  const wanted = new Set(desiredChildren(owner, s.deps.settings).map((c) => c.kind));
  const name = childName(owner.metadata.name);
  const deleted: string[] = [];
  try {
    for (const info of CHILD_KINDS) {
      if (wanted.has(info.kind)) continue;
      const obj = s.deps.children(info.kind).get(name, owner.metadata.namespace);
      if (ownership(obj, { uid: owner.metadata.uid ?? '', instance: name }).verdict !== 'owned') continue;
      await s.deps.applier.delete(
        info,
        { name, namespace: owner.metadata.namespace, uid: obj?.metadata?.uid ?? '' },
        s.ctx.signal,
      );
      s.mem?.applied.delete(info.kind);
      deleted.push(info.kind);
    }
  } finally {
    if (deleted.length > 0) recordChanges(s, name, new Map([['Deleted', deleted]]));
  }
  return CONTINUE;
}

async function monitoring(s: State): Promise<'continue'> {
  s.requeueAfterMs = await reconcileServiceMonitor({
    hs: hs(s),
    settings: s.deps.settings,
    deps: s.deps.monitoring,
    applier: s.deps.applier,
    read: s.deps.read,
    draft: draft(s),
    forced: s.forced === true,
    signal: s.ctx.signal,
    changed: (change) => recordChanges(s, childName(s.req.name), new Map([[change, [SERVICE_MONITOR.kind]]])),
  });
  return CONTINUE;
}

function computeStatus(s: State): 'continue' {
  observeDeployment(draft(s), s.deployment ?? cachedDeployment(s));
  return CONTINUE;
}

/** How soon a HelloService whose status write was left to the next reconcile is looked at again at the latest. */
const DEFERRED_STATUS_MS = 10_000;

async function writeStatus(s: State): Promise<ReconcileResult | undefined> {
  const status = finishStatus(draft(s));
  if (s.changed?.get('Created')?.includes('Deployment')) {
    // The Deployment is new: the Deployment controller's first status update, moments away, brings
    // the next reconcile, and that one writes the status. One status write per new HelloService
    // instead of two (this one would only say "0 pods yet"); the requeue covers a controller that
    // never answers.
    notify(s, status);
    return { requeueAfterMs: Math.min(s.requeueAfterMs ?? DEFERRED_STATUS_MS, DEFERRED_STATUS_MS) };
  }
  await saveStatus(s, status);
  return s.requeueAfterMs === undefined ? undefined : { requeueAfterMs: s.requeueAfterMs };
}

// --- failure ---

/** Puts a failure into the status (when the HelloService is still there) and an Event. */
async function reportFailure(s: State, step: string, err: unknown): Promise<void> {
  if (!s.live || !s.draft || s.ctx.signal.aborted) return;
  const reason = errorReason(err);
  const message = failureMessage(err);
  s.ctx.log.debug({ step, reason }, 'step failed');
  record(s, 'Warning', reason, 'Reconcile', message);
  // A failed status write is not retried here: the error policy retries the whole reconcile.
  if (step === 'writeStatus') return;
  markDegraded(s.draft, reason, message);
  try {
    observeDeployment(s.draft, s.deployment ?? cachedDeployment(s));
    await saveStatus(s, finishStatus(s.draft));
  } catch (statusErr) {
    s.ctx.log.warn({ err: statusErr }, 'could not write the failure into the status');
  }
}

// --- helpers ---

/**
 * A failure for a person: a ReconcileError's message, or the API server's own words (the Status
 * message of an API error) rather than client-node's dump of body and headers.
 */
export function failureMessage(err: unknown): string {
  if (err instanceof ReconcileError) return err.message;
  const body = (err as { body?: unknown } | undefined)?.body;
  const status = typeof body === 'string' ? safeParse(body) : body;
  const apiMessage = (status as { message?: unknown } | undefined)?.message;
  if (typeof apiMessage === 'string' && apiMessage !== '') {
    const code = (err as { code?: unknown }).code;
    return `The API server refused a request${typeof code === 'number' ? ` (${code})` : ''}: ${apiMessage}`;
  }
  return err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : String(err);
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function saveStatus(s: State, status: HelloServiceStatus): Promise<void> {
  const live = s.live as KubeObject;
  const mem = s.mem as Memory;
  const ready = notify(s, status);
  const cached = (live.status ?? undefined) as HelloServiceStatus | undefined;
  if (sameStatus(status, cached)) return;
  // The cache may not have caught up with our last write yet.
  if (
    mem.status &&
    sameStatus(status, mem.status.value) &&
    !newer(live.metadata?.resourceVersion, mem.status.resourceVersion)
  ) {
    return;
  }
  try {
    const result = await s.deps.applier.applyStatus(
      HELLO_SERVICE,
      { name: s.req.name, namespace: s.req.namespace },
      status,
      s.ctx.signal,
    );
    mem.status = { value: status, resourceVersion: result.metadata?.resourceVersion ?? '' };
  } catch (err) {
    // Deleted meanwhile: nothing left to report on.
    if ((err as { code?: number }).code === 404) return;
    throw err;
  }
  const before = condition(cached, 'Ready');
  if (ready?.status === 'True' && before?.status !== 'True') {
    record(
      s,
      'Normal',
      'Ready',
      'Reconcile',
      `Ready: ${status.replicaSummary ?? ''} pods ready, at ${status.url ?? ''}.`,
    );
  }
}

/** Tells the hook (metrics) the status, written or not; returns its Ready condition. */
function notify(s: State, status: HelloServiceStatus) {
  s.deps.onStatus?.(s.req.key, status, s.hs);
  return condition(status, 'Ready');
}

/** Whether resourceVersion a is newer than b. Opaque in general; etcd's are integers. */
function newer(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) > BigInt(b);
  return a !== b;
}

async function current(s: State, info: KindInfo, name: string): Promise<KubeObject | undefined> {
  const namespace = s.req.namespace;
  // Our children carry our managed-by label, so the cache holds them; anything else of that name
  // (or a child whose label was removed by hand) is read from the API server.
  return (
    s.deps.children(info.kind).get(name, namespace) ??
    (await s.deps.read(info, name, namespace, s.ctx.signal))
  );
}

function cachedDeployment(s: State): DeploymentView | undefined {
  const name = childName(s.req.name);
  const dep = s.deps.children('Deployment').get(name, s.req.namespace);
  const uid = s.live?.metadata?.uid ?? '';
  return ownership(dep, { uid, instance: name }).verdict === 'owned' ? (dep as DeploymentView) : undefined;
}

export function kindInfo(kind: string): KindInfo {
  const info = CHILD_KINDS.find((k) => k.kind === kind);
  if (!info) throw new Error(`unknown child kind ${kind}`);
  return info;
}

function record(s: State, type: EventType, reason: string, action: string, note: string): void {
  if (s.regarding) s.deps.events.record(s.regarding, type, reason, action, note);
}

function now(s: State): Date {
  return s.deps.now?.() ?? new Date();
}

function hs(s: State): DefaultedHelloService {
  return s.hs as DefaultedHelloService;
}

function draft(s: State): StatusDraft {
  return s.draft as StatusDraft;
}
