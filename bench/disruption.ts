// npm run bench:disruption — disruptions on several real nodes (test/cluster/node.sh), as a platform
// team would try them, BENCH_RUNS times (3): a HelloService of 2 replicas on the two worker nodes,
// under a steady load through the Ingress (20 req/s, loopback only), then
//   drain   kubectl drain of one pod's node → failed requests, seconds until 2 pods are ready again
//   lost    that node killed (kubelet, containerd, containers) with the HelloService's
//           nodeLossToleranceSeconds (30) and with Kubernetes' default (300) → failed requests,
//           seconds until full capacity on the other nodes
// Medians at the end. The local cluster only (`npm run cluster:up`): it adds nodes 2 and 3 and
// removes them after. The operator runs in the cluster (deploy/), confined to a namespace of its own.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { eventually } from '../test/cluster/kube.ts';
import { addNodes, killNode, removeNodes, restartNode } from '../test/cluster/nodes.ts';
import { ingressAddressPath, realKubeconfigPath } from '../test/cluster/paths.ts';
import { installInCluster } from '../test/e2e/in-cluster-operator.ts';
import { failures, ingressLoad } from '../test/e2e/load.ts';
import { helloService, kubectlFor, must, type Obj } from '../test/operator/operator-process.ts';
import { align, median } from './report.ts';

const runs = Number(process.env.BENCH_RUNS ?? 3);
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`BENCH_RUNS must be a positive integer, not ${runs}`);
if (process.env.HELLO_KUBECONFIG || !existsSync(realKubeconfigPath)) {
  process.stderr.write(
    'bench:disruption: needs the local cluster (npm run cluster:up); it adds nodes to it\n',
  );
  process.exit(2);
}
const NODES = 3;
const CONTROL_PLANE = 'hello-node';
const ingress = readFileSync(ingressAddressPath, 'utf8').trim();
const progress = (line: string) => process.stdout.write(`[bench:disruption] ${line}\n`);
const kubectl = kubectlFor(realKubeconfigPath);

type Case = 'drain' | 'lost, tolerance 30 s (ours)' | 'lost, tolerance 300 s (Kubernetes default)';
type Result = { what: Case; failed: number; requests: number; seconds: number };

progress(`adding nodes 2..${NODES}`);
addNodes(NODES);
const suffix = randomBytes(3).toString('hex');
progress('installing the operator in-cluster');
const op = installInCluster(kubectl, 'disrupt', suffix);
const ns = op.ns;

const podsOf = (name: string) =>
  (
    JSON.parse(
      must(kubectl, ['-n', ns, 'get', 'pods', '-l', `app.kubernetes.io/instance=${name}`, '-o', 'json']),
    ) as { items: (Obj & { metadata: { deletionTimestamp?: string } })[] }
  ).items.filter((p) => !p.metadata.deletionTimestamp);
const ready = (p: Obj) =>
  (p.status?.conditions ?? []).some(
    (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
  );
/** Two ready pods, none on `avoid`. */
const fullCapacity = (name: string, avoid: string) => () => {
  const pods = podsOf(name).filter((p) => ready(p) && p.spec?.nodeName !== avoid);
  return pods.length === 2 ? pods : undefined;
};

/** A HelloService of 2 replicas on the worker nodes, the load through its Ingress, then `disrupt`. */
async function measure(
  what: Case,
  run: number,
  tolerance: number,
  disrupt: (node: string) => void,
): Promise<Result> {
  const name = `d${run}-${what.split(',')[0]}-${tolerance}`;
  const host = `${name}-${suffix}.disrupt.test`;
  kubectl(['cordon', CONTROL_PLANE]);
  try {
    must(
      kubectl,
      ['-n', ns, 'apply', '-f', '-'],
      JSON.stringify(
        helloService(name, {
          replicas: 2,
          nodeLossToleranceSeconds: tolerance,
          ingress: { host, className: 'traefik' },
        }),
      ),
    );
    await eventually(`${name} on the workers`, () => {
      const pods = podsOf(name);
      return pods.length === 2 && pods.every(ready) ? pods : undefined;
    });
  } finally {
    kubectl(['uncordon', CONTROL_PLANE]);
  }
  const node = podsOf(name)[0]?.spec?.nodeName as string;
  const load = await ingressLoad(ingress, host, { maxMs: 900_000 });
  await new Promise((r) => setTimeout(r, 2000));
  const t0 = performance.now();
  disrupt(node);
  await eventually(`${name}: 2 ready pods off ${node}`, fullCapacity(name, node), 900_000, 200);
  const seconds = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 2000));
  load.stop();
  const samples = await load.samples;
  const result = { what, failed: failures(samples).length, requests: samples.length, seconds };
  progress(
    `run ${run}, ${what}: ${seconds.toFixed(1)} s to full capacity, ${result.failed} of ${result.requests} failed`,
  );
  must(kubectl, ['-n', ns, 'delete', 'hs', name, '--wait=false']);
  return result;
}

const nodeIndex = (node: string) => Number(node.replace('hello-node-', ''));
const results: Result[] = [];
try {
  for (let run = 1; run <= runs; run++) {
    results.push(
      await measure('drain', run, 30, (node) => {
        must(kubectl, ['drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=300s']);
        kubectl(['uncordon', node]);
      }),
    );
    for (const [what, tolerance] of [
      ['lost, tolerance 30 s (ours)', 30],
      ['lost, tolerance 300 s (Kubernetes default)', 300],
    ] as const) {
      let lost: number | undefined;
      try {
        results.push(
          await measure(what, run, tolerance, (node) => {
            lost = nodeIndex(node);
            killNode(lost);
          }),
        );
      } finally {
        if (lost !== undefined) restartNode(lost);
      }
    }
  }
} finally {
  progress('removing the operator and nodes 2..3');
  op.uninstall();
  removeNodes(NODES);
}

const cases = [...new Set(results.map((r) => r.what))];
const rows = [
  ['disruption', 'runs', 'to full capacity s (median)', 'failed requests (median)', 'of requests (median)'],
  ...cases.map((what) => {
    const mine = results.filter((r) => r.what === what);
    return [
      what,
      String(mine.length),
      median(mine.map((r) => r.seconds)).toFixed(1),
      String(median(mine.map((r) => r.failed))),
      String(median(mine.map((r) => r.requests))),
    ];
  }),
];
process.stdout.write(
  `\nDisruptions on ${NODES} real nodes, 20 req/s through the Ingress\n\n${align(rows)}\n`,
);
