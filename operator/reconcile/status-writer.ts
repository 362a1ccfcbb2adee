// The one status write. It owns the memory of what it last wrote: the cache may not have caught up
// with our own write yet, and a reconcile in between must not write the same status again.
import type { HelloServiceStatus } from '../api/types.ts';
import type { ReconcileRequest } from '../controller/index.ts';
import { isNotFound } from '../kube/api-errors.ts';
import type { KindInfo, KubeObject } from '../kube/rest.ts';
import type { ChildWriter } from './deps.ts';
import { sameStatus } from './status.ts';

type Written = { uid: string; value: HelloServiceStatus; resourceVersion: string };

export class StatusWriter {
  readonly #writer: ChildWriter;
  readonly #info: KindInfo;
  readonly #written = new Map<string, Written>();

  constructor(writer: ChildWriter, info: KindInfo) {
    this.#writer = writer;
    this.#info = info;
  }

  /**
   * Writes `status` unless the object already holds it: `live` from the cache, or our own last
   * write when the cache has not caught up with it yet. Resolves whether it wrote. An object deleted
   * meanwhile has nothing left to report on: not an error.
   */
  async writeIfChanged(
    req: ReconcileRequest,
    live: KubeObject,
    status: HelloServiceStatus,
    signal: AbortSignal,
  ): Promise<boolean> {
    if (sameStatus(status, this.current(req.key, live))) return false;
    const uid = live.metadata?.uid ?? '';
    try {
      const result = await this.#writer.applyStatus(
        this.#info,
        { name: req.name, namespace: req.namespace },
        status,
        signal,
      );
      this.#written.set(req.key, {
        uid,
        value: status,
        resourceVersion: result.metadata?.resourceVersion ?? '',
      });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /**
   * What the object holds now: our last write while the cache has not caught up with it (the cache
   * would otherwise make a status we replaced look current), else what the cache shows.
   */
  current(key: string, live: KubeObject): HelloServiceStatus | undefined {
    const last = this.#written.get(key);
    return last?.uid === (live.metadata?.uid ?? '') &&
      !newer(live.metadata?.resourceVersion, last.resourceVersion)
      ? last.value
      : ((live.status ?? undefined) as HelloServiceStatus | undefined);
  }

  forget(key: string): void {
    this.#written.delete(key);
  }
}

/** Whether resourceVersion a is newer than b. Opaque in general; etcd's are integers. */
function newer(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) > BigInt(b);
  return a !== b;
}
