import { describe, expect, it } from 'vitest';
import { withDefaults } from '../api/defaults.ts';
import type { HelloService } from '../api/types.ts';
import { ReconcileError } from '../controller/index.ts';
import type { KubeObject } from '../kube/rest.ts';
import { checkCluster } from './checks.ts';

const signal = new AbortController().signal;
const hs = (ingress?: Record<string, unknown>) =>
  withDefaults({
    apiVersion: 'hello.operators.dev/v1alpha1',
    kind: 'HelloService',
    metadata: { name: 'hello', namespace: 'ns' },
    spec: { message: 'hi', ...(ingress ? { ingress } : {}) },
  } as HelloService);
const classes = (...list: KubeObject[]) => ({
  ingressClass: async (name: string) => list.find((c) => c.metadata?.name === name),
  ingressClasses: async () => list,
});
const nginx = { metadata: { name: 'nginx' } };
const defaultNginx = {
  metadata: { name: 'nginx', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } },
};

async function reasonOf(p: Promise<void>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(ReconcileError);
    return (err as ReconcileError).reason;
  }
}

describe('checkCluster', () => {
  it('passes without an ingress, or with an IngressClass that exists', async () => {
    expect(await reasonOf(checkCluster(hs(), classes(), signal))).toBeUndefined();
    expect(
      await reasonOf(checkCluster(hs({ host: 'a.example.com', className: 'nginx' }), classes(nginx), signal)),
    ).toBeUndefined();
    expect(
      await reasonOf(checkCluster(hs({ host: 'a.example.com' }), classes(defaultNginx), signal)),
    ).toBeUndefined();
  });

  it('names a missing IngressClass, and a missing default class', async () => {
    expect(
      await reasonOf(checkCluster(hs({ host: 'a.example.com', className: 'nope' }), classes(nginx), signal)),
    ).toBe('IngressClassNotFound');
    expect(await reasonOf(checkCluster(hs({ host: 'a.example.com' }), classes(nginx), signal))).toBe(
      'NoDefaultIngressClass',
    );
  });
});
