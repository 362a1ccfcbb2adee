import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_LENGTH } from '../api/schema.ts';
import { buildConfigMap } from './configmap.ts';
import { hello, LONGEST_NAME, settings } from './fixtures.ts';

describe('buildConfigMap', () => {
  it.each([
    ['ASCII', 'Hello, world!'],
    ['non-ASCII', 'Grüß Gott, 世界! 👋 مرحبا'],
    ['multi-line with a trailing newline', 'line one\n  line two\n\nline four\n'],
    ['Windows line ends', 'one\r\ntwo'],
    ['at the size bound', 'x'.repeat(MAX_MESSAGE_LENGTH)],
    ['at the bound in 4-byte characters', '👋'.repeat(MAX_MESSAGE_LENGTH)],
    ['YAML-looking text', 'key: value\n- item\n---\n'],
  ])('holds the message as MESSAGES, unchanged (%s)', (_, message) => {
    const cm = buildConfigMap(hello({ message }), settings);
    expect(cm).toMatchObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: expect.stringMatching(/^hello-[0-9a-f]{10}$/), namespace: 'demo' },
      immutable: true,
    });
    expect(cm.data).toEqual({ MESSAGES: message });
  });

  it('is named by its content: a new message is a new ConfigMap, the same message the same one', () => {
    const name = (message: string, hsName = 'hello') =>
      buildConfigMap(hello({ message }, { name: hsName }), settings).metadata?.name;
    expect(name('a')).toBe(name('a'));
    expect(name('a')).not.toBe(name('b'));
    // Two HelloServices whose cut names agree still get ConfigMaps of their own.
    expect(name('a', `${LONGEST_NAME}`)).not.toBe(name('a', `${LONGEST_NAME.slice(0, -1)}c`));
    expect(name('a', LONGEST_NAME)?.length).toBeLessThanOrEqual(63);
  });
});
