import { describe, expect, it } from 'vitest';
import type { KubeObject } from './kube/rest.ts';
import { ownsReplicas } from './reconcile/replicas.ts';
import { enqueueHandler, helloSignature, isUrgent, keepManagedFieldsOf, updateSignature } from './watches.ts';

const hs = (rv: string, over: Record<string, unknown> = {}) => ({
  metadata: { name: 'hello', namespace: 'ns', uid: 'u', generation: 1, resourceVersion: rv, ...over },
});

describe('enqueueHandler', () => {
  it('skips HelloService updates that only touch the status, and passes spec and annotation changes', () => {
    const keys: string[] = [];
    const handle = enqueueHandler(
      helloSignature,
      () => 'ns/hello',
      (k) => keys.push(k),
    );
    handle('add', hs('1'));
    handle('update', hs('2')); // our status write
    expect(keys).toHaveLength(1);
    handle('update', hs('3', { generation: 2 }));
    handle('update', hs('4', { generation: 2, annotations: { 'hello.operators.dev/reconcile-at': 'now' } }));
    handle('update', hs('5', { generation: 2, annotations: { 'hello.operators.dev/reconcile-at': 'now' } }));
    handle('resync', hs('5', { generation: 2, annotations: { 'hello.operators.dev/reconcile-at': 'now' } }));
    handle('delete', hs('5'));
    expect(keys).toHaveLength(5);
  });

  it('maps a child to the key it is given, and skips status-only updates of kinds with a generation', () => {
    const keys: string[] = [];
    const sig = (o: Parameters<typeof updateSignature>[1]) => updateSignature('HorizontalPodAutoscaler', o);
    const handle = enqueueHandler(
      sig,
      () => 'ns/owner',
      (k) => keys.push(k),
    );
    handle('add', hs('1'));
    handle('update', hs('2'));
    handle('update', hs('3', { labels: { a: 'b' } }));
    expect(keys).toEqual(['ns/owner', 'ns/owner']);
  });

  it('treats every change of a Deployment or of a kind without generation as worth a reconcile', () => {
    expect(updateSignature('Deployment', hs('1'))).not.toBe(updateSignature('Deployment', hs('2')));
    const cm = (rv: string) => ({ metadata: { name: 'x', resourceVersion: rv } });
    expect(updateSignature('ConfigMap', cm('1'))).not.toBe(updateSignature('ConfigMap', cm('2')));
  });

  it('enqueues nothing for an object without an owner key', () => {
    const keys: string[] = [];
    enqueueHandler(
      helloSignature,
      () => undefined,
      (k) => keys.push(k),
    )('add', hs('1'));
    expect(keys).toEqual([]);
  });
});

describe('isUrgent', () => {
  const deployment = (status: Record<string, unknown>, generation = 2) => ({
    metadata: { name: 'hello', generation },
    spec: { replicas: 2 },
    status: { observedGeneration: 2, ...status },
  });
  const available = { type: 'Available', status: 'True' };
  const done = {
    replicas: 2,
    updatedReplicas: 2,
    readyReplicas: 2,
    availableReplicas: 2,
    conditions: [available],
  };

  it('is true for a Deployment whose rollout is complete and available, or has given up', () => {
    expect(isUrgent('Deployment', deployment(done))).toBe(true);
    const deadline = { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' };
    expect(
      isUrgent('Deployment', deployment({ replicas: 2, updatedReplicas: 1, conditions: [deadline] })),
    ).toBe(true);
  });

  it('is false for a rollout still on its way, and for every other kind', () => {
    expect(isUrgent('Deployment', deployment({ ...done, availableReplicas: 1 }))).toBe(false);
    expect(isUrgent('Deployment', deployment({ ...done, replicas: 3 }))).toBe(false);
    expect(isUrgent('Deployment', deployment(done, 3))).toBe(false);
    expect(isUrgent('Deployment', deployment({ ...done, conditions: [] }))).toBe(false);
    expect(isUrgent('Service', deployment(done))).toBe(false);
  });
});

describe('keepManagedFieldsOf', () => {
  const obj = {
    metadata: {
      name: 'a',
      resourceVersion: '7',
      managedFields: [
        { manager: 'hello-operator', operation: 'Apply', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
        { manager: 'kube-controller-manager', operation: 'Update', subresource: 'status', fieldsV1: {} },
      ],
    },
  };
  it("keeps only the given manager's entries, and the rest of the object as it was", () => {
    const kept = keepManagedFieldsOf('hello-operator')(obj);
    expect(kept.metadata?.managedFields?.map((f) => f.manager)).toEqual(['hello-operator']);
    expect(kept.metadata?.resourceVersion).toBe('7');
    expect(obj.metadata.managedFields).toHaveLength(2);
  });
  it('keeps of their fieldsV1 only whether they own the replicas', () => {
    const entry = (fieldsV1: Record<string, unknown>) => ({
      metadata: {
        name: 'a',
        managedFields: [{ manager: 'hello-operator', operation: 'Apply', fieldsV1 }],
      },
    });
    const keep = keepManagedFieldsOf('hello-operator');
    const withReplicas = entry({
      'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': {} } },
      'f:data': {},
    });
    expect(keep(withReplicas).metadata?.managedFields).toEqual([
      {
        manager: 'hello-operator',
        operation: 'Apply',
        fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      },
    ]);
    const withoutReplicas = keep(entry({ 'f:spec': { 'f:template': {} } }));
    expect(withoutReplicas.metadata?.managedFields?.[0]?.fieldsV1).toEqual({});
    expect(ownsReplicas(withReplicas as KubeObject, 'hello-operator')).toBe(true);
    expect(ownsReplicas(keep(withReplicas) as KubeObject, 'hello-operator')).toBe(true);
    expect(ownsReplicas(withoutReplicas as KubeObject, 'hello-operator')).toBe(false);
  });
  it('drops them all for no manager', () => {
    expect(keepManagedFieldsOf(undefined)(obj).metadata).toEqual({ name: 'a', resourceVersion: '7' });
  });
});
