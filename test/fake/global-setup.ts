// Vitest global setup of the `fake` project: a kwokctl cluster with fake kwok nodes, beside the real
// node if one runs. Its kubeconfig goes to .cluster/fake-kubeconfig so the real cluster's stays.
// HELLO_FAKE_KUBECONFIG=path uses a fake-node cluster that is already there. One this run started
// is deleted at the end unless HELLO_KEEP_CLUSTER=1.
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { fakeKubeconfigPath } from '../cluster/paths.ts';
import { runScript } from '../cluster/run-script.ts';
import { slotServer } from '../cluster/slots.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    fakeKubeconfig: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  project.provide('slots', slotServer());
  const given = process.env.HELLO_FAKE_KUBECONFIG;
  if (given) {
    project.provide('fakeKubeconfig', given);
    return undefined;
  }
  const started = !existsSync('/var/lib/hello-operator-fake');
  const t0 = Date.now();
  await runScript('up-fake.sh', ['3'], { HELLO_KUBECONFIG_OUT: fakeKubeconfigPath });
  console.error(`[fake] ready after ${Math.round((Date.now() - t0) / 1000)} s`);
  project.provide('fakeKubeconfig', fakeKubeconfigPath);
  if (!started || process.env.HELLO_KEEP_CLUSTER === '1') return undefined;
  return async () => {
    await runScript('down.sh', ['fake']);
  };
}
