// What the controller watches: HelloServices (every namespace, or the configured ones) and the
// children the operator owns, selected by its managed-by label alone. Each informer is a cache the
// reconcile reads; its handlers only enqueue the HelloService's key. A child's event is mapped to
// its controlling HelloService through the owner reference.
import type { KubernetesListObject, KubernetesObject, Watch } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { API_VERSION, GROUP, KIND, PLURAL } from './api/schema.ts';
import {
  controllerOwnerKey,
  type InformerEventType,
  keyOf,
  type RuntimeMetrics,
  SelfHealingInformer,
} from './controller/index.ts';
import { trimFieldsV1 } from './kube/managed-fields.ts';
import { type KubeClient, type KubeObject, resourcePath } from './kube/rest.ts';
import { FIELD_MANAGER } from './reconcile/apply.ts';
import type { Store } from './reconcile/deps.ts';
import { REPLICAS_FIELD } from './reconcile/replicas.ts';
import { type DeploymentView, rolloutSettled } from './reconcile/status.ts';
import { WATCHED_CHILD_KINDS } from './resources/children.ts';
import { MANAGED_BY, MANAGED_BY_LABEL } from './resources/labels.ts';

export type WatchOptions = {
  client: KubeClient;
  watch: Watch;
  /** Empty: all namespaces, one informer per kind. */
  namespaces: readonly string[];
  log: Logger;
  metrics: RuntimeMetrics;
  resyncPeriodMs: number;
  /** `urgent` for a Deployment whose rollout has ended (isUrgent): it goes before new work. */
  enqueue: (key: string, urgent?: boolean) => void;
};

export type Watches = {
  helloServices: Store;
  children: (kind: string) => Store;
  informers: SelfHealingInformer<KubernetesObject>[];
};

/**
 * What about an object decides whether its update is worth a reconcile. HelloServices: not their
 * status (our own writes), but spec (generation), labels and annotations (pause, reconcile-at).
 * Children with a generation: spec, labels, annotations, owners; the Deployment's status too (it
 * makes the HelloService's); children without a generation (ConfigMap, Service...): any change.
 */
export function updateSignature(kind: string, obj: KubeObject): string {
  const m = obj.metadata ?? {};
  if (kind === 'Deployment' || m.generation === undefined) return m.resourceVersion ?? '';
  return JSON.stringify([m.generation, m.labels, m.annotations, m.ownerReferences, m.deletionTimestamp]);
}

/** A handler that enqueues `keyFor(obj)` on add, delete and resync, and on updates whose signature changed. */
export function enqueueHandler(
  signatureOf: (obj: KubeObject) => string,
  keyFor: (obj: KubeObject) => string | undefined,
  enqueue: (key: string, obj: KubeObject) => void,
): (type: InformerEventType, obj: KubernetesObject) => void {
  const seen = new Map<string, string>();
  return (type, obj) => {
    const o = obj as KubeObject;
    const self = keyOf(o) ?? '';
    const signature = signatureOf(o);
    if (type === 'delete') seen.delete(self);
    else {
      const before = seen.get(self);
      seen.set(self, signature);
      if (type === 'update' && before === signature) return;
    }
    const key = keyFor(o);
    if (key) enqueue(key, o);
  };
}

/**
 * A Deployment whose rollout has just come to an end: its HelloService's Ready changes for good,
 * and the reconcile is cheap (a status write). Handled ahead of new HelloServices, so that in a
 * burst of creations the first ones are Ready when their pods are, not after every other one is
 * created. Other child events (a rollout's intermediate steps) wait their turn and coalesce.
 */
export function isUrgent(kind: string, obj: KubeObject): boolean {
  return kind === 'Deployment' && rolloutSettled(obj as DeploymentView);
}

/** HelloServices: our own status writes come back as updates; they need no reconcile. */
export function helloSignature(obj: KubeObject): string {
  const m = obj.metadata ?? {};
  return JSON.stringify([m.generation, m.labels, m.annotations, m.deletionTimestamp, m.uid]);
}

/**
 * The cache keeps only the managedFields entries of `manager` (none when undefined), and of their
 * fieldsV1 only whether they own the replicas: the reconcile reads our own entries (that we
 * applied, when, whether we own replicas) and nothing else of them. The rest (a Deployment's status
 * updates by the controller manager, our fieldsV1, as large as what we applied) was most of a
 * cached object.
 */
export function keepManagedFieldsOf(manager: string | undefined) {
  return (obj: KubernetesObject): KubernetesObject => {
    const fields = obj.metadata?.managedFields;
    if (!fields) return obj;
    const kept =
      manager === undefined
        ? []
        : fields.filter((f) => f.manager === manager).map((f) => trimFieldsV1(f, [REPLICAS_FIELD]));
    const { managedFields: _dropped, ...metadata } = obj.metadata ?? {};
    return { ...obj, metadata: kept.length > 0 ? { ...metadata, managedFields: kept } : metadata };
  };
}

/** Reads from one informer per namespace (or the one cluster-wide informer). */
function storeOf(byNamespace: Map<string, SelfHealingInformer<KubernetesObject>>): Store {
  const informerFor = (namespace: string | undefined) =>
    byNamespace.get(namespace ?? '') ?? byNamespace.get('');
  return {
    get: (name, namespace) => informerFor(namespace)?.get(name, namespace) as KubeObject | undefined,
    list: (namespace) => (informerFor(namespace)?.list(namespace) ?? []) as readonly KubeObject[],
  };
}

export function createWatches(o: WatchOptions): Watches {
  const scopes = o.namespaces.length === 0 ? [''] : [...o.namespaces];
  const informers: SelfHealingInformer<KubernetesObject>[] = [];
  const make = (
    name: string,
    apiVersion: string,
    plural: string,
    namespace: string,
    transform: (obj: KubernetesObject) => KubernetesObject,
    labelSelector?: string,
  ): SelfHealingInformer<KubernetesObject> => {
    const path = resourcePath(apiVersion, plural, namespace || undefined);
    const informer = new SelfHealingInformer<KubernetesObject>({
      name: namespace ? `${name}/${namespace}` : name,
      path,
      labelSelector,
      list: () =>
        o.client.list<KubernetesObject>(path, labelSelector) as Promise<
          KubernetesListObject<KubernetesObject>
        >,
      watch: (p, q, cb, done) => o.watch.watch(p, q, cb, done),
      log: o.log,
      metrics: o.metrics,
      resyncPeriodMs: o.resyncPeriodMs,
      transform,
    });
    informers.push(informer);
    return informer;
  };

  const hsByNamespace = new Map<string, SelfHealingInformer<KubernetesObject>>();
  for (const ns of scopes) {
    const informer = make(PLURAL, API_VERSION, PLURAL, ns, keepManagedFieldsOf(undefined));
    informer.on(enqueueHandler(helloSignature, keyOf, (key) => o.enqueue(key)));
    hsByNamespace.set(ns, informer);
  }

  const childStores = new Map<string, Store>();
  const selector = `${MANAGED_BY_LABEL}=${MANAGED_BY}`;
  for (const kind of WATCHED_CHILD_KINDS) {
    const byNamespace = new Map<string, SelfHealingInformer<KubernetesObject>>();
    for (const ns of scopes) {
      const informer = make(
        kind.plural,
        kind.apiVersion,
        kind.plural,
        ns,
        keepManagedFieldsOf(FIELD_MANAGER),
        selector,
      );
      informer.on(
        enqueueHandler(
          (obj) => updateSignature(kind.kind, obj),
          (obj) => controllerOwnerKey(obj, { group: GROUP, kind: KIND }),
          (key, obj) => o.enqueue(key, isUrgent(kind.kind, obj)),
        ),
      );
      byNamespace.set(ns, informer);
    }
    childStores.set(kind.kind, storeOf(byNamespace));
  }

  return {
    helloServices: storeOf(hsByNamespace),
    children: (kind) => {
      const store = childStores.get(kind);
      if (!store) throw new Error(`no informer for ${kind}`);
      return store;
    },
    informers,
  };
}

/**
 * Logs, once at start, when the HelloService API is not served (the CRD is not installed): the
 * informers keep retrying with backoff and /readyz stays false until it is.
 */
export async function warnIfCrdMissing(client: KubeClient, log: Logger): Promise<void> {
  try {
    const found = await client.getOptional(`/apis/${API_VERSION}`);
    if (!found) {
      log.error(
        { apiVersion: API_VERSION },
        'the HelloService CRD is not installed (kubectl apply --server-side -f crds/hello.operators.dev_helloservices.yaml); waiting for it',
      );
    }
  } catch (err) {
    log.warn({ err }, 'could not ask the API server for the HelloService API');
  }
}
