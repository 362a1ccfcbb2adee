import { describe, expect, it } from 'vitest';
import { backoffDelay, KeyedBackoff } from './backoff.ts';

describe('backoffDelay', () => {
  it('doubles from 5 ms without jitter', () => {
    const delays = [0, 1, 2, 3, 4].map((n) => backoffDelay(n, { jitter: 0 }));
    expect(delays).toEqual([5, 10, 20, 40, 80]);
  });

  it('never exceeds the 5 minute cap, even after very many failures', () => {
    expect(backoffDelay(16, { jitter: 0 })).toBe(300_000);
    expect(backoffDelay(5000, { jitter: 0 })).toBe(300_000);
    expect(backoffDelay(5000, { random: () => 0 })).toBe(300_000);
  });

  it('jitter shortens the delay by at most the jitter fraction', () => {
    expect(backoffDelay(3, { random: () => 0 })).toBe(40);
    expect(backoffDelay(3, { random: () => 0.999999 })).toBeCloseTo(32, 3);
    expect(backoffDelay(3, { jitter: 0.5, random: () => 0.5 })).toBe(30);
  });
});

describe('KeyedBackoff', () => {
  it('grows per key and starts over after forget', () => {
    const b = new KeyedBackoff({ jitter: 0 });
    expect([b.next('a'), b.next('a'), b.next('a')]).toEqual([5, 10, 20]);
    expect(b.next('b')).toBe(5);
    expect(b.failures('a')).toBe(3);
    b.forget('a');
    expect(b.failures('a')).toBe(0);
    expect(b.next('a')).toBe(5);
  });
});
