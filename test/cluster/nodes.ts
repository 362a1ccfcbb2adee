// The real nodes beyond the first (test/cluster/node.sh), for the tests that need several: they ask
// for them and remove them when done, so the other tests keep their one node.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths.ts';

const script = join(repoRoot, 'test', 'cluster', 'node.sh');
const node = (verb: 'up' | 'down' | 'kill', i: number) =>
  execFileSync('bash', [script, verb, String(i)], { stdio: ['ignore', 'inherit', 'inherit'] });

/** The names of nodes 2..n. */
export const extraNodeNames = (n: number) => Array.from({ length: n - 1 }, (_, k) => `hello-node-${k + 2}`);

/** Starts nodes 2..n (those running stay); resolves when all are Ready. */
export function addNodes(n: number): void {
  for (let i = 2; i <= n; i++) node('up', i);
}

/** Removes nodes 2..n: their pods, containers, processes, mounts, bridges and Node objects. */
export function removeNodes(n: number): void {
  for (let i = 2; i <= n; i++) node('down', i);
}

/** Stops node i abruptly (kubelet, containerd, every container), as when its machine dies. */
export function killNode(i: number): void {
  node('kill', i);
}

/** Brings node i back as new (after a kill): removed, then started again. */
export function restartNode(i: number): void {
  node('down', i);
  node('up', i);
}
