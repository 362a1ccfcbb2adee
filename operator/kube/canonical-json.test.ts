import { describe, expect, it } from 'vitest';
import { canonicalJSON } from './canonical-json.ts';

describe('canonicalJSON', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJSON({ b: [{ d: 1, c: undefined, a: 2 }], a: 'x' })).toBe(
      '{"a":"x","b":[{"a":2,"d":1}]}',
    );
  });
  it('orders keys by code units (numeric keys too), turns undefined items into null, escapes as JSON', () => {
    const value = { z: [null, undefined, 'a"\n', 1.5e-7, { y: true, '2': false }], '10': 'n', é: [], '': {} };
    expect(canonicalJSON(value)).toBe(
      '{"":{},"10":"n","z":[null,null,"a\\"\\n",1.5e-7,{"2":false,"y":true}],"é":[]}',
    );
  });
});
