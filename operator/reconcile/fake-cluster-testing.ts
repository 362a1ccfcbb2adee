// Test helper for the reconciler's table tests: an in-memory stand-in for the informer caches and
// the API server behind them, with one field manager (ours). An apply stores the body as the
// server would (new uid and resourceVersion, our managedFields entry, whose time moves only when
// the content changes); the caches show what carries our managed-by label, as the real label-
// selected informers do; every write is recorded as a line ("apply ConfigMap", "delete Ingress",
// "status Ready=False/ChildConflict"). Not a fake API server for the operator's cluster tests:
// those run against a real one.
import { API_VERSION, KIND, PLURAL } from '../api/schema.ts';
import type { HelloServiceSpec, HelloServiceStatus } from '../api/types.ts';
import type { Regarding } from '../controller/index.ts';
import { memoryLogger } from '../controller/log-testing.ts';
import { canonicalJSON } from '../kube/canonical-json.ts';
import type { KindInfo, KubeObject } from '../kube/rest.ts';
import { MANAGED_BY, MANAGED_BY_LABEL } from '../resources/labels.ts';
import { operatorSettings } from '../resources/settings.ts';
import { FIELD_MANAGER } from './apply.ts';
import type { ReconcilerDeps } from './deps.ts';
import { referencedConfigMaps } from './revisions.ts';
import { condition } from './status.ts';

export const HS_UID = 'hs-uid-1';
const WATCHED_OUT = new Set(['ServiceMonitor']);

const keyOf = (kind: string, namespace: string | undefined, name: string) =>
  `${kind}/${namespace ?? ''}/${name}`;
const clone = <T>(v: T): T => structuredClone(v);

function apiError(code: number, message: string): Error {
  return Object.assign(new Error(message), { code, body: { kind: 'Status', code, message } });
}

export class FakeCluster {
  readonly objects = new Map<string, KubeObject>();
  /** Every write, in order. */
  readonly writes: string[] = [];
  readonly events: string[] = [];
  readonly statuses: (HelloServiceStatus | undefined)[] = [];
  /** Kinds whose CRD is installed, of those that may be missing. */
  readonly servedOptional = new Set<string>();
  ingressClasses: KubeObject[] = [];
  /** A write that fails: (verb, kind) → the error to throw. */
  failing: ((verb: string, kind: string) => Error | undefined) | undefined;
  readonly logger = memoryLogger();
  #version = 100;
  #clock = 0;

  /** A HelloService named `name` in namespace `demo`. */
  helloService(
    spec: Partial<HelloServiceSpec> & Record<string, unknown>,
    annotations?: Record<string, string>,
  ) {
    return this.put({
      apiVersion: API_VERSION,
      kind: KIND,
      metadata: {
        name: 'hello',
        namespace: 'demo',
        uid: HS_UID,
        generation: 1,
        ...(annotations ? { annotations } : {}),
      },
      spec: { message: 'Hello, world!', ...spec },
    });
  }

  get(kind: string, name = 'hello', namespace = 'demo'): KubeObject | undefined {
    return this.objects.get(keyOf(kind, namespace, name));
  }

  put(obj: KubeObject): KubeObject {
    const stored = clone(obj);
    stored.metadata = { ...stored.metadata, resourceVersion: String(++this.#version) };
    this.objects.set(keyOf(stored.kind ?? '', stored.metadata.namespace, stored.metadata.name ?? ''), stored);
    return stored;
  }

  /** Puts `obj` back exactly as it was (its resourceVersion too): a cache that has not caught up. */
  restore(obj: KubeObject): void {
    this.objects.set(keyOf(obj.kind ?? '', obj.metadata?.namespace, obj.metadata?.name ?? ''), clone(obj));
  }

  /** Changes an object as a person or another controller would (no record of it as our write). */
  edit(kind: string, change: (obj: KubeObject) => void, name = 'hello'): void {
    const obj = clone(this.get(kind, name));
    if (!obj) throw new Error(`no ${kind} ${name}`);
    change(obj);
    this.put(obj);
  }

  /**
   * The Deployment controller's part: a ReplicaSet for the current pod template (kept, as the
   * controller keeps old ones for rollbacks), and every pod of the latest version ready.
   */
  rollOut(): void {
    this.replicaSetOfTemplate();
    this.edit('Deployment', (dep) => {
      const replicas = (dep.spec as { replicas?: number }).replicas ?? 1;
      dep.status = {
        observedGeneration: dep.metadata?.generation ?? 1,
        replicas,
        updatedReplicas: replicas,
        readyReplicas: replicas,
        availableReplicas: replicas,
        conditions: [
          { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
          { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
        ],
      };
    });
  }

  /** The Deployment controller's first step of a rollout: a ReplicaSet for the current pod template. */
  replicaSetOfTemplate(): void {
    const deployment = this.get('Deployment');
    const template = (deployment?.spec as { template?: { metadata?: { labels?: Record<string, string> } } })
      ?.template;
    const same = [...this.objects.values()].some(
      (o) =>
        o.kind === 'ReplicaSet' &&
        canonicalJSON((o.spec as { template?: unknown }).template) === canonicalJSON(template),
    );
    if (!same) {
      this.put({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `hello-rs${++this.#version}`,
          namespace: 'demo',
          uid: `rs-uid-${this.#version}`,
          labels: template?.metadata?.labels ?? {},
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              name: 'hello',
              uid: deployment?.metadata?.uid ?? '',
              controller: true,
            },
          ],
        },
        spec: { template },
      });
    }
  }

  /** The Deployment controller gives up on the current template: its progress deadline passed. */
  deadlinePassed(): void {
    this.edit('Deployment', (dep) => {
      dep.status = {
        observedGeneration: dep.metadata?.generation ?? 1,
        replicas: 3,
        updatedReplicas: 1,
        readyReplicas: 2,
        availableReplicas: 2,
        conditions: [
          { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: 'ReplicaSet "hello-x" has timed out progressing.',
          },
        ],
      };
    });
  }

  /** A pod of the Deployment's current template whose container restarted `restarts` times, waiting `reason`. */
  podOfTemplate(restarts: number, reason = 'CrashLoopBackOff'): void {
    type Template = { template?: { metadata?: { labels?: Record<string, string> } } };
    const labels = (this.get('Deployment')?.spec as Template | undefined)?.template?.metadata?.labels ?? {};
    this.put({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `hello-pod${++this.#version}`, namespace: 'demo', labels },
      status: {
        containerStatuses: [
          {
            name: 'hello',
            restartCount: restarts,
            state: { waiting: { reason } },
            lastState: { terminated: { reason: 'Error', exitCode: 1 } },
          },
        ],
      },
    });
  }

  /** Deletes the ReplicaSets whose pods read `configMap`, as the Deployment controller prunes old ones. */
  deleteReplicaSetsUsing(configMap: string): void {
    for (const [key, obj] of this.objects) {
      if (obj.kind === 'ReplicaSet' && referencedConfigMaps(obj).includes(configMap))
        this.objects.delete(key);
    }
  }

  /** Forgets what was recorded so far (after setting the scene). */
  clearRecords(): void {
    this.writes.length = 0;
    this.events.length = 0;
    this.statuses.length = 0;
    this.logger.lines.length = 0;
  }

  deps(overrides: Partial<ReconcilerDeps> = {}): ReconcilerDeps {
    const cached = (kind: string, obj: KubeObject | undefined) =>
      obj && (kind === KIND || obj.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY)
        ? clone(obj)
        : undefined;
    const cache = (kind: string) => ({
      get: (name: string, namespace?: string) => cached(kind, this.get(kind, name, namespace)),
      list: (namespace?: string) =>
        this.#ofKind(kind, namespace).flatMap((o) => {
          const c = cached(kind, o);
          return c ? [c] : [];
        }),
    });
    return {
      helloServices: cache(KIND),
      children: (kind) => {
        if (WATCHED_OUT.has(kind)) throw new Error(`${kind} is not watched`);
        return cache(kind);
      },
      read: async (info, name, namespace) => clone(this.get(info.kind, name, namespace)),
      list: async (info, namespace, labelSelector) => {
        const terms = labelSelector.split(',').map((term) => term.split('='));
        return this.#ofKind(info.kind, namespace)
          .filter((o) => terms.every(([key, value]) => o.metadata?.labels?.[key ?? ''] === value))
          .map(clone);
      },
      served: async (info) => this.servedOptional.has(info.kind),
      checks: {
        ingressClass: async (name) => this.ingressClasses.find((c) => c.metadata?.name === name),
        ingressClasses: async () => this.ingressClasses,
      },
      writer: {
        apply: async (info, body) => this.#apply(info, body),
        applyStatus: async (info, ref, status) => this.#applyStatus(info, ref, status as HelloServiceStatus),
        delete: async (info, ref) => this.#delete(info, ref),
      },
      events: {
        record: (_regarding: Regarding, type, reason, _action, note) => {
          this.events.push(`${type} ${reason}: ${note}`);
        },
      },
      settings: operatorSettings({ workloadImage: 'registry.example/hello-workload:1.0.0' }),
      now: () => new Date(Date.UTC(2026, 0, 1, 0, 0, this.#clock)),
      onStatus: (_key, status) => {
        this.statuses.push(status);
      },
      ...overrides,
    };
  }

  #ofKind(kind: string, namespace: string | undefined): KubeObject[] {
    return [...this.objects.values()].filter(
      (o) => o.kind === kind && (namespace === undefined || o.metadata?.namespace === namespace),
    );
  }

  #fail(verb: string, kind: string): void {
    const err = this.failing?.(verb, kind);
    if (err) throw err;
  }

  #apply(info: KindInfo, body: KubeObject): KubeObject {
    this.writes.push(`apply ${info.kind}`);
    this.#fail('apply', info.kind);
    const before = this.get(info.kind, body.metadata?.name, body.metadata?.namespace);
    const content = (obj: KubeObject | undefined) => {
      if (!obj) return undefined;
      const { status: _status, metadata, ...rest } = obj;
      const { resourceVersion: _rv, managedFields: _mf, uid: _uid, generation: _g, ...meta } = metadata ?? {};
      return canonicalJSON({ ...rest, metadata: meta });
    };
    const changed = content(before) !== content(body);
    const entry = before?.metadata?.managedFields?.find((f) => f.manager === FIELD_MANAGER);
    const time =
      changed || !entry?.time ? `2026-01-01T00:00:${String(++this.#clock).padStart(2, '0')}Z` : entry.time;
    const spec = (body as { spec?: Record<string, unknown> }).spec;
    return clone(
      this.put({
        ...clone(body),
        ...(before?.status ? { status: before.status } : {}),
        metadata: {
          ...clone(body.metadata),
          uid: before?.metadata?.uid ?? `${info.kind.toLowerCase()}-uid`,
          generation: (before?.metadata?.generation ?? 0) + (changed ? 1 : 0),
          managedFields: [
            {
              manager: FIELD_MANAGER,
              operation: 'Apply',
              time,
              fieldsType: 'FieldsV1',
              // What replicas.ts reads: whether we own spec.replicas.
              fieldsV1: spec && 'replicas' in spec ? { 'f:spec': { 'f:replicas': {} } } : {},
            },
          ],
        },
      }),
    );
  }

  #applyStatus(
    info: KindInfo,
    ref: { name: string; namespace?: string | undefined },
    status: HelloServiceStatus,
  ) {
    const ready = condition(status, 'Ready');
    this.writes.push(`status Ready=${ready?.status}/${ready?.reason}`);
    this.#fail('status', info.kind);
    if (info.plural !== PLURAL) throw new Error(`status of ${info.kind}`);
    const hs = this.get(KIND, ref.name, ref.namespace);
    if (!hs) throw apiError(404, 'not found');
    return clone(this.put({ ...hs, status: clone(status) }));
  }

  #delete(info: KindInfo, ref: { name: string; namespace?: string | undefined; uid: string }): void {
    this.writes.push(`delete ${info.kind}`);
    this.#fail('delete', info.kind);
    const key = keyOf(info.kind, ref.namespace, ref.name);
    if (this.objects.get(key)?.metadata?.uid !== ref.uid) throw apiError(409, 'uid precondition failed');
    this.objects.delete(key);
  }
}

export { apiError };
