import { describe, expect, it } from 'vitest';
import { messageKey, sourceKey } from './twin.ts';

describe('bench:operator Go twin', () => {
  it('names a message file as the twin does (children_test.go has the same vector)', () => {
    expect(messageKey('Hello from 0')).toBe('4d396ed819ae6d79');
  });

  it('keys a build by its sources, whatever order they are listed in', () => {
    const a = { path: 'go.mod', content: 'module x' };
    const b = { path: 'cmd/main.go', content: 'package main' };
    expect(sourceKey([a, b])).toBe(sourceKey([b, a]));
    expect(sourceKey([a, { ...b, content: 'package main // changed' }])).not.toBe(sourceKey([a, b]));
    expect(sourceKey([a])).toMatch(/^[0-9a-f]{12}$/);
  });
});
