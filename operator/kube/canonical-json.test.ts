import { describe, expect, it } from 'vitest';
import { canonicalJSON } from './canonical-json.ts';

describe('canonicalJSON', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJSON({ b: [{ d: 1, c: undefined, a: 2 }], a: 'x' })).toBe(
      '{"a":"x","b":[{"a":2,"d":1}]}',
    );
  });
});
