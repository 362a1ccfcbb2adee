import { describe, expect, it } from 'vitest';
import { readyGeneration, Tracker } from './tracker.ts';

const hs = (generation: number, ready: string, observed?: number, statusObserved?: number) => ({
  metadata: { generation },
  status: {
    ...(statusObserved === undefined ? {} : { observedGeneration: statusObserved }),
    conditions: [
      { type: 'Ready', status: ready, ...(observed === undefined ? {} : { observedGeneration: observed }) },
    ],
  },
});

describe('bench:operator tracker', () => {
  it('tells the generation a HelloService is Ready at', () => {
    expect(readyGeneration(hs(2, 'True', 2))).toBe(2);
    // Ready at the last generation while the new one is not yet observed: still the old one.
    expect(readyGeneration(hs(2, 'True', 1))).toBe(1);
    expect(readyGeneration(hs(2, 'True', undefined, 2))).toBe(2);
    expect(readyGeneration(hs(2, 'False', 2))).toBe(0);
    expect(readyGeneration({})).toBe(0);
  });

  it('counts the keys at a generation or later', () => {
    const at = new Map([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    expect(Tracker.atLeast(at, 2)).toBe(2);
    expect(Tracker.atLeast(at, 4)).toBe(0);
  });
});
