// An upgrade of the operator from the release before revisions, under load through the Ingress:
// that release kept one mutable ConfigMap per HelloService (named like it); this one names an
// immutable ConfigMap by each revision. The new operator rolls the pods once onto the new
// ConfigMap without a failed request, and deletes the old one once no pod reads it.
import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ingressLoad } from '../e2e/load.ts';
import { type Fixture, setUp } from './ha-fixture.ts';
import {
  eventually,
  helloService,
  installCrd,
  must,
  type Obj,
  repoRoot,
  sleep,
  tempDir,
} from './operator-process.ts';
import { expectServedThroughout } from './served-throughout.ts';

/** The last commit of the release before revisions (one mutable ConfigMap per HelloService). */
const BEFORE_REVISIONS = 'f9126e7';

/** That release's operator source and CRD in a directory of its own, sharing our node_modules. */
function checkOut(commit: string): { path: string; remove(): void } {
  const dir = tempDir();
  const archive = execFileSync('git', [
    '-C',
    repoRoot,
    'archive',
    commit,
    'operator',
    'crds',
    'package.json',
  ]);
  execFileSync('tar', ['-x', '-C', dir.path], { input: archive });
  // It runs with our dependencies (the same versions when this test was written).
  symlinkSync(join(repoRoot, 'node_modules'), join(dir.path, 'node_modules'));
  return dir;
}

describe('upgrade from the release before revisions', () => {
  const adminPath = inject('kubeconfig');
  const ingress = inject('ingressAddress');
  let f: Fixture;
  let before: { path: string; remove(): void };

  beforeAll(async () => {
    before = checkOut(BEFORE_REVISIONS);
    f = await setUp(adminPath, 'upg');
  });
  afterAll(async () => {
    if (f) installCrd(f.kubectl); // this release's CRD, whatever happened
    await f?.teardown();
    before?.remove();
  });

  it('under load: no failed request, the pods move onto an immutable ConfigMap, the mutable one goes', async () => {
    const message = 'Made by the release before revisions\n';
    const host = `up.${f.ns}.test`;
    installCrd(f.kubectl, before.path);
    const old = await f.start([], before.path);
    must(
      f.kubectl,
      ['apply', '-n', f.ns, '-f', '-'],
      JSON.stringify(helloService('up', { message, replicas: 2, ingress: { host, className: 'traefik' } })),
    );
    const ready = (hs: Obj | undefined) =>
      (hs?.status?.conditions as { type: string; status: string }[] | undefined)?.some(
        (c) => c.type === 'Ready' && c.status === 'True',
      ) && hs?.status?.observedGeneration === hs?.metadata.generation;
    await eventually('Ready under the release before', () => (ready(f.get('hs', 'up')) ? true : undefined));
    const legacy = f.get('configmap', 'up');
    expect(legacy?.data?.MESSAGES).toBe(message);
    expect(legacy?.immutable).toBeUndefined();
    const load = await ingressLoad(ingress, host, { maxMs: 240_000, accept: 'application/json' });
    try {
      await sleep(2000);
      // The upgrade, in its documented order: the CRD first, then the operator.
      await old.stop();
      installCrd(f.kubectl);
      await f.start();
      const upgraded = await eventually(
        'Ready with a revision, the old ConfigMap gone',
        () => {
          const hs = f.get('hs', 'up');
          return ready(hs) && hs?.status?.latestReadyRevision && !f.get('configmap', 'up') ? hs : undefined;
        },
        180_000,
      );
      const current = f.get('configmap', upgraded.status?.latestReadyRevision as string);
      expect(current?.immutable).toBe(true);
      expect(current?.data?.MESSAGES).toBe(message);
      await sleep(3000);
    } finally {
      load.stop();
    }
    const samples = await load.samples;
    expectServedThroughout(samples, [message]);
  });
});
