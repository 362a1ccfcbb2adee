import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_LENGTH } from '../api/schema.ts';
import { buildConfigMap } from './configmap.ts';
import { hello, settings } from './fixtures.ts';

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
      metadata: { name: 'hello', namespace: 'demo' },
    });
    expect(cm.data).toEqual({ MESSAGES: message });
  });
});
