// Everything the reconciler talks to, as small interfaces: main.ts passes the real ones (informer
// caches, the raw JSON client, the EventRecorder); the table tests pass an in-memory cache and a
// recording writer.
import type { HelloServiceStatus } from '../api/types.ts';
import type { EventRecorder } from '../controller/index.ts';
import type { KindInfo, KubeObject } from '../kube/rest.ts';
import type { OperatorSettings } from '../resources/settings.ts';
import type { Applier } from './apply.ts';
import type { ClusterChecks } from './checks.ts';

/** A read-only view of an informer cache. */
export type Store = {
  get(name: string, namespace?: string): KubeObject | undefined;
  list(namespace: string | undefined): readonly KubeObject[];
};

/** Reads one object from the API server (undefined: it does not exist). */
export type ReadObject = (
  info: KindInfo,
  name: string,
  namespace: string | undefined,
  signal: AbortSignal,
) => Promise<KubeObject | undefined>;

/** Lists objects from the API server (its watch cache), by label selector. */
export type ListObjects = (
  info: KindInfo,
  namespace: string | undefined,
  labelSelector: string,
  signal: AbortSignal,
) => Promise<KubeObject[]>;

/** Every write the reconciler makes (apply.ts). */
export type ChildWriter = Pick<Applier, 'apply' | 'applyStatus' | 'delete'>;

export type ReconcilerDeps = {
  helloServices: Store;
  /** The cache of one watched child kind (by `kind`). */
  children: (kind: string) => Store;
  /** Objects the caches do not hold: a name clash, a kind that is not watched. */
  read: ReadObject;
  /** Kinds the operator does not watch (the Deployment's ReplicaSets). */
  list: ListObjects;
  /** Whether the API server serves a kind whose CRD may be missing (discovery, cached). */
  served: (info: KindInfo, signal: AbortSignal) => Promise<boolean>;
  checks: ClusterChecks;
  writer: ChildWriter;
  events: Pick<EventRecorder, 'record'>;
  settings: OperatorSettings;
  now?: () => Date;
  /**
   * Told the status after each reconcile, written or not, with the HelloService (metrics);
   * undefined when the HelloService is gone.
   */
  onStatus?: (key: string, status: HelloServiceStatus | undefined, live?: KubeObject) => void;
};
