import { describe, expect, it } from 'vitest';
import { controllerOwnerKey, keyOf, objectKey, parseKey } from './keys.ts';

describe('object keys', () => {
  it('spell namespaced objects namespace/name and cluster-scoped ones name', () => {
    expect(objectKey({ namespace: 'team-a', name: 'hello' })).toBe('team-a/hello');
    expect(objectKey({ name: 'hello' })).toBe('hello');
    expect(keyOf({ metadata: { namespace: 'team-a', name: 'hello' } })).toBe('team-a/hello');
    expect(keyOf({ metadata: {} })).toBeUndefined();
  });

  it('parse back to the same reference', () => {
    expect(parseKey('team-a/hello')).toEqual({ namespace: 'team-a', name: 'hello' });
    expect(parseKey('hello')).toEqual({ namespace: undefined, name: 'hello' });
  });
});

describe('controllerOwnerKey', () => {
  const owner = { group: 'hello.operators.dev', kind: 'HelloService' };
  const child = (ownerReferences: object[]) => ({ metadata: { namespace: 'team-a', ownerReferences } });

  it('finds the controlling owner of the kind asked for', () => {
    const refs = [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', controller: false },
      { apiVersion: 'hello.operators.dev/v1alpha1', kind: 'HelloService', name: 'hello', controller: true },
    ];
    expect(controllerOwnerKey(child(refs), owner)).toBe('team-a/hello');
  });

  it('ignores owners that are not the controller, or of another group or kind', () => {
    expect(
      controllerOwnerKey(
        child([{ apiVersion: 'hello.operators.dev/v1alpha1', kind: 'HelloService', name: 'h' }]),
        owner,
      ),
    ).toBeUndefined();
    expect(
      controllerOwnerKey(
        child([{ apiVersion: 'other.dev/v1', kind: 'HelloService', name: 'h', controller: true }]),
        owner,
      ),
    ).toBeUndefined();
    expect(controllerOwnerKey({ metadata: {} }, owner)).toBeUndefined();
  });
});
