import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/rest.ts';
import { desiredChildren } from '../resources/children.ts';
import { hello, settings } from '../resources/fixtures.ts';
import { APPLIED_HASH_ANNOTATION, contains, upToDate, withAppliedHash } from './up-to-date.ts';

const MANAGER = 'hello-operator';
const clone = <T>(v: T): T => structuredClone(v);

/** What the API server returns after our apply: our body plus defaults, server metadata, managedFields. */
function stored(
  body: KubeObject,
  managers: { manager: string; operation: string }[] = [{ manager: MANAGER, operation: 'Apply' }],
): KubeObject {
  const live = clone(body) as KubeObject & { spec?: Record<string, unknown> };
  live.metadata = {
    ...live.metadata,
    uid: 'child-uid',
    resourceVersion: '42',
    creationTimestamp: '2026-01-01T00:00:00Z',
    managedFields: managers.map((m) => ({ ...m, apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: {} })),
  };
  if (live.kind === 'Deployment' && live.spec) {
    live.spec = { progressDeadlineSeconds: 600, paused: false, ...live.spec };
  }
  if (live.kind === 'Service' && live.spec)
    live.spec = { clusterIP: '10.96.0.12', sessionAffinity: 'None', ...live.spec };
  return live;
}

const children = desiredChildren(hello(), settings) as KubeObject[];
const deployment = children.find((c) => c.kind === 'Deployment') as KubeObject;

describe('withAppliedHash', () => {
  it('adds a hash of the content, the same for the same content whatever the key order', () => {
    const a = withAppliedHash({
      kind: 'ConfigMap',
      metadata: { name: 'x' },
      data: { a: '1', b: '2' },
    } as KubeObject);
    const b = withAppliedHash({
      data: { b: '2', a: '1' },
      metadata: { name: 'x' },
      kind: 'ConfigMap',
    } as KubeObject);
    expect(a.metadata?.annotations?.[APPLIED_HASH_ANNOTATION]).toMatch(/^[0-9a-f]{32}$/);
    expect(b.metadata?.annotations?.[APPLIED_HASH_ANNOTATION]).toBe(
      a.metadata?.annotations?.[APPLIED_HASH_ANNOTATION],
    );
  });

  it('changes with any change of the content, including a field dropped', () => {
    const hashes = new Set(
      [
        desiredChildren(hello(), settings),
        desiredChildren(hello({ message: 'other' }), settings),
        desiredChildren(hello({ replicas: 3 }), settings),
        desiredChildren(hello({ ingress: { host: 'a.example' } }), settings),
      ].flatMap((cs) =>
        cs.map((c) => withAppliedHash(c as KubeObject).metadata?.annotations?.[APPLIED_HASH_ANNOTATION]),
      ),
    );
    // Unchanged children across those specs hash alike; what changed hashes differently.
    const base = desiredChildren(hello(), settings).map((c) => withAppliedHash(c as KubeObject));
    const other = desiredChildren(hello({ message: 'other' }), settings).map((c) =>
      withAppliedHash(c as KubeObject),
    );
    const hashOf = (cs: KubeObject[], kind: string) =>
      cs.find((c) => c.kind === kind)?.metadata?.annotations?.[APPLIED_HASH_ANNOTATION];
    expect(hashOf(other, 'ConfigMap')).not.toBe(hashOf(base, 'ConfigMap'));
    expect(hashOf(other, 'Service')).toBe(hashOf(base, 'Service'));
    expect(hashes.size).toBeGreaterThan(base.length);
  });

  it('is idempotent and keeps other annotations', () => {
    const once = withAppliedHash({
      kind: 'Ingress',
      metadata: { name: 'x', annotations: { a: 'b' } },
    } as KubeObject);
    const twice = withAppliedHash(once);
    expect(twice).toEqual(once);
    expect(once.metadata?.annotations?.a).toBe('b');
  });
});

describe('upToDate', () => {
  it.each(children.map((c) => [c.kind, c] as const))(
    '%s: as stored after our apply → up to date',
    (_kind, child) => {
      const body = withAppliedHash(child);
      expect(upToDate(body, stored(body), MANAGER)).toBe(true);
    },
  );

  it('as an item of a list (no apiVersion and kind), as the cache holds it after a relist → up to date', () => {
    const body = withAppliedHash(deployment);
    const { apiVersion: _a, kind: _k, ...item } = stored(body);
    expect(upToDate(body, item as KubeObject, MANAGER)).toBe(true);
  });

  it('a missing child is not', () => {
    expect(upToDate(withAppliedHash(deployment), undefined, MANAGER)).toBe(false);
  });

  it('a spec change (different hash) is not, even when the live object holds every desired value', () => {
    const oldBody = withAppliedHash(clone(deployment));
    const live = stored(oldBody);
    // The new body drops a field: live still "contains" it, only the hash tells.
    const newBody = clone(deployment) as KubeObject & { spec: Record<string, unknown> };
    delete newBody.spec.strategy;
    expect(contains(live, newBody)).toBe(true);
    expect(upToDate(withAppliedHash(newBody), live, MANAGER)).toBe(false);
  });

  it('a field of ours edited by hand (drift) is not', () => {
    const body = withAppliedHash(deployment);
    const live = stored(body) as KubeObject & {
      spec: { replicas?: number; template: { spec: { containers: { image: string }[] } } };
    };
    const edited = clone(live);
    edited.spec.template.spec.containers[0] = {
      ...edited.spec.template.spec.containers[0],
      image: 'evil:1',
    } as never;
    expect(upToDate(body, edited, MANAGER)).toBe(false);
    const removed = clone(live);
    const labels = { ...removed.metadata?.labels };
    delete labels['app.kubernetes.io/managed-by'];
    removed.metadata = { ...removed.metadata, labels };
    expect(upToDate(body, removed, MANAGER)).toBe(false);
  });

  it('a list with an element added by hand is not', () => {
    const body = withAppliedHash(deployment);
    const live = stored(body) as KubeObject & { spec: { template: { spec: { containers: unknown[] } } } };
    live.spec.template.spec.containers.push({ name: 'sidecar', image: 'x' });
    expect(upToDate(body, live, MANAGER)).toBe(false);
  });

  it('without our Apply entry in managedFields (applied by someone else) it is not', () => {
    const body = withAppliedHash(deployment);
    expect(upToDate(body, stored(body, [{ manager: 'kubectl', operation: 'Apply' }]), MANAGER)).toBe(false);
    expect(upToDate(body, stored(body, [{ manager: MANAGER, operation: 'Update' }]), MANAGER)).toBe(false);
  });

  it('a hash annotation edited by hand is not', () => {
    const body = withAppliedHash(deployment);
    const live = stored(body);
    (live.metadata?.annotations as Record<string, string>)[APPLIED_HASH_ANNOTATION] = 'x';
    expect(upToDate(body, live, MANAGER)).toBe(false);
  });
});

describe('contains', () => {
  it('compares scalars strictly: a normalised quantity or an int-or-string in another form differs', () => {
    expect(contains({ cpu: '500m' }, { cpu: '0.5' })).toBe(false);
    expect(contains({ targetPort: 8080 }, { targetPort: '8080' })).toBe(false);
    expect(contains({ targetPort: 'http' }, { targetPort: 'http' })).toBe(true);
  });
  it('allows extra keys in live objects, not in lists; order of lists matters', () => {
    expect(contains({ a: 1, b: 2 }, { a: 1 })).toBe(true);
    expect(contains([1, 2], [1])).toBe(false);
    expect(contains([2, 1], [1, 2])).toBe(false);
    expect(contains([{ a: 1, d: 0 }], [{ a: 1 }])).toBe(true);
    expect(contains({}, { a: null })).toBe(false);
    expect(contains({ a: {} }, { a: {} })).toBe(true);
    expect(contains({ a: [] }, { a: {} })).toBe(false);
  });
});
