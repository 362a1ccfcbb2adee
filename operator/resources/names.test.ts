import { describe, expect, it } from 'vitest';
import { LONGEST_NAME } from './fixtures.ts';
import { childName } from './names.ts';

const DNS_1035_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

describe('childName', () => {
  it.each(['hello', 'a', 'hello-world-2', 'x'.repeat(63)])('keeps %s, already a DNS-1035 label', (name) => {
    expect(childName(name)).toBe(name);
  });

  it.each([
    ['a 64-character name', 'x'.repeat(64)],
    ['the longest name', LONGEST_NAME],
    ['a dotted name', 'hello.example.com'],
    ['a name starting with a digit', '1hello'],
    ['a name of digits', '123'],
    ['a name ending in a dot segment of digits', `${'a'.repeat(60)}.1`],
  ])('turns %s into a DNS-1035 label', (_, name) => {
    const child = childName(name);
    expect(child).toMatch(DNS_1035_LABEL);
    expect(child.length).toBeLessThanOrEqual(63);
    expect(childName(name)).toBe(child);
  });

  it('keeps a readable prefix of a shortened name', () => {
    expect(childName('hello.example.com')).toMatch(/^hello-example-com-[0-9a-f]{8}$/);
  });

  it('gives different names to HelloServices whose names differ only past the cut or in a dot', () => {
    const names = [
      LONGEST_NAME,
      `${LONGEST_NAME.slice(0, -1)}c`,
      'x'.repeat(64),
      'x'.repeat(65),
      'hello.world',
      'hello-world',
    ];
    expect(new Set(names.map(childName)).size).toBe(names.length);
  });
});
