// Whether applying a child would change nothing, so the apply (a write) can be skipped. A restart
// resyncs every HelloService; without this check each resync re-applies every child.
//
// Two checks, both needed; when either is unsure the child is applied ("write when unsure"):
// 1. The live object carries the hash of exactly the body we would apply (an annotation we apply
//    with it) and our field manager's Apply entry. So our last apply was of this same body, and
//    server-side apply has nothing of ours to remove (fields we stopped sending change the hash).
// 2. Every field of the body has that value in the live object (extra live fields are defaults or
//    someone else's). This catches drift: a field of ours edited or removed by hand.
// Values are compared as the API server returns them: a body that the server normalises (a
// quantity "0.5" stored as "500m") never matches and is simply applied each time. Pure.
import { createHash } from 'node:crypto';
import { canonicalJSON } from '../kube/canonical-json.ts';
import { applyEntry } from '../kube/managed-fields.ts';
import type { KubeObject } from '../kube/rest.ts';

/** The hash of the body the operator last applied to a child. */
export const APPLIED_HASH_ANNOTATION = 'hello.operators.dev/applied-hash';

/** `body` with the applied-hash annotation of its own content (computed without the annotation). */
export function withAppliedHash<T extends KubeObject>(body: T): T {
  const annotations = { ...(body.metadata?.annotations ?? {}) };
  delete annotations[APPLIED_HASH_ANNOTATION];
  const plain = { ...body, metadata: { ...body.metadata, annotations } };
  if (Object.keys(annotations).length === 0) delete (plain.metadata as { annotations?: unknown }).annotations;
  const hash = createHash('sha256').update(canonicalJSON(plain)).digest('hex').slice(0, 32);
  return {
    ...body,
    metadata: { ...body.metadata, annotations: { ...annotations, [APPLIED_HASH_ANNOTATION]: hash } },
  };
}

/** Whether applying `body` (from withAppliedHash) over `live` as `manager` would change nothing. */
export function upToDate(body: KubeObject, live: KubeObject | undefined, manager: string): boolean {
  if (!live) return false;
  const hash = body.metadata?.annotations?.[APPLIED_HASH_ANNOTATION];
  if (hash === undefined || live.metadata?.annotations?.[APPLIED_HASH_ANNOTATION] !== hash) return false;
  const ours = applyEntry(live, manager) !== undefined;
  // Items of a list carry no apiVersion and kind (the list has them), and the cache is filled by
  // lists: those two are not compared (the cache holds one kind; the hash covers them anyway).
  const { apiVersion: _apiVersion, kind: _kind, ...fields } = body;
  return ours && contains(live, fields);
}

/**
 * Whether `live` holds every value of `desired`: objects key by key (extra keys in `live` allowed),
 * lists element by element with the same length and order, everything else strictly equal.
 */
export function contains(live: unknown, desired: unknown): boolean {
  if (desired === undefined) return true;
  if (Array.isArray(desired)) {
    return (
      Array.isArray(live) && live.length === desired.length && desired.every((d, i) => contains(live[i], d))
    );
  }
  if (desired !== null && typeof desired === 'object') {
    if (live === null || typeof live !== 'object' || Array.isArray(live)) return false;
    const l = live as Record<string, unknown>;
    return Object.entries(desired).every(
      ([k, v]) => v === undefined || (Object.hasOwn(l, k) && contains(l[k], v)),
    );
  }
  return live === desired;
}
