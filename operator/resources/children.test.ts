import { describe, expect, it } from 'vitest';
import { CHILD_KINDS, desiredChildren, statusURL } from './children.ts';
import { hello, LONGEST_NAME, settings, UID } from './fixtures.ts';

const kinds = (spec = {}) => desiredChildren(hello(spec), settings).map((c) => c.kind);

describe('desiredChildren', () => {
  it.each([
    [
      'just a message',
      {},
      ['ServiceAccount', 'ConfigMap', 'Deployment', 'Service', 'PodDisruptionBudget', 'NetworkPolicy'],
    ],
    [
      'ingress and autoscaling',
      { ingress: { host: 'hello.example.com' }, autoscaling: { maxReplicas: 4 } },
      [
        'ServiceAccount',
        'ConfigMap',
        'Deployment',
        'Service',
        'Ingress',
        'HorizontalPodAutoscaler',
        'PodDisruptionBudget',
        'NetworkPolicy',
      ],
    ],
    [
      'PDB and NetworkPolicy switched off',
      { podDisruptionBudget: { enabled: false }, networkPolicy: { enabled: false } },
      ['ServiceAccount', 'ConfigMap', 'Deployment', 'Service'],
    ],
  ])('returns the children asked for (%s)', (_, spec, expected) => {
    expect(kinds(spec)).toEqual(expected);
  });

  it('only returns kinds listed in CHILD_KINDS, with the same apiVersion, in the same order', () => {
    const all = desiredChildren(
      hello({
        ingress: { host: 'a.example' },
        autoscaling: { maxReplicas: 2 },
        monitoring: { enabled: true },
      }),
      settings,
    );
    expect(all.map((c) => `${c.apiVersion}/${c.kind}`)).toEqual(
      CHILD_KINDS.map((k) => `${k.apiVersion}/${k.kind}`),
    );
  });

  it.each([
    ['hello', 'demo'],
    [LONGEST_NAME, 'a'.repeat(63)],
  ])(
    'gives every child the same valid name, the namespace, the labels and the owner (%s)',
    (name, namespace) => {
      for (const child of desiredChildren(
        hello({ ingress: { host: 'a.example' } }, { name, namespace }),
        settings,
      )) {
        expect(child.metadata.name).toMatch(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
        expect(child.metadata.namespace).toBe(namespace);
        expect(child.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('hello-operator');
        expect(child.metadata.ownerReferences).toEqual([
          expect.objectContaining({ name, uid: UID, controller: true }),
        ]);
      }
    },
  );

  it('gives children no owner reference when the HelloService has no uid (render)', () => {
    for (const child of desiredChildren(hello({}, { uid: '' }), settings)) {
      expect(child.metadata.ownerReferences).toBeUndefined();
    }
  });
});

describe('statusURL', () => {
  it.each([
    [{}, 'http://hello.demo.svc:80/'],
    [{ ingress: { host: 'hello.example.com', tls: { secretName: 't' } } }, 'https://hello.example.com/'],
  ])('%j → %s', (spec, url) => {
    expect(statusURL(hello(spec))).toBe(url);
  });
});
