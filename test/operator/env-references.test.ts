// spec.env values from Secrets and ConfigMaps on the real node (issue 20): the value reaches the
// process; a changed Secret rolls the pods (its hash is on the pod template) with no failed request
// through the Ingress; a missing Secret makes Ready False with a reason naming it, and the running
// pods stay. The operator runs with the RBAC deploy/rbac grants (get on Secrets, by name).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { failures, ingressLoad } from '../e2e/load.ts';
import { type Fixture, setUp } from './ha-fixture.ts';
import { eventually, helloService, must, type Obj } from './operator-process.ts';

describe('spec.env from Secrets and ConfigMaps', () => {
  let f: Fixture;
  const ingress = inject('ingressAddress');

  const condition = (name: string, type: string) =>
    (f.get('hs', name)?.status?.conditions ?? []).find((c: { type: string }) => c.type === type) as
      | { status: string; reason: string; message: string; observedGeneration?: number }
      | undefined;
  const livePods = (name: string) =>
    f
      .list('pods', `app.kubernetes.io/instance=${name}`)
      .filter((p) => !(p.metadata as { deletionTimestamp?: string }).deletionTimestamp);
  /** The variable as the process sees it, in one pod. */
  const envIn = (pod: Obj, variable: string) =>
    must(f.kubectl, [
      '-n',
      f.ns,
      'exec',
      pod.metadata.name,
      '--',
      '/nodejs/bin/node',
      '-e',
      `process.stdout.write(process.env.${variable} ?? '<unset>')`,
    ]);
  const setSecret = (name: string, value: string) =>
    must(
      f.kubectl,
      ['-n', f.ns, 'apply', '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: { token: value } }),
    );

  beforeAll(async () => {
    f = await setUp(inject('kubeconfig'), 'env');
    await f.start();
  }, 120_000);
  afterAll(async () => {
    await f?.teardown();
  });

  it('a Secret value reaches the process, and a changed Secret rolls the pods without a failed request', async () => {
    setSecret('api', 'first');
    must(f.kubectl, ['-n', f.ns, 'create', 'configmap', 'settings', '--from-literal=mode=fast']);
    const host = `env.${f.ns}.test`;
    const spec = {
      replicas: 2,
      ingress: { host, className: 'traefik' },
      env: [
        { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } },
        { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } },
      ],
    };
    must(f.kubectl, ['apply', '-n', f.ns, '-f', '-'], JSON.stringify(helloService('env', spec)));
    must(f.kubectl, ['-n', f.ns, 'wait', '--for=condition=Ready', 'hs/env', '--timeout=120s']);
    const before = livePods('env');
    expect(before).toHaveLength(2);
    for (const pod of before) {
      expect(envIn(pod, 'API_TOKEN')).toBe('first');
      expect(envIn(pod, 'MODE')).toBe('fast');
    }

    const load = await ingressLoad(ingress, host, { maxMs: 120_000 });
    const t0 = Date.now();
    setSecret('api', 'second');
    try {
      await eventually(
        'every pod with the new Secret value',
        () => {
          const pods = livePods('env');
          const ready = pods.filter((p) =>
            (p.status?.conditions ?? []).some(
              (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
            ),
          );
          return pods.length === 2 &&
            ready.length === 2 &&
            pods.every((p) => envIn(p, 'API_TOKEN') === 'second')
            ? true
            : undefined;
        },
        90_000,
      );
    } finally {
      load.stop();
    }
    const samples = await load.samples;
    process.stdout.write(
      `[env] Secret changed → every pod on it after ${((Date.now() - t0) / 1000).toFixed(1)} s; ` +
        `${failures(samples).length} of ${samples.length} requests failed\n`,
    );
    expect(samples.length).toBeGreaterThan(20);
    expect(failures(samples)).toEqual([]);
    const names = new Set(before.map((p) => p.metadata.name));
    expect(livePods('env').some((p) => names.has(p.metadata.name))).toBe(false);
  }, 240_000);

  it('a missing Secret: Ready=False naming it, and the running pods stay', async () => {
    must(f.kubectl, ['-n', f.ns, 'wait', '--for=condition=Ready', 'hs/env', '--timeout=120s']);
    const running = livePods('env')
      .map((p) => p.metadata.name)
      .sort();
    const template = JSON.stringify(f.get('deployment', 'env')?.spec?.template);
    must(f.kubectl, [
      '-n',
      f.ns,
      'patch',
      'hs',
      'env',
      '--type=json',
      '-p',
      JSON.stringify([
        {
          op: 'add',
          path: '/spec/env/-',
          value: { name: 'EXTRA', valueFrom: { secretKeyRef: { name: 'nowhere', key: 'token' } } },
        },
      ]),
    ]);
    const generation = f.get('hs', 'env')?.metadata.generation;
    const ready = await eventually('Ready=False at the new generation', () => {
      const c = condition('env', 'Ready');
      return c?.status === 'False' && c.observedGeneration === generation ? c : undefined;
    });
    expect(ready.reason).toBe('EnvReferenceNotFound');
    expect(ready.message).toContain(`spec.env EXTRA: there is no Secret "nowhere" in namespace ${f.ns}`);
    expect(JSON.stringify(f.get('deployment', 'env')?.spec?.template)).toBe(template);
    expect(
      livePods('env')
        .map((p) => p.metadata.name)
        .sort(),
    ).toEqual(running);

    // Created, it is picked up without a change to the HelloService (the 30 s look).
    setSecret('nowhere', 'here');
    await eventually(
      'Ready again with the new variable',
      () =>
        condition('env', 'Ready')?.status === 'True' &&
        livePods('env').every((p) => envIn(p, 'EXTRA') === 'here')
          ? true
          : undefined,
      120_000,
    );
  }, 240_000);
});
