import { describe, expect, it } from 'vitest';
import { hello, LONGEST_NAME } from './fixtures.ts';
import { childLabels, parseExtraLabels, selectorLabels } from './labels.ts';
import { operatorSettings } from './settings.ts';

describe('labels', () => {
  it('carry the recommended app.kubernetes.io labels', () => {
    expect(childLabels(hello(), operatorSettings())).toEqual({
      'app.kubernetes.io/name': 'hello',
      'app.kubernetes.io/instance': 'hello',
      'app.kubernetes.io/managed-by': 'hello-operator',
      'app.kubernetes.io/part-of': 'hello-operator',
    });
  });

  it('select on name and instance only, which never change for one HelloService', () => {
    expect(Object.keys(selectorLabels(hello()))).toEqual([
      'app.kubernetes.io/name',
      'app.kubernetes.io/instance',
    ]);
  });

  it('are valid label values (≤ 63 characters) for the longest name', () => {
    for (const value of Object.values(childLabels(hello({}, { name: LONGEST_NAME }), operatorSettings()))) {
      expect(value.length).toBeLessThanOrEqual(63);
    }
  });

  it('add the operator’s extra labels, which cannot replace the ones the operator relies on', () => {
    const labels = childLabels(
      hello(),
      operatorSettings({ extraLabels: { team: 'platform', 'app.kubernetes.io/managed-by': 'someone-else' } }),
    );
    expect(labels.team).toBe('platform');
    expect(labels['app.kubernetes.io/managed-by']).toBe('hello-operator');
  });
});

describe('parseExtraLabels', () => {
  it('reads KEY=VALUE entries, prefixed keys and empty values included', () => {
    expect(parseExtraLabels(['team=web', 'example.com/tier='])).toEqual({
      team: 'web',
      'example.com/tier': '',
    });
  });

  it.each([
    ['novalue', /is not KEY=VALUE/],
    ['=x', /is not KEY=VALUE/],
    ['Bad_Prefix/x=1', /not a valid label key/],
    [`${'k'.repeat(64)}=1`, /not a valid label key/],
    ['team=-web', /not a valid label value/],
    ['a=b=c', /not a valid label value/],
    ['app.kubernetes.io/instance=x', /operator's own label/],
  ])('refuses %s', (entry, message) => {
    expect(() => parseExtraLabels([entry])).toThrow(message);
  });
});
