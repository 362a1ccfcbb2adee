import { describe, expect, it } from 'vitest';
import { ReconcileError } from '../controller/index.ts';
import type { KindInfo, KubeObject } from '../kube/rest.ts';
import { hello } from '../resources/fixtures.ts';
import { envHash, envReferences } from './env-references.ts';

const signal = new AbortController().signal;
const secret = (name: string, data: Record<string, string>) =>
  ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'default' },
    data,
  }) as unknown as KubeObject;
const configMap = (name: string, data: Record<string, string>) =>
  ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'default' },
    data,
  }) as unknown as KubeObject;

/** A reader over a few objects, counting the reads. */
function reader(objects: KubeObject[]) {
  const reads: string[] = [];
  const read = async (info: KindInfo, name: string, namespace: string | undefined) => {
    reads.push(`${info.kind}/${namespace}/${name}`);
    return objects.find((o) => o.kind === info.kind && o.metadata?.name === name);
  };
  return { read, reads };
}

const env = [
  { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } },
  { name: 'OTHER', valueFrom: { secretKeyRef: { name: 'api', key: 'other', optional: true } } },
  { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } },
  { name: 'PLAIN', value: 'x' },
];

describe('envReferences', () => {
  it('lists the Secret and ConfigMap keys spec.env reads, with the variable reading each', () => {
    expect(envReferences(hello({ env }))).toEqual([
      { kind: 'Secret', name: 'api', key: 'token', optional: false, env: 'TOKEN' },
      { kind: 'Secret', name: 'api', key: 'other', optional: true, env: 'OTHER' },
      { kind: 'ConfigMap', name: 'settings', key: 'mode', optional: false, env: 'MODE' },
    ]);
  });
});

describe('envHash', () => {
  const objects = [secret('api', { token: 'czNjcmV0' }), configMap('settings', { mode: 'fast' })];

  it('is undefined, and reads nothing, when spec.env reads no Secret or ConfigMap', async () => {
    const r = reader(objects);
    expect(await envHash(r, hello({ env: [{ name: 'PLAIN', value: 'x' }] }), signal)).toBeUndefined();
    expect(r.reads).toEqual([]);
  });

  it('reads each object once, in the HelloService namespace, and hashes the values it names', async () => {
    const r = reader(objects);
    const hash = await envHash(r, hello({ env }), signal);
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(r.reads.sort()).toEqual(['ConfigMap/demo/settings', 'Secret/demo/api']);
    // Another key of the same Secret, not read by spec.env, changes nothing; a read value does.
    const more = [secret('api', { token: 'czNjcmV0', unrelated: 'eA==' }), objects[1] as KubeObject];
    expect(await envHash(reader(more), hello({ env }), signal)).toBe(hash);
    const changed = [secret('api', { token: 'bmV3' }), objects[1] as KubeObject];
    expect(await envHash(reader(changed), hello({ env }), signal)).not.toBe(hash);
    const optionalNowSet = [secret('api', { token: 'czNjcmV0', other: 'eQ==' }), objects[1] as KubeObject];
    expect(await envHash(reader(optionalNowSet), hello({ env }), signal)).not.toBe(hash);
  });

  it('refuses a missing Secret, ConfigMap or key that is not optional, naming it and the variable', async () => {
    const noSecret = envHash(reader([objects[1] as KubeObject]), hello({ env }), signal);
    await expect(noSecret).rejects.toBeInstanceOf(ReconcileError);
    await expect(noSecret).rejects.toMatchObject({
      reason: 'EnvReferenceNotFound',
      message: expect.stringContaining('spec.env TOKEN: there is no Secret "api" in namespace demo'),
    });
    await expect(
      envHash(reader([secret('api', { token: 'eA==' }), configMap('settings', {})]), hello({ env }), signal),
    ).rejects.toMatchObject({
      message: expect.stringContaining('spec.env MODE: ConfigMap "settings" has no key "mode"'),
    });
  });
});
