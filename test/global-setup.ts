// Vitest global setup of the `cluster` project: one real-node cluster shared by every test file.
//
// - HELLO_KUBECONFIG=path: use that cluster as it is; nothing is started or stopped. Tests that need
//   the ingress read HELLO_INGRESS_ADDRESS (host:port), else .cluster/ingress-address.
// - otherwise: `test/cluster/build.sh` builds what is missing, then `test/cluster/up.sh` starts the
//   real node, or reuses a healthy one that is already running, and loads our images. A cluster this run started is
//   stopped at the end (cluster:down) unless HELLO_KEEP_CLUSTER=1; one it found running is left running.
// - either way: an operator installed in the cluster that watches every namespace stops the run
//   (test/cluster/operator-guard.ts); `npm start`'s (deploy/local) watches `default` only.
import { existsSync, readFileSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { refuseUnconfinedOperators } from './cluster/operator-guard.ts';
import { ingressAddressPath, realKubeconfigPath } from './cluster/paths.ts';
import { runScript } from './cluster/run-script.ts';
import { slotServer } from './cluster/slots.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
    ingressAddress: string;
  }
}

function wasRunning(): boolean {
  // The machine-wide marker up.sh writes (see test/cluster/node.env).
  return existsSync('/var/lib/hello-operator/mode');
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  project.provide('slots', slotServer());
  const given = process.env.HELLO_KUBECONFIG;
  if (given) {
    project.provide('kubeconfig', given);
    const address =
      process.env.HELLO_INGRESS_ADDRESS ??
      (existsSync(ingressAddressPath) ? readFileSync(ingressAddressPath, 'utf8').trim() : '');
    project.provide('ingressAddress', address);
    refuseUnconfinedOperators(given);
    return undefined;
  }
  const started = !wasRunning();
  const t0 = Date.now();
  await runScript('build.sh'); // everything missing, the manifest linters too
  await runScript('up.sh');
  console.error(
    `[cluster] ready after ${Math.round((Date.now() - t0) / 1000)} s (${started ? 'started' : 'reused'})`,
  );
  refuseUnconfinedOperators(realKubeconfigPath);
  project.provide('kubeconfig', realKubeconfigPath);
  project.provide('ingressAddress', readFileSync(ingressAddressPath, 'utf8').trim());
  if (!started || process.env.HELLO_KEEP_CLUSTER === '1') return undefined;
  return async () => {
    await runScript('down.sh', ['real']);
  };
}
