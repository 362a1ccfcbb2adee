// The one module that writes to the API server. Every write is a server-side apply with the field
// manager `hello-operator` and force (the operator is the single owner of what it applies), a
// precondition-guarded delete, or a status apply; every call is counted in
// hello_operator_api_writes_total{kind,verb}, so "zero writes at steady state" is measurable.
// Whether to apply at all is decided before (up-to-date.ts): a child already as desired is not sent.
import { PatchStrategy } from '@kubernetes/client-node';
import { isNotFound } from '../kube/api-errors.ts';
import { HttpMethod, type KindInfo, type KubeClient, type KubeObject, resourcePath } from '../kube/rest.ts';

export const FIELD_MANAGER = 'hello-operator';

export type { KindInfo };

export type WriteCounter = { apiWrite(kind: string, verb: 'apply' | 'delete'): void };

export class Applier {
  readonly #client: KubeClient;
  readonly #metrics: WriteCounter;

  constructor(client: KubeClient, metrics: WriteCounter) {
    this.#client = client;
    this.#metrics = metrics;
  }

  /** Server-side apply of `obj` (wire format: apiVersion, kind, metadata.name/namespace set). */
  async apply(info: KindInfo, obj: KubeObject, signal?: AbortSignal): Promise<KubeObject> {
    const name = obj.metadata?.name ?? '';
    this.#metrics.apiWrite(info.kind, 'apply');
    return this.#client.request<KubeObject>(
      HttpMethod.PATCH,
      resourcePath(info.apiVersion, info.plural, obj.metadata?.namespace, name),
      {
        query: { fieldManager: FIELD_MANAGER, force: true },
        body: obj,
        contentType: PatchStrategy.ServerSideApply,
        signal,
      },
    );
  }

  /**
   * Server-side apply on the status subresource: only the fields in `status` are ours; fields we
   * stop sending are removed. The body carries no spec, so it cannot change the spec.
   */
  async applyStatus(
    info: KindInfo,
    ref: { name: string; namespace?: string | undefined },
    status: unknown,
    signal?: AbortSignal,
  ): Promise<KubeObject> {
    this.#metrics.apiWrite(`${info.kind}/status`, 'apply');
    return this.#client.request<KubeObject>(
      HttpMethod.PATCH,
      resourcePath(info.apiVersion, info.plural, ref.namespace, ref.name, 'status'),
      {
        query: { fieldManager: FIELD_MANAGER, force: true },
        body: {
          apiVersion: info.apiVersion,
          kind: info.kind,
          metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
          status,
        },
        contentType: PatchStrategy.ServerSideApply,
        signal,
      },
    );
  }

  /**
   * Deletes the object if it is still the one we saw (uid precondition): a child re-created by
   * someone else meanwhile is not touched. Foreground-free: the garbage collector removes what the
   * child owns (a Deployment's ReplicaSets) in the background. A 404 is success.
   */
  async delete(
    info: KindInfo,
    ref: { name: string; namespace?: string | undefined; uid: string },
    signal?: AbortSignal,
  ): Promise<void> {
    this.#metrics.apiWrite(info.kind, 'delete');
    try {
      await this.#client.request(
        HttpMethod.DELETE,
        resourcePath(info.apiVersion, info.plural, ref.namespace, ref.name),
        {
          body: {
            apiVersion: 'v1',
            kind: 'DeleteOptions',
            preconditions: { uid: ref.uid },
            propagationPolicy: 'Background',
          },
          signal,
        },
      );
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
  }
}
