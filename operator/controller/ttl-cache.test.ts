import { describe, expect, it } from 'vitest';
import { TtlCache } from './ttl-cache.ts';

function cache(maxEntries = 3) {
  let now = 1_000;
  const c = new TtlCache<string, number>({ ttlMs: 100, maxEntries, now: () => now });
  return { c, tick: (ms: number) => (now += ms) };
}

describe('TtlCache', () => {
  it('returns a value until its time is up, then forgets it', () => {
    const { c, tick } = cache();
    c.set('a', 1);
    tick(99);
    expect(c.get('a')).toBe(1);
    tick(1);
    expect(c.get('a')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('keeps at most maxEntries, dropping the oldest', () => {
    const { c } = cache(2);
    c.set('a', 1);
    c.set('b', 2);
    c.set('c', 3);
    expect(c.size).toBe(2);
    expect([c.get('a'), c.get('b'), c.get('c')]).toEqual([undefined, 2, 3]);
  });

  it('counts a value set again as new: its time starts over and it is dropped last', () => {
    const { c, tick } = cache(2);
    c.set('a', 1);
    c.set('b', 2);
    tick(60);
    c.set('a', 10);
    c.set('c', 3);
    expect(c.get('b')).toBeUndefined();
    tick(60);
    expect(c.get('a')).toBe(10);
    c.delete('a');
    expect(c.get('a')).toBeUndefined();
  });
});
