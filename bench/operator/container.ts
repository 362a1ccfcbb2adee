// The operator's container, as far as memory goes: the Node flags of Dockerfile.operator's
// ENTRYPOINT and the memory limit of deploy/'s Deployment, applied with a memory cgroup. Node sizes
// its heap from the cgroup's limit (as in the pod), so the peak RSS measured here is the one the
// pod would have, and a run that would be OOM-killed in the pod is killed here too.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parseQuantity } from '../../operator/api/quantity.ts';
import { repoRoot } from '../../test/cluster/paths.ts';

/** The Node flags between the node binary and the bundle in an exec-form ENTRYPOINT. */
export function entrypointNodeArgs(dockerfile: string): string[] {
  const line = dockerfile.split('\n').find((l) => l.startsWith('ENTRYPOINT '));
  if (!line) throw new Error('Dockerfile.operator has no ENTRYPOINT');
  const argv = JSON.parse(line.slice('ENTRYPOINT '.length)) as string[];
  return argv.slice(1, -1);
}

/** limits.memory of the Deployment's first container, in bytes. */
export function deploymentMemoryLimit(deploymentYaml: string): number {
  const deployment = parseAllDocuments(deploymentYaml)
    .map((d) => d.toJS() as { kind?: string; spec?: { template: { spec: { containers: unknown[] } } } })
    .find((o) => o.kind === 'Deployment');
  const container = deployment?.spec?.template.spec.containers[0] as
    | { resources?: { limits?: { memory?: string } } }
    | undefined;
  const limit = container?.resources?.limits?.memory;
  const bytes = limit === undefined ? undefined : parseQuantity(limit);
  if (bytes === undefined) throw new Error('the Deployment has no memory limit');
  return bytes;
}

export type MemoryCgroup = { procs: string; limitBytes: number; remove(): void };

/**
 * A memory cgroup (v1 or v2) limited to `limitBytes`, or undefined where none can be made (not
 * root, no memory controller): the run then says it is unconstrained.
 */
export function memoryCgroup(name: string, limitBytes: number): MemoryCgroup | undefined {
  const v1 = '/sys/fs/cgroup/memory';
  const v2 = '/sys/fs/cgroup';
  const isV2 = !existsSync(v1) && existsSync(join(v2, 'cgroup.controllers'));
  const dir = join(isV2 ? v2 : v1, name);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, isV2 ? 'memory.max' : 'memory.limit_in_bytes'), String(limitBytes));
  } catch {
    return undefined;
  }
  return {
    procs: join(dir, 'cgroup.procs'),
    limitBytes,
    remove: () => {
      try {
        rmdirSync(dir);
      } catch {}
    },
  };
}

/** argv that moves itself into the cgroup, then execs `argv` (the pid stays the same). */
export function inCgroup(cgroup: MemoryCgroup | undefined, argv: string[]): string[] {
  if (!cgroup) return argv;
  return ['/bin/sh', '-c', 'echo $$ > "$0" && exec "$@"', cgroup.procs, ...argv];
}

/** A file of this repository, by its path from the root. */
export function readRepoFile(path: string): string {
  return readFileSync(join(repoRoot, path), 'utf8');
}
