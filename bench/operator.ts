// npm run bench:operator -- [N]   (default 1000)
// On kwok fake-node clusters (a new one per part, started here, or BENCH_KUBECONFIG=<path> for one
// already up), three parts one after the other for N HelloServices created at once: our operator
// (its esbuild bundle, own process), the Go twin (bench/go/operator: controller-runtime doing the
// same job, built into the cache by twin.ts), and the floor (the same children rendered by `render`
// and applied straight with server-side apply). Each is timed until everything is applied and
// Ready, held at steady state, then every message is changed at once (phase 2) and timed until
// every HelloService is Ready at the new generation. Prints progress, then the table
// (bench/operator/summary.ts). Loopback only; fake pod IPs are never dialled.
// Settings (env): BENCH_PARTS (operator,twin,floor: a subset, run in that order), BENCH_NAMESPACES
// (N/100, 1..10), BENCH_CREATE_CONCURRENCY (32, phase 2's patches too), BENCH_STEADY_SECONDS (30),
// BENCH_FLOOR=patch|kubectl|none (patch; none: as without floor in BENCH_PARTS),
// BENCH_FLOOR_PROCS (8, kubectl), BENCH_FLOOR_CONCURRENCY (32, patch), BENCH_OPERATOR_ARGS (extra
// operator flags), BENCH_TWIN_ARGS (extra twin flags), BENCH_TWIN_ENV (e.g. "GOGC=50"),
// BENCH_CPU_PROF=<dir> (profile the operator), BENCH_NODE_ARGS (Node flags for the operator instead
// of the image's, e.g. "" for V8's defaults), BENCH_MEMORY_LIMIT=none (no memory cgroup with the
// Deployment's limit), BENCH_TIMEOUT_SECONDS (900), BENCH_KEEP_CLUSTER=1.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { API_VERSION, KIND, PLURAL } from '../operator/api/schema.ts';
import { HttpMethod, KubeClient, resourcePath } from '../operator/kube/rest.ts';
import { render } from '../operator/render.ts';
import { CHILD_KINDS } from '../operator/resources/children.ts';
import { MANAGED_BY, MANAGED_BY_LABEL } from '../operator/resources/labels.ts';
import { runScript } from '../test/cluster/run-script.ts';
import { installCrd, kubectlFor, metric, scrape } from '../test/operator/operator-process.ts';
import { applyWithKubectl, applyWithPatch, byOwner, type FloorMethod, pool } from './operator/floor.ts';
import { type Operator, startOperator, waitReady } from './operator/operator.ts';
import { Sampler, sample } from './operator/proc.ts';
import {
  histogramQuantile,
  RequestRecorder,
  type RequestStats,
  requestStats,
  requestsBetween,
} from './operator/requests.ts';
import { type FloorRun, formatReport, type OperatorRun } from './operator/summary.ts';
import { Tracker } from './operator/tracker.ts';
import { startTwin, twinBinary, writeRenderedChildren } from './operator/twin.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const n = positive('N', Number(process.argv[2] ?? 1000));
const namespaces = int('BENCH_NAMESPACES', Math.max(1, Math.min(10, Math.ceil(n / 100))));
const createConcurrency = int('BENCH_CREATE_CONCURRENCY', 32);
const steadyS = int('BENCH_STEADY_SECONDS', 30);
const floorMethod = (process.env.BENCH_FLOOR ?? 'patch') as FloorMethod | 'none';
type Part = 'operator' | 'twin' | 'floor';
const parts = new Set(
  (process.env.BENCH_PARTS ?? 'operator,twin,floor')
    .split(',')
    .map((p) => p.trim())
    .filter((p): p is Part => {
      if (p === 'operator' || p === 'twin' || p === 'floor') return true;
      throw new Error(`BENCH_PARTS: unknown part ${JSON.stringify(p)} (operator, twin, floor)`);
    }),
);
if (floorMethod === 'none') parts.delete('floor');
const floorProcs = int('BENCH_FLOOR_PROCS', 8);
const floorConcurrency = int('BENCH_FLOOR_CONCURRENCY', 32);
const timeoutMs = int('BENCH_TIMEOUT_SECONDS', 900) * 1000;
const workloadImage = 'localhost/hello-workload:dev';

function int(name: string, fallback: number): number {
  const raw = process.env[name];
  return raw === undefined ? fallback : positive(name, Number(raw));
}
function positive(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer`);
  return v;
}

// Interrupted: the operator must not outlive the run (namespaces named bench-* may stay behind).
let running: { process: { kill(signal: NodeJS.Signals): boolean } } | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    running?.process.kill('SIGKILL');
    process.exit(130);
  });
}

const t00 = performance.now();
function progress(line: string): void {
  process.stdout.write(`[bench ${((performance.now() - t00) / 1000).toFixed(0).padStart(4)}s] ${line}\n`);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const secs = (a: number, b: number) => (b - a) / 1000;

/** The benchmark's HelloServices: hello-<i>, spread over the namespaces, the smallest spec. */
function helloServices(prefix: string) {
  return Array.from({ length: n }, (_, i) => ({
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: { name: `hello-${i}`, namespace: `${prefix}-${i % namespaces}` },
    spec: { message: `Hello from ${i}` },
  }));
}
type HelloServiceSpec = ReturnType<typeof helloServices>[number];

/** Phase 2's message: every HelloService's changes, so every Deployment rolls. */
const secondMessage = (hs: HelloServiceSpec) => hs.spec.message.replace('Hello from', 'Hello again from');
const withSecondMessage = (hs: HelloServiceSpec): HelloServiceSpec => ({
  ...hs,
  spec: { message: secondMessage(hs) },
});

async function createNamespaces(client: KubeClient, prefix: string): Promise<string[]> {
  const names = Array.from({ length: namespaces }, (_, i) => `${prefix}-${i}`);
  for (const name of names) {
    await client.request(HttpMethod.POST, '/api/v1/namespaces', {
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
    });
  }
  return names;
}

async function deleteNamespaces(client: KubeClient, names: string[], wait: boolean): Promise<number> {
  const t0 = performance.now();
  for (const name of names) {
    try {
      await client.request(HttpMethod.DELETE, `/api/v1/namespaces/${name}`);
    } catch {}
  }
  if (!wait) return 0;
  for (;;) {
    const left = (
      await Promise.all(names.map((ns) => client.getOptional(`/api/v1/namespaces/${ns}`)))
    ).filter(Boolean).length;
    if (left === 0) return secs(t0, performance.now());
    if (performance.now() - t0 > 600_000) throw new Error('namespaces not gone after 10 min');
    await sleep(1000);
  }
}

/** Expected number of objects per child kind: what render gives for these HelloServices. */
function expectedCounts(children: { kind: string }[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const c of children) m.set(c.kind, (m.get(c.kind) ?? 0) + 1);
  return m;
}

function childKinds(expected: Map<string, number>) {
  return CHILD_KINDS.filter((k) => expected.has(k.kind));
}

function allApplied(t: Tracker, expected: Map<string, number>): boolean {
  for (const [kind, count] of expected) if (t.count(kind) < count) return false;
  return true;
}

function childCount(t: Tracker, expected: Map<string, number>): number {
  let sum = 0;
  for (const kind of expected.keys()) sum += t.count(kind);
  return sum;
}

/** Request statistics per HelloService, and their p50/p99 in ms. */
function requestFigures(window: RequestStats) {
  return {
    requestsPerHs: Object.fromEntries(
      [...window.byVerb].filter(([, c]) => c > 0).map(([v, c]) => [v, c / n]),
    ),
    p50Ms: 1000 * histogramQuantile(window.buckets, 0.5),
    p99Ms: 1000 * histogramQuantile(window.buckets, 0.99),
  };
}

type Cluster = { kc: KubeConfig; client: KubeClient; kubeconfig: string };

/**
 * One operator's part, ours or the twin: start it, create the HelloServices, wait until every
 * child is applied and every HelloService Ready, hold the steady state, then change every message
 * and wait until every HelloService is Ready at the new generation.
 */
async function runController(
  which: 'operator' | 'twin',
  cluster: Cluster,
  start: (hs: HelloServiceSpec[]) => Promise<Operator>,
  toCleanUp: string[],
): Promise<OperatorRun> {
  const { kc, client } = cluster;
  const tag = which === 'operator' ? 'op' : 'twin';
  const prefix = `bench-${tag}-${runId}`;
  const hs = helloServices(prefix);
  const rendered = render(hs.map((h) => `---\n${stringify(h)}`).join(''), undefined);
  if (!rendered.ok) throw new Error(rendered.errors.join('\n'));
  const expected = expectedCounts(rendered.children);
  progress(
    `${tag} run: ${n} HelloServices in ${namespaces} namespaces, ${rendered.children.length} children ` +
      `(${[...expected].map(([k, c]) => `${c} ${k}`).join(', ')})`,
  );
  toCleanUp.push(...(await createNamespaces(client, prefix)));
  const tracker = new Tracker(kc, (ns) => ns.startsWith(`${prefix}-`));
  await tracker.start(childKinds(expected), selector, hsKind);
  const op = await start(hs);
  running = op;
  const sampler = new Sampler(op.pid);
  await waitReady(op.healthAddress);
  const limit = op.memoryLimitBytes
    ? `memory limit ${op.memoryLimitBytes / 2 ** 20} MiB (the Deployment's, by a memory cgroup)`
    : 'no memory limit';
  // Sampled now: a process ready within the sampler's first period was last sampled as it started.
  progress(
    `${tag} pid ${op.pid} ready (caches synced), ${sample(op.pid)?.rssMiB.toFixed(0)} MiB RSS, ${limit}`,
  );

  let created = 0;
  const t0 = performance.now();
  const before = await scrape(op.metricsAddress);
  const ticker = setInterval(() => {
    void scrape(op.metricsAddress)
      .then((m) => {
        progress(
          `${tag} ${secs(t0, performance.now()).toFixed(1)} s: created ${created}/${n}, children ` +
            `${childCount(tracker, expected)}/${rendered.children.length}, Deployments available ` +
            `${tracker.available.size}, Ready ${tracker.ready.size}/${n}, Ready at generation 2 ` +
            `${Tracker.atLeast(tracker.readyAtGeneration, 2)}, writes ${metric(m, 'hello_operator_api_writes_total')}, ` +
            `reconciles ${metric(m, 'controller_runtime_reconcile_total')}, queue ${metric(m, 'workqueue_depth')}, ` +
            `RSS ${sampler.last?.rssMiB.toFixed(0)} MiB, CPU ${sampler.cpuS.toFixed(1)} s`,
        );
      })
      .catch(() => {});
  }, 2000);
  try {
    await pool(hs, createConcurrency, async (h) => {
      await client.request(HttpMethod.POST, resourcePath(API_VERSION, PLURAL, h.metadata.namespace), {
        body: h,
      });
      created++;
    });
    const createdAt = performance.now();
    const appliedAt = await tracker.until(() => allApplied(tracker, expected), timeoutMs);
    progress(`${tag}: every child applied after ${secs(t0, appliedAt).toFixed(1)} s`);
    const readyAt = await tracker.until(() => tracker.ready.size >= n, timeoutMs);
    progress(`${tag}: every HelloService Ready after ${secs(t0, readyAt).toFixed(1)} s`);
    const atReady = await scrape(op.metricsAddress);
    const writes =
      metric(atReady, 'hello_operator_api_writes_total') - metric(before, 'hello_operator_api_writes_total');
    const byKind = [...atReady]
      .filter(([s, v]) => s.startsWith('hello_operator_api_writes_total{') && v > 0)
      .map(([s, v]) => `${s.slice(s.indexOf('{'))} ${v}`);
    progress(`${tag}: writes by kind and verb: ${byKind.join(', ')}`);
    const figures = requestFigures(requestsBetween(requestStats(before), requestStats(atReady)));
    progress(
      `${tag}: requests per HelloService ${JSON.stringify(figures.requestsPerHs)}, p50 ${figures.p50Ms.toFixed(1)} ms, ` +
        `p99 ${figures.p99Ms.toFixed(1)} ms; created all in ${secs(t0, createdAt).toFixed(1)} s`,
    );
    progress(`${tag}: steady state for ${steadyS} s`);
    await sleep(steadyS * 1000);
    const after = await scrape(op.metricsAddress);
    const steadyWrites =
      metric(after, 'hello_operator_api_writes_total') - metric(atReady, 'hello_operator_api_writes_total');
    const steadyReconciles =
      metric(after, 'controller_runtime_reconcile_total') -
      metric(atReady, 'controller_runtime_reconcile_total');
    const cpuS = sampler.cpuS;
    progress(
      `${tag}: steady: ${steadyWrites} writes, ${steadyReconciles} reconciles; reconciles total ` +
        `${metric(after, 'controller_runtime_reconcile_total')}, errors ${metric(after, 'controller_runtime_reconcile_errors_total')}`,
    );

    // Phase 2: every message changed at once.
    progress(`${tag}: phase 2, every message changed at once`);
    const p0 = performance.now();
    await pool(hs, createConcurrency, async (h) => {
      await client.request(
        HttpMethod.PATCH,
        resourcePath(API_VERSION, PLURAL, h.metadata.namespace, h.metadata.name),
        { body: { spec: { message: secondMessage(h) } }, contentType: 'application/merge-patch+json' },
      );
    });
    const phase2At = await tracker.until(() => Tracker.atLeast(tracker.readyAtGeneration, 2) >= n, timeoutMs);
    progress(
      `${tag}: every HelloService Ready at its new generation after ${secs(p0, phase2At).toFixed(1)} s`,
    );
    sampler.stop();
    return {
      n,
      appliedS: secs(t0, appliedAt),
      readyS: secs(t0, readyAt),
      writesPerHs: writes / n,
      peakRssMiB: sampler.peakRssMiB,
      memoryLimitMiB: op.memoryLimitBytes && op.memoryLimitBytes / 2 ** 20,
      cpuS,
      steadyWrites,
      steadyS,
      phase2S: secs(p0, phase2At),
      phase2CpuS: sampler.cpuS - cpuS,
      ...figures,
    };
  } finally {
    clearInterval(ticker);
    sampler.stop();
    tracker.stop();
    progress(`${tag}: stopping (${op.logLines()} log lines)`);
    await op.stop();
    running = undefined;
  }
}

/** The floor's part: the rendered children applied straight, then phase 2's children likewise. */
async function runFloor(cluster: Cluster, toCleanUp: string[], work: string): Promise<FloorRun> {
  const { kc, kubeconfig } = cluster;
  const recorder = new RequestRecorder();
  const client = new KubeClient(kc, (method, _code, seconds) => recorder.observe(method, seconds));
  const prefix = `bench-floor-${runId}`;
  const hs = helloServices(prefix);
  const renderAll = (list: HelloServiceSpec[]) => {
    const r = render(list.map((h) => `---\n${stringify(h)}`).join(''), undefined);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    return r.children;
  };
  const children = renderAll(hs);
  const expected = expectedCounts(children);
  // Not through the observed client: only the floor's applies count as its requests.
  toCleanUp.push(...(await createNamespaces(cluster.client, prefix)));
  const tracker = new Tracker(kc, (ns) => ns.startsWith(`${prefix}-`));
  await tracker.start(childKinds(expected), selector);
  const method =
    floorMethod === 'kubectl'
      ? `kubectl apply --server-side x${floorProcs}`
      : `server-side apply PATCH, ${floorConcurrency} at once`;
  const apply = async (list: typeof children) => {
    const groups = byOwner(list);
    if (floorMethod === 'kubectl') await applyWithKubectl(kubeconfig, groups, floorProcs, work);
    else await applyWithPatch(client, groups, floorConcurrency);
  };
  progress(`floor: ${children.length} children of ${n} HelloServices by ${method}`);
  const f0 = performance.now();
  const ticker = setInterval(() => {
    progress(
      `floor ${secs(f0, performance.now()).toFixed(1)} s: children ${childCount(tracker, expected)}/` +
        `${children.length}, Deployments available ${tracker.available.size}/${n}, at generation 2 ` +
        `${Tracker.atLeast(tracker.availableAtGeneration, 2)}`,
    );
  }, 2000);
  try {
    await apply(children);
    progress(`floor: apply calls done after ${secs(f0, performance.now()).toFixed(1)} s`);
    const appliedAt = await tracker.until(() => allApplied(tracker, expected), timeoutMs);
    const availableAt = await tracker.until(() => tracker.available.size >= n, timeoutMs);
    const figures = requestFigures(recorder.stats());
    progress(`floor: phase 2, the children of every changed message applied at once`);
    const p0 = performance.now();
    await apply(renderAll(hs.map(withSecondMessage)));
    const phase2At = await tracker.until(
      () => Tracker.atLeast(tracker.availableAtGeneration, 2) >= n,
      timeoutMs,
    );
    return {
      method,
      appliedS: secs(f0, appliedAt),
      availableS: secs(f0, availableAt),
      phase2S: secs(p0, phase2At),
      ...(floorMethod === 'kubectl' ? {} : figures),
    };
  } finally {
    clearInterval(ticker);
    tracker.stop();
  }
}

const runId = Date.now().toString(36).slice(-5);
const selector = `${MANAGED_BY_LABEL}=${MANAGED_BY}`;
const hsKind = { apiVersion: API_VERSION, kind: KIND, plural: PLURAL };

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'hello-bench-operator-'));
  // Each part starts on a new fake-node cluster of its own: the same start for all, and far faster
  // than deleting thousands of objects (minutes of garbage collection that would go on while the
  // next part is timed). BENCH_KUBECONFIG: a cluster of yours, cleaned by deleting the namespaces.
  const managed = !process.env.BENCH_KUBECONFIG;
  const kubeconfig = process.env.BENCH_KUBECONFIG ?? join(root, '.cluster', 'fake-kubeconfig');
  // up-fake.sh's kwok nodes take 1000 pods each; two pods per HelloService, and phase 2's rollout
  // has old and new pods side by side.
  const nodes = Math.max(3, Math.ceil((4 * n) / 800));
  let current: Cluster | undefined;
  const toCleanUp: string[] = [];
  const freshCluster = async (): Promise<Cluster> => {
    if (current && !managed) {
      progress("deleting the last part's namespaces and waiting until they are gone");
      const gone = await deleteNamespaces(current.client, toCleanUp.splice(0), true);
      progress(`namespaces gone after ${gone.toFixed(1)} s`);
    }
    if (managed) {
      toCleanUp.splice(0);
      progress(`new fake-node cluster with ${nodes} kwok nodes`);
      await runScript('down.sh', ['fake']);
      await runScript('up-fake.sh', [String(nodes)], { HELLO_KUBECONFIG_OUT: kubeconfig });
    }
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    installCrd(kubectlFor(kubeconfig));
    current = { kc, client: new KubeClient(kc), kubeconfig };
    return current;
  };

  try {
    // Built before any cluster starts: a cold build is not part of anything timed.
    const twin = parts.has('twin') ? await twinBinary(progress) : undefined;
    let bundle: string | undefined;
    if (parts.has('operator')) {
      progress('bundling the operator (dist/operator/main.mjs, as the image runs it)');
      await runScript('bundle.sh', ['operator']);
      bundle = join(root, 'dist', 'operator', 'main.mjs');
    }
    let ours: OperatorRun | undefined;
    let goTwin: OperatorRun | undefined;
    let floor: FloorRun | undefined;
    if (bundle) {
      const operatorBundle = bundle;
      const extra = (process.env.BENCH_OPERATOR_ARGS ?? '').split(/\s+/).filter(Boolean);
      ours = await runController(
        'operator',
        await freshCluster(),
        () => startOperator(operatorBundle, kubeconfig, [`--workload-image=${workloadImage}`, ...extra]),
        toCleanUp,
      );
    }
    if (twin) {
      const extra = (process.env.BENCH_TWIN_ARGS ?? '').split(/\s+/).filter(Boolean);
      const childrenDir = join(work, 'twin-children');
      goTwin = await runController(
        'twin',
        await freshCluster(),
        async (hs) => {
          // Both messages' children, rendered before the twin starts (not timed).
          writeRenderedChildren(childrenDir, [...hs, ...hs.map(withSecondMessage)]);
          return startTwin(twin, kubeconfig, childrenDir, extra);
        },
        toCleanUp,
      );
    }
    if (parts.has('floor')) floor = await runFloor(await freshCluster(), toCleanUp, work);
    if (ours) process.stdout.write(`\n${formatReport(ours, floor, goTwin)}\n\n`);
    else process.stdout.write(`\n${JSON.stringify({ twin: goTwin, floor }, null, 2)}\n\n`);
  } finally {
    if (current) await deleteNamespaces(current.client, toCleanUp, false).catch(() => 0);
    rmSync(work, { recursive: true, force: true });
    if (managed && process.env.BENCH_KEEP_CLUSTER !== '1') {
      progress('stopping the fake-node cluster');
      await runScript('down.sh', ['fake']);
    }
  }
}

await main();
process.exit(0);
