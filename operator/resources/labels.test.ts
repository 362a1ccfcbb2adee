import { describe, expect, it } from 'vitest';
import { hello, LONGEST_NAME } from './fixtures.ts';
import { childLabels, selectorLabels } from './labels.ts';
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
