// npm run bench:e2e — the whole product on the real node, as a user meets it, several times over:
// the operator installed in-cluster from deploy/ (confined to namespaces of its own, as in the e2e
// tests), then per run: apply a HelloService → Ready; change its message under a steady load through
// the Ingress → first and last pod serving it, failed requests; failing changes → Stalled, and with
// spec.rollout.autoRollback → every pod back on the previous revision; req/s through the Ingress beside
// req/s straight to a pod. Medians at the end. Loopback and the node's bridge only, bounded in time.
// Settings (env): BENCH_RUNS (3), BENCH_RATE (40 req/s during the change), BENCH_SECONDS (5 s per
// throughput measurement), BENCH_CONNECTIONS (16). The cluster: HELLO_KUBECONFIG and
// HELLO_INGRESS_ADDRESS, else the local one (`npm run cluster:up`; `npm run images` first when the
// operator or workload changed).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { eventually, httpGet } from '../test/cluster/kube.ts';
import { ingressAddressPath, realKubeconfigPath } from '../test/cluster/paths.ts';
import { installInCluster } from '../test/e2e/in-cluster-operator.ts';
import { failures, runLoad, throughput } from '../test/e2e/load.ts';
import { changeMessageUnderLoad, everyPodServes } from '../test/e2e/message-rollout.ts';
import { kubectlFor, must, type Obj } from '../test/operator/operator-process.ts';
import { type E2eRun, formatE2eReport } from './e2e-report.ts';

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, not ${raw}`);
  return n;
}

const runs = positive('BENCH_RUNS', 3);
const rate = positive('BENCH_RATE', 40);
const seconds = positive('BENCH_SECONDS', 5);
const connections = positive('BENCH_CONNECTIONS', 16);
const kubeconfig = process.env.HELLO_KUBECONFIG ?? realKubeconfigPath;
if (!existsSync(kubeconfig)) {
  process.stderr.write(
    `bench:e2e: no cluster at ${kubeconfig}: run npm run cluster:up (or set HELLO_KUBECONFIG)\n`,
  );
  process.exit(2);
}
const ingress =
  process.env.HELLO_INGRESS_ADDRESS ??
  (existsSync(ingressAddressPath) ? readFileSync(ingressAddressPath, 'utf8').trim() : '127.0.0.1:30080');
const progress = (line: string) => process.stdout.write(`[bench:e2e] ${line}\n`);

const kubectl = kubectlFor(kubeconfig);
const suffix = randomBytes(3).toString('hex');
progress(`installing the operator in-cluster (namespaces e2e-bench-op-${suffix}, e2e-bench-hs-${suffix})`);
const op = installInCluster(kubectl, 'e2e-bench', suffix);
const ns = op.ns;
const stopOnSignal = () => {
  op.uninstall();
  process.exit(130);
};
process.once('SIGINT', stopOnSignal);
process.once('SIGTERM', stopOnSignal);

async function oneRun(i: number): Promise<E2eRun> {
  const name = `bench-${i}`;
  const host = `${name}-${suffix}.e2e.test`;
  const first = `Hello from run ${i} ✓\n`;
  const second = `Changed in run ${i} 🚀\n`;
  const t0 = performance.now();
  must(
    kubectl,
    ['-n', ns, 'apply', '-f', '-'],
    JSON.stringify({
      apiVersion: 'hello.operators.dev/v1alpha1',
      kind: 'HelloService',
      metadata: { name },
      spec: { message: first, ingress: { host, className: 'traefik' } },
    }),
  );
  await eventually(
    `${name} Ready`,
    () => {
      const hs = JSON.parse(must(kubectl, ['-n', ns, 'get', 'hs', name, '-o', 'json'])) as Obj;
      const conditions = (hs.status?.conditions ?? []) as { type: string; status: string }[];
      return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
    },
    180_000,
    100,
  );
  const applyToReadyS = (performance.now() - t0) / 1000;
  progress(`run ${i}: apply → Ready ${applyToReadyS.toFixed(2)} s`);
  await eventually('the Ingress route', async () => (await httpGet(ingress, '/', host)).status === 200);

  const change = await changeMessageUnderLoad({
    kubectl,
    ns,
    name,
    oldMessage: first,
    newMessage: second,
    target: { address: ingress, host, path: '/' },
    rate,
    concurrency: 4,
    maxMs: 150_000,
  });
  progress(
    `run ${i}: message change → first pod ${change.firstPodS.toFixed(2)} s, last pod ${change.lastPodS.toFixed(2)} s, ` +
      `${change.failed.length} of ${change.samples.length} requests failed`,
  );

  const failing = await failingChanges(name, second);

  const pod = (
    JSON.parse(
      must(kubectl, ['-n', ns, 'get', 'pods', '-l', `app.kubernetes.io/instance=${name}`, '-o', 'json']),
    ) as { items: Obj[] }
  ).items.find(
    // A pod of the finished rollout: Ready and not on its way out (the old ones drain for a while).
    (p) =>
      p.status?.podIP &&
      !(p.metadata as { deletionTimestamp?: string }).deletionTimestamp &&
      (p.status?.conditions ?? []).some(
        (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
      ),
  );
  const podAddress = `${pod?.status?.podIP}:${pod?.spec?.containers[0].ports[0].containerPort}`;
  const measure = async (what: string, target: { address: string; host?: string }) => {
    const samples = await runLoad(
      { ...target, path: '/' },
      { rate: 0, concurrency: connections, maxMs: seconds * 1000 },
    );
    const failed = failures(samples).length;
    if (failed > 0) progress(`run ${i}: ${failed} failed requests ${what}`);
    return throughput(samples);
  };
  const ingressRps = await measure('through the Ingress', { address: ingress, host });
  const podRps = await measure('straight to a pod', { address: podAddress });
  progress(
    `run ${i}: ${ingressRps.toFixed(0)} req/s through the Ingress, ${podRps.toFixed(0)} straight to a pod`,
  );

  must(kubectl, ['-n', ns, 'delete', 'hs', name, '--wait=false']);
  return {
    applyToReadyS,
    firstPodS: change.firstPodS,
    lastPodS: change.lastPodS,
    failed: change.failed.length,
    requestsDuringChange: change.samples.length,
    ...failing,
    ingressRps,
    podRps,
  };
}

/** An image no node can pull. */
const UNPULLABLE = 'localhost/hello-does-not-exist:1';
/** An image that starts and exits at once in a workload pod: the operator's, without a kubeconfig. */
const CRASHING = 'localhost/hello-operator:dev';

/**
 * Changes that fail, each from `good` (what every pod serves now): without autoRollback until
 * Stalled=True; with it, until every pod serves `good` again (an image nothing can pull, then one
 * whose pods crash-loop). Seconds from each change.
 */
async function failingChanges(
  name: string,
  good: string,
): Promise<Pick<E2eRun, 'stalledS' | 'rollbackS' | 'crashRollbackS'>> {
  const get = () => JSON.parse(must(kubectl, ['-n', ns, 'get', 'hs', name, '-o', 'json'])) as Obj;
  const patch = (spec: Record<string, unknown>) => {
    must(kubectl, ['-n', ns, 'patch', 'hs', name, '--type=merge', '-p', JSON.stringify({ spec })]);
    return performance.now();
  };
  const stalled = (hs: Obj) =>
    hs.status?.observedGeneration === hs.metadata.generation &&
    ((hs.status?.conditions ?? []) as { type: string; status: string }[]).some(
      (c) => c.type === 'Stalled' && c.status === 'True',
    );
  const servesGood = async () =>
    stalled(get()) && (await everyPodServes(kubectl, ns, name, good)) !== undefined;
  const timed = async (what: string, t0: number, done: () => boolean | Promise<boolean>) => {
    await eventually(what, async () => ((await done()) ? true : undefined), 300_000, 200);
    return (performance.now() - t0) / 1000;
  };

  const deadline = { progressDeadlineSeconds: 10 };
  const stalledS = await timed(
    `${name} Stalled`,
    patch({ message: `${good}stuck\n`, image: UNPULLABLE, rollout: deadline }),
    () => stalled(get()),
  );
  patch({ message: good, image: null });
  await eventually(`${name} back on its message`, () => everyPodServes(kubectl, ns, name, good), 180_000);
  const rollbackS = await timed(
    `${name} rolled back from an image nothing can pull`,
    patch({
      message: `${good}stuck again\n`,
      image: UNPULLABLE,
      rollout: { ...deadline, autoRollback: true },
    }),
    servesGood,
  );
  const crashRollbackS = await timed(
    `${name} rolled back from a crash loop`,
    patch({ message: `${good}crashing\n`, image: CRASHING, rollout: { autoRollback: true } }),
    servesGood,
  );
  progress(
    `run ${name}: failing change → Stalled ${stalledS.toFixed(2)} s; with autoRollback, back on the previous ` +
      `revision ${rollbackS.toFixed(2)} s (image nothing can pull), ${crashRollbackS.toFixed(2)} s (crash loop)`,
  );
  patch({ message: good, image: null, rollout: { autoRollback: false } });
  await eventually(`${name} back on its message`, () => everyPodServes(kubectl, ns, name, good), 180_000);
  return { stalledS, rollbackS, crashRollbackS };
}

const results: E2eRun[] = [];
try {
  for (let i = 1; i <= runs; i++) results.push(await oneRun(i));
} finally {
  progress('removing the operator and the namespaces');
  op.uninstall();
}
process.stdout.write(
  `\nThe whole product on the real node: ${runs} runs, ${rate} req/s through the Ingress during each change, ` +
    `${seconds} s with ${connections} connections per throughput measurement\n\n${formatE2eReport(results)}\n`,
);
