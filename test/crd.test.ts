// A CRD with a status subresource and a CEL validation rule: a bad object is refused with the rule's
// message; a good one is stored, and its status is written only through /status.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiStatus, createNamespace, deleteNamespace, eventually, kubeConfig } from './cluster/kube.ts';

const group = 'test.hello-operator.dev';
const suffix = Math.random().toString(36).slice(2, 6);
const plural = `widgets${suffix}`;
const kind = `Widget${suffix}`;
const RULE_MESSAGE = 'minReplicas must not exceed maxReplicas';

describe('CRD with status subresource and CEL validation', () => {
  const kc = kubeConfig(inject('kubeconfig'));
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  let ns = '';

  beforeAll(async () => {
    ns = await createNamespace(core, 'crd');
    await ext.createCustomResourceDefinition({
      body: {
        metadata: { name: `${plural}.${group}` },
        spec: {
          group,
          scope: 'Namespaced',
          names: { plural, singular: `widget${suffix}`, kind },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              subresources: { status: {} },
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: {
                    spec: {
                      type: 'object',
                      required: ['minReplicas', 'maxReplicas'],
                      properties: { minReplicas: { type: 'integer' }, maxReplicas: { type: 'integer' } },
                      x_kubernetes_validations: [
                        { rule: 'self.minReplicas <= self.maxReplicas', message: RULE_MESSAGE },
                      ],
                    },
                    status: { type: 'object', properties: { ready: { type: 'boolean' } } },
                  },
                },
              },
            },
          ],
        },
      },
    });
    await eventually('CRD established', async () => {
      const crd = await ext.readCustomResourceDefinition({ name: `${plural}.${group}` });
      return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')
        ? true
        : undefined;
    });
    // 404 until discovery has the new type; both tests create objects of it.
    await eventually(
      'the new API to serve',
      async () =>
        (await custom.listNamespacedCustomObject({ group, version: 'v1', namespace: ns, plural }))
          ? true
          : undefined,
      30_000,
    );
  });
  afterAll(async () => {
    await deleteNamespace(core, ns);
    await ext.deleteCustomResourceDefinition({ name: `${plural}.${group}` }).catch(() => undefined);
  });

  const obj = (name: string, min: number, max: number) => ({
    apiVersion: `${group}/v1`,
    kind,
    metadata: { name },
    spec: { minReplicas: min, maxReplicas: max },
  });

  it("refuses a bad object with the CEL rule's message", async () => {
    const err = await custom
      .createNamespacedCustomObject({ group, version: 'v1', namespace: ns, plural, body: obj('bad', 5, 2) })
      .then(
        () => new Error('created'),
        (e: unknown) => e,
      );
    const { code, message } = apiStatus(err);
    expect(code).toBe(422);
    expect(message).toContain(RULE_MESSAGE);
  });

  it('stores a good object and writes status only through the status subresource', async () => {
    await custom.createNamespacedCustomObject({
      group,
      version: 'v1',
      namespace: ns,
      plural,
      body: obj('good', 1, 3),
    });
    // status sent to the main resource is dropped...
    const withStatus = { ...obj('good', 1, 3), status: { ready: true } };
    const current = (await custom.getNamespacedCustomObject({
      group,
      version: 'v1',
      namespace: ns,
      plural,
      name: 'good',
    })) as {
      metadata: { resourceVersion: string };
    };
    const replaced = (await custom.replaceNamespacedCustomObject({
      group,
      version: 'v1',
      namespace: ns,
      plural,
      name: 'good',
      body: { ...withStatus, metadata: { name: 'good', resourceVersion: current.metadata.resourceVersion } },
    })) as { status?: unknown };
    expect(replaced.status).toBeUndefined();
    // ...and accepted through /status.
    const latest = (await custom.getNamespacedCustomObject({
      group,
      version: 'v1',
      namespace: ns,
      plural,
      name: 'good',
    })) as {
      metadata: { resourceVersion: string };
    };
    const updated = (await custom.replaceNamespacedCustomObjectStatus({
      group,
      version: 'v1',
      namespace: ns,
      plural,
      name: 'good',
      body: { ...withStatus, metadata: { name: 'good', resourceVersion: latest.metadata.resourceVersion } },
    })) as { status?: { ready?: boolean } };
    expect(updated.status?.ready).toBe(true);
  });
});
