// npm run bench:operator -- [N]   (default 1000)
// On a kwok fake-node cluster (started here, or BENCH_KUBECONFIG=<path> for one already up): the
// operator (its esbuild bundle, own process) against N HelloServices created at once, then the floor:
// the same children rendered by `render` and applied straight with server-side apply. Prints
// progress, then the table (bench/operator/summary.ts). Loopback only; fake pod IPs are never dialled.
// Settings (env): BENCH_NAMESPACES (N/100, 1..10), BENCH_CREATE_CONCURRENCY (32),
// BENCH_STEADY_SECONDS (30), BENCH_FLOOR=patch|kubectl|none (patch;
// none: the operator alone, for trying its settings), BENCH_FLOOR_PROCS (8, kubectl),
// BENCH_FLOOR_CONCURRENCY (32, patch), BENCH_OPERATOR_ARGS (extra operator flags),
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
import { startOperator, waitReady } from './operator/operator.ts';
import { Sampler } from './operator/proc.ts';
import { type FloorRun, formatReport, type OperatorRun } from './operator/summary.ts';
import { Tracker } from './operator/tracker.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const n = positive('N', Number(process.argv[2] ?? 1000));
const namespaces = int('BENCH_NAMESPACES', Math.max(1, Math.min(10, Math.ceil(n / 100))));
const createConcurrency = int('BENCH_CREATE_CONCURRENCY', 32);
const steadyS = int('BENCH_STEADY_SECONDS', 30);
const floorMethod = (process.env.BENCH_FLOOR ?? 'patch') as FloorMethod | 'none';
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

async function main(): Promise<void> {
  const runId = Date.now().toString(36).slice(-5);
  const work = mkdtempSync(join(tmpdir(), 'hello-bench-operator-'));
  // Each part (operator, floor) starts on a new fake-node cluster of its own: the same start for
  // both, and far faster than deleting thousands of objects (minutes of garbage collection that
  // would go on while the next part is timed). BENCH_KUBECONFIG: a cluster of yours, cleaned by
  // deleting the namespaces instead.
  const managed = !process.env.BENCH_KUBECONFIG;
  const kubeconfig = process.env.BENCH_KUBECONFIG ?? join(root, '.cluster', 'fake-kubeconfig');
  // up-fake.sh's kwok nodes take 1000 pods each; two pods per HelloService.
  const nodes = Math.max(3, Math.ceil((2 * n) / 800));
  const freshCluster = async () => {
    if (managed) {
      progress(`new fake-node cluster with ${nodes} kwok nodes`);
      await runScript('down.sh', ['fake']);
      await runScript('up-fake.sh', [String(nodes)], { HELLO_KUBECONFIG_OUT: kubeconfig });
    }
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    installCrd(kubectlFor(kubeconfig));
    return { kc, client: new KubeClient(kc) };
  };
  let { kc, client } = await freshCluster();
  progress('bundling the operator (dist/operator/main.mjs, as the image runs it)');
  await runScript('bundle.sh', ['operator']);
  const bundle = join(root, 'dist', 'operator', 'main.mjs');
  const selector = `${MANAGED_BY_LABEL}=${MANAGED_BY}`;
  const hsKind = { apiVersion: API_VERSION, kind: KIND, plural: PLURAL };
  const toCleanUp: string[] = [];

  try {
    // --- 1. the operator ---
    const opPrefix = `bench-op-${runId}`;
    const opHs = helloServices(opPrefix);
    const opRender = render(opHs.map((h) => `---\n${stringify(h)}`).join(''), undefined);
    if (!opRender.ok) throw new Error(opRender.errors.join('\n'));
    const expected = expectedCounts(opRender.children);
    const kinds = childKinds(expected);
    progress(
      `operator run: ${n} HelloServices in ${namespaces} namespaces, ${opRender.children.length} children ` +
        `(${[...expected].map(([k, c]) => `${c} ${k}`).join(', ')})`,
    );
    toCleanUp.push(...(await createNamespaces(client, opPrefix)));
    const opTracker = new Tracker(kc, (ns) => ns.startsWith(`${opPrefix}-`));
    await opTracker.start(kinds, selector, hsKind);
    const extra = (process.env.BENCH_OPERATOR_ARGS ?? '').split(/\s+/).filter(Boolean);
    const op = await startOperator(bundle, kubeconfig, [`--workload-image=${workloadImage}`, ...extra]);
    running = op;
    const sampler = new Sampler(op.pid);
    await waitReady(op.healthAddress);
    const limit = op.memoryLimitBytes
      ? `memory limit ${op.memoryLimitBytes / 2 ** 20} MiB (the Deployment's, by a memory cgroup)`
      : 'no memory limit';
    progress(
      `operator pid ${op.pid} ready (caches synced), ${sampler.last?.rssMiB.toFixed(0)} MiB RSS, ${limit}`,
    );

    let created = 0;
    const t0 = performance.now();
    const ticker = setInterval(() => {
      void scrape(op.metricsAddress)
        .then((m) => {
          progress(
            `op ${secs(t0, performance.now()).toFixed(1)} s: created ${created}/${n}, children ` +
              `${childCount(opTracker, expected)}/${opRender.children.length}, Deployments available ` +
              `${opTracker.available.size}, Ready ${opTracker.ready.size}/${n}, writes ` +
              `${metric(m, 'hello_operator_api_writes_total')}, reconciles ${metric(m, 'controller_runtime_reconcile_total')}, ` +
              `queue ${metric(m, 'workqueue_depth')}, RSS ${sampler.last?.rssMiB.toFixed(0)} MiB (heap used ` +
              `${(metric(m, 'nodejs_heap_size_used_bytes') / 2 ** 20).toFixed(0)} MiB), CPU ${sampler.cpuS.toFixed(1)} s`,
          );
        })
        .catch(() => {});
    }, 2000);
    const creating = pool(opHs, createConcurrency, async (h) => {
      await client.request(HttpMethod.POST, resourcePath(API_VERSION, PLURAL, h.metadata.namespace), {
        body: h,
      });
      created++;
    });
    await creating;
    const createdAt = performance.now();
    const appliedAt = await opTracker.until(() => allApplied(opTracker, expected), timeoutMs);
    progress(`op: every child applied after ${secs(t0, appliedAt).toFixed(1)} s`);
    const readyAt = await opTracker.until(() => opTracker.ready.size >= n, timeoutMs);
    progress(`op: every HelloService Ready after ${secs(t0, readyAt).toFixed(1)} s`);
    const atReady = await scrape(op.metricsAddress);
    const writes = metric(atReady, 'hello_operator_api_writes_total');
    clearInterval(ticker);
    const byKind = [...atReady]
      .filter(([s, v]) => s.startsWith('hello_operator_api_writes_total{') && v > 0)
      .map(([s, v]) => `${s.slice(s.indexOf('{'))} ${v}`);
    progress(`op: writes by kind and verb: ${byKind.join(', ')}`);
    // Where a reconcile's time goes: its requests' latency, by verb (the API server's answer time
    // as the operator sees it, queueing in the API server included).
    const latency = ['GET', 'PATCH', 'POST', 'DELETE']
      .map((verb) => {
        const count = metric(atReady, 'rest_client_request_duration_seconds_count', { verb });
        const sum = metric(atReady, 'rest_client_request_duration_seconds_sum', { verb });
        return count > 0 ? `${verb} ${count} x ${((1000 * sum) / count).toFixed(0)} ms` : '';
      })
      .filter(Boolean);
    const reconcileS =
      metric(atReady, 'controller_runtime_reconcile_time_seconds_sum') /
      Math.max(1, metric(atReady, 'controller_runtime_reconcile_time_seconds_count'));
    progress(
      `op: requests (mean latency) ${latency.join(', ')}; reconciles ${(reconcileS * 1000).toFixed(0)} ms on average`,
    );
    progress(`op: steady state for ${steadyS} s`);
    await sleep(steadyS * 1000);
    const after = await scrape(op.metricsAddress);
    const steadyWrites = metric(after, 'hello_operator_api_writes_total') - writes;
    const steadyReconciles =
      metric(after, 'controller_runtime_reconcile_total') -
      metric(atReady, 'controller_runtime_reconcile_total');
    sampler.stop();
    const opRun: OperatorRun = {
      n,
      appliedS: secs(t0, appliedAt),
      readyS: secs(t0, readyAt),
      writesPerHs: writes / n,
      peakRssMiB: sampler.peakRssMiB,
      memoryLimitMiB: op.memoryLimitBytes && op.memoryLimitBytes / 2 ** 20,
      cpuS: sampler.cpuS,
      steadyWrites,
      steadyS,
    };
    progress(
      `op: created all in ${secs(t0, createdAt).toFixed(1)} s; steady: ${steadyWrites} writes, ${steadyReconciles} reconciles; ` +
        `reconciles total ${metric(after, 'controller_runtime_reconcile_total')}, errors ` +
        `${metric(after, 'controller_runtime_reconcile_errors_total')}; ${op.logLines()} log lines`,
    );
    opTracker.stop();
    await op.stop();
    running = undefined;
    if (managed) {
      toCleanUp.splice(0);
    } else {
      progress('operator stopped; deleting its namespaces and waiting until they are gone');
      const gone = await deleteNamespaces(client, toCleanUp.splice(0), true);
      progress(`namespaces gone after ${gone.toFixed(1)} s`);
    }

    if (floorMethod === 'none') {
      process.stdout.write(`\n${formatReport(opRun, undefined)}\n\n`);
      return;
    }

    // --- 2. the floor ---
    if (managed) ({ kc, client } = await freshCluster());
    const floorPrefix = `bench-floor-${runId}`;
    const floorHs = helloServices(floorPrefix);
    const floorRender = render(floorHs.map((h) => `---\n${stringify(h)}`).join(''), undefined);
    if (!floorRender.ok) throw new Error(floorRender.errors.join('\n'));
    toCleanUp.push(...(await createNamespaces(client, floorPrefix)));
    const floorTracker = new Tracker(kc, (ns) => ns.startsWith(`${floorPrefix}-`));
    await floorTracker.start(kinds, selector);
    const groups = byOwner(floorRender.children);
    const method =
      floorMethod === 'kubectl'
        ? `kubectl apply --server-side x${floorProcs}`
        : `server-side apply PATCH, ${floorConcurrency} at once`;
    progress(`floor: ${floorRender.children.length} children of ${groups.length} HelloServices by ${method}`);
    const f0 = performance.now();
    const floorTicker = setInterval(() => {
      progress(
        `floor ${secs(f0, performance.now()).toFixed(1)} s: children ${childCount(floorTracker, expected)}/` +
          `${floorRender.children.length}, Deployments available ${floorTracker.available.size}/${n}`,
      );
    }, 2000);
    if (floorMethod === 'kubectl') await applyWithKubectl(kubeconfig, groups, floorProcs, work);
    else await applyWithPatch(client, groups, floorConcurrency);
    progress(`floor: apply calls done after ${secs(f0, performance.now()).toFixed(1)} s`);
    const floorApplied = await floorTracker.until(() => allApplied(floorTracker, expected), timeoutMs);
    const floorAvailable = await floorTracker.until(() => floorTracker.available.size >= n, timeoutMs);
    clearInterval(floorTicker);
    floorTracker.stop();
    const floor: FloorRun = {
      method,
      appliedS: secs(f0, floorApplied),
      availableS: secs(f0, floorAvailable),
    };
    process.stdout.write(`\n${formatReport(opRun, floor)}\n\n`);
  } finally {
    await deleteNamespaces(client, toCleanUp, false).catch(() => 0);
    rmSync(work, { recursive: true, force: true });
    if (managed && process.env.BENCH_KEEP_CLUSTER !== '1') {
      progress('stopping the fake-node cluster');
      await runScript('down.sh', ['fake']);
    }
  }
}

await main();
process.exit(0);
