// The floor: the children `render` gives for the same HelloServices, applied straight to the API
// server with server-side apply, as fast as it takes them. Two ways: several `kubectl apply
// --server-side` processes on batches (what the issue names), or server-side apply PATCH requests
// at bounded concurrency on one keep-alive client (no kubectl start-up, discovery or per-process
// TLS handshakes: the faster, hence the stricter, floor).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PatchStrategy } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { HttpMethod, type KubeClient, resourcePath } from '../../operator/kube/rest.ts';
import type { Child } from '../../operator/resources/children.ts';
import { CHILD_KINDS } from '../../operator/resources/children.ts';
import { kubectlBinary } from '../../test/operator/operator-process.ts';

export type FloorMethod = 'kubectl' | 'patch';

/** Runs `fn` over `items` with at most `limit` at once. */
export async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Groups children by their HelloService (namespace + app.kubernetes.io/instance), keeping apply order. */
export function byOwner(children: Child[]): Child[][] {
  const groups = new Map<string, Child[]>();
  for (const c of children) {
    const key = `${c.metadata.namespace ?? ''}/${c.metadata.labels?.['app.kubernetes.io/instance'] ?? c.metadata.name}`;
    const g = groups.get(key);
    if (g) g.push(c);
    else groups.set(key, [c]);
  }
  return [...groups.values()];
}

export async function applyWithKubectl(
  kubeconfig: string,
  groups: Child[][],
  processes: number,
  dir: string,
): Promise<void> {
  const batches: Child[][] = Array.from({ length: processes }, () => []);
  groups.forEach((g, i) => {
    batches[i % processes]?.push(...g);
  });
  const files = batches
    .filter((b) => b.length > 0)
    .map((b, i) => {
      const file = join(dir, `floor-${i}.yaml`);
      writeFileSync(file, b.map((c) => `---\n${stringify(c, { lineWidth: 0 })}`).join(''));
      return file;
    });
  await Promise.all(
    files.map(
      (file) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(
            kubectlBinary(),
            [
              '--kubeconfig',
              kubeconfig,
              'apply',
              '--server-side',
              '--field-manager=hello-operator',
              '--force-conflicts',
              '-o',
              'name',
              '-f',
              file,
            ],
            { stdio: ['ignore', 'ignore', 'pipe'] },
          );
          let err = '';
          child.stderr.setEncoding('utf8').on('data', (d: string) => {
            err += d;
          });
          child.on('error', reject);
          child.on('exit', (code) =>
            code === 0
              ? resolve()
              : reject(new Error(`kubectl apply ${file}: ${code}\n${err.slice(0, 2000)}`)),
          );
        }),
    ),
  );
}

export async function applyWithPatch(
  client: KubeClient,
  groups: Child[][],
  concurrency: number,
): Promise<void> {
  await pool(groups, concurrency, async (g) => {
    for (const c of g) {
      const info = CHILD_KINDS.find((k) => k.kind === c.kind);
      if (!info) throw new Error(`unknown kind ${c.kind}`);
      await client.request(
        HttpMethod.PATCH,
        resourcePath(info.apiVersion, info.plural, c.metadata.namespace, c.metadata.name),
        {
          query: { fieldManager: 'hello-operator', force: true },
          body: c,
          contentType: PatchStrategy.ServerSideApply,
        },
      );
    }
  });
}
