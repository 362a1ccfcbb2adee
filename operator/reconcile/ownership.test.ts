import { describe, expect, it } from 'vitest';
import { lastAppliedTime, ownership } from './ownership.ts';

const owner = { uid: 'u-1', instance: 'hello' };
const labels = {
  'app.kubernetes.io/managed-by': 'hello-operator',
  'app.kubernetes.io/instance': 'hello',
};
const ref = (uid: string, controller = true) => ({
  apiVersion: 'hello.operators.dev/v1alpha1',
  kind: 'HelloService',
  name: 'hello',
  uid,
  controller,
});

describe('ownership', () => {
  it('absent, owned, adoptable, foreign', () => {
    expect(ownership(undefined, owner).verdict).toBe('absent');
    expect(ownership({ metadata: { ownerReferences: [ref('u-1')] } }, owner).verdict).toBe('owned');
    expect(ownership({ metadata: { labels } }, owner).verdict).toBe('adoptable');
    expect(ownership({ metadata: { labels, ownerReferences: [ref('u-1', false)] } }, owner).verdict).toBe(
      'adoptable',
    );
  });

  it('refuses an object controlled by something else, even a HelloService of the same name', () => {
    const other = ownership({ metadata: { labels, ownerReferences: [ref('u-old')] } }, owner);
    expect(other).toMatchObject({ verdict: 'foreign' });
    expect(other.verdict === 'foreign' && other.why).toContain('u-old');
  });

  it('refuses an object someone else made, or one of another instance', () => {
    expect(ownership({ metadata: {} }, owner)).toMatchObject({
      verdict: 'foreign',
      why: 'it was not created by hello-operator',
    });
    expect(
      ownership({ metadata: { labels: { ...labels, 'app.kubernetes.io/instance': 'other' } } }, owner)
        .verdict,
    ).toBe('foreign');
  });

  it('reads the time of our last apply from managedFields', () => {
    const obj = {
      metadata: {
        managedFields: [
          { manager: 'kubectl', operation: 'Update', time: '2026-01-01T00:00:00Z' },
          {
            manager: 'hello-operator',
            operation: 'Apply',
            subresource: 'status',
            time: '2026-01-01T00:00:02Z',
          },
          { manager: 'hello-operator', operation: 'Apply', time: '2026-01-01T00:00:01Z' },
        ],
      },
    };
    expect(lastAppliedTime(obj, 'hello-operator')).toBe('2026-01-01T00:00:01Z');
    expect(lastAppliedTime({ metadata: {} }, 'hello-operator')).toBeUndefined();
  });
});
