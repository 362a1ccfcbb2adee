import { describe, expect, it } from 'vitest';
import { keyOf, objectKey, parseKey } from './keys.ts';

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
